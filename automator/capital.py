"""Amounts in Chinese financial capital numerals (大写金额), both ways.

    to_capital(Decimal("100005"))      -> "壹拾万零伍元整"
    parse_capital("人民币零元伍分")      -> Decimal("0.05")

The written form follows the usage on Chinese invoices and cheques
(《支付结算办法》附件 "正确填写票据和结算凭证的基本规定"): 壹贰叁肆伍陆柒捌玖,
units 拾佰仟万亿, 元 (or 圆), 角, 分; 整/正 after 元 when there are no cents;
one 零 for any run of zeros between non-zero digits.

Why our own code and not cn2an (the tests use it as the oracle):
- `cn2an.cn2an` (every mode) rejects forms that invoices print every day:
  零元伍分, 伍角, 伍分, 壹元零伍分, 壹佰万元零壹角, and any 人民币 prefix.
- `cn2an.an2cn(x, "rmb")` writes the right forms, but truncates beyond cents
  (0.015 -> 壹分) and its import costs 120–190 ms, more than pdfplumber's.
  `to_capital` writes exactly what an2cn writes for every cent amount (the test
  suite uses cn2an as the oracle), rounding half-up to the cent first.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
CENT = Decimal("0.01")

# Variants seen on real documents, folded to the standard set before parsing:
# lowercase numerals, traditional characters, 圆 for 元, 正 for 整.
_FOLD = str.maketrans({
    "〇": "零", "○": "零", "一": "壹", "二": "贰", "两": "贰", "三": "叁", "四": "肆",
    "五": "伍", "六": "陆", "七": "柒", "八": "捌", "九": "玖", "十": "拾", "百": "佰",
    "千": "仟", "貳": "贰", "參": "叁", "陸": "陆", "萬": "万", "億": "亿", "圆": "元",
    "圓": "元", "正": "整",
})
# Decoration around the words: prefixes, brackets, the crossed circle (ⓧ/⊗) e-invoices print.
_NOISE = ("人民币", "RMB", "大写", "金额", "¥", "￥", ":", "：", "(", ")", "（", "）", "⊗", "ⓧ", "⨂",
          "[", "]", "【", "】", "\u3000", " ", "\t")
CAPITAL_CHARS = set(DIGITS) | set("拾佰仟万亿元角分整") | set(_FOLD) | {"负"}


def to_capital(amount: Decimal) -> str:
    """The 大写 form of `amount`, rounded half-up to the cent. Negative amounts get 负."""
    cents = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "负" if cents < 0 else ""
    cents = abs(cents)
    yuan = int(cents)
    jiao, fen = divmod(int((cents - yuan) * 100), 10)
    words = _integer(yuan)
    if not jiao and not fen:
        return f"{sign}{words}元整"
    if yuan:
        out = f"{words}元"
        if jiao:
            out += DIGITS[jiao] + "角"
        elif fen:
            out += "零"  # 壹元零伍分: the zero 角 is spoken
    else:
        out = DIGITS[jiao] + "角" if jiao else ""
    return sign + out + (DIGITS[fen] + "分" if fen else "")


def _integer(n: int) -> str:
    """壹拾万零伍 for 100005: groups of four digits joined by 万 and 亿."""
    if n == 0:
        return "零"
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if n >= size:
            high, low = divmod(n, size)
            out = _integer(high) + unit
            if low:
                # A zero group boundary (100005 = 10万 + 0005) is read as one 零.
                out += ("零" if low < size // 10 else "") + _integer(low)
            return out
    return _group(n)


def _group(n: int) -> str:
    """A number below 10,000: 1010 -> 壹仟零壹拾."""
    out, pending_zero = "", False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit:
            out += ("零" if pending_zero else "") + DIGITS[digit] + _SMALL_UNITS[power]
            pending_zero = False
        elif out:
            pending_zero = True
    return out


def parse_capital(text: str) -> Decimal:
    """The amount a 大写 text says. Raises ValueError (Chinese message) when it is not one.

    Lenient about decoration (人民币, （大写）, ⊗, spaces), 圆/正, lowercase or
    traditional numerals and a missing 零; strict about the order of units.
    """
    s = unicodedata.normalize("NFKC", str(text))
    for noise in _NOISE:
        s = s.replace(noise, "")
    s = s.translate(_FOLD)
    if not s:
        raise ValueError("大写金额为空")
    bad = sorted({ch for ch in s if ch not in CAPITAL_CHARS})
    if bad:
        raise ValueError(f"「{text}」不是大写金额（含有「{''.join(bad)}」）")
    sign = -1 if s.startswith("负") else 1
    s = s.removeprefix("负").removesuffix("整")
    if "元" in s:
        whole, _, fraction = s.partition("元")
        yuan = _parse_integer(whole, text)
    elif "角" in s or "分" in s:
        yuan, fraction = 0, s
    else:
        raise ValueError(f"「{text}」缺少单位（元、角或分）")
    return (sign * (Decimal(yuan) + _parse_fraction(fraction, text))).quantize(CENT)


def _parse_integer(s: str, text: str) -> int:
    s = s.lstrip("零") or ("零" if s else "")
    if s == "零":
        return 0
    if not s:
        raise ValueError(f"「{text}」在「元」前没有数字")
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if unit in s:
            high, _, low = s.rpartition(unit) if unit == "亿" else s.partition(unit)
            if not high:
                raise ValueError(f"「{text}」的「{unit}」前没有数字")
            value_low = _parse_integer(low, text) if low.strip("零") else 0
            if value_low >= size:
                raise ValueError(f"「{text}」的「{unit}」以下部分不对")
            return _parse_integer(high, text) * size + value_low
    return _parse_group(s, text)


def _parse_group(s: str, text: str) -> int:
    """壹仟零壹拾 -> 1010. Units must fall strictly (仟 > 佰 > 拾 > 个)."""
    total, digit, last_power = 0, None, 4
    for ch in s:
        if ch == "零":
            if digit is not None:
                raise ValueError(f"「{text}」中「{DIGITS[digit]}零」缺少单位")
            continue
        if ch in DIGITS:
            if digit is not None:
                raise ValueError(f"「{text}」中两个数字相连")
            digit = DIGITS.index(ch)
            continue
        if ch not in _SMALL_UNITS:
            raise ValueError(f"「{text}」中「{ch}」的位置不对")
        power = _SMALL_UNITS.index(ch)
        if power >= last_power:
            raise ValueError(f"「{text}」中单位顺序不对")
        if digit is None:
            if total or ch != "拾":
                raise ValueError(f"「{text}」中「{ch}」前没有数字")
            digit = 1  # 拾元 = 10
        total += digit * 10**power
        digit, last_power = None, power
    if digit is not None:
        if last_power == 0:
            raise ValueError(f"「{text}」中两个数字相连")
        total += digit
    return total


def _parse_fraction(s: str, text: str) -> Decimal:
    """零伍分 / 伍角 / 伍角陆分 / 零角伍分 -> Decimal cents."""
    out = Decimal(0)
    rest = s
    for unit, weight in (("角", Decimal("0.1")), ("分", Decimal("0.01"))):
        rest = rest.lstrip("零") if not rest.startswith(f"零{unit}") else rest
        if len(rest) >= 2 and rest[1] == unit and rest[0] in DIGITS:
            out += DIGITS.index(rest[0]) * weight
            rest = rest[2:]
    if rest.strip("零"):
        raise ValueError(f"「{text}」的角分部分「{s}」不对")
    return out
