"""Processing many files at once: a process pool, one warm Context per worker.

Each worker loads the rules and templates once and keeps its own ledger
connection; docxtpl and openpyxl are CPU-bound, so processes (not threads)
are what uses the machine's cores.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from automator.outcome import Result
from automator.pipeline import Context, load_context, process_path, recover
from automator.recovery import MAX_ATTEMPTS
from automator.settings import Settings

log = logging.getLogger(__name__)
_ctx: Context | None = None


def _init(root: str, dry_run: bool) -> None:
    global _ctx
    _ctx = load_context(Settings(Path(root)), dry_run=dry_run, lint=False)


def _one(path: str) -> Result | None:
    assert _ctx is not None
    return process_path(_ctx, Path(path))


def workers_for(count: int) -> int:
    return max(1, min(os.cpu_count() or 1, count, 8))


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
