"""The PDF reader: vendor quotes and invoices.

    reading = read_document(path, ruleset, name)   # Reading, or InputError with a plain reason

pdfplumber is imported on first use, so workbook-only runs do not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from automator.document import Document
    from automator.readers import Reading
    from automator.rules.loader import RuleSet

__all__ = ["read_document", "read_pdf"]


def read_pdf(path: Path, ruleset: RuleSet) -> Document:
    """Read within the bounds of automator/limits.py (inflated bytes, seconds)."""
    from automator.readers.pdf.budget import bounded
    from automator.readers.pdf.read import read_pdf as read

    with bounded(path.name):
        return read(path, ruleset)


def read_document(path: Path, ruleset: RuleSet, name: str) -> Reading:
    from automator.readers import Reading

    doc = read_pdf(path, ruleset)
    rule = ruleset.rules[doc.doc_type or ""]
    return Reading(doc, rule, f"PDF 标题识别为{rule.zh}")
