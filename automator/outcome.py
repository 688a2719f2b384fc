"""What became of one input: its `Status` (one vocabulary, worded once) and the `Result`
that `--json`, the log, the console and the ledger all print (contract §3)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from automator.document import Finding, Severity


class Status(enum.StrEnum):
    """The five outcomes. `zh` is the word people see, `mark` the one-character sign."""

    ARCHIVED = "archived"
    REVIEW = "review"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    RETRY = "retry"

    @property
    def zh(self) -> str:
        return _WORDING[self][0]

    @property
    def mark(self) -> str:
        return _WORDING[self][1]

    @property
    def sentence(self) -> str:
        """The report's status line."""
        return _WORDING[self][2]

    @property
    def done(self) -> bool:
        """Nothing more is asked of anyone (exit status 0)."""
        return self in (Status.ARCHIVED, Status.DUPLICATE)


_WORDING = {
    Status.ARCHIVED: ("已归档", "✓", "已归档"),
    Status.REVIEW: ("待复核", "✗", "需修改：发现错误，文件未归档，已放入复核区"),
    Status.REJECTED: ("已拒收", "⊘", "无法读取，已退回"),
    Status.DUPLICATE: ("重复", "=", "重复：相同内容此前已处理，未再归档"),
    Status.RETRY: ("稍后重试", "…", "暂时无法完成，文件已放回收件箱，稍后重试"),
}
# For tables and lookups by the stored string (the ledger keeps plain strings).
STATUS_ZH = {s.value: s.zh for s in Status}
STATUS_MARK = {s.value: s.mark for s in Status}


@dataclass
class Result:
    input: str
    status: Status = Status.REJECTED
    doc_type: str | None = None
    client: str | None = None
    outputs: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    reason: str | None = None       # rejected / retry: why, in plain words
    hint: str | None = None         # …and what to do about it
    reason_code: str | None = None  # rejected / retry: a stable code (`encrypted`, `damaged`, `config`…)
    version: int | None = None
    changes: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)   # what was read, in machine form (contract §4)
    tables: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # time per stage (for the benchmark)

    @property
    def errors(self) -> int:
        return sum(f.severity == Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == Severity.WARNING for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"input": self.input, "status": str(self.status), "doc_type": self.doc_type,
                               "client": self.client, "outputs": self.outputs,
                               "findings": [f.to_json() for f in self.findings]}
        for key in ("reason", "hint", "reason_code"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.version and self.version > 1:
            out["version"] = self.version
            out["changes"] = self.changes
        if self.fields or self.tables:
            out["fields"], out["tables"] = self.fields, self.tables
        return out
