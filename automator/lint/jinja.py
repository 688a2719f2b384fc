"""The template as Jinja sees it: syntax errors placed in the paragraph, unsafe
attribute access, and the names and attributes the template reads."""

from __future__ import annotations

import re
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from lxml import etree

from automator.lint.parts import Unit, W
from automator.lint.problem import LintProblem
from automator.lint.tags import TAG

DUNDER = "模板不能访问以下划线开头的属性（安全限制）；请删掉它"
_AT = re.compile(r" at \d+$")  # Jinja's character offset means nothing to a Word user


def patched_sources(parts: dict[str, Any]) -> dict[str, str]:
    """Each part as docxtpl will hand it to Jinja (same patching, same line breaks)."""
    from automator.outputs.render import patch_xml

    out = {}
    for label, root in parts.items():
        node = root.find(f"{W}body") if label == "正文" else root
        xml = patch_xml(etree.tostring(node if node is not None else root, encoding="unicode"))
        out[label] = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    return out


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"([{][%{#])-?\s*(?:tr|tc|p|r)\s", r"\1", text))


def _locate(units: list[Unit], part: str, snippet: str) -> Unit | None:
    wanted = _normal(snippet)
    for unit in (u for u in units if u.part == part):
        have = _normal(unit.text)
        if wanted and have and (wanted in have or have in wanted):
            return unit
    return None


def parse_parts(sources: dict[str, str], units: list[Unit],
                env: Any) -> tuple[dict[str, Any], list[LintProblem]]:
    """({part: Jinja tree}, syntax errors placed in the paragraph they come from)."""
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
            tags = TAG.findall(unit.text) if unit else []
            fallback = tags[0] if tags else line.strip()
            tag = next((t for t in tags if bad_char and bad_char.group(1) in t), fallback)
            problems.append(LintProblem(unit.where if unit else part, tag[:60],
                                        f"模板语法错误：{hint}（{_AT.sub('', exc.message or '')}）"))
    return trees, problems


def unsafe_attributes(trees: dict[str, Any], units: list[Unit]) -> list[LintProblem]:
    problems = []
    for part, tree in trees.items():
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(name, str) and name.startswith("_"):
                problems.append(LintProblem(find_tag(units, part, name, attr=True), name, DUNDER))
    return problems


def find_tag(units: list[Unit], part: str | None, token: str, *, attr: bool = False) -> str:
    """Where the first tag using `token` (a name, or with `attr` an attribute: `.x` / `['x']`) is."""
    word = re.escape(token)
    pattern = re.compile(rf"(?:\.\s*{word}(?!\w)|\[\s*['\"]{word}['\"])" if attr
                         else rf"(?<![\w.]){word}(?!\w)")
    for unit in units:
        if part is not None and unit.part != part:
            continue
        if any(pattern.search(tag) for tag in TAG.findall(unit.text)):
            return unit.where
    return part or "模板"


def _targets(node: Any) -> set[str]:
    own = {node.name} if isinstance(node, nodes.Name) else set()
    return own | {n.name for n in node.find_all(nodes.Name)}


def references(tree: Any) -> tuple[set[str], list[tuple[str, str]]]:
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
