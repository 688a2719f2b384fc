"""The Job: one input on its way through the stages. Each stage sets its own fields;
every field is None (or empty) until then."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automator.document import CheckResult, Finding, Severity
from automator.errors import AutomatorError, ConfigError, InputError
from automator.outcome import Result, Status

if TYPE_CHECKING:
    from automator.archive.ledger import Entry
    from automator.archive.route import Destination
    from automator.claim import Claim
    from automator.readers import Reading

log = logging.getLogger(__name__)


@dataclass
class Job:
    origin: str                          # as dropped, relative to the root ("inbox/客户A/x.xlsx")
    path: Path                           # the bytes to read: the claimed copy (the original in a dry run)
    claim: Claim | None = None           # None in a dry run
    scratch: Path | None = None          # this job's staging folder (set by the runner)
    # intake
    sha: str | None = None
    kind: str | None = None              # what the bytes are: "workbook" | "pdf"
    prior: Entry | None = None           # the ledger row that already holds these bytes
    # read / check
    reading: Reading | None = None
    checks: list[CheckResult] = field(default_factory=list)
    # render / verify / annotate / report: role -> file in the scratch folder
    staged: dict[str, Path] = field(default_factory=dict)
    template_version: str | None = None
    template_context: dict[str, Any] | None = None  # what the template was filled with (verify checks it)
    # route / place / ledger
    status: Status | None = None
    destination: Destination | None = None
    changes: list[str] = field(default_factory=list)
    placed: list[Path] = field(default_factory=list)
    committed: bool = False
    entry_id: int | None = None          # the ledger row (set by the Ledger stage)
    # deliver: what the Recipients stage planned (mails and who gets them), queued by Deliveries
    deliveries: list[Any] = field(default_factory=list)
    # why it was rejected or put back
    problem: AutomatorError | None = None
    reason: str | None = None
    hint: str | None = None
    reason_code: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return Path(self.origin).name

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.checks for f in c.findings]

    @property
    def errors(self) -> int:
        return sum(f.severity == Severity.ERROR for f in self.findings)

    def duplicate_of(self, prior: Entry) -> None:
        """The same bytes were processed before: nothing new is written; the extra copy is dropped."""
        kept = "已归档" if prior.status == Status.ARCHIVED else "待复核"
        self.status, self.prior = Status.DUPLICATE, prior
        self.reason = f"内容与 {prior.at} 处理过的 {prior.input} 完全相同（{kept}）"

    def reject(self, exc: InputError) -> None:
        """The input cannot be read as a document: it will be filed under _已拒收 with the reason."""
        self.status, self.problem = Status.REJECTED, exc
        self.reason, self.hint, self.reason_code = exc.message, exc.hint, exc.code
        self.checks = [CheckResult("unreadable", "读取文件", Severity.ERROR,
                                   [Finding("unreadable", Severity.ERROR, exc.message, ())])]
        self.staged.clear()

    def crash(self, exc: BaseException) -> None:
        """A bug met this input: reject it with its original kept, and say so plainly."""
        log.error("%s: unexpected error", self.origin, exc_info=exc)
        self.reject(InputError(f"处理时发生内部错误（{type(exc).__name__}），原文件已保留，错误已记入日志",
                               hint="请把此文件和 automator.log 发给系统管理员", code="internal-error"))

    def put_back(self, exc: AutomatorError) -> None:
        """Not the input's fault (disk full, ledger locked, a template being edited): retry later."""
        self.status, self.problem = Status.RETRY, exc
        self.reason, self.hint = exc.message, exc.hint
        self.reason_code = "config" if isinstance(exc, ConfigError) else "write-failed"

    def result(self, rel: Any) -> Result:
        """The outcome as `--json`, the log and the console show it. `rel` makes paths root-relative."""
        reading = self.reading
        doc_type = reading.rule.key if reading else (self.prior.doc_type if self.prior else None)
        client = reading.doc.value("client") if reading else (self.prior.client if self.prior else None)
        outputs: list[str] = []
        if self.status == Status.DUPLICATE and self.prior is not None:
            outputs = list(self.prior.outputs)
        elif self.destination is not None and self.status != Status.RETRY:
            outputs = [rel(p) for p in self.destination.files.values()]
        result = Result(input=self.origin, status=self.status or Status.REJECTED, doc_type=doc_type,
                        client=None if client is None else str(client), outputs=outputs,
                        findings=self.findings, reason=self.reason, hint=self.hint, reason_code=self.reason_code,
                        version=self.destination.version if self.destination else None, changes=self.changes,
                        seconds=self.seconds)
        if reading is not None and self.status != Status.RETRY:
            from automator.document import machine_form

            result.fields, result.tables = machine_form(reading.doc)
        return result
