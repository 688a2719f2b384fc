"""Property tests (hypothesis) for the value parsers and safe names (issue 6, part 4).

- Every display form the service itself writes (`automator.formatting`) and every
  form contract §1 lists parses back to the same value.
- Whatever a reader can hand over (text of any kind, numbers, NaN, dates, times…),
  a parser returns a value or raises ValueError — never another exception — and
  `parse_value` never raises at all.
- A safe name is never empty, never `.`/`..`, never reserved on Windows, never
  over 255 bytes, never holds a separator, and never leads outside its folder.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automator import formatting
from automator.safe_names import _RESERVED, safe_name
from automator.values import (
    EXCEL_EPOCH,
    PARSERS,
    parse_date,
    parse_datetime,
    parse_discount,
    parse_minutes,
    parse_money,
    parse_percent,
    parse_time,
    parse_value,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

dates = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))
serial_dates = st.dates(min_value=dt.date(1954, 10, 2), max_value=dt.date(2119, 1, 6))  # serials 20000–80000
minutes_of_day = st.times().map(lambda t: t.replace(second=0, microsecond=0))
cents = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2)


# --------------------------------------------------------------------------- dates and times

@FAST
@given(dates)
def test_every_written_date_form_reads_back(day: dt.date) -> None:
    y, m, d = day.year, day.month, day.day
    forms = [day, dt.datetime.combine(day, dt.time(0)), formatting.date_zh(day), f"{y}-{m:02d}-{d:02d}",
             f"{y}/{m}/{d}", f"{y}年{m}月{d}日", f"{y}.{m}.{d}", f"{y}年{m}月{d}日".translate(FULLWIDTH),
             f"{y}{m:02d}{d:02d}", f" {y} 年 {m} 月 {d} 日 "]
    for form in forms:
        assert parse_date(form) == day, form


@FAST
@given(serial_dates, st.sampled_from([EXCEL_EPOCH, dt.datetime(1904, 1, 1)]))
def test_excel_serials_read_back_in_both_date_systems(day: dt.date, epoch: dt.datetime) -> None:
    serial = (dt.datetime.combine(day, dt.time(0)) - epoch).days
    if 20000 <= serial <= 80000:
        assert parse_date(serial, epoch) == day
        assert parse_date(float(serial), epoch) == day


@FAST
@given(dates, minutes_of_day)
def test_a_date_with_a_time_reads_back(day: dt.date, time: dt.time) -> None:
    moment = dt.datetime.combine(day, time)

    def as_moment(value: dt.date) -> dt.datetime:  # a bare date (no time given) is its midnight
        return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(0))

    for form in (formatting.datetime_zh(moment), f"{day.isoformat()} {time.hour}:{time.minute:02d}",
                 f"{day.year}/{day.month}/{day.day} {time.hour:02d}：{time.minute:02d}", moment):
        assert as_moment(parse_datetime(form)) == moment, form


@FAST
@given(minutes_of_day)
def test_every_written_time_form_reads_back(time: dt.time) -> None:
    h, m = time.hour, time.minute
    fraction = (h * 3600 + m * 60) / 86400  # how Excel stores a time
    for form in (time, formatting.time_zh(time), f"{h}:{m:02d}", f"{h}：{m:02d}", f"{h}点{m}分", fraction,
                 dt.datetime.combine(dt.date(2026, 11, 27), time), dt.timedelta(hours=h, minutes=m)):
        assert parse_time(form) == time, form
    if 1 <= h < 12:
        assert parse_time(f"下午{h}:{m:02d}") == time.replace(hour=h + 12)


# --------------------------------------------------------------------------- amounts

@FAST
@given(cents)
def test_every_written_amount_form_reads_back(amount: Decimal) -> None:
    forms = [amount, formatting.money(amount), str(amount), f"{amount}元", f"{amount:,}", f"￥{amount:,}",
             f"RMB {amount:,}", f"人民币{amount}元", float(amount), f"{amount / 10000}万", f"{amount / 10000}万元"]
    if amount > 0:
        forms += [f"({amount:,})", f"（{amount}）"]
    for form in forms:
        expected = -amount if isinstance(form, str) and form.startswith(("(", "（")) else amount
        assert parse_money(form) == expected, form


@FAST
@given(st.integers(min_value=0, max_value=10_000))
def test_minutes_read_back(n: int) -> None:
    for form in (n, str(n), f"{n}分钟", f"{n} min", float(n)):
        assert parse_minutes(form) == n, form
    assert parse_minutes(f"{n}小时") == n * 60


@FAST
@given(st.decimals(min_value=0, max_value=1, places=4))
def test_every_written_percentage_reads_back(fraction: Decimal) -> None:
    forms = [fraction, formatting.percent(fraction), f"{fraction * 100}%", float(fraction)]
    if fraction * 100 > 1:
        forms.append(f"{fraction * 100}")  # percentage points, in a column declared as percent
    for form in forms:
        assert parse_percent(form) == fraction, form


@FAST
@given(st.decimals(min_value=Decimal("0.001"), max_value=1, places=3))
def test_every_written_discount_reads_back(factor: Decimal) -> None:
    forms = [factor, formatting.discount(factor), f"{factor * 100}%", float(factor)]
    if factor * 10 == (factor * 10).to_integral_value() and factor < 1:
        forms += [f"{int(factor * 10)}折", "一二三四五六七八九"[int(factor * 10) - 1] + "折"]
    for form in forms:
        assert parse_discount(form) == factor, form


@pytest.mark.parametrize("factor", ["0.05", "0.095", "0.01"])
def test_a_discount_deeper_than_one_zhe_reads_back(factor: str) -> None:
    """Found by the property above: 0.05 was written 5折, which reads as 0.5."""
    assert parse_discount(formatting.discount(Decimal(factor))) == Decimal(factor)


# --------------------------------------------------------------------------- anything at all

anything = st.one_of(
    st.text(), st.text(alphabet="0123456789.,:：/-年月日点分时折%万元¥￥()（） \t\n亿RMBe+-E"),
    st.integers(min_value=-10**30, max_value=10**30), st.floats(), st.booleans(), st.decimals(allow_nan=False),
    st.datetimes(), st.dates(), st.times(), st.timedeltas(), st.none())


@FAST
@given(anything, st.sampled_from(sorted(PARSERS)))
def test_a_parser_returns_or_raises_value_error_only(raw: object, type_: str) -> None:
    try:
        PARSERS[type_](raw)
    except ValueError as exc:
        assert str(exc)  # a sentence, not an empty error
    value, problem = parse_value(raw, type_)  # and the dispatcher never raises
    assert problem is None or value is None


# --------------------------------------------------------------------------- safe names

@FAST
@given(st.one_of(st.text(), st.text(alphabet='.. /\\:*?"<>|\x00\x1fCONPRNAUXNULcom1lpt9¹²³ 　．／'), st.none(),
                 st.integers()))
def test_a_safe_name_is_one_valid_component_inside_its_folder(raw: object) -> None:
    name = safe_name(raw)
    assert name and name not in (".", "..")
    assert len(name.encode("utf-8")) <= 255
    assert not set(name) & set('\\/:*?"<>|') and not any(ord(c) < 32 for c in name)
    assert name == name.strip(" .")  # Windows drops trailing blanks and dots
    assert unicodedata.normalize("NFKC", name).split(".")[0].strip().upper() not in _RESERVED
    folder = Path("/srv/outbox")
    assert (folder / name).resolve().parent == folder
    assert safe_name(name) == name  # stable: filing the same client twice finds the same folder
