"""What a total's formula adds up, row by row: `=SUM(F8:F9)` or `=F8+F9` in column F.

A 小计 whose formula leaves out a line of its group (a row inserted under the range and not
taken in), or takes in a 小计 row together with the lines it totals (counted twice), is wrong
however its result was saved: the formula's own range says so. Other formulas are left alone.
"""

from __future__ import annotations

import re

_SUM = re.compile(r"^=\s*SUM\(\s*\$?([A-Z]{1,3})\$?(\d+)\s*:\s*\$?([A-Z]{1,3})\$?(\d+)\s*\)\s*$", re.I)
_PLUS = re.compile(r"^=\s*\$?[A-Z]{1,3}\$?\d+(?:\s*\+\s*\$?[A-Z]{1,3}\$?\d+)+\s*$", re.I)
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)", re.I)


def rows_summed(formula: str, letter: str) -> set[int] | None:
    """The rows of column `letter` the formula adds, or None when it is not a plain sum of that column."""
    m = _SUM.match(formula)
    if m:
        if m[1].upper() != letter or m[3].upper() != letter:
            return None
        low, high = sorted((int(m[2]), int(m[4])))
        return set(range(low, high + 1))
    if _PLUS.match(formula):
        cells = _CELL.findall(formula)
        if any(c.upper() != letter for c, _ in cells):
            return None
        return {int(r) for _, r in cells}
    return None


def range_problem(formula: str, letter: str, items: list[int], totals: list[int]) -> str | None:
    """Why the formula does not total its group: the item rows it leaves out, or the total rows it
    counts beside their own lines; None when its range is the group's (or not a plain sum)."""
    rows = rows_summed(formula, letter)
    if rows is None or not items:
        return None
    missing = [r for r in items if r not in rows]
    if missing and any(r in rows for r in items):
        return f"公式 {formula} 没有算入第{'、'.join(map(str, missing[:5]))}行"
    doubled = [r for r in totals if r in rows]
    if doubled and any(r in rows for r in items):
        return f"公式 {formula} 把第{'、'.join(map(str, doubled[:5]))}行的小计和它合计的明细都算了进去"
    return None
