"""大写金额 both ways: the tricky values from issue 7, the forms invoices print, and a round trip.

cn2an is the oracle for writing: `to_capital` must say exactly what
`cn2an.an2cn(x, "rmb")` says for every amount in cents. For reading, cn2an
rejects forms invoices print every day (零元伍分, 伍角, 壹元零伍分, 人民币…),
which `test_cn2an_cannot_read_these` pins, so `parse_capital` is our own.
"""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from automator.capital import parse_capital, to_capital


@pytest.mark.parametrize(("amount", "words"), [
    ("10", "壹拾元整"),
    ("100005", "壹拾万零伍元整"),
    ("0.05", "伍分"),
    ("1000000.10", "壹佰万元壹角"),
    ("0", "零元整"),
    ("0.5", "伍角"),
    ("1.05", "壹元零伍分"),
    ("1010.01", "壹仟零壹拾元零壹分"),
    ("128000", "壹拾贰万捌仟元整"),
    ("100010000", "壹亿零壹万元整"),
    ("1200000000.07", "壹拾贰亿元零柒分"),
    ("1000000000000", "壹万亿元整"),
    ("-5", "负伍元整"),
])
def test_to_capital(amount: str, words: str) -> None:
    assert to_capital(Decimal(amount)) == words
    assert parse_capital(words) == Decimal(amount)


def test_to_capital_rounds_half_up_to_the_cent() -> None:
    # cn2an truncates (0.015 -> 壹分); a bank rounds.
    assert to_capital(Decimal("0.015")) == "贰分"
    assert to_capital(Decimal("123.454")) == "壹佰贰拾叁元肆角伍分"


@pytest.mark.parametrize(("words", "amount"), [
    ("壹拾万零伍元整", "100005"),
    ("零元伍分", "0.05"),
    ("壹佰万元零壹角", "1000000.10"),    # 零 before 角 is allowed, and common
    ("壹佰万元壹角整", "1000000.10"),
    ("人民币壹拾贰万捌仟元整", "128000"),
    ("（大写）⊗壹拾贰万柒仟贰佰圆整", "127200"),
    ("壹拾元正", "10"),
    ("拾元整", "10"),                    # 拾 without 壹 at the start
    ("壹拾万伍元整", "100005"),           # the 零 forgotten: still the same amount
    ("零角伍分", "0.05"),
    ("壹仟零壹元整", "1001"),
    ("一千零一元", "1001"),              # lowercase numerals
    ("壹萬貳仟元整", "12000"),            # traditional characters
    ("贰拾壹万贰仟伍佰肆拾叁元贰角壹分", "212543.21"),
])
def test_parse_capital(words: str, amount: str) -> None:
    assert parse_capital(words) == Decimal(amount)


@pytest.mark.parametrize(("words", "why"), [
    ("壹贰元", "两个数字相连"),
    ("伍佰仟元", "单位顺序不对"),
    ("壹拾贰万", "缺少单位"),
    ("元整", "前没有数字"),
    ("壹拾元伍", "角分部分"),
    ("十二万 RMB 128000", "不是大写金额"),
])
def test_parse_capital_refuses_what_is_not_an_amount(words: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_capital(words)


@pytest.mark.parametrize("words", ["零元伍分", "伍角", "伍分", "壹元零伍分", "壹佰万元零壹角", "人民币壹拾元整"])
def test_cn2an_cannot_read_these(words: str) -> None:
    """Why parse_capital is not cn2an.cn2an: it raises on forms printed on real invoices."""
    with pytest.raises(ValueError):
        cn2an.cn2an(words, "smart")
    assert parse_capital(words) > 0


cents = st.integers(min_value=0, max_value=10**15).map(lambda n: Decimal(n) / 100)


@given(cents)
def test_round_trip(amount: Decimal) -> None:
    assert parse_capital(to_capital(amount)) == amount


@given(cents)
def test_same_words_as_cn2an(amount: Decimal) -> None:
    assert to_capital(amount) == cn2an.an2cn(f"{amount:.2f}", "rmb")
