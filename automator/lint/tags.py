"""What Word does to tags: look-alike braces, tags split across runs or paragraphs,
tracked changes, and `{%tr %}` / `{%p %}` blocks that do not pair up."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from automator.lint.parts import Unit, W
from automator.lint.problem import LintProblem

TRACKED = "模板中有未接受的修订；请先接受所有修订（审阅 → 接受 → 接受所有修订），再保存"
LOOKALIKE = "标签括号写错了（全角括号或括号之间有空格），不会被替换；请改用半角 {{ }} 或 {% %}，括号之间不要空格"
UNCLOSED = "标签没有在同一段落内结束（中间有回车或缺少结束括号）；请把整个标签放在同一段落里"
SPLIT = "标签中间夹着{}，填充时会被删掉或破坏文档；请删掉整个标签后重新输入（不要分段、不要插入域或修订）"
NO_OPENER = "没有对应的开始标签（多余的结束标签，或开始标签被删掉了）"
TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
_LOOKALIKE = re.compile(r"[{｛]\s*[{｛%％]|[%％}｝]\s*[}｝]")
_BLOCK = re.compile(r"^\{%-?\s*(?:(tr|tc|p|r)\s+)?(\w+)")
_OPENERS, _MIDDLES = {"for", "if", "with", "macro", "call", "filter", "raw", "block"}, {"else", "elif"}
_REMOVABLE = {"w:t", "w:r", "w:proofErr", "w:bookmarkStart", "w:bookmarkEnd", "w:lastRenderedPageBreak",
              "w:softHyphen", "w:noBreakHyphen"}
_NAMES = {"w:p": "分段（回车）", "w:tab": "制表符", "w:br": "换行", "w:fldChar": "域", "w:instrText": "域",
          "w:fldSimple": "域", "w:ins": "修订", "w:del": "修订", "w:drawing": "图片", "w:hyperlink": "超链接",
          "w:commentRangeStart": "批注", "w:commentRangeEnd": "批注", "w:sdt": "内容控件", "w:tc": "表格单元格"}


def tracked_changes(parts: dict[str, Any], units: list[Unit]) -> list[LintProblem]:
    problems = []
    for label, root in parts.items():
        found = next(root.iter(f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"), None)
        if found is not None:
            unit = next((u for u in units if u.part == label and (u.p is found or found in u.p.iter())), None)
            problems.append(LintProblem(unit.where if unit else label, "", TRACKED))
    return problems


def text_checks(units: list[Unit]) -> list[LintProblem]:
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
        stripped = TAG.sub("", unit.text)
        if re.search(r"\{\{|\{%|%\}|\}\}", stripped):
            problems.append(LintProblem(unit.where, unit.text.strip()[:40], UNCLOSED))
    return problems


def split_checks(units: list[Unit]) -> list[LintProblem]:
    """Tags whose runs are separated by something docxtpl's patching would delete."""
    problems = []
    for unit in units:
        if "{" not in unit.text:
            continue
        runs = [t.text or "" for t in unit.p.iter(f"{W}t")]
        if all(any(tag in text for text in runs) for tag in TAG.findall(unit.text)) and \
                not re.search(r"[{%}#]$", unit.text.strip()):
            continue  # every tag sits whole inside one run: nothing to repair
        xml = etree.tostring(unit.p, encoding="unicode")
        xml = re.sub(r"<w:rPr>.*?</w:rPr>|<w:rPr/>", "", xml, flags=re.DOTALL)
        # docxtpl first joins `{`…`{` and `}`…`}` across runs, then strips markup inside each tag.
        gaps = re.compile(r"(?<=\{)((?:<[^>]*>)+)(?=[{%#])|(?<=[%}#])((?:<[^>]*>)+)(?=\})")
        spans = ["".join(m.groups("")) for m in gaps.finditer(xml)]
        joined = gaps.sub("", xml)
        spans += re.findall(r"\{%.*?%\}|\{#.*?#\}|\{\{.*?\}\}", joined, re.DOTALL)
        for span in spans:
            elements = set(re.findall(r"</?(w:\w+)", span)) - _REMOVABLE
            if elements:
                what = "、".join(sorted({_NAMES.get(e, e) for e in elements}))
                tag = re.sub(r"<[^>]*>", "", span)[:40]
                problems.append(LintProblem(unit.where, tag, SPLIT.format(what)))
    return problems


def block_checks(units: list[Unit]) -> list[LintProblem]:
    """`{%tr for %}` must end with `{%tr endfor %}`, in a table row; one `{%p %}` per paragraph."""
    problems = []
    for part in dict.fromkeys(u.part for u in units):
        stack: list[tuple[str, str, str, str]] = []   # (prefix, keyword, where, tag)
        for unit in (u for u in units if u.part == part):
            problems += _paragraph_blocks(unit, stack)
        for prefix, word, where, tag in stack:
            problems.append(LintProblem(where, tag, f"没有对应的结束标签「{_tag(prefix, 'end' + word)}」"))
    return problems


def _paragraph_blocks(unit: Unit, stack: list[tuple[str, str, str, str]]) -> list[LintProblem]:
    """The block tags of one paragraph, paired against the open blocks on `stack`."""
    problems = []
    tags = [t for t in TAG.findall(unit.text) if t.startswith("{%")]
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
