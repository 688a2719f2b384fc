"""Readers: turn a dropped file into a `Document` bound to its rule.

    kind = sniff(path)                     # "workbook" | "pdf", by the bytes (InputError otherwise)
    reading = read(kind, path, ruleset, name="x.xlsx")

One registry keyed by the sniffed kind; each reader returns a `Reading` (the document,
its rule and how the rule was chosen) or raises InputError with a plain reason. A reader
is imported on first use, so a workbook-only run never loads pdfplumber.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from automator.readers.sniff import sniff

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.loader import RuleSet
    from automator.rules.model import Rule

__all__ = ["READERS", "Reading", "read", "sniff"]


@dataclass
class Reading:
    doc: Document
    rule: Rule
    how: str  # why this rule was chosen, for `automator explain`


# kind -> "module:function", each function(path, ruleset, name) -> Reading
READERS = {
    "workbook": "automator.readers.workbook:read_document",
    "pdf": "automator.readers.pdf:read_document",
}


def reader(kind: str) -> Callable[[Path, RuleSet, str], Reading]:
    module, _, function = READERS[kind].partition(":")
    return getattr(import_module(module), function)  # type: ignore[no-any-return]


def read(kind: str, path: Path, ruleset: RuleSet, *, name: str) -> Reading:
    reading = reader(kind)(path, ruleset, name)
    reading.doc.kind = kind
    return reading
