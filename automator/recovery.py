"""Recovery: finishing or undoing what a killed process left in `processing/`.

- `pipeline.recover(ctx)` takes every abandoned claim (its owner died: kill -9, power
  loss) and finishes it — unless its run had already committed (`committed_before_crash`:
  the recorded result stands), or the file has killed a process `MAX_ATTEMPTS` times
  (`poison`: it is rejected, so it can never stop the files beside it);
- `clear_stale(ctx, claim)` removes the outputs a killed run had started to place and no
  ledger row owns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from automator import claim as claims
from automator.archive.place import discard_temporaries
from automator.document import Finding
from automator.errors import InputError
from automator.outcome import Result, Status

if TYPE_CHECKING:
    from automator.pipeline.context import Context

MAX_ATTEMPTS = 2  # a claim whose process died this often is not tried again: the file itself kills it


def clear_stale(ctx: Context, claim: claims.Claim) -> None:
    """Undo what a killed process had started to place for this claim: its temporary files, and
    outputs no ledger row owns (a name another document has taken since is left alone)."""
    ledger = ctx.open_ledger()
    for stale in claims.placed_before_crash(claim):
        discard_temporaries(stale)
        if stale.exists() and ledger.owner_of(ctx.settings.rel(stale)) is None:
            stale.unlink(missing_ok=True)


def committed_before_crash(ctx: Context, claim: claims.Claim) -> Result | None:
    """A recovered claim whose run was killed after its ledger row was committed (while
    cleaning up): the result as recorded, so it is not processed, or recorded, twice."""
    placed = claims.placed_before_crash(claim)
    if not placed:
        return None
    entry = ctx.open_ledger().owner_of(ctx.settings.rel(placed[-1]))
    if entry is None or entry.input != claim.origin or set(entry.outputs) != {ctx.settings.rel(p) for p in placed}:
        return None
    for path in placed:
        discard_temporaries(path)
    claim.finish()
    return Result(input=entry.input, status=Status(entry.status), doc_type=entry.doc_type, client=entry.client,
                  outputs=entry.outputs, findings=[Finding.from_json(f) for f in entry.findings],
                  reason=entry.reason, reason_code=entry.reason_code, version=entry.version)


def poison(claim: claims.Claim) -> InputError:
    """Why a file whose processing killed the process every time is no longer tried."""
    return InputError(f"处理此文件时程序 {claim.attempts} 次意外终止（文件可能损坏，触发了读取库的缺陷），已停止重试",
                      hint="请用 Excel 或 WPS 打开该文件并另存为新的 .xlsx 后再放入；如仍失败，请把文件发给系统管理员",
                      code="poison")
