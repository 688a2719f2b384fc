"""The workbook reader: survey (bounds) → read (cells) → choose (which rule, which layout) → bind.

`choose` reads the contract's form + table sheets with `bind`, a known type laid out on one
sheet with `layout_bind`, and any other workbook as 通用表格 with `generic` (both over the
general table finder, `tables`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from automator.readers import Reading
    from automator.rules.loader import RuleSet


def read_document(path: Path, ruleset: RuleSet, name: str) -> Reading:
    from automator.readers import Reading
    from automator.readers.workbook.choose import choose
    from automator.readers.workbook.read import read_workbook

    book = read_workbook(path, evaluate=False)  # classified first; formulas computed when bound or checked
    doc, rule, how = choose(book, ruleset, name)
    return Reading(doc, rule, how)
