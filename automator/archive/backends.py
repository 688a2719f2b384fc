"""The one place that chooses the ledger's backend.

    ledger = open_ledger(settings)                   # for writing: created and migrated on first use
    lookup = existing_ledger(settings)               # read-only, or None when there is none yet

SQLite in the root unless `ledger: postgresql://…` is set (automator.yaml or
AUTOMATOR_LEDGER_URL). psycopg is imported only then: the embedded default never loads it.
"""

from __future__ import annotations

from automator.archive.ledger import Ledger, LedgerBase
from automator.errors import ConfigError
from automator.settings import Settings


def ledger_url(settings: Settings) -> str | None:
    return settings.config.ledger


def _postgres(url: str, *, readonly: bool) -> LedgerBase:
    try:
        from automator.archive.pg import PgLedger
    except ImportError as exc:
        raise ConfigError("设置了 PostgreSQL 台账，但没有安装 psycopg",
                          hint="pip install 'automator[scale]'，或去掉 automator.yaml 中的 ledger:") from exc
    return PgLedger(url, readonly=readonly)


def open_ledger(settings: Settings, *, readonly: bool = False) -> LedgerBase:
    """The ledger this root is configured for (raises LedgerError when it cannot be reached)."""
    url = ledger_url(settings)
    if url:
        return _postgres(url, readonly=readonly)
    return Ledger(settings.ledger, readonly=readonly)


def has_ledger(settings: Settings) -> bool:
    """Is there a ledger to work on? A PostgreSQL one always is (the writer creates its tables)."""
    return bool(ledger_url(settings)) or settings.ledger.exists()


def existing_ledger(settings: Settings) -> LedgerBase | None:
    """The ledger opened read-only for lookups, or None when nothing has been recorded yet."""
    url = ledger_url(settings)
    if url:
        ledger = _postgres(url, readonly=True)
        if ledger.version == 0:
            ledger.close()
            return None
        return ledger
    if not settings.ledger.exists():
        return None
    return Ledger(settings.ledger, readonly=True)


def where(settings: Settings) -> str:
    """Where the ledger is, as it may be shown (a password masked)."""
    url = ledger_url(settings)
    if url:
        from automator.archive.pg import masked

        return masked(url)
    return settings.rel(settings.ledger)
