"""The pipeline: intake → read → check → render → verify → route → ledger.

`process_claim` runs the stages in that order for one claimed file and turns
every outcome into a `Result`. Bad data is a finding (review), an unreadable
file an InputError (rejected), a full disk or a locked folder a RouteError
(the file goes back to the inbox and is retried). Only an unexpected bug
reaches the catch-all, which records it and rejects the file with its
original kept, so one bad file never stops a batch.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from automator import claim as claims
from automator.checks import run_checks
from automator.errors import InputError, LedgerError, RouteError
from automator.document import CheckResult, Document, Finding, Severity
from automator.outcome import Result
from automator.rules.loader import RuleSet, load_rules
from automator.rules.model import Rule
from automator.settings import Settings
from automator.archive import file_old as filing
from automator.readers.workbook.classify import Match, classify
from automator.readers.sniff import content_hash, sniff
from automator.archive.ledger import Ledger

log = logging.getLogger(__name__)


@dataclass
class Context:
    settings: Settings
    ruleset: RuleSet
    dry_run: bool = False
    ledger: Ledger | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def open_ledger(self) -> Ledger:
        if self.ledger is None:
            self.ledger = Ledger(self.settings.ledger)
        return self.ledger


def load_context(settings: Settings, *, dry_run: bool = False, lint: bool = True) -> Context:
    """Rules loaded and templates linted once, at start-up: a broken one stops here, named."""
    ruleset = load_rules(settings.rules)
    if lint:
        from automator.template_check import check_templates

        check_templates(settings, ruleset)
    return Context(settings, ruleset, dry_run=dry_run)


@dataclass
class Read:
    doc: Document
    rule: Rule
    how: str


def read_document(ctx: Context, path: Path, *, name: str | None = None) -> Read:
    """intake + read + classify + bind. Raises InputError for what cannot be read."""
    kind = sniff(path)
    if kind == "pdf":
        from automator.readers.pdf.read import read_pdf

        doc = read_pdf(path, ctx.ruleset)
        rule = ctx.ruleset.rules[doc.doc_type or ""]
        return Read(doc, rule, f"PDF 标题识别为{rule.zh}")
    from automator.readers.workbook.bind import bind
    from automator.readers.workbook.read import read_workbook

    book = read_workbook(path)
    match: Match = classify(book, ctx.ruleset, name or path.name)
    return Read(bind(book, match.rule), match.rule, match.how)


def check_document(ctx: Context, read: Read) -> list[CheckResult]:
    """Run the rule's checks. `approved` checks consult the ledger's archived briefs."""
    from automator.checks.approved import approvals_from

    compiled = ctx.ruleset.checks.get(read.rule.key, [])
    needs_ledger = any(getattr(c, "name", "") == "approved" for c in compiled) and ctx.settings.ledger.exists()
    with approvals_from(ctx.open_ledger() if needs_ledger else None):
        return run_checks(read.doc, read.rule, compiled)


@contextmanager
def _stage(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


_SCRATCH: tuple[int, Path] | None = None


@contextmanager
def _scratch() -> Iterator[Path]:
    """This process's staging folder, made once and emptied after each document.

    A folder made and removed per document costs milliseconds of disk wait on
    some file systems (ext4 mounted with `discard`: 2–3 ms per rmdir).
    """
    global _SCRATCH
    if _SCRATCH is None or _SCRATCH[0] != os.getpid() or not _SCRATCH[1].is_dir():
        from multiprocessing.util import Finalize

        folder = Path(tempfile.mkdtemp(prefix="automator-"))
        # Runs at exit in the main process and in pool workers (which skip atexit).
        Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=0)
        _SCRATCH = (os.getpid(), folder)
    folder = _SCRATCH[1]
    try:
        yield folder
    finally:
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)


def process_path(ctx: Context, path: Path) -> Result | None:
    """Claim `path` and process it. None when another process claimed it first."""
    if ctx.dry_run:
        return _process(ctx, None, path, ctx.settings.rel(path))
    taken = claims.claim(ctx.settings, path)
    if taken is None:
        return None
    return process_claim(ctx, taken)


def process_claim(ctx: Context, claim: claims.Claim) -> Result:
    return _process(ctx, claim, claim.file, claim.origin)


def _process(ctx: Context, claim: claims.Claim | None, path: Path, origin: str) -> Result:
    result = Result(input=origin)
    t = result.seconds
    name = Path(origin).name
    sha: str | None = None
    try:
        with _stage(t, "intake"):
            sha = content_hash(path)
            ledger = None if ctx.dry_run else ctx.open_ledger()
            prior = ledger.seen(sha) if ledger else None
        if prior is not None and claim is not None:
            return filing.duplicate(ctx, claim, result, prior)
        with _stage(t, "read"):
            read = read_document(ctx, path, name=name)
        result.doc_type, result.client = read.rule.key, _text(read.doc.value("client"))
        with _stage(t, "check"):
            checks = check_document(ctx, read)
        result.findings = [f for c in checks for f in c.findings]
        with _scratch() as tmp:
            staged = filing.stage_outputs(ctx, read, checks, result, tmp, source_name=name)
            if ctx.dry_run:
                return filing.dry_run(ctx, read, result, staged)
            assert claim is not None and ledger is not None
            with _stage(t, "route+ledger"):
                return filing.commit(ctx, claim, read, result, staged, sha=sha)
    except InputError as exc:
        result.status, result.reason, result.hint = "rejected", exc.message, exc.hint
        result.findings = [Finding("unreadable", Severity.ERROR, exc.message, ())]
        if claim is None:
            return result
        return _reject(ctx, claim, result, sha)
    except (RouteError, LedgerError) as exc:
        return _retry(claim, result, exc)
    except Exception as exc:  # noqa: BLE001 - the one catch-all: record, keep the original, go on
        log.exception("%s: unexpected error", origin)
        result.status = "rejected"
        result.reason = f"处理时发生内部错误（{type(exc).__name__}），原文件已保留，错误已记入日志"
        result.hint = "请把此文件和 automator.log 发给系统管理员"
        if claim is None:
            return result
        return _reject(ctx, claim, result, sha)


def _reject(ctx: Context, claim: claims.Claim, result: Result, sha: str | None) -> Result:
    # Filing a rejection writes to outbox and the ledger too: a full disk or a locked
    # ledger there is the same retryable failure, not a crash of the whole batch.
    try:
        return filing.reject(ctx, claim, result, sha=sha)
    except (RouteError, LedgerError) as exc:
        return _retry(claim, result, exc)


def _retry(claim: claims.Claim | None, result: Result, exc: RouteError | LedgerError) -> Result:
    """Output could not be written (disk full, no permission, ledger locked): the input goes back."""
    log.error("%s: %s — 文件已放回收件箱，稍后重试", result.input, exc.message)
    result.status, result.reason, result.hint = "retry", exc.message, exc.hint
    result.outputs = []
    if claim is not None:
        claim.release()
    return result


def _text(value: object) -> str | None:
    return None if value is None else str(value)
