"""The inbox: which files wait there, and which are never taken (lock files, temp files)."""

from __future__ import annotations

import os
from pathlib import Path

from automator.settings import Settings

IGNORED_PREFIXES = ("~$", ".~lock.", "~WRL", ".", "._")
IGNORED_SUFFIXES = (".tmp", ".crdownload", ".part", ".partial", ".download", "#")
IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


def ignored(path: Path) -> bool:
    """Office lock files, editor temp files, hidden files and unfinished downloads."""
    name = path.name
    lowered = name.lower()
    return (lowered in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES)
            or lowered.endswith(IGNORED_SUFFIXES))


def files_under(folder: Path) -> list[Path]:
    """Every file under `folder` that is not ignored (hidden folders skipped)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [Path(dirpath) / f for f in filenames if not ignored(Path(f))]
    return found


def waiting(settings: Settings) -> list[Path]:
    """Files waiting in the inbox (sub-folders too), oldest first."""
    if not settings.inbox.is_dir():
        return []
    return sorted(files_under(settings.inbox), key=lambda p: (_mtime(p), str(p)))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
