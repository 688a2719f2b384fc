"""The workbook reader: survey (bounds) → read (cells) → classify (which rule) → bind (fields, tables)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from automator.readers import Reading
    from automator.rules.loader import RuleSet


def read_document(path: Path, ruleset: RuleSet, name: str) -> Reading:
    from automator.readers import Reading
    from automator.readers.workbook.bind import bind
    from automator.readers.workbook.classify import classify
    from automator.readers.workbook.read import read_workbook

    book = read_workbook(path, evaluate=False)  # formulas are computed when a check needs them
    match = classify(book, ruleset, name)
    return Reading(bind(book, match.rule), match.rule, match.how)
