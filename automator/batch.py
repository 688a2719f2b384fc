"""Processing many files at once: a process pool, one warm Context per worker.

Each worker loads the rules and templates once and keeps its own ledger
connection; docxtpl and openpyxl are CPU-bound, so processes (not threads)
are what uses the machine's cores.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from typing import Any
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from automator import claim as claims
from automator.pipeline import Context, load_context, process_claim, process_path
from automator.outcome import Result
from automator.settings import Settings

log = logging.getLogger(__name__)
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


MAX_ATTEMPTS = 2  # a claim whose process died this often is not tried again: the file itself kills it


def recover(ctx: Context) -> list[Result]:
    """Finish what a killed process had claimed and not completed."""
    from automator.archive.file_old import committed_before_crash

    results = []
    for claim in claims.abandoned(ctx.settings):
        done = committed_before_crash(ctx, claim)
        if done is None and claim.attempts >= MAX_ATTEMPTS:
            done = poisoned(ctx, claim)
        results.append(done or process_claim(ctx, claim))
    return results


def poisoned(ctx: Context, claim: claims.Claim) -> Result:
    """Reject a file whose processing killed the process every time (a reader library crashed)."""
    from automator.archive.file_old import reject

    result = Result(input=claim.origin, status="rejected")
    result.reason = f"处理此文件时程序 {claim.attempts} 次意外终止（文件可能损坏，触发了读取库的缺陷），已停止重试"
    result.hint = "请用 Excel 或 WPS 打开该文件并另存为新的 .xlsx 后再放入；如仍失败，请把文件发给系统管理员"
    return reject(ctx, claim, result)


def _recover_in_worker() -> list[Result]:
    assert _ctx is not None
    return recover(_ctx)


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
    yield from _pooled(ctx, paths, jobs)


def _pooled(ctx: Context, paths: list[Path], jobs: int) -> Iterator[Result]:
    """A pool that survives a worker dying (a native crash in a reader library).

    After a death, files not yet claimed are resubmitted to a fresh pool, and
    what the dead worker had claimed is recovered by a worker too — rejected
    once it has killed MAX_ATTEMPTS processes — so the batch always finishes.
    A file claimed twice this way is still archived once: the ledger
    transaction turns the second into a duplicate.
    """
    pending, recovering = list(paths), False
    for _ in range(2 * MAX_ATTEMPTS + 2):
        broken = False
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init,
                                 initargs=(str(ctx.settings.root), ctx.dry_run)) as pool:
            futures: dict[Any, Path | None] = {pool.submit(_one, str(p)): p for p in pending}
            if recovering:
                futures[pool.submit(_recover_in_worker)] = None
            pending = []
            for future in as_completed(futures):
                try:
                    done = future.result()
                except BrokenProcessPool:
                    broken, path = True, futures[future]
                    if path is not None and path.exists():
                        pending.append(path)
                    continue
                for result in done if isinstance(done, list) else [done]:
                    if result is not None:
                        yield result
        if not broken:
            return
        recovering = not ctx.dry_run
        log.error("一个处理进程意外终止；换新的进程池继续（还剩 %d 个文件）", len(pending))
    log.error("处理进程反复终止，%d 个文件留在 inbox 等下次处理", len(pending))
