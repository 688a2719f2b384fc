"""Every error automator raises on purpose.

    AutomatorError                 base; carries the exit code the CLI uses
    ├── ConfigError                a rule, template, settings file or folder is wrong (exit 2);
    │   │                          mid-run the file goes back to the inbox until it is mended
    │   ├── TemplateError          a template cannot be used with its rule
    │   ├── UsageError             the command was given something it cannot use
    │   ├── ConfigErrorList        several (location, message) problems inside one rule file
    │   └── UnknownCheck           a rule names a check type that does not exist
    ├── InputError                 a dropped file cannot be read as a document
    │                              (rejected with `reason` and a stable `code`)
    ├── RouteError                 an output could not be written (retried later)
    └── LedgerError                the ledger database failed (retried later)

Bad data inside a readable workbook is never an exception: it is a Finding.

Third-party exceptions are translated where they enter our code, with `map_errors`
and the tuples below, so the rest of the service sees only this tree.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class AutomatorError(Exception):
    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  → {self.hint}" if self.hint else self.message


class ConfigError(AutomatorError):
    exit_code = 2


class TemplateError(ConfigError):
    pass


class UsageError(ConfigError):
    """The command was given something it cannot work with (exit 2)."""


class ConfigErrorList(ConfigError):
    """Raised by compile_checks: a list of (location, message) pairs inside one rule."""

    def __init__(self, items: list[tuple[tuple[Any, ...], str]]) -> None:
        super().__init__("; ".join(m for _, m in items))
        self.items = items


class UnknownCheck(ConfigError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"unknown check {name!r}; known checks: {', '.join(known)}")
        self.name = name


class InputError(AutomatorError):
    """The input is not a readable document. `message` is a plain-words sentence for the AE,
    `code` a stable name for scripts (`encrypted`, `damaged`, `not-a-document`…)."""

    def __init__(self, reason: str, *, hint: str | None = None, code: str = "unreadable") -> None:
        super().__init__(reason, hint=hint)
        self.code = code


class RouteError(AutomatorError):
    pass


class LedgerError(AutomatorError):
    pass


# What the zip, zlib and XML layers raise on a damaged or truncated package (seen on
# truncated, zero-filled and hand-made files): one list, used wherever a package is opened.
DAMAGED_PACKAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, ValueError, struct.error,
)


@contextmanager
def map_errors(kinds: tuple[type[BaseException], ...], make: Callable[[BaseException], AutomatorError]
               ) -> Iterator[None]:
    """Inside the block, any exception of `kinds` becomes `make(exc)` (chained to it)."""
    try:
        yield
    except AutomatorError:
        raise
    except kinds as exc:
        raise make(exc) from exc
