"""The check types added for PDFs, on hand-built Documents: field_formula, capital_amount, and
the rule-file errors they report."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from automator.checks import compile_checks, run_checks
from automator.document import CellRef, Document, Finding, Value
from automator.rules.loader import ConfigErrorList, RuleSet
from automator.rules.model import Rule


def doc_with(rule: Rule, **fields: Any) -> Document:
    """Fields on page 1, one per line in the order given (L1, L2…); None: not printed; str: unreadable."""
    doc = Document(Path("报价单.pdf"), doc_type=rule.key)
    for i, (key, value) in enumerate(fields.items(), 1):
        if value is None:
            continue
        spec = rule.field(key)
        kind = spec.type if spec else "text"
        problem = "无法识别" if isinstance(value, str) and kind != "text" else None
        doc.fields[key] = Value(key, str(value), None if problem else value, CellRef("p1", f"L{i}"), kind, problem)
    return doc


def run(rule: Rule, spec: dict[str, Any], doc: Document) -> list[Finding]:
    checks = compile_checks(rule.model_copy(update={"checks": (spec,)}), {})
    return [f for r in run_checks(doc, rule, checks) for f in r.findings]


TOTAL = {"check": "field_formula", "result": "total", "expr": "subtotal + tax", "optional": ["tax"],
         "severity": "error"}
TAX = {"check": "field_formula", "result": "tax", "expr": "subtotal * tax_rate", "severity": "error"}
CAPITAL = {"check": "capital_amount", "field": "total_capital", "amount": "total", "severity": "error"}


@pytest.fixture
def quote(ruleset: RuleSet) -> Rule:
    return ruleset.rules["quote"]


def test_total_is_subtotal_plus_tax(quote: Rule) -> None:
    ok = doc_with(quote, subtotal=D("100"), tax=D("6"), total=D("106"))
    bad = doc_with(quote, subtotal=D("100"), tax=D("6"), total=D("106.01"))
    assert run(quote, TOTAL, ok) == []
    (f,) = run(quote, TOTAL, bad)
    assert f.refs == ("p1!L3", "p1!L1", "p1!L2")
    assert f.message == "总计 106.01 与 小计 100.00 + 税额 6.00 = 106.00 不符，相差 0.01"


def test_no_tax_printed_counts_as_zero_but_unreadable_tax_does_not(quote: Rule) -> None:
    assert run(quote, TOTAL, doc_with(quote, subtotal=D("100"), tax=None, total=D("100"))) == []
    assert [f.refs for f in run(quote, TOTAL, doc_with(quote, subtotal=D("100"), tax=None, total=D("106")))] == [
        ("p1!L3", "p1!L1")]
    assert run(quote, TOTAL, doc_with(quote, subtotal=D("100"), tax="六元", total=D("106"))) == []


def test_tax_is_subtotal_times_rate_to_the_cent(quote: Rule) -> None:
    assert run(quote, TAX, doc_with(quote, subtotal=D("33333.33"), tax_rate=D("0.06"), tax=D("2000.00"))) == []
    (f,) = run(quote, TAX, doc_with(quote, subtotal=D("33333.33"), tax_rate=D("0.06"), tax=D("2000.02")))
    assert f.message == "税额 2,000.02 与 小计 33,333.33 × 税率 6% = 2,000.00 不符，相差 0.02"
    assert run(quote, TAX, doc_with(quote, subtotal=D("100"), tax_rate=None, tax=D("6"))) == []  # no rate: skip


@pytest.mark.parametrize(("words", "ok"), [
    ("壹拾万零伍元整", True), ("人民币壹拾万零伍元整", True), ("壹拾万伍元整", True),
    ("壹拾万零伍拾元整", False), ("壹拾万零伍元", True), ("壹万零伍元整", False)])
def test_capital_amount(quote: Rule, words: str, ok: bool) -> None:
    findings = run(quote, CAPITAL, doc_with(quote, total=D("100005"), total_capital=words))
    assert (findings == []) is ok
    if not ok:
        assert findings[0].refs == ("p1!L2", "p1!L1")
        assert "应为「壹拾万零伍元整」" in findings[0].message


def test_capital_amount_skips_what_is_not_there(quote: Rule) -> None:
    assert run(quote, CAPITAL, doc_with(quote, total=D("100005"), total_capital=None)) == []
    assert run(quote, CAPITAL, doc_with(quote, total="十万", total_capital="壹拾万元整")) == []


@pytest.mark.parametrize(("spec", "message"), [
    ({**TOTAL, "result": "vendor"}, "field 'vendor' has type text"),
    ({**TOTAL, "expr": "subtotal + shipping"}, "'shipping' is not one of this rule's fields"),
    ({**TOTAL, "optional": ["tax_rate"]}, "'tax_rate' is not used in expr"),
    ({**CAPITAL, "field": "total"}, "field 'total' has type money"),
    ({"check": "approved", "amount": "vendor", "severity": "error"}, "field 'vendor' has type text"),
    ({"check": "approved", "from": [], "severity": "error"}, "name at least one document type"),
])
def test_rule_mistakes_are_reported_when_rules_load(quote: Rule, spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigErrorList) as caught:
        compile_checks(quote.model_copy(update={"checks": (spec,)}), {})
    assert any(message in m for _, m in caught.value.items), caught.value.items
