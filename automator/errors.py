"""Every error automator raises on purpose.

    AutomatorError                 base; carries the exit code the CLI uses
    ├── ConfigError                a rule, template or folder is wrong (exit 2)
    │   └── TemplateError          a template cannot be used with its rule
    ├── InputError                 a dropped file cannot be read as a document
    │                              (the file is rejected with `reason`)
    ├── RouteError                 an output could not be written (retried later)
    └── LedgerError                the ledger database failed

Bad data inside a readable workbook is never an exception: it is a Finding.
"""

from __future__ import annotations


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


class InputError(AutomatorError):
    """The input is not a readable document. `reason` is a plain-words sentence for the AE."""

    def __init__(self, reason: str, *, hint: str | None = None, code: str = "unreadable") -> None:
        super().__init__(reason, hint=hint)
        self.code = code


class RouteError(AutomatorError):
    pass


class LedgerError(AutomatorError):
    pass
