"""Open a PDF with pdfplumber and hand out each page as plain data.

Everything pdfminer can throw is translated into an `InputError` with a plain
reason here, and only here: the rest of the reader works on `Char` tuples and
`RuledTable`s and never touches a pdfplumber object. Each page is closed as
soon as its data is out (pdfplumber keeps per-page caches alive otherwise).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFException
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from automator.errors import InputError

CID_RE = re.compile(r"^\(cid:\d+\)$")
CID_LIMIT = 0.05  # share of (cid:NNN) glyphs above which the text is unusable

NO_TEXT = "PDF 文字无法提取（字体缺少编码），请向供应商索取可复制文字的 PDF"
SCANNED = ("扫描件，无文字层：这个 PDF 只有图片、没有可读取的文字，无法核对金额；"
           "请向供应商索取电子发票原件（开票系统下载的 PDF/OFD），或手工录入")
BLANK = "PDF 没有任何文字内容（空白页）"
ENCRYPTED = "PDF 已加密（需要密码才能打开），无法读取；请向供应商索取未加密的 PDF"
NO_PAGES = "PDF 没有任何页面（文件可能已损坏）"

# pdfminer reports a damaged file with whatever the parser tripped over; these are
# the low-level errors seen on truncated, junk-prefixed and half-written files.
_BROKEN = (PdfminerException, PDFException, PSException, ValueError, KeyError, TypeError,
           IndexError, AttributeError, AssertionError, struct.error, zlib.error,
           OverflowError, RecursionError, UnicodeError, NotImplementedError, ZeroDivisionError)


class Char(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str = ""


class Rule(NamedTuple):
    """A ruling line: horizontal (`top == bottom`) or vertical (`x0 == x1`), as drawn."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def vertical(self) -> bool:
        return self.x1 - self.x0 < self.bottom - self.top


@dataclass
class RuledTable:
    """A table found from ruling lines: its outline, row bands and column bands."""

    bbox: tuple[float, float, float, float]
    rows: list[tuple[float, float]]     # (top, bottom) of each row, top to bottom
    columns: list[tuple[float, float]]  # (x0, x1) of each column, left to right


@dataclass
class PageData:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    images: int
    cid_glyphs: int
    ruled: Callable[[], list[RuledTable]]  # only valid while the page is open
    rules: list[Rule] = field(default_factory=list)  # ruling lines (lines and rectangle sides)


def _reason(exc: BaseException) -> tuple[str, str]:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
        return ENCRYPTED, "pdf-encrypted"
    detail = str(inner).strip()
    if "No /Root object" in detail or "Unexpected EOF" in detail or not detail:
        return "PDF 文件已损坏或不完整（不是有效的 PDF 结构），无法读取；请重新导出或重新发送", "pdf-damaged"
    return f"PDF 文件已损坏，无法读取（{detail[:80]}）；请重新导出或重新发送", "pdf-damaged"


@contextmanager
def guard(path: Path) -> Iterator[None]:
    """Translate whatever pdfminer raises inside the block into an InputError."""
    try:
        yield
    except InputError:
        raise
    except _BROKEN as exc:
        from automator.readers.pdf.budget import Exceeded

        inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc.__context__
        if isinstance(inner, Exceeded):  # pdfplumber wrapped the budget's stop: let `bounded` name it
            raise inner from exc
        reason, code = _reason(exc)
        raise InputError(f"{path.name}：{reason}", code=code) from exc


def dedupe(chars: list[dict[str, Any]], tolerance: float = 1.0) -> list[dict[str, Any]]:
    """Drop glyphs drawn again on top of an equal one (fake bold: 报报价价单单 -> 报价单).

    Same rule as pdfplumber's `dedupe_chars` (same text, font and size, within
    `tolerance` points both ways), in linear time: its version sorts the result
    by `list.index`, quadratic — half a second on a 1,800-glyph page.
    """
    seen: dict[tuple[Any, ...], list[tuple[float, float]]] = {}
    out = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        key = (c.get("text"), c.get("fontname"), c.get("size"), c.get("upright"))
        gx, gy = int(c["x0"] // tolerance), int(c["top"] // tolerance)
        near = [p for dx in (-1, 0, 1) for dy in (-1, 0, 1) for p in seen.get((*key, gx + dx, gy + dy), ())]
        if any(abs(x - c["x0"]) <= tolerance and abs(y - c["top"]) <= tolerance for x, y in near):
            continue
        seen.setdefault((*key, gx, gy), []).append((c["x0"], c["top"]))
        out.append(c)
    return out


def _rotated(c: dict[str, Any]) -> bool:
    """A glyph drawn turned (the round seal's text, a watermark): not the document's text."""
    m = c.get("matrix") or (1, 0, 0, 1)
    return abs(m[1]) > 0.05 * max(abs(m[0]), 1e-6) or abs(m[2]) > 0.05 * max(abs(m[3]), 1e-6)


def _chars(page: Any) -> tuple[list[Char], int]:
    out, cid = [], 0
    width, height = float(page.width), float(page.height)
    for c in dedupe(page.chars):
        text = c.get("text") or ""
        if CID_RE.match(text):
            cid += 1
        if not c.get("upright", True) or not text or _rotated(c):
            continue  # rotated stamps and watermarks are not part of the document's text
        x0, x1, top, bottom = float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"])
        if x1 < 0 or x0 > width or bottom < 0 or top > height:
            continue  # drawn off the page (one issuer repeats the 开票人 there): nobody can see it
        out.append(Char(text, x0, x1, top, bottom, float(c.get("size") or (bottom - top)),
                        str(c.get("fontname") or "")))
    return out, cid


def _rules(page: Any) -> list[Rule]:
    """Ruling lines: drawn lines and the sides of thin or outlined rectangles (cheap: no table finding)."""
    out = []
    for ln in page.lines:
        out.append(Rule(float(ln["x0"]), float(ln["top"]), float(ln["x1"]), float(ln["bottom"])))
    for r in page.rects:
        x0, top, x1, bottom = float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"])
        if x1 - x0 <= 2 or bottom - top <= 2:
            out.append(Rule(x0, top, x1, bottom))
        else:
            out += [Rule(x0, top, x1, top), Rule(x0, bottom, x1, bottom), Rule(x0, top, x0, bottom),
                    Rule(x1, top, x1, bottom)]
    return out


def _ruled(page: Any) -> list[RuledTable]:
    out = []
    for table in page.find_tables():  # the default `lines` strategy: ruled tables only
        rows = [(r.bbox[1], r.bbox[3]) for r in table.rows]
        cols = [(c.bbox[0], c.bbox[2]) for c in table.columns]
        if len(rows) >= 2 and len(cols) >= 2:
            out.append(RuledTable(tuple(table.bbox), rows, cols))
    return sorted(out, key=lambda t: t.bbox[1])


def pages(path: Path, *, max_pages: int) -> Iterator[PageData]:
    """Yield each page's data in order; the page is closed when the consumer moves on.

    Raises InputError for an encrypted, damaged or empty file, and for a file
    whose glyphs cannot be mapped to text.
    """
    with guard(path):
        if path.stat().st_size == 0:
            raise InputError(f"{path.name}：PDF 文件是空的（0 字节）", code="pdf-damaged")
        pdf = pdfplumber.open(path)
    try:
        with guard(path):
            count = len(pdf.pages)
        if count == 0:
            raise InputError(f"{path.name}：{NO_PAGES}", code="pdf-damaged")
        if count > max_pages:
            raise InputError(f"{path.name}：PDF 共 {count} 页，超过报价单/发票的上限 {max_pages} 页，"
                             "请确认文件是否正确", code="pdf-too-long")
        for number in range(1, count + 1):
            with guard(path):
                page = pdf.pages[number - 1]
            try:
                with guard(path):
                    chars, cid = _chars(page)
                    images = len(page.images)
                    width, height = float(page.width), float(page.height)
                    rules = _rules(page)
                if chars and cid / len(chars) > CID_LIMIT:
                    raise InputError(f"{path.name}：{NO_TEXT}", code="pdf-no-text")

                def ruled(page: Any = page) -> list[RuledTable]:
                    with guard(path):
                        return _ruled(page)

                yield PageData(number, width, height, chars, images, cid, ruled, rules)
            finally:
                page.close()
    finally:
        with guard(path):
            pdf.close()


def no_text_reason(chars: int, images: int) -> str:
    return SCANNED if images else BLANK
