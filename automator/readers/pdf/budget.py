"""A bounded PDF read: inflated bytes per stream and per file, and wall time.

pdfminer inflates every Flate stream whole (`zlib.decompress`), and on a bad checksum falls
back to feeding the stream one byte at a time into a growing bytes object — quadratic: a
2.5 MB file took over a minute, a 239 KB page whose content inflates to 120 MB took 2 GB.
`install()` swaps those two for bounded, linear versions (the same results on good data);
`bounded(name)` counts what one read inflates and stops it past the limits in
automator/limits.py, and past MAX_PDF_SECONDS of wall time, as an InputError.
"""

from __future__ import annotations

import signal
import threading
import types
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from automator.errors import InputError
from automator.limits import MAX_PDF_INFLATED, MAX_PDF_SECONDS, MAX_STREAM_BYTES

CHUNK = 1 << 20


class Exceeded(Exception):
    """The read went past a limit (caught by `bounded`, never seen by pdfminer's own handlers)."""


class _Budget(threading.local):
    inflated = 0


_BUDGET = _Budget()


def _spend(n: int) -> None:
    _BUDGET.inflated += n
    if _BUDGET.inflated > MAX_PDF_INFLATED:
        raise Exceeded(f"全部内容解压后超过 {MAX_PDF_INFLATED // 2**20} MB")


def inflate(data: bytes) -> bytes:
    """zlib.decompress, in bounded steps: raises zlib.error where it would, Exceeded past a limit."""
    d = zlib.decompressobj()
    out, total, buf = [], 0, data
    while buf:
        chunk = d.decompress(buf, CHUNK)
        total += len(chunk)
        if total > MAX_STREAM_BYTES:
            raise Exceeded(f"一个内容流解压后超过 {MAX_STREAM_BYTES // 2**20} MB")
        _spend(len(chunk))
        out.append(chunk)
        buf = d.unconsumed_tail
    if not d.eof:
        raise zlib.error("incomplete or truncated stream")
    return b"".join(out)


def inflate_corrupted(data: bytes) -> bytes:
    """pdfminer's fallback for a stream with a bad checksum — keep what inflates, tolerate an error
    only in the last bytes (the checksum) — in linear time and bounded."""
    d = zlib.decompressobj()
    out, total = [], 0
    for start in range(0, len(data), 4096):
        piece = data[start:start + 4096]
        try:
            chunk = d.decompress(piece)
        except zlib.error:
            if start + len(piece) < len(data) - 3 and not _error_only_at_end(data, start):
                raise
            break
        total += len(chunk)
        if total > MAX_STREAM_BYTES:
            raise Exceeded(f"一个内容流解压后超过 {MAX_STREAM_BYTES // 2**20} MB")
        _spend(len(chunk))
        out.append(chunk)
    return b"".join(out)


def _error_only_at_end(data: bytes, start: int) -> bool:
    """Does the error in the piece at `start` fall in the last 3 bytes (the checksum)?"""
    d = zlib.decompressobj()
    try:
        d.decompress(data[:start])
        for i in range(start, len(data)):
            d.decompress(data[i:i + 1])
    except zlib.error:
        return i >= len(data) - 3
    return True


class _Zlib(types.SimpleNamespace):
    """What pdfminer.pdftypes sees as `zlib`: the real module but a bounded `decompress`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


_INSTALLED = False


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    import pdfminer.pdftypes as pdftypes

    pdftypes.zlib = _Zlib(decompress=inflate, error=zlib.error, decompressobj=zlib.decompressobj)  # type: ignore[assignment]
    pdftypes.decompress_corrupted = inflate_corrupted
    for name in ("lzwdecode", "rldecode"):  # bounded after the fact: their ratios are small
        original = getattr(pdftypes, name)
        setattr(pdftypes, name, _counted(original))
    _INSTALLED = True


def _counted(decode: Any) -> Any:
    def wrapper(data: bytes, *args: Any) -> bytes:
        out: bytes = decode(data, *args)
        if len(out) > MAX_STREAM_BYTES:
            raise Exceeded(f"一个内容流解压后超过 {MAX_STREAM_BYTES // 2**20} MB")
        _spend(len(out))
        return out
    return wrapper


@contextmanager
def bounded(name: str, seconds: float = MAX_PDF_SECONDS) -> Iterator[None]:
    """Read one PDF within the limits; past one, an InputError naming it."""
    install()
    _BUDGET.inflated = 0
    timed = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")

    def timeout(_signum: int, _frame: Any) -> None:
        raise Exceeded(f"读取超过 {seconds:g} 秒")

    previous = signal.signal(signal.SIGALRM, timeout) if timed else None
    if timed:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except Exceeded as exc:
        raise InputError(f"{name}：PDF 内容异常庞大（{exc}），疑似压缩炸弹或已损坏，已拒收",
                         hint="请向供应商索取正常导出的 PDF（报价单/发票通常只有几十 KB）", code="pdf-too-large") from exc
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
