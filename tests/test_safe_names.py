"""Names from data never lead outside outbox/ and are valid on Windows and Linux."""

from __future__ import annotations

import pytest

from automator.safe_names import safe_name


@pytest.mark.parametrize("raw,expected", [
    ("某某（上海）广告有限公司", "某某(上海)广告有限公司"), ("某某(上海)广告有限公司 ", "某某(上海)广告有限公司"),
    ("ＡＢＣ传媒", "ABC传媒"), ("CON", "_CON"), ("aux.txt", "_aux.txt"), ("..", "未命名"), ("", "未命名"),
    ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"), ("客户：星河", "客户_星河"), ("trailing dots...", "trailing dots"),
    ("行一\n行二", "行一 行二"), (None, "未命名")])
def test_safe_name(raw: object, expected: str) -> None:
    assert safe_name(raw) == expected


def test_long_names_are_cut_on_a_character_boundary() -> None:
    name = safe_name("广" * 300)
    assert len(name.encode("utf-8")) <= 200 and name == "广" * 66


def test_a_blank_field_leaves_no_dangling_separator(ruleset) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from automator.document import Document, Value
    from automator.archive.route import base_name

    rule = ruleset.rules["quote"]
    doc = Document(source=None, fields={"doc_date": Value("doc_date", None, dt.date(2026, 11, 20)),  # type: ignore[arg-type]
                                        "vendor": Value("vendor", None, "星辰影视")})
    assert base_name(doc, rule) == "2026-11-20_星辰影视"
