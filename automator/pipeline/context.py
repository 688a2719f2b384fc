"""What every stage may use: settings, the rules, the ledger, the dry-run flag.

One Context per process (a pool worker keeps its own, warm). Rules are re-read when a
rule file changes under a running watcher; a broken edit is a ConfigError, which puts
the file back until the rule is mended.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automator.archive.ledger import Ledger
from automator.rules.loader import RuleSet, load_rules
from automator.settings import Settings


def rules_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """The rule files' names, sizes and modification times: cheap to take before every document."""
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries
                                if e.name.endswith(".yaml")))
    except OSError:
        return ()


@dataclass
class Context:
    settings: Settings
    ruleset: RuleSet
    dry_run: bool = False
    ledger: Ledger | None = None
    stamp: tuple[tuple[str, int, int], ...] = field(default_factory=tuple)
    _lookup: Ledger | None = None

    def open_ledger(self) -> Ledger:
        """The ledger for writing (created and migrated on first use)."""
        if self.ledger is None:
            self.ledger = Ledger(self.settings.ledger)
        return self.ledger

    def archive(self) -> Ledger | None:
        """The ledger for lookups. In a dry run it is opened read-only (and may not exist yet)."""
        if not self.dry_run:
            return self.open_ledger()
        if self._lookup is None and self.settings.ledger.exists():
            self._lookup = Ledger(self.settings.ledger, readonly=True)
        return self._lookup

    def transaction(self) -> Any:
        """The commit phase's transaction; none in a dry run (nothing is written)."""
        return nullcontext() if self.dry_run else self.open_ledger().transaction()

    def close(self) -> None:
        for ledger in (self.ledger, self._lookup):
            if ledger is not None:
                ledger.close()
        self.ledger = self._lookup = None

    def refresh(self) -> None:
        """Re-read the rules if a rule file changed since they were loaded (raises ConfigError)."""
        stamp = rules_stamp(self.settings.rules)
        if stamp != self.stamp:
            self.ruleset = load_rules(self.settings.rules)
            self.stamp = stamp


def load_context(settings: Settings, *, dry_run: bool = False, lint: bool = True) -> Context:
    """Rules loaded and templates linted once, at start-up: a broken one stops here, named."""
    stamp = rules_stamp(settings.rules)
    ruleset = load_rules(settings.rules)
    if lint:
        from automator.template_check import check_templates

        check_templates(settings, ruleset)
    return Context(settings, ruleset, dry_run=dry_run, stamp=stamp)


_SCRATCH: tuple[int, Path] | None = None


@contextmanager
def scratch() -> Iterator[Path]:
    """This process's staging folder, made once and emptied after each document.

    A folder made and removed per document costs milliseconds of disk wait on
    some file systems (ext4 mounted with `discard`: 2–3 ms per rmdir).
    """
    global _SCRATCH
    if _SCRATCH is None or _SCRATCH[0] != os.getpid() or not _SCRATCH[1].is_dir():
        from multiprocessing.util import Finalize

        folder = Path(tempfile.mkdtemp(prefix="automator-"))
        # Runs at exit in the main process and in pool workers (which skip atexit).
        Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=0)
        _SCRATCH = (os.getpid(), folder)
    folder = _SCRATCH[1]
    try:
        yield folder
    finally:
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)
