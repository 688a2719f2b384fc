"""Where things are on a page: labels found by their glyphs, values found by position.

A form such as a VAT invoice prints its labels (`发票号码：`, `名 称：`) and its values in
separate runs, often in another font, a point or two lower, and in an order that has
nothing to do with reading order. So the reader never pairs them by text order. It finds
each label by its glyphs (`find_labels`: letter-spaced labels such as `名      称：` too,
and labels printed one character a line such as 购/买/方, `find_stacks`), then takes the
value to the right of the label on its band, up to the next label or the ruling line
that closes the label's box (`Grid`), else the nearest text below inside that box.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from automator.document import CellRef
from automator.readers.pdf.lines import TextLine
from automator.readers.pdf.source import Char, Rule

_GAP = 6.0      # letter-spaced labels: at most this many font sizes between two of their glyphs
_STACK = 4.0    # one-character-a-line labels: at most this many sizes from one glyph to the next (航信 备/注)
_COLONS = {":", "："}


def fold(text: str) -> str:
    """The form glyphs are compared in: NFKC (（→(, ：→:), no blanks."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class Hit:
    """One printed label: which one, and the box its glyphs cover."""

    key: str
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    line: int            # the text line it sits on (for `p1!L7`)
    chars: tuple[Char, ...]
    vertical: bool = False

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Found:
    """A value read for a label: the text and where it is."""

    text: str
    ref: CellRef
    x0: float
    top: float


def find_labels(lines: list[TextLine], labels: dict[str, str]) -> list[Hit]:
    """Every occurrence of the labels (`folded text -> key`) on these lines, longest first,
    never two on the same glyph. A label's glyphs must follow one another on the line with
    no other glyph between (blanks and letter-spacing are fine)."""
    ordered = sorted(labels, key=len, reverse=True)
    out: list[Hit] = []
    for line in lines:
        chars = [c for c in line.chars if not c.text.isspace()]
        text, owner = "", []
        for i, c in enumerate(chars):
            f = fold(c.text)
            text += f
            owner += [i] * len(f)
        taken = [False] * len(chars)
        for label in ordered:
            start = text.find(label)
            while start >= 0:
                idx = sorted({owner[k] for k in range(start, start + len(label))})
                if not any(taken[i] for i in idx) and _tight([chars[i] for i in idx]):
                    end = idx[-1] + 1
                    if end < len(chars) and chars[end].text in _COLONS:
                        idx.append(end)
                    for i in idx:
                        taken[i] = True
                    out.append(_hit(labels[label], [chars[i] for i in idx], line.page, line.number))
                start = text.find(label, start + 1)
    return out


def _tight(chars: list[Char]) -> bool:
    return all(b.x0 - a.x1 <= _GAP * max(a.size, b.size) for a, b in zip(chars, chars[1:], strict=False))


def _hit(key: str, chars: list[Char], page: int, line: int, vertical: bool = False) -> Hit:
    return Hit(key, "".join(c.text for c in chars), min(c.x0 for c in chars), max(c.x1 for c in chars),
               min(c.top for c in chars), max(c.bottom for c in chars), max(c.size for c in chars),
               page, line, tuple(chars), vertical)


def find_stacks(chars: list[Char], labels: dict[str, str], page: int, line_of: dict[Char, int]) -> list[Hit]:
    """Labels printed one glyph a line (购/买/方, 销/售/方/信/息, 密/码/区, 备/注): glyphs in
    one column, each right under the one before."""
    singles = sorted((c for c in chars if len(fold(c.text)) == 1), key=lambda c: c.x0 + c.x1)
    columns: list[list[Char]] = []
    for c in singles:  # glyphs whose centres lie within a point and a half: one column
        if columns and (c.x0 + c.x1) / 2 - (columns[-1][-1].x0 + columns[-1][-1].x1) / 2 <= 1.5:
            columns[-1].append(c)
        else:
            columns.append([c])
    out: list[Hit] = []
    for column in columns:
        column.sort(key=lambda c: c.top)
        run: list[Char] = []
        for c in column:
            if run and c.top - run[-1].top > _STACK * max(c.size, run[-1].size):
                out += _stack_hits(run, labels, page, line_of)
                run = []
            run.append(c)
        out += _stack_hits(run, labels, page, line_of)
    return out


def _stack_hits(run: list[Char], labels: dict[str, str], page: int, line_of: dict[Char, int]) -> list[Hit]:
    text = "".join(fold(c.text) for c in run)
    out = []
    for label in sorted(labels, key=len, reverse=True):
        start = text.find(label)
        if start >= 0 and len(label) >= 2:
            glyphs = run[start:start + len(label)]
            out.append(_hit(labels[label], glyphs, page, line_of.get(glyphs[0], 0), vertical=True))
            break
    return out


class Grid:
    """The ruling lines of a page, asked for the edges of the box around a point."""

    def __init__(self, rules: Iterable[Rule], width: float, height: float) -> None:
        self.v = [r for r in rules if r.vertical and r.bottom - r.top > 4]
        self.h = [r for r in rules if not r.vertical and r.x1 - r.x0 > 4]
        self.width, self.height = width, height

    def right(self, x: float, top: float, bottom: float) -> float:
        """The first vertical rule right of x that spans the band (or the page edge)."""
        xs = [r.x0 for r in self.v if r.x0 > x + 0.5 and r.top <= top + 1 and r.bottom >= bottom - 1]
        return min(xs, default=self.width)

    def left(self, x: float, top: float, bottom: float) -> float:
        xs = [r.x0 for r in self.v if r.x0 < x - 0.5 and r.top <= top + 1 and r.bottom >= bottom - 1]
        return max(xs, default=0.0)

    def below(self, y: float, x0: float, x1: float) -> float:
        """The first horizontal rule under y that runs across [x0, x1] (or the page foot)."""
        ys = [r.top for r in self.h if r.top > y + 0.5 and r.x0 <= x0 + 1 and r.x1 >= x1 - 1]
        return min(ys, default=self.height)

    def above(self, y: float, x0: float, x1: float) -> float:
        ys = [r.top for r in self.h if r.top < y - 0.5 and r.x0 <= x0 + 1 and r.x1 >= x1 - 1]
        return max(ys, default=0.0)

    def columns(self, top: float, bottom: float, x0: float, x1: float) -> list[float]:
        """x of the vertical rules that cross the band top..bottom between x0 and x1."""
        return sorted({round(r.x0, 1) for r in self.v
                       if x0 < r.x0 < x1 and r.top <= top + 1 and r.bottom >= bottom - 1})


def overlaps(c: Char, top: float, bottom: float, share: float = 0.4) -> bool:
    """The glyph sits on the band: they share at least `share` of the smaller height."""
    ov = min(c.bottom, bottom) - max(c.top, top)
    return ov >= share * min(c.bottom - c.top, bottom - top, 1e9)


def join(chars: list[Char]) -> str:
    """Glyphs of one band, left to right, with a blank where the gap is a blank's width."""
    out, prev = "", None
    for c in sorted(chars, key=lambda c: c.x0):
        if prev is not None and c.x0 - prev.x1 > 0.3 * max(c.size, prev.size) and not _cjk_pair(prev, c):
            out += " "
        out += c.text
        prev = c
    return out.strip()


def _cjk_pair(a: Char, b: Char) -> bool:
    return ord(a.text[-1:] or " ") > 0x2E80 and ord(b.text[:1] or " ") > 0x2E80


def band_lines(chars: list[Char], size: float) -> list[list[Char]]:
    """Glyphs grouped into lines by their vertical position, top to bottom."""
    rows: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: c.top):
        if rows and abs(c.top - rows[-1][0].top) <= 0.5 * max(size, c.size):
            rows[-1].append(c)
        else:
            rows.append([c])
    return rows
