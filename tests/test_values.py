"""Value parsing: every form contract §1 lists, and clear messages for the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from automator.values import parse_value


@pytest.mark.parametrize("raw", [dt.datetime(2026, 11, 27), "2026-11-27", "2026/11/27", "2026年11月27日",
                                 "2026.11.27", "２０２６年１１月２７日", 46353, "2026年11月27日（星期五）"])
def test_dates_in_every_form(raw: object) -> None:
    assert parse_value(raw, "date") == (dt.date(2026, 11, 27), None)


@pytest.mark.parametrize("raw", ["2026-11-27 14:30", "2026/11/27 14:30", "2026年11月27日 14:30",
                                 "2026.11.27 14：30", "2026年11月27日 下午2:30", dt.datetime(2026, 11, 27, 14, 30)])
def test_dates_with_a_time(raw: object) -> None:
    assert parse_value(raw, "datetime") == (dt.datetime(2026, 11, 27, 14, 30), None)


def test_a_datetime_field_without_time_stays_a_date() -> None:
    assert parse_value("2026-11-27", "datetime") == (dt.date(2026, 11, 27), None)


@pytest.mark.parametrize("raw,problem", [("11月27日", "缺少年份"), ("2026-02-30", "不存在"), ("下周一", "无法识别的日期"),
                                         (3, "不像日期")])
def test_unreadable_dates_say_why(raw: object, problem: str) -> None:
    value, message = parse_value(raw, "date")
    assert value is None and problem in (message or "")


@pytest.mark.parametrize("raw,expected", [(dt.time(14, 30), dt.time(14, 30)), ("14:30", dt.time(14, 30)),
                                          ("14：30", dt.time(14, 30)), (0.6041666666666666, dt.time(14, 30)),
                                          ("下午2点30分", dt.time(14, 30)), ("9:05", dt.time(9, 5))])
def test_times(raw: object, expected: dt.time) -> None:
    assert parse_value(raw, "time") == (expected, None)


@pytest.mark.parametrize("raw,expected", [
    (12800, "12800"), (8000.1, "8000.1"), ("¥12,800.00", "12800.00"), ("￥12,800.00", "12800.00"),
    ("12800元", "12800"), ("RMB 12,800", "12800"), ("1.28万", "12800.00"), ("12.8万元", "128000.0"),
    ("（1,000）", "-1000"), ("１２８００", "12800")])
def test_money(raw: object, expected: str) -> None:
    assert parse_value(raw, "money") == (Decimal(expected), None)


def test_money_from_a_float_keeps_its_decimal_digits() -> None:
    value, _ = parse_value(3 * 8000.1, "money")
    assert value == Decimal("24000.300000000003")  # exact float: the check rounds to the cent, not the reader


@pytest.mark.parametrize("raw,expected", [("25%", "0.25"), (0.25, "0.25"), (25, "0.25"), ("12.5%", "0.125")])
def test_percent(raw: object, expected: str) -> None:
    assert parse_value(raw, "percent") == (Decimal(expected), None)


@pytest.mark.parametrize("raw,expected", [(0.8, "0.8"), ("80%", "0.8"), ("8折", "0.8"), ("8.5折", "0.85"),
                                          ("85折", "0.85"), ("八五折", "0.85"), ("九折", "0.9"), ("无折扣", "1")])
def test_discount(raw: object, expected: str) -> None:
    assert parse_value(raw, "discount") == (Decimal(expected), None)


@pytest.mark.parametrize("raw", ["0折", "-0.2", "打折", "120%"])
def test_bad_discounts_are_reported(raw: str) -> None:
    value, problem = parse_value(raw, "discount")
    assert value is None and "折扣" in (problem or "")


def test_blank_is_not_a_problem() -> None:
    assert parse_value("   ", "money") == (None, None)
    assert parse_value(None, "date") == (None, None)


def test_unreadable_money_names_the_value() -> None:
    value, problem = parse_value("十二万", "money")
    assert value is None and "十二万" in (problem or "")


def test_a_european_decimal_comma_is_not_misread() -> None:
    assert parse_value("1.234,56", "money") == (Decimal("1234.56"), None)


def test_text_from_odd_floats_never_crashes() -> None:
    assert parse_value(float("inf"), "text") == (None, "数值无效（无穷大）")
    assert parse_value(12800.0, "text") == ("12800", None)
    assert parse_value(float("nan"), "text") == (None, None)  # NaN is an empty cell
