"""Vendor quotes and invoices in PDF.

    from automator.readers.pdf import read_pdf
    doc = read_pdf(path, ruleset)   # Document, or InputError with a plain reason

pdfplumber is imported on first use, so workbook-only runs do not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from automator.document import Document
    from automator.rules.loader import RuleSet

__all__ = ["read_pdf"]


def read_pdf(path: Path, ruleset: RuleSet) -> Document:
    from automator.readers.pdf.read import read_pdf as read

    return read(path, ruleset)
