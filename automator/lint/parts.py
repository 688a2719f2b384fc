"""Open a template: is it a usable .docx, its body/header/footer parts, its paragraphs, its fonts."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from automator.errors import DAMAGED_PACKAGE
from automator.lint.problem import LintProblem
from automator.outputs.verify import _text as paragraph_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": None,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "Word 模板 (.dotx)",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "启用宏的文档 (.docm)",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "启用宏的模板 (.dotm)",
}
RESAVE = "请另存为 Word .docx（在 Word 或 WPS 中：文件 → 另存为 →「Word 文档 (*.docx)」）"
FONTS = ("默认样式没有设置中文字体（w:eastAsia）或中文语言（zh-CN），在部分 Word/WPS 中中文会显示成日文字体；"
         "请在「正文」样式中设置中文字体（如宋体）")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass
class Unit:
    """One paragraph as a user sees it: where it is, its element, its text."""

    part: str
    where: str
    p: Any
    text: str


# --------------------------------------------------------------------------- the package


def open_parts(path: Path, problems: list[LintProblem]) -> dict[str, Any] | None:
    """{'正文'|'页眉'|'页脚'|…: root element} or None after recording why the file is unusable."""
    def bad(message: str) -> None:
        problems.append(LintProblem("文件", "", message))

    suffix = path.suffix.lower()
    if suffix in (".doc", ".dot", ".odt", ".ott", ".wps", ".rtf", ".dotx", ".dotm", ".docm"):
        bad(f"这是 {suffix} 文件，不是 Word .docx；{RESAVE}")
        return None
    try:
        head = path.read_bytes()[:8]
    except OSError as exc:
        bad(f"无法读取文件：{exc.strerror or exc}")
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        bad(f"这是旧版 Word (.doc) 或加密文件，不是 .docx；{RESAVE}（不要设置打开密码）")
        return None
    try:
        archive = zipfile.ZipFile(path)
    except (*DAMAGED_PACKAGE, OSError):
        bad(f"不是 Word .docx 文件（不是 zip 压缩包，可能已损坏或不完整）；{RESAVE}")
        return None
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names and "[Content_Types].xml" not in names:
            bad(f"这是 OpenDocument (.odt) 文件，不是 Word .docx；{RESAVE}")
            return None
        try:
            return _read_parts(archive, names, bad)
        except (*DAMAGED_PACKAGE, OSError, etree.XMLSyntaxError) as exc:
            bad(f"文件已损坏，无法读取：{exc}；{RESAVE}")
            return None


def _main_part(archive: zipfile.ZipFile, names: set[str], bad: Callable[[str], None]) -> str | None:
    """The name of the main document part, or None when the package is not a plain Word document."""
    if "[Content_Types].xml" not in names:
        bad(f"不是 Word .docx 文件（缺少 [Content_Types].xml）；{RESAVE}")
        return None
    if "_rels/.rels" not in names:
        bad(f"不是 Word .docx 文件（缺少 _rels/.rels）；{RESAVE}")
        return None
    package_rels = etree.fromstring(archive.read("_rels/.rels"), PARSER)
    office = next((r for r in package_rels if r.get("Type", "").endswith("/officeDocument")), None)
    if office is None or "purl.oclc.org" in office.get("Type", ""):
        kind = "「Strict Open XML」格式的文档" if office is not None else "没有 Word 正文部件的文件"
        bad(f"这是{kind}，无法作为模板使用；{RESAVE}")
        return None
    main = office.get("Target", "").lstrip("/")
    types = etree.fromstring(archive.read("[Content_Types].xml"), PARSER)
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType") for o in types if o.get("PartName")}
    if overrides.get(main) not in MAIN_TYPES:
        bad(f"{main} 不是 Word 正文（类型 {overrides.get(main)}）；{RESAVE}")
        return None
    if MAIN_TYPES[overrides[main]]:
        bad(f"这是{MAIN_TYPES[overrides[main]]}，不是普通 Word 文档；{RESAVE}")
        return None
    return main


def _read_parts(archive: zipfile.ZipFile, names: set[str],
                bad: Callable[[str], None]) -> dict[str, Any] | None:
    main = _main_part(archive, names, bad)
    if main is None:
        return None
    for name in sorted(n for n in names if n.endswith((".xml", ".rels")) and n != main):
        try:  # python-docx parses every XML part when it opens the template
            etree.fromstring(archive.read(name), PARSER)
        except etree.XMLSyntaxError as exc:
            bad(f"{name} 已损坏（XML 错误：{exc}）；{RESAVE}")
            return None
    parts: dict[str, Any] = {}
    folder = main.rsplit("/", 1)[0] + "/" if "/" in main else ""
    rel_targets = _related(archive, names, main, folder)
    for name in [main, *rel_targets]:
        label = "正文" if name == main else ("页眉" if "header" in name else "页脚")
        if name not in names:
            bad(f"{name} 在文件中找不到；{RESAVE}")
            return None
        try:
            parts[label if label not in parts else f"{label}{len(parts)}"] = etree.fromstring(
                archive.read(name), PARSER)
        except etree.XMLSyntaxError as exc:
            bad(f"{name} 已损坏（XML 错误：{exc}）；{RESAVE}")
            return None
    return parts


def _related(archive: zipfile.ZipFile, names: set[str], main: str, folder: str) -> list[str]:
    """Header and footer parts of the main document, from its relationships."""
    rels_name = f"{folder}_rels/{main.rsplit('/', 1)[-1]}.rels"
    if rels_name not in names:
        return []
    rels = etree.fromstring(archive.read(rels_name), PARSER)
    out = []
    for rel in rels:
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("header", "footer") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            out.append(target.lstrip("/") if target.startswith("/") else folder + target)
    return out


# --------------------------------------------------------------------------- paragraphs and fonts


def paragraphs(parts: dict[str, Any]) -> list[Unit]:
    """Every paragraph of every part, named as a user finds it: 第12段, 表格2 第3行第1列, 页眉."""
    out: list[Unit] = []
    counters = {"p": 0, "tbl": 0}

    def walk(container: Any) -> None:
        for child in container:
            if child.tag == f"{W}p":
                counters["p"] += 1
                out.append(Unit("正文", f"第{counters['p']}段", child, paragraph_text(child)))
            elif child.tag == f"{W}tbl":
                counters["tbl"] += 1
                for r, tr in enumerate(child.findall(f"{W}tr"), start=1):
                    for c, tc in enumerate(tr.findall(f"{W}tc"), start=1):
                        where = f"表格{counters['tbl']} 第{r}行第{c}列"
                        out.extend(Unit("正文", where, p, paragraph_text(p)) for p in tc.iter(f"{W}p"))
            elif child.tag != f"{W}sectPr":
                walk(child)

    for label, root in parts.items():
        if label == "正文":
            body = root.find(f"{W}body")
            walk(body if body is not None else root)
        else:
            out += [Unit(label, label[:2], p, paragraph_text(p)) for p in root.iter(f"{W}p")]
    return out


def font_warnings(path: Path) -> list[LintProblem]:
    """Normal style and docDefaults need an explicit East-Asian font and zh-CN (pitfall 2.2)."""
    try:
        with zipfile.ZipFile(path) as archive:
            styles = etree.fromstring(archive.read("word/styles.xml"), PARSER)
    except (*DAMAGED_PACKAGE, OSError, etree.XMLSyntaxError):
        return []  # no styles part at all (Word's defaults apply), or damage reported already
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    fonts = defaults.find(f"{W}rFonts") if defaults is not None else None
    lang = defaults.find(f"{W}lang") if defaults is not None else None
    if fonts is not None and fonts.get(f"{W}eastAsia") and lang is not None \
            and lang.get(f"{W}eastAsia") == "zh-CN":
        return []
    return [LintProblem("样式", "", FONTS, severity="warning")]
