from typing import Literal

import pytest

from automator.checks import KNOWN
from automator.checks.base import Check
from automator.checks.registry import BUILTINS, Registry, UnknownCheck


WORKBOOK_CHECKS = ["required", "sum", "row_formula", "percent_total", "date_order", "within", "duration",
                   "words", "unknown_label", "unreadable"]


def test_vocabulary():
    assert list(KNOWN)[:10] == WORKBOOK_CHECKS  # further types (PDF checks) follow


def test_duplicate_names_are_refused():
    registry = Registry()
    registry.register(BUILTINS[0])
    with pytest.raises(ValueError, match="check name 'required' is taken by Required"):
        registry.register(BUILTINS[0])


def test_unknown_name_lists_the_known_ones():
    registry = Registry()
    for cls in BUILTINS[:2]:
        registry.register(cls)
    with pytest.raises(UnknownCheck) as exc:
        registry.get("total")
    assert str(exc.value) == "unknown check 'total'; known checks: required, sum"


def test_a_new_check_type_is_one_class_and_one_registration(rules, make_doc):
    from automator.checks import run_checks

    class Approved(Check):
        """The document carries an approval. YAML keys: `field`, `severity`, `why`, `message`."""

        name = "approved"
        check: Literal["approved"]
        field: str

        def run(self, doc, rule, ctx):
            if not doc.value(self.field):
                yield self.finding("没有客户批准", ())

    registry = Registry()
    registry.register(Approved)
    check = registry.get("approved").model_validate({"check": "approved", "field": "client", "severity": "error"})
    rule = rules["agenda"]
    (result,) = run_checks(make_doc(rule), rule, [check])
    assert [f.message for f in result.findings] == ["没有客户批准"]


@pytest.mark.parametrize("name", list(KNOWN))
def test_every_check_documents_its_yaml_keys(name):
    cls = KNOWN[name]
    doc = cls.__doc__ or ""
    assert "YAML keys" in doc
    for field, info in cls.model_fields.items():
        key = info.alias or field
        if key not in ("check", "severity", "why", "message"):
            assert f"`{key}" in doc, f"{name}: `{key}` is not documented"
    for placeholder in cls.placeholders:
        assert "{" + placeholder + "}" in doc, f"{name}: placeholder {placeholder} is not documented"
