"""Text lines of a page, built from its characters.

A `TextLine` is the characters sharing a baseline, left to right, split into
`Token`s at blanks and into segments at wide gaps (the gap between the two
halves of `客户：…        日期：…`). `pairs()` reads `label：value` pairs out of
a line the way a person does: a value runs to the next label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from automator.document import CellRef
from automator.readers.pdf.source import Char

_SAME_LINE = 0.45   # tops within this share of the font size are one line
_BLANK = 0.3        # a gap wider than this share of the font size is a blank
_SEGMENT = 1.6      # …and wider than this share separates two columns of text


def norm(text: str) -> str:
    """The form labels are compared in: NFKC, case-folded, without blanks."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class Token:
    text: str
    x0: float
    x1: float
    chars: list[Char]

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class TextLine:
    page: int
    number: int  # 1-based on its page, top to bottom
    top: float
    bottom: float
    size: float
    tokens: list[Token]
    segments: list[list[Token]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "   ".join(" ".join(t.text for t in seg) for seg in self.segments)

    @property
    def compact(self) -> str:
        return norm("".join(t.text for t in self.tokens))

    @property
    def ref(self) -> CellRef:
        return CellRef(f"p{self.page}", f"L{self.number}")

    @property
    def chars(self) -> list[Char]:
        return [c for t in self.tokens for c in t.chars]


def build_lines(chars: list[Char], page: int) -> list[TextLine]:
    """Group a page's characters into lines, top to bottom."""
    rows: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: (round(c.top, 1), c.x0)):
        if rows:
            last = rows[-1]
            ref = last[0]
            if abs(c.top - ref.top) <= _SAME_LINE * max(ref.size, c.size, 1.0):
                last.append(c)
                continue
        rows.append([c])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        size = max(c.size for c in row)
        tokens = _tokens(row, size)
        if not tokens:
            continue
        line = TextLine(page, len(lines) + 1, min(c.top for c in row), max(c.bottom for c in row), size, tokens)
        line.segments = _segments(tokens, size)
        lines.append(line)
    return lines


def _tokens(row: list[Char], size: float) -> list[Token]:
    tokens: list[Token] = []
    current: list[Char] = []
    for c in row:
        if c.text.isspace():
            _flush(tokens, current)
            current = []
            continue
        if current and c.x0 - current[-1].x1 > _BLANK * size:
            _flush(tokens, current)
            current = []
        current.append(c)
    _flush(tokens, current)
    return tokens


def _flush(tokens: list[Token], chars: list[Char]) -> None:
    if chars:
        tokens.append(Token("".join(c.text for c in chars), chars[0].x0, chars[-1].x1, list(chars)))


def _segments(tokens: list[Token], size: float) -> list[list[Token]]:
    segs: list[list[Token]] = [[tokens[0]]]
    for tok in tokens[1:]:
        if tok.x0 - segs[-1][-1].x1 > _SEGMENT * size:
            segs.append([tok])
        else:
            segs[-1].append(tok)
    return segs


# ---------------------------------------------------------------- label：value pairs

# Labels that are not fields but end the value before them (`…有限公司电话：…`).
OTHER_LABELS = frozenset(norm(x) for x in (
    "电话", "联系电话", "传真", "手机", "地址", "联系地址", "联系人", "邮箱", "电子邮箱", "开户行", "开户银行",
    "账号", "银行账号", "税号", "纳税人识别号", "统一社会信用代码/纳税人识别号", "统一社会信用代码",
    "网址", "邮编", "备注", "开票人", "收款人", "复核", "Tel", "Fax", "Email", "E-mail", "Address", "Phone"))

# A colon between two digits is a time (14:30), not a label separator.
_COLON = re.compile(r"(?<!\d)[:：]|[:：](?!\d)")


@dataclass
class Pair:
    label: str
    value: str
    line: TextLine
    x: float  # where the label starts, to tell the left column from the right one


def pairs(line: TextLine, known: set[str]) -> list[Pair]:
    """Every `label：value` in the line; a label also ends the value before it.

    `known` holds normalised labels; one written right after a value without a
    blank (`…有限公司编号：`) is still split off.
    """
    out: list[Pair] = []
    for seg in line.segments:
        text = " ".join(t.text for t in seg)
        x_of = _positions(seg)
        parts = [(m.start(), m.end()) for m in _COLON.finditer(text)]
        if not parts:
            continue
        start = 0
        labels: list[tuple[str, int]] = []
        values: list[str] = []
        for i, (c0, c1) in enumerate(parts):
            chunk = text[start:c0]
            if i == 0:
                label, value = chunk, ""
            else:
                value, label = _split_tail(chunk, known)
                values.append(value)
            labels.append((label.strip(), start + (len(chunk) - len(label))))
            start = c1
        values.append(text[start:])
        for (label, pos), value in zip(labels, values, strict=True):
            if label:
                out.append(Pair(label, value.strip(), line, x_of(pos)))
    return out


def _split_tail(chunk: str, known: set[str]) -> tuple[str, str]:
    """`星辰影视 编号` -> (`星辰影视`, `编号`): the label is a known suffix, else the last word."""
    squeezed = chunk.rstrip()
    best = ""
    for label in known:
        if label and norm(squeezed).endswith(label) and len(label) > len(norm(best)):
            best = _tail_chars(squeezed, label)
    if best:
        return squeezed[: len(squeezed) - len(best)], best
    if " " in squeezed.strip():
        head, _, tail = squeezed.strip().rpartition(" ")
        return head, tail
    if len(norm(squeezed)) <= 8:
        return "", squeezed  # short and no blank: it is the next label, and this one had no value
    return squeezed, ""      # long: a value followed by a label we do not know; keep the value


def _tail_chars(text: str, label: str) -> str:
    """The shortest tail of `text` whose normalised form is `label`."""
    for i in range(len(text) - 1, -1, -1):
        if norm(text[i:]) == label:
            return text[i:]
    return ""


def _positions(seg: list[Token]) -> Callable[[int], float]:
    """Map a character index in the segment's text to its x position."""
    xs: list[float] = []
    for i, tok in enumerate(seg):
        if i:
            xs.append(tok.x0)  # the blank
        xs += [c.x0 for c in tok.chars] if len(tok.chars) == len(tok.text) else [tok.x0] * len(tok.text)

    def x_of(pos: int) -> float:
        return xs[min(pos, len(xs) - 1)] if xs else 0.0
    return x_of
