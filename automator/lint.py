"""Check a Word template before anything is rendered with it.

    problems = lint_template(Path("templates/agenda.docx"), rule, ruleset)   # [] = usable

A user who edits a template in Word or WPS and breaks it gets a precise message
naming the place (`第12段`, `表格2 第3行第1列`, `页眉`), the tag and what to do:
wrong file type, damaged XML, tracked changes, look-alike braces typed with a
Chinese IME, tags Word split in a way docxtpl cannot repair, unpaired `{%tr %}`
/ `{%p %}` blocks, Jinja syntax errors, unsafe attribute access, and — given the
rule — variables the data does not provide and required fields never used.
Finally a trial render with the rule's example values must pass `verify_docx`.
Never raises on any input file.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateSyntaxError, nodes
from lxml import etree

from automator.stages.verify import _sections as page_problems
from automator.stages.verify import _text as paragraph_text

if TYPE_CHECKING:
    from automator.rules.loader import RuleSet
    from automator.rules.model import Rule

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": None,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "Word 模板 (.dotx)",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "启用宏的文档 (.docm)",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "启用宏的模板 (.dotm)",
}
RESAVE = "请另存为 Word .docx（在 Word 或 WPS 中：文件 → 另存为 →「Word 文档 (*.docx)」）"
TRACKED = "模板中有未接受的修订；请先接受所有修订（审阅 → 接受 → 接受所有修订），再保存"
LOOKALIKE = "标签括号写错了（全角括号或括号之间有空格），不会被替换；请改用半角 {{ }} 或 {% %}，括号之间不要空格"
UNCLOSED = "标签没有在同一段落内结束（中间有回车或缺少结束括号）；请把整个标签放在同一段落里"
SPLIT = "标签中间夹着{}，填充时会被删掉或破坏文档；请删掉整个标签后重新输入（不要分段、不要插入域或修订）"
NO_OPENER = "没有对应的开始标签（多余的结束标签，或开始标签被删掉了）"
DUNDER = "模板不能访问以下划线开头的属性（安全限制）；请删掉它"
FONTS = ("默认样式没有设置中文字体（w:eastAsia）或中文语言（zh-CN），在部分 Word/WPS 中中文会显示成日文字体；"
         "请在「正文」样式中设置中文字体（如宋体）")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
_LOOKALIKE = re.compile(r"[{｛]\s*[{｛%％]|[%％}｝]\s*[}｝]")
_AT = re.compile(r" at \d+$")  # Jinja's character offset means nothing to a Word user
_BLOCK = re.compile(r"^\{%-?\s*(?:(tr|tc|p|r)\s+)?(\w+)")
_OPENERS, _MIDDLES = {"for", "if", "with", "macro", "call", "filter", "raw", "block"}, {"else", "elif"}
_REMOVABLE = {"w:t", "w:r", "w:proofErr", "w:bookmarkStart", "w:bookmarkEnd", "w:lastRenderedPageBreak",
              "w:softHyphen", "w:noBreakHyphen"}
_NAMES = {"w:p": "分段（回车）", "w:tab": "制表符", "w:br": "换行", "w:fldChar": "域", "w:instrText": "域",
          "w:fldSimple": "域", "w:ins": "修订", "w:del": "修订", "w:drawing": "图片", "w:hyperlink": "超链接",
          "w:commentRangeStart": "批注", "w:commentRangeEnd": "批注", "w:sdt": "内容控件", "w:tc": "表格单元格"}


@dataclass(frozen=True)
class LintProblem:
    where: str        # 第12段 / 表格2 第3行第1列 / 页眉 / 文件
    tag: str          # the offending tag or text, "" when none
    message: str      # what is wrong and what to do, in Chinese
    severity: str = "error"   # "warning": the template still renders correctly

    def __str__(self) -> str:
        tag = f"「{self.tag}」" if self.tag else ""
        return f"{self.where}{tag}：{self.message}"


@dataclass
class _Unit:
    """One paragraph as a user sees it: where it is, its element, its text."""

    part: str
    where: str
    p: Any
    text: str


# --------------------------------------------------------------------------- the package


def _open_parts(path: Path, problems: list[LintProblem]) -> dict[str, Any] | None:
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
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError):
        bad(f"不是 Word .docx 文件（不是 zip 压缩包，可能已损坏或不完整）；{RESAVE}")
        return None
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names and "[Content_Types].xml" not in names:
            bad(f"这是 OpenDocument (.odt) 文件，不是 Word .docx；{RESAVE}")
            return None
        try:
            return _read_parts(archive, names, bad)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, KeyError,
                ValueError, etree.XMLSyntaxError) as exc:
            bad(f"文件已损坏，无法读取：{exc}；{RESAVE}")
            return None


def _read_parts(archive: zipfile.ZipFile, names: set[str], bad: Any) -> dict[str, Any] | None:
    if "[Content_Types].xml" not in names:
        bad(f"不是 Word .docx 文件（缺少 [Content_Types].xml）；{RESAVE}")
        return None
    if "_rels/.rels" not in names:
        bad(f"不是 Word .docx 文件（缺少 _rels/.rels）；{RESAVE}")
        return None
    package_rels = etree.fromstring(archive.read("_rels/.rels"), _PARSER)
    office = next((r for r in package_rels if r.get("Type", "").endswith("/officeDocument")), None)
    if office is None or "purl.oclc.org" in office.get("Type", ""):
        kind = "「Strict Open XML」格式的文档" if office is not None else "没有 Word 正文部件的文件"
        bad(f"这是{kind}，无法作为模板使用；{RESAVE}")
        return None
    main = office.get("Target", "").lstrip("/")
    types = etree.fromstring(archive.read("[Content_Types].xml"), _PARSER)
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType") for o in types if o.get("PartName")}
    if overrides.get(main) not in MAIN_TYPES:
        bad(f"{main} 不是 Word 正文（类型 {overrides.get(main)}）；{RESAVE}")
        return None
    if MAIN_TYPES[overrides[main]]:
        bad(f"这是{MAIN_TYPES[overrides[main]]}，不是普通 Word 文档；{RESAVE}")
        return None
    for name in sorted(n for n in names if n.endswith((".xml", ".rels")) and n != main):
        try:  # python-docx parses every XML part when it opens the template
            etree.fromstring(archive.read(name), _PARSER)
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
                archive.read(name), _PARSER)
        except etree.XMLSyntaxError as exc:
            bad(f"{name} 已损坏（XML 错误：{exc}）；{RESAVE}")
            return None
    return parts


def _related(archive: zipfile.ZipFile, names: set[str], main: str, folder: str) -> list[str]:
    """Header and footer parts of the main document, from its relationships."""
    rels_name = f"{folder}_rels/{main.rsplit('/', 1)[-1]}.rels"
    if rels_name not in names:
        return []
    rels = etree.fromstring(archive.read(rels_name), _PARSER)
    out = []
    for rel in rels:
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("header", "footer") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            out.append(target.lstrip("/") if target.startswith("/") else folder + target)
    return out


# --------------------------------------------------------------------------- paragraphs


def _units(parts: dict[str, Any]) -> list[_Unit]:
    out: list[_Unit] = []
    counters = {"p": 0, "tbl": 0}

    def walk(container: Any) -> None:
        for child in container:
            if child.tag == f"{W}p":
                counters["p"] += 1
                out.append(_Unit("正文", f"第{counters['p']}段", child, paragraph_text(child)))
            elif child.tag == f"{W}tbl":
                counters["tbl"] += 1
                for r, tr in enumerate(child.findall(f"{W}tr"), start=1):
                    for c, tc in enumerate(tr.findall(f"{W}tc"), start=1):
                        where = f"表格{counters['tbl']} 第{r}行第{c}列"
                        out.extend(_Unit("正文", where, p, paragraph_text(p)) for p in tc.iter(f"{W}p"))
            elif child.tag != f"{W}sectPr":
                walk(child)

    for label, root in parts.items():
        if label == "正文":
            body = root.find(f"{W}body")
            walk(body if body is not None else root)
        else:
            out += [_Unit(label, label[:2], p, paragraph_text(p)) for p in root.iter(f"{W}p")]
    return out


def _tracked_changes(parts: dict[str, Any], units: list[_Unit]) -> list[LintProblem]:
    problems = []
    for label, root in parts.items():
        found = next(root.iter(f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"), None)
        if found is not None:
            unit = next((u for u in units if u.part == label and (u.p is found or found in u.p.iter())), None)
            problems.append(LintProblem(unit.where if unit else label, "", TRACKED))
    return problems


def _text_checks(units: list[_Unit]) -> list[LintProblem]:
    """Look-alike braces and tags split across paragraphs: both render as literal text."""
    problems = []
    for unit in units:
        bad = [m for m in _LOOKALIKE.finditer(unit.text) if m.group() not in ("{{", "{%", "%}", "}}")]
        if bad:  # one message per paragraph, showing the whole look-alike tag
            start = bad[0].start()
            closer = re.compile(r"[%％}｝]\s*[}｝]").search(unit.text, bad[0].end())
            snippet = unit.text[start:closer.end() if closer else bad[0].end()].strip()
            problems.append(LintProblem(unit.where, snippet[:40], LOOKALIKE))
            continue
        stripped = _TAG.sub("", unit.text)
        if re.search(r"\{\{|\{%|%\}|\}\}", stripped):
            problems.append(LintProblem(unit.where, unit.text.strip()[:40], UNCLOSED))
    return problems


def _split_checks(units: list[_Unit]) -> list[LintProblem]:
    """Tags whose runs are separated by something docxtpl's patching would delete."""
    problems = []
    for unit in units:
        if "{" not in unit.text:
            continue
        runs = [t.text or "" for t in unit.p.iter(f"{W}t")]
        if all(any(tag in text for text in runs) for tag in _TAG.findall(unit.text)) and \
                not re.search(r"[{%}#]$", unit.text.strip()):
            continue  # every tag sits whole inside one run: nothing to repair
        xml = etree.tostring(unit.p, encoding="unicode")
        xml = re.sub(r"<w:rPr>.*?</w:rPr>|<w:rPr/>", "", xml, flags=re.S)
        # docxtpl first joins `{`…`{` and `}`…`}` across runs, then strips markup inside each tag.
        gaps = re.compile(r"(?<=\{)((?:<[^>]*>)+)(?=[{%#])|(?<=[%}#])((?:<[^>]*>)+)(?=\})")
        spans = ["".join(m.groups("")) for m in gaps.finditer(xml)]
        joined = gaps.sub("", xml)
        spans += re.findall(r"\{%.*?%\}|\{#.*?#\}|\{\{.*?\}\}", joined, re.S)
        for span in spans:
            elements = set(re.findall(r"</?(w:\w+)", span)) - _REMOVABLE
            if elements:
                what = "、".join(sorted({_NAMES.get(e, e) for e in elements}))
                tag = re.sub(r"<[^>]*>", "", span)[:40]
                problems.append(LintProblem(unit.where, tag, SPLIT.format(what)))
    return problems


def _block_checks(units: list[_Unit]) -> list[LintProblem]:
    """`{%tr for %}` must end with `{%tr endfor %}`, in a table row; one `{%p %}` per paragraph."""
    problems = []
    for part in dict.fromkeys(u.part for u in units):
        stack: list[tuple[str, str, str, str]] = []   # (prefix, keyword, where, tag)
        for unit in (u for u in units if u.part == part):
            tags = [t for t in _TAG.findall(unit.text) if t.startswith("{%")]
            prefixed = [t for t in tags if _BLOCK.match(t) and _BLOCK.match(t).group(1)]
            if sum(1 for t in prefixed if _BLOCK.match(t).group(1) == "p") > 1:
                problems.append(LintProblem(unit.where, unit.text.strip()[:40],
                                            "一个段落里只能有一个 {%p %} 标签"))
            for tag in tags:
                match = _BLOCK.match(tag)
                if not match:
                    continue
                prefix, word = match.group(1) or "", match.group(2)
                if prefix in ("tr", "tc") and next(unit.p.iterancestors(f"{W}{prefix}"), None) is None:
                    place = "行" if prefix == "tr" else "单元格"
                    problems.append(LintProblem(unit.where, tag, f"{{%{prefix} %}} 标签必须放在表格{place}里"))
                problems += _pair(stack, prefix, word, unit.where, tag)
        for prefix, word, where, tag in stack:
            problems.append(LintProblem(where, tag, f"没有对应的结束标签「{_tag(prefix, 'end' + word)}」"))
    return problems


def _tag(prefix: str, word: str) -> str:
    """How a block tag should be written: `{%tr endfor %}`, `{% endif %}`."""
    return f"{{%{prefix} {word} %}}" if prefix else f"{{% {word} %}}"


def _pair(stack: list[tuple[str, str, str, str]], prefix: str, word: str, where: str,
          tag: str) -> list[LintProblem]:
    if word in _OPENERS:
        stack.append((prefix, word, where, tag))
        return []
    closing = word.startswith("end") and word[3:] in _OPENERS
    if not closing and word not in _MIDDLES:
        return []
    if not stack:
        return [LintProblem(where, tag, NO_OPENER)]
    top_prefix, top_word, top_where, top_tag = stack[-1]
    if closing:
        stack.pop()
    want = _tag(top_prefix, "end" + top_word if closing else word)
    if (closing and word[3:] != top_word) or prefix != top_prefix:
        return [LintProblem(where, tag, f"与{top_where}的「{top_tag}」不配对，这里应为「{want}」")]
    return []


# --------------------------------------------------------------------------- Jinja


def _patched_sources(parts: dict[str, Any]) -> dict[str, str]:
    """Each part as docxtpl will hand it to Jinja (same patching, same line breaks)."""
    from automator.stages.render import patch_xml

    out = {}
    for label, root in parts.items():
        node = root.find(f"{W}body") if label == "正文" else root
        xml = patch_xml(etree.tostring(node if node is not None else root, encoding="unicode"))
        out[label] = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    return out


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"([{][%{#])-?\s*(?:tr|tc|p|r)\s", r"\1", text))


def _locate(units: list[_Unit], part: str, snippet: str) -> _Unit | None:
    wanted = _normal(snippet)
    for unit in (u for u in units if u.part == part):
        have = _normal(unit.text)
        if wanted and have and (wanted in have or have in wanted):
            return unit
    return None


def _syntax(sources: dict[str, str], units: list[_Unit],
            env: Any) -> tuple[dict[str, Any], list[LintProblem]]:
    trees, problems = {}, []
    for part, source in sources.items():
        try:
            trees[part] = env.parse(source)
        except TemplateSyntaxError as exc:
            lines = source.splitlines()
            found = exc.lineno and exc.lineno <= len(lines)
            line = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1]) if found else ""
            hint = ("缺少结束标签（endfor / endif）" if "end of template" in exc.message
                    else "多余的结束标签或拼错的标签" if "unknown tag" in exc.message
                    else "标签内容不是有效的表达式")
            unit = _locate(units, part, line)
            bad_char = re.search(r"unexpected char '(.)'", exc.message or "")
            tags = _TAG.findall(unit.text) if unit else []
            fallback = tags[0] if tags else line.strip()
            tag = next((t for t in tags if bad_char and bad_char.group(1) in t), fallback)
            problems.append(LintProblem(unit.where if unit else part, tag[:60],
                                        f"模板语法错误：{hint}（{_AT.sub('', exc.message or '')}）"))
    return trees, problems


def _unsafe(trees: dict[str, Any], units: list[_Unit]) -> list[LintProblem]:
    problems = []
    for part, tree in trees.items():
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(name, str) and name.startswith("_"):
                problems.append(LintProblem(_find_tag(units, part, name, attr=True), name, DUNDER))
    return problems


def _find_tag(units: list[_Unit], part: str | None, token: str, *, attr: bool = False) -> str:
    """Where the first tag using `token` (a name, or with `attr` an attribute: `.x` / `['x']`) is."""
    word = re.escape(token)
    pattern = re.compile(rf"(?:\.\s*{word}(?!\w)|\[\s*['\"]{word}['\"])" if attr
                         else rf"(?<![\w.]){word}(?!\w)")
    for unit in units:
        if part is not None and unit.part != part:
            continue
        if any(pattern.search(tag) for tag in _TAG.findall(unit.text)):
            return unit.where
    return part or "模板"


def _targets(node: Any) -> set[str]:
    own = {node.name} if isinstance(node, nodes.Name) else set()
    return own | {n.name for n in node.find_all(nodes.Name)}


def _references(tree: Any) -> tuple[set[str], list[tuple[str, str]]]:
    """(names the data must provide, [(owner, attribute)]), loop variables resolved to `table[]`.

    A small scope-aware walk; jinja2.meta.find_undeclared_variables runs the whole
    code generator and costs ten times as much.
    """
    assigned: set[str] = set()
    for node in tree.find_all((nodes.Assign, nodes.AssignBlock, nodes.Macro)):
        assigned |= _targets(node.target) if not isinstance(node, nodes.Macro) else {node.name}
    names: set[str] = set()
    pairs: list[tuple[str, str]] = []

    def visit(node: Any, bound: frozenset[str], loops: dict[str, str]) -> None:
        if isinstance(node, nodes.For):
            visit(node.iter, bound, loops)
            inner_bound = bound | _targets(node.target) | {"loop"}
            inner = dict(loops)
            if isinstance(node.iter, nodes.Name) and isinstance(node.target, nodes.Name):
                inner[node.target.name] = f"{node.iter.name}[]"
            for child in [*node.body, *([node.test] if node.test else [])]:
                visit(child, inner_bound, inner)
            for child in node.else_:
                visit(child, bound, loops)
            return
        if isinstance(node, nodes.Macro | nodes.CallBlock | nodes.With):
            args = getattr(node, "args", []) or getattr(node, "targets", [])
            inner_bound = bound | {n for a in args for n in _targets(a)} | {"caller", "varargs", "kwargs"}
            for child in node.iter_child_nodes():
                visit(child, inner_bound, loops)
            return
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in bound:
            names.add(node.name)
        if isinstance(node, nodes.Getattr | nodes.Getitem) and isinstance(node.node, nodes.Name):
            attr = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            owner = node.node.name
            if isinstance(attr, str) and (owner in loops or owner not in bound):
                pairs.append((loops.get(owner, owner), attr))
        for child in node.iter_child_nodes():
            visit(child, bound, loops)

    visit(tree, frozenset(assigned), {})
    return names, pairs


def _provided(rule: Rule, ruleset: RuleSet | None) -> dict[str, set[str] | None]:
    """Every name the render context has → its attributes (None: a plain string)."""
    from automator.stages.render import META_KEYS

    out: dict[str, set[str] | None] = {f.key: None for f in rule.fields}
    for table in rule.tables:
        cols = {c.key for c in table.columns}
        out[table.key], out[f"{table.key}[]"], out[f"{table.key}_total"] = set(), cols, cols
    out["doc"], out["meta"] = {"key", "zh", "en"}, set(META_KEYS)
    out["agency"] = set(ruleset.agency) if ruleset else None
    return out


def _variables(trees: dict[str, Any], units: list[_Unit], rule: Rule,
               ruleset: RuleSet | None) -> list[LintProblem]:
    from automator.stages.render import environment

    provided = _provided(rule, ruleset)
    builtins = set(environment().globals) | {"loop"}   # range, dict, namespace…
    problems, used = [], set()
    for part, tree in trees.items():
        names, pairs = _references(tree)
        used |= names
        for name in sorted(names - provided.keys() - builtins):
            problems.append(LintProblem(
                _find_tag(units, part, name), name,
                f"变量「{name}」不是规则「{rule.zh}」中的字段或表格；"
                f"请改成规则里的名称，或先在 rules/{rule.key}.yaml 中添加"))
        for owner, attr in pairs:
            attrs = provided.get(owner)
            if owner not in provided or attrs is None or attr in attrs:
                continue  # unknown owner (reported above), a plain string, or fine
            shown = owner.removesuffix("[]")
            problems.append(LintProblem(
                _find_tag(units, part, attr, attr=True), f"{shown}.{attr}",
                f"「{shown}」没有「{attr}」这一项；可用的有：{'、'.join(sorted(attrs)) or '（无）'}"))
    for spec in [*rule.fields, *rule.tables]:
        if spec.required and spec.key not in used:
            problems.append(LintProblem("模板", f"{{{{ {spec.key} }}}}",
                                        f"必填项「{spec.zh}」（{spec.key}）在模板中没有用到；请在模板中加上它"))
    return problems


# --------------------------------------------------------------------------- fonts and trial render


def _font_warnings(path: Path) -> list[LintProblem]:
    """Normal style and docDefaults need an explicit East-Asian font and zh-CN (pitfall 2.2)."""
    try:
        with zipfile.ZipFile(path) as archive:
            styles = etree.fromstring(archive.read("word/styles.xml"), _PARSER)
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, NotImplementedError, etree.XMLSyntaxError):
        return []  # no styles part at all (Word's defaults apply), or damage reported already
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    fonts = defaults.find(f"{W}rFonts") if defaults is not None else None
    lang = defaults.find(f"{W}lang") if defaults is not None else None
    if fonts is not None and fonts.get(f"{W}eastAsia") and lang is not None \
            and lang.get(f"{W}eastAsia") == "zh-CN":
        return []
    return [LintProblem("样式", "", FONTS, severity="warning")]


def _trial_render(path: Path, rule: Rule, ruleset: RuleSet) -> list[LintProblem]:
    """Fill the template with the rule's example values and verify the result."""
    from automator.errors import TemplateError
    from automator.stages.render import example_context, expected_values, render_document
    from automator.stages.verify import verify_docx

    context = example_context(rule, ruleset)
    out = io.BytesIO()
    try:
        render_document(path, context, out)
    except TemplateError as exc:
        return [LintProblem("试填", "", f"用示例数据填充失败：{exc.message}")]
    return [LintProblem("试填", "", f"用示例数据填充后检查不通过：{problem}")
            for problem in verify_docx(out, expected_values(context, template=path))]


# --------------------------------------------------------------------------- entry point


def lint_template(path: Path, rule: Rule | None = None, ruleset: RuleSet | None = None, *,
                  trial: bool = True) -> list[LintProblem]:
    """Every problem found in the template at `path`; [] when it is ready to use.

    `trial=False` skips the trial render (about half the time): the static checks
    still catch every problem the tests know of.
    """
    from automator.stages.render import environment

    problems: list[LintProblem] = []
    parts = _open_parts(Path(path), problems)
    if parts is None:
        return problems
    units = _units(parts)
    problems += _tracked_changes(parts, units)
    problems += _text_checks(units)
    problems += _split_checks(units)
    blocks = _block_checks(units)
    problems += blocks
    trees, syntax = _syntax(_patched_sources(parts), units, environment())
    if not blocks:  # an unpaired block also breaks the syntax; one message is enough
        problems += syntax
    problems += _unsafe(trees, units)
    if rule is not None and not syntax:
        problems += _variables(trees, units, rule, ruleset)
    problems += [LintProblem("页面设置", "", f"{message}；请在「布局 → 纸张大小」中选 A4")
                 for message in page_problems(parts["正文"])]
    problems += _font_warnings(Path(path))
    clean = not any(p.severity == "error" for p in problems)
    if trial and clean and rule is not None and ruleset is not None:
        problems += _trial_render(Path(path), rule, ruleset)
    return problems


def used_names(path: Path) -> set[str] | None:
    """What a template shows: `client`, `items.topic`, `items_total.minutes`… (None if unreadable)."""
    from automator.stages.render import environment

    problems: list[LintProblem] = []
    parts = _open_parts(Path(path), problems)
    if parts is None:
        return None
    trees, syntax = _syntax(_patched_sources(parts), _units(parts), environment())
    if syntax:
        return None
    out: set[str] = set()
    for tree in trees.values():
        names, pairs = _references(tree)
        out |= names
        out |= {f"{owner.removesuffix('[]')}.{attr}" for owner, attr in pairs}
    return out
