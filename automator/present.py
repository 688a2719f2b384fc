"""How an outcome is shown: one place for every wording of a Result.

    human_lines(result)   `automator run` (a status line, then reasons or findings)
    console_line(result)  the watcher's console (with the time)
    log_line(result)      automator.log (one line per document)
    result.to_json()      `--json` (outcome.py)

Every text that came from outside (file names, cell values, reasons quoting them) passes
through `safe` before it reaches a terminal or a log: control characters (which could
clear the screen, retitle the window or forge a log line) and invisible Unicode format
characters (a right-to-left override makes `审\u202eexe.docx` read as `.exe`) are shown
escaped. `pad` aligns columns by display width (a Chinese character takes two cells).
"""

from __future__ import annotations

import re
import time
import unicodedata

from wcwidth import wcswidth

from automator.document import Severity
from automator.outcome import Result, Status

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # controls, and lone surrogates


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object) -> str:
    """`text` with C0/C1 controls and Unicode format characters (Cf) escaped, on one line."""
    s = str(text)
    s = _CONTROL.sub(lambda m: _escape(m.group()), s)
    if any(unicodedata.category(ch) == "Cf" for ch in s):
        s = "".join(_escape(ch) if unicodedata.category(ch) == "Cf" else ch for ch in s)
    return s


def safe_lines(text: str) -> str:
    """A multi-line text made safe line by line (its own line breaks kept)."""
    return "\n".join(safe(line) for line in text.split("\n"))


def width(text: str) -> int:
    w = wcswidth(text)
    return w if w >= 0 else len(text)


def pad(text: str, cells: int) -> str:
    """`text` padded with blanks to `cells` terminal columns."""
    return text + " " * max(0, cells - width(text))


def _counts(result: Result) -> str:
    counts = [f"{n} 个{word}" for n, word in ((result.errors, "错误"), (result.warnings, "提醒")) if n]
    return f"（{'，'.join(counts)}）" if counts else ""


def human_lines(result: Result) -> list[str]:
    status = Status(result.status)
    where = f" → {safe(result.outputs[0])}" if result.outputs else ""
    lines = [f"{status.mark} {pad(status.zh, 8)} {safe(result.input)}{where}{_counts(result)}"]
    if status in (Status.REJECTED, Status.RETRY) and result.reason:
        lines.append(f"    原因：{safe(result.reason)}")
        if result.hint:
            lines.append(f"    建议：{safe(result.hint)}")
    elif status == Status.REVIEW:
        for finding in [f for f in result.findings if f.severity == Severity.ERROR][:5]:
            lines.append(f"    - {safe(finding.message)}{safe(finding.where)}")
    return lines


def log_line(result: Result) -> str:
    """The log line: status, file, where it went, finding count (the log adds the time)."""
    status = Status(result.status)
    where = result.outputs[0] if result.outputs else "-"
    line = f"{status} {status.zh} {result.input} → {where} 问题 {len(result.findings)}"
    if status in (Status.REJECTED, Status.RETRY) and result.reason:
        line += f"：{result.reason}"
    return safe(line)


def console_line(result: Result, *, recovered: bool = False) -> str:
    status = Status(result.status)
    where = f" → {result.outputs[0]}" if result.outputs and status != Status.DUPLICATE else ""
    tail = f"（{len(result.findings)} 个问题）" if result.findings else ""
    reason = f"：{result.reason}" if status in (Status.REJECTED, Status.DUPLICATE) and result.reason else ""
    again = "（上次中断后完成）" if recovered else ""
    return safe(f"{time.strftime('%H:%M:%S')} {status.mark} {status.zh} {result.input}{where}{tail}{reason}{again}")


def tally(results: list[Result]) -> str:
    """共 4 个：已归档 3，待复核 1"""
    counts = {s: sum(r.status == s for r in results) for s in Status}
    return f"共 {len(results)} 个：" + "，".join(f"{s.zh} {n}" for s, n in counts.items() if n)
