"""Which reading a workbook gets: the contract's form + table sheets, a known type laid out on
one sheet, or a general workbook (通用表格). Classified before any formula is computed.

    1. 文档类型 on a form sheet, the file name or the sheets name a type, and the workbook
       has that type's sheets → `bind` (contract §1), as always;
    2. else the general table finder reads every sheet (`tables.read_layout`) and a known
       type that reads workbooks (including the vendor quote) is chosen on the evidence
       of its title, fields and tables → `layout_bind`;
    3. else the rule marked `match: {any_workbook: true}` (rules/workbook.yaml) → `generic`;
       a root without that rule rejects the workbook as an unknown type, as it used to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from automator.readers.workbook.bind import bind
from automator.readers.workbook.classify import classify, has_sheets_of, unknown_type
from automator.readers.workbook.generic import bind_generic
from automator.readers.workbook.layout_bind import field_labels, pick
from automator.readers.workbook.raw import RawWorkbook
from automator.readers.workbook.tables import Layout, Vocabulary, read_layout
from automator.readers.workbook.tables.vocab import bare

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.loader import RuleSet
    from automator.rules.model import Rule

_VOCAB: dict[int, tuple[object, Vocabulary]] = {}


def vocabulary(ruleset: RuleSet) -> Vocabulary:
    cached = _VOCAB.get(id(ruleset))
    if cached is None or cached[0] is not ruleset.words:
        cached = (ruleset.words, Vocabulary.from_words(ruleset.words))
        _VOCAB.clear()
        _VOCAB[id(ruleset)] = cached
    return cached[1]


def _known_labels(rules: list[Rule]) -> set[str]:
    out: set[str] = set()
    for rule in rules:
        for spec in rule.fields:
            out |= {x for x in field_labels(rule, spec) if len(x) >= 2}
    return out


def choose(book: RawWorkbook, ruleset: RuleSet, name: str) -> tuple[Document, Rule, str]:
    match = classify(book, ruleset, name)
    if match is not None and not match.rule.match.any_workbook and has_sheets_of(book, match.rule):
        return bind(book, match.rule), match.rule, match.how
    readers = [r for r in ruleset.rules.values() if r.reads("workbook")]
    known = [r for r in readers if not r.match.any_workbook]
    general = next((r for r in readers if r.match.any_workbook), None)
    layout = read_layout(book, vocabulary(ruleset), _known_labels(readers))
    preferred = [match.rule] if match is not None and match.rule in known else []
    picked = pick(layout, preferred, name, named=True) or pick(layout, known, name)
    if picked is not None:
        from automator.readers.workbook.layout_bind import bind_layout

        return bind_layout(layout, picked[0]), picked[0], picked[1]
    if general is None:
        raise unknown_type(ruleset)
    return bind_generic(layout, general, name), general, _how(layout, general)


def _how(layout: Layout, rule: Rule) -> str:
    tables = len(layout.tables)
    found = f"识别到 {tables} 张表格" if tables else "没有识别到带表头的表格"
    return f"不属于已知的文档类型，{found}"


__all__ = ["bare", "choose", "vocabulary"]
