"""Re-open a rendered .docx and make sure it is a document we can send.

    problems = verify_docx(path, expected_values(context))   # [] = fine

Reads the zip parts directly with a strict lxml parser (faster than a full
python-docx open, and stricter: docxtpl itself parses with recover=True, which
hides broken XML, pitfall 1.1). Checks: every `word/` XML part parses; no
template tag is left (1.5); no `None`/`nan` shows as a value (1.3); every
section is A4 (2.3); optionally, each expected value appears in the text.
Parts with no text to check (styles, theme, settings…) that are byte-identical to
one already parsed cleanly in this process are not parsed again.
"""

from __future__ import annotations

import re
import threading
import zipfile
from pathlib import Path
from typing import IO

from lxml import etree

from automator.errors import DAMAGED_PACKAGE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAGS = re.compile(r"\{\{|\{%|｛｛|\{％|｛%|%\}|\}\}|％\}|｝｝|\{#|#\}")
_EMPTY_WORDS = {"None", "none", "nan", "NaN", "NaT", "null", "NULL", "undefined"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_TEXT_PARTS = ("word/document", "word/header", "word/footer", "word/footnotes")
# Exact bytes of parts without text that parsed cleanly: parsing them again can only
# give the same answer. Most are the template's own parts, so the set stays small.
_GOOD: set[bytes] = set()
_GOOD_LOCK = threading.Lock()
_GOOD_MAX = 64


def _text(el: etree._Element) -> str:
    """Visible text of a paragraph (or cell): runs, tabs and line breaks."""
    out = []
    for node in el.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if node.tag == f"{W}t":
            out.append(node.text or "")
        elif node.tag == f"{W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _part_label(name: str) -> str:
    if "header" in name:
        return "页眉"
    if "footer" in name:
        return "页脚"
    return "正文" if name.endswith("document.xml") else name


def _sections(root: etree._Element) -> list[str]:
    problems = []
    sections = list(root.iter(f"{W}sectPr"))
    if not sections:
        return ["缺少页面设置（w:sectPr）：模板中的标签可能被拆开，导致后面的内容被删掉"]
    for index, sect in enumerate(sections, start=1):
        size = sect.find(f"{W}pgSz")
        try:
            short, long_ = sorted((int(size.get(f"{W}w")), int(size.get(f"{W}h"))))
        except (AttributeError, TypeError, ValueError):
            short = long_ = 0
        if abs(short - 11906) > 20 or abs(long_ - 16838) > 20:
            shown = f"{size.get(f'{W}w')}×{size.get(f'{W}h')}" if size is not None else "未设置"
            problems.append(f"第{index}节的纸张不是 A4（{shown}，应为 11906×16838）")
    return problems


def verify_docx(path: Path | IO[bytes], expected: dict[str, str] | None = None) -> list[str]:
    """Problems with the rendered document at `path`, as Chinese sentences; [] when it is fine.

    `expected` maps where a value came from (`client`, `plan[2].net`) to its text: each
    must appear in the document, and tag-like text inside them (`{{ 7*7 }}` typed by a
    user) is not mistaken for a leftover tag.
    """
    expected = expected or {}
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, *DAMAGED_PACKAGE) as exc:
        return [f"输出文件无法作为 .docx 打开：{exc}"]
    problems: list[str] = []
    texts: list[tuple[str, str]] = []   # (part label, paragraph or cell text)
    body = None
    with archive:
        names = archive.namelist()
        if len(names) != len(set(names)):
            problems.append("输出文件中有重复的部件名（zip 成员重复）")
        if "word/document.xml" not in names:
            return [*problems, "输出文件缺少 word/document.xml"]
        for name in names:
            if not name.startswith("word/") or not name.endswith((".xml", ".rels")):
                continue
            has_text = name.startswith(_TEXT_PARTS)
            try:
                data = archive.read(name)
                if not has_text and data in _GOOD:
                    continue
                root = etree.fromstring(data, _PARSER)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name} 不是有效的 XML：{exc}")
                continue
            except (OSError, *DAMAGED_PACKAGE) as exc:
                problems.append(f"{name} 无法读取：{exc}")
                continue
            if not has_text:
                _remember(data)
                continue
            if name == "word/document.xml":
                body = root
            label = _part_label(name)
            texts += [(label, _text(p)) for p in root.iter(f"{W}p")]
            texts += [(f"{label}表格", _text(tc)) for tc in root.iter(f"{W}tc")]
    if body is not None:
        problems += _sections(body)
    problems += _leftovers(texts, expected)
    problems += _missing(texts, expected)
    return problems


def _remember(data: bytes) -> None:
    with _GOOD_LOCK:
        if len(_GOOD) >= _GOOD_MAX:
            _GOOD.clear()
        _GOOD.add(data)


def _leftovers(texts: list[tuple[str, str]], expected: dict[str, str]) -> list[str]:
    allowed = sorted((v for v in expected.values() if _TAGS.search(v) or v.strip() in _EMPTY_WORDS),
                     key=len, reverse=True)
    problems = []
    seen: set[str] = set()
    for label, text in texts:
        for value in allowed:
            text = text.replace(value, "")
        match = _TAGS.search(text)
        if match and text not in seen:
            seen.add(text)
            problems.append(f"{label}中残留模板标签「{match.group()}」：{text.strip()[:60]}")
        elif text.strip() in _EMPTY_WORDS and text not in seen:
            seen.add(text)
            problems.append(f"{label}中出现「{text.strip()}」：空值没有被替换成空白")
    return problems


def _missing(texts: list[tuple[str, str]], expected: dict[str, str]) -> list[str]:
    if not expected:
        return []
    whole = "\n".join(text for _, text in texts)
    return [f"文档中找不到「{key}」的内容「{value[:40]}」" for key, value in expected.items()
            if value.strip() and value not in whole]
