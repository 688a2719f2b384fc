"""`automator init DIR`: lay out a working root from the defaults shipped in the package."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

FOLDERS = ("inbox", "outbox", "templates", "rules")


def _defaults(kind: str) -> list[tuple[str, resources.abc.Traversable]]:
    package = resources.files("automator.defaults") / kind
    return sorted((p.name, p) for p in package.iterdir()
                  if p.is_file() and p.name.endswith((".docx", ".yaml")))


def init_root(directory: Path) -> tuple[list[Path], list[Path]]:
    """Create the folders and copy default templates and rules. Never overwrites a file."""
    created: list[Path] = []
    kept: list[Path] = []
    for folder in FOLDERS:
        path = directory / folder
        if not path.exists():
            path.mkdir(parents=True)
            created.append(path)
    for kind in ("templates", "rules"):
        for name, source in _defaults(kind):
            target = directory / kind / name
            if target.exists():
                kept.append(target)
                continue
            with source.open("rb") as src, target.open("xb") as dst:
                shutil.copyfileobj(src, dst)
            created.append(target)
    return created, kept
