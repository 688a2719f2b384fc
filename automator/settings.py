"""The working root and every folder and file in it, resolved once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from automator.config import RootConfig

REVIEW_DIR = "_待复核"     # outbox/_待复核/<name>/ : documents that failed an error-level check
REJECTED_DIR = "_已拒收"   # outbox/_已拒收/ : files that could not be read as a document
SYSTEM_DIRS = (REVIEW_DIR, REJECTED_DIR, "_digest")  # outbox folders no client may take


@dataclass(frozen=True)
class Settings:
    root: Path

    @classmethod
    def from_root(cls, root: str | os.PathLike[str] | None = None) -> Settings:
        chosen = root or os.environ.get("AUTOMATOR_ROOT") or "."
        return cls(Path(chosen).expanduser().resolve())

    @cached_property
    def config(self) -> RootConfig:
        """The root's automator.yaml (read on first use; a ConfigError names the bad line)."""
        from automator.config import load_config

        return load_config(self.root)

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def rules(self) -> Path:
        return self.root / "rules"

    @property
    def processing(self) -> Path:
        """Claimed files live here while being worked on (same file system as inbox/)."""
        return self.root / "processing"

    @property
    def review(self) -> Path:
        return self.outbox / REVIEW_DIR

    @property
    def rejected(self) -> Path:
        return self.outbox / REJECTED_DIR

    @property
    def ledger(self) -> Path:
        return self.root / "ledger.sqlite"

    @property
    def log_file(self) -> Path:
        return self.root / "automator.log"

    def rel(self, path: Path) -> str:
        """A path as users see it: relative to the root, with forward slashes. Its folders are
        resolved, its last component is not (a link is named as the link, not its target)."""
        try:
            where = path.parent.resolve() / path.name
        except (OSError, RuntimeError):  # too long or looping folders: as given
            where = Path(os.path.abspath(path))
        try:
            return where.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)
