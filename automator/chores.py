"""Chores: periodic work beside the documents — sending what waits in the delivery queue,
a daily digest, and the like. Each is one function of the Context, found by name.

    CHORES = (Chore("deliveries", every=10, target="automator.deliver.send:send_due"), …)

The watcher runs each chore in a worker process every `every` seconds (never two of the
same at once); `automator run` runs every chore once after its files, with `eager=True`
(a person asked: try what waits now, whatever its back-off says). A chore returns lines
for the console (or None). One that fails is logged and tried again next time: it never
stops the service or a document.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automator.pipeline.context import Context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chore:
    name: str
    every: float   # seconds between runs in the watcher
    target: str    # "module:function", function(ctx) -> list[str] | None (lines for the console)
    eager: bool = False  # the function takes `eager`: True under `automator run` (try what waits now)


CHORES: tuple[Chore, ...] = (
    # Brand files and invoice registers of clients with new documents: a burst within the period costs
    # one rebuild (~45 ms for a client with 2,000 documents, its rows kept; bench/brandfile.py).
    Chore("indexes", every=30, target="automator.followup.index:refresh"),
    # The daily digest at `digest_at` (checks the clock; writes at most once a day).
    Chore("digest", every=60, target="automator.followup.digest:daily"),
    # PDFs, mail and webhooks that wait in the ledger (automator/deliver/send.py); `eager` under `run`.
    Chore("deliveries", every=10, target="automator.deliver.send:send_due", eager=True),
    Chore("search-index", every=300, target="automator.search.index:follow"),  # heals what the index stage missed
)


def by_name(name: str) -> Chore:
    return next(c for c in CHORES if c.name == name)


def run_chore(ctx: Context, chore: Chore, *, eager: bool = False) -> Any:
    module, _, function = chore.target.partition(":")
    try:
        target = getattr(import_module(module), function)
        return target(ctx, eager=eager) if chore.eager else target(ctx)
    except Exception:  # noqa: BLE001 - a chore never stops the service; it is tried again next time
        log.exception("chore %s failed; it is tried again later", chore.name)
        return None


def run_all(ctx: Context) -> list[str]:
    """Every chore once, now (what `automator run` does at its end); their console lines."""
    lines: list[str] = []
    for chore in CHORES:
        done = run_chore(ctx, chore, eager=True)
        if chore.eager and isinstance(done, list):  # the others return what they made, not lines
            lines += [str(line) for line in done]
    return lines
