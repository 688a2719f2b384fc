"""Processing many files at once: a process pool, one warm Context per worker.

Each worker loads the rules and templates once and keeps its own ledger
connection; docxtpl and openpyxl are CPU-bound, so processes (not threads)
are what uses the machine's cores.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from automator import claim as claims
from automator.pipeline import Context, load_context, process_claim, process_path
from automator.result import Result
from automator.settings import Settings

_ctx: Context | None = None
IGNORED_PREFIXES = ("~$", ".~lock.", "~WRL", ".", "._")
IGNORED_SUFFIXES = (".tmp", ".crdownload", ".part", ".partial", ".download", "#")
IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


def ignored(path: Path) -> bool:
    """Office lock files, editor temp files, hidden files and unfinished downloads."""
    name = path.name
    lowered = name.lower()
    return (lowered in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES)
            or lowered.endswith(IGNORED_SUFFIXES))


def waiting(settings: Settings) -> list[Path]:
    """Files waiting in the inbox (sub-folders too), oldest first."""
    if not settings.inbox.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(settings.inbox):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [Path(dirpath) / f for f in filenames if not ignored(Path(f))]
    return sorted(found, key=lambda p: (_mtime(p), str(p)))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _init(root: str, dry_run: bool) -> None:
    global _ctx
    _ctx = load_context(Settings(Path(root)), dry_run=dry_run, lint=False)


def _one(path: str) -> Result | None:
    assert _ctx is not None
    return process_path(_ctx, Path(path))


def workers_for(count: int) -> int:
    return max(1, min(os.cpu_count() or 1, count, 8))


def recover(ctx: Context) -> list[Result]:
    """Finish what a killed process had claimed and not completed."""
    from automator.stages.file import committed_before_crash

    return [committed_before_crash(ctx, c) or process_claim(ctx, c) for c in claims.abandoned(ctx.settings)]


def run_many(ctx: Context, paths: Iterable[Path], *, jobs: int | None = None) -> Iterator[Result]:
    """Process `paths`, in parallel when there are several; yields results as they finish."""
    paths = list(paths)
    jobs = jobs or workers_for(len(paths))
    if jobs <= 1 or len(paths) < 3:
        for path in paths:
            result = process_path(ctx, path)
            if result is not None:
                yield result
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init,
                             initargs=(str(ctx.settings.root), ctx.dry_run)) as pool:
        futures = [pool.submit(_one, str(p)) for p in paths]
        for future in as_completed(futures):
            result = future.result()
            if result is not None:
                yield result
