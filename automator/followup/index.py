"""Keeping the brand files and invoice registers current: the `indexes` chore.

Nothing is patched in place: a client's files are rebuilt whole from the ledger, so a
deleted or damaged file comes back as it should be. Which clients to rebuild is read from
the ledger too — the clients of rows added since the last rebuild (the `*` watermark in the
`indexes` table) and those whose file has gone missing. So there is no "dirty" flag to lose:
a process killed between filing a document and rebuilding still leaves the row that says the
client needs it, and a burst of 200 documents costs one rebuild, not 200.

Two watchers rebuilding the same client at once: each builds from the ledger as it read it,
under a temporary name; the swap into place happens inside a ledger transaction (the ledger's
write lock, held for the rename only) and only when the file there was made from an older
ledger state than this one (`indexes.upto`). The later ledger state always wins, so both
watchers' documents end up in the file whichever finishes first.

    refresh(ctx)                 the chore: rebuild what changed; returns the files written
    rebuild(ctx, client=None)    `automator rebuild-index`: rebuild every client (or one), now
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from automator.archive.backends import has_ledger
from automator.followup import brandcache, brandfile, register
from automator.followup.brandcache import Snapshot, snapshot
from automator.followup.records import Client, folder_key, folder_of
from automator.followup.sheets import stage, stage_parts

if TYPE_CHECKING:
    from automator.archive.ledger import Ledger
    from automator.pipeline.context import Context

log = logging.getLogger(__name__)
SCAN = "*"   # the indexes row holding the last ledger id the chore has seen
KEPT_DAMAGED = (ValueError, TypeError, IndexError, KeyError)   # what kept rows that do not read back raise


def _commit(ledger: Ledger, ctx: Context, tmp: Path, dest: Path, snap: Snapshot) -> bool:
    """Swap `tmp` into `dest` unless `dest` already reflects a later ledger state. True when swapped.

    The rows rendered for this snapshot are kept in the same transaction, swapped or not."""
    rel = ctx.settings.rel(dest)
    try:
        with ledger.transaction() as db:
            brandcache.store(db, snap)
            snap.fresh = []
            held = ledger.index_marks().get(rel)
            if held is not None and held[1] > snap.upto and dest.exists():
                return False
            os.replace(tmp, dest)
            ledger.set_index_mark(rel, snap.name, snap.upto, in_transaction=True)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _sealed(ledger: Ledger, key: str) -> dict[str, str]:
    """Month → when this client's latest seal of it was made."""
    return {s["month"]: s["at"] for s in ledger.seals() if folder_key(s["client"]) == key}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A rebuild allocates some 100,000 small objects (the kept facts, the rows) and frees them all at
    the end: Python's cycle collector would walk the whole process several times meanwhile (~15 % of
    a rebuild). Nothing here makes reference cycles that must be freed before the rebuild ends."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def write_client(ctx: Context, ledger: Ledger, snap: Snapshot) -> list[Path]:
    """Rebuild one client's brand file and invoice registers; returns the files written.

    A client with nothing archived yet (only documents in review, perhaps a misspelt name)
    gets no folder and no files."""
    if not snap.table.metas:
        return []
    folder = ctx.settings.outbox / snap.folder
    written = []
    dest = folder / brandfile.NAME
    comments = f"automator: ledger up to #{snap.upto}"
    tmp = stage_parts(dest, brandfile.parts(snap.table, sealed=_sealed(ledger, folder_key(snap.folder))),
                      title=f"品牌档案 — {snap.name}", comments=comments)
    if _commit(ledger, ctx, tmp, dest, snap):
        written.append(dest)
    made = {ctx.settings.rel(dest)}
    for year, docs in sorted(register.by_year(Client(snap.folder, snap.invoices)).items()):
        dest = folder / year / register.NAME
        tmp = stage(dest, [register.sheet(docs, base=ctx.settings.rel(dest.parent), year=year)],
                    title=f"发票台账 — {snap.name} {year}", comments=comments)
        if _commit(ledger, ctx, tmp, dest, snap):
            written.append(dest)
        made.add(ctx.settings.rel(dest))
    for path, (name, _) in ledger.index_marks().items():  # a register whose year has no invoice any more
        if path != SCAN and folder_key(name) == folder_key(snap.folder) and path not in made:
            ledger.drop_index_mark(path)
    return written


def build(ctx: Context, ledger: Ledger, key: str, *, rerender: bool = False) -> list[Path]:
    """One client's files from the ledger as it is now (see `snapshot`); the files written.

    Kept rows that do not read back (a damaged database page, a hand edit) are never trusted:
    the client's documents are all rendered anew, and the rows replaced."""
    try:
        with _collector_paused():
            snap = snapshot(ctx, ledger, key, rerender=rerender)
            return write_client(ctx, ledger, snap) if snap is not None else []
    except KEPT_DAMAGED as exc:
        if rerender:
            raise
        log.warning("品牌档案的缓存行无法读取（%s），该客户的全部文档重新生成", exc)
        return build(ctx, ledger, key, rerender=True)


def _missing(ctx: Context, marks: dict[str, tuple[str, int]]) -> set[str]:
    return {folder_key(client) for path, (client, _) in marks.items()
            if path != SCAN and not (ctx.settings.root / path).exists()}


def _stale(ctx: Context, changed: dict[str, int], marks: dict[str, tuple[str, int]]) -> set[str]:
    """Clients with rows newer than their brand file (another watcher may have rebuilt it already)."""
    latest: dict[str, int] = {}
    for client, upto in changed.items():
        latest[folder_key(client)] = max(latest.get(folder_key(client), 0), upto)
    out = set()
    for key, upto in latest.items():
        names = [c for c in changed if folder_key(c) == key]
        brand = ctx.settings.rel(ctx.settings.outbox / folder_of(names[0]) / brandfile.NAME)
        if marks.get(brand, ("", 0))[1] < upto:
            out.add(key)
    return out


def refresh(ctx: Context) -> list[Path]:
    """The chore: rebuild the files of every client with new documents (or a missing file)."""
    if not has_ledger(ctx.settings):
        return []
    ledger = ctx.open_ledger()
    top = ledger.max_id()
    marks = ledger.index_marks()
    seen = marks.get(SCAN, ("", 0))[1]
    keys = _stale(ctx, ledger.clients_after(seen), marks) if top > seen else set()
    keys |= _missing(ctx, marks)
    written: list[Path] = []
    for key in sorted(keys):
        written += build(ctx, ledger, key)
    if top > seen:
        ledger.set_index_mark(SCAN, "", top)
    if written:
        log.info("品牌档案/发票台账已更新：%s", "、".join(ctx.settings.rel(p) for p in written))
    return written


def rebuild(ctx: Context, client: str | None = None) -> list[Path]:
    """Rebuild every client's files from the ledger (or one client's), whatever the marks say."""
    if not has_ledger(ctx.settings):
        return []
    ledger = ctx.open_ledger()
    top = ledger.max_id()
    keys = {folder_key(name) for name in ledger.clients()}
    if client is not None:
        keys &= {folder_key(client)}
    written: list[Path] = []
    for key in sorted(keys):
        written += build(ctx, ledger, key, rerender=True)   # every row rendered anew: nothing kept is trusted
    if client is None:
        ledger.set_index_mark(SCAN, "", top)
    return written
