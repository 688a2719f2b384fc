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

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from automator.archive.backends import has_ledger
from automator.followup import brandfile, register
from automator.followup.records import Client, folder_key, folder_of, load_all, load_client
from automator.followup.sheets import stage

if TYPE_CHECKING:
    from automator.archive.ledger import Ledger
    from automator.pipeline.context import Context

log = logging.getLogger(__name__)
SCAN = "*"   # the indexes row holding the last ledger id the chore has seen


def _commit(ledger: Ledger, ctx: Context, tmp: Path, dest: Path, client: Client) -> bool:
    """Swap `tmp` into `dest` unless `dest` already reflects a later ledger state. True when swapped."""
    rel = ctx.settings.rel(dest)
    try:
        with ledger.transaction():
            held = ledger.index_marks().get(rel)
            if held is not None and held[1] > client.upto and dest.exists():
                return False
            os.replace(tmp, dest)
            ledger.set_index_mark(rel, client.name, client.upto, in_transaction=True)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _sealed(ledger: Ledger) -> dict[tuple[str, str], str]:
    """(client folder key, month) → when its latest seal was made."""
    return {(folder_key(s["client"]), s["month"]): s["at"] for s in ledger.seals()}


def write_client(ctx: Context, ledger: Ledger, client: Client) -> list[Path]:
    """Rebuild one client's brand file and invoice registers; returns the files written.

    A client with nothing archived yet (only documents in review, perhaps a misspelt name)
    gets no folder and no files."""
    if not client.archived():
        return []
    outbox = ctx.settings.outbox
    folder = outbox / client.folder
    done_words = tuple(ctx.ruleset.words.get("done", ()))
    base = ctx.settings.rel(folder)
    written = []
    dest = folder / brandfile.NAME
    tmp = stage(dest, brandfile.sheets(client, base=base, done_words=done_words, sealed=_sealed(ledger)),
                title=f"品牌档案 — {client.name}", comments=f"automator: ledger up to #{client.upto}")
    if _commit(ledger, ctx, tmp, dest, client):
        written.append(dest)
    made = {ctx.settings.rel(dest)}
    for year, docs in sorted(register.by_year(client).items()):
        dest = folder / year / register.NAME
        tmp = stage(dest, [register.sheet(docs, base=ctx.settings.rel(dest.parent), year=year)],
                    title=f"发票台账 — {client.name} {year}", comments=f"automator: ledger up to #{client.upto}")
        if _commit(ledger, ctx, tmp, dest, client):
            written.append(dest)
        made.add(ctx.settings.rel(dest))
    for path, (name, _) in ledger.index_marks().items():  # a register whose year has no invoice any more
        if path != SCAN and folder_key(name) == folder_key(client.name) and path not in made:
            ledger.drop_index_mark(path)
    return written


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
        client = load_client(ledger, key, ctx.ruleset)
        if client is not None:
            written += write_client(ctx, ledger, client)
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
    clients = load_all(ledger, ctx.ruleset)
    if client is not None:
        clients = {k: v for k, v in clients.items() if k == folder_key(client)}
    written: list[Path] = []
    for key in sorted(clients):
        written += write_client(ctx, ledger, clients[key])
    if client is None:
        ledger.set_index_mark(SCAN, "", top)
    return written
