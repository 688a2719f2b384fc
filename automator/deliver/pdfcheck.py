"""Checking a PDF we made before it goes anywhere: it opens, it has the pages LibreOffice
laid out, every font is embedded (a client's machine without 宋体 must show the same
characters), and its text reads back as text (no `(cid:…)` boxes).

    problems = verify_pdf(path, pages=2, text="冬季新品上市创意提案会")   # [] when good
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _resolve(obj: Any) -> Any:
    from pdfminer.pdftypes import resolve1

    return resolve1(obj)


def _embedded(font: dict[str, Any]) -> bool:
    """A font carries its glyphs: Type3 always; Type0 through its descendant's descriptor."""
    subtype = getattr(_resolve(font.get("Subtype")), "name", "")
    if subtype == "Type3":
        return True
    if subtype == "Type0":
        descendants = _resolve(font.get("DescendantFonts")) or []
        return bool(descendants) and all(_embedded(_resolve(d)) for d in descendants)
    descriptor = _resolve(font.get("FontDescriptor")) or {}
    return any(key in descriptor for key in ("FontFile", "FontFile2", "FontFile3"))


def fonts(path: Path) -> dict[str, bool]:
    """Every font the pages use: base name → embedded?"""
    import pdfplumber

    out: dict[str, bool] = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            resources = _resolve(page.page_obj.resources) or {}
            for ref in (_resolve(resources.get("Font")) or {}).values():
                font = _resolve(ref)
                name = getattr(_resolve(font.get("BaseFont")), "name", "?")
                out[name] = out.get(name, True) and _embedded(font)
            page.close()
    return out


def verify_pdf(path: Path, *, pages: int | None = None, text: str | None = None) -> list[str]:
    """What is wrong with the PDF, in words (empty when it is good)."""
    import pdfplumber

    try:
        if not path.read_bytes()[:5] == b"%PDF-":
            return ["文件不是 PDF"]
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            extracted = "".join((p.extract_text() or "") for p in pdf.pages[:2])
    except Exception as exc:  # noqa: BLE001 - any failure to parse is the finding itself
        return [f"PDF 无法打开：{type(exc).__name__}: {exc}"]
    problems = []
    if count == 0:
        problems.append("PDF 没有页面")
    if pages is not None and count != pages:
        problems.append(f"PDF 有 {count} 页，LibreOffice 排版的文档有 {pages} 页")
    missing = [name for name, ok in fonts(path).items() if not ok]
    if missing:
        problems.append("字体未嵌入：" + "、".join(missing))
    if "(cid:" in extracted:
        problems.append("PDF 的文字无法读回（字体缺少字符映射）")
    elif text and "".join(text.split()) not in "".join(extracted.split()):
        problems.append(f"PDF 中找不到文档标题「{text}」")
    return problems
