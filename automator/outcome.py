"""The outcome of one input, as `--json` prints it (contract §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from automator.document import Finding, Severity

STATUS_ZH = {"archived": "已归档", "review": "待复核", "rejected": "已拒收", "duplicate": "重复", "retry": "稍后重试"}
STATUS_MARK = {"archived": "✓", "review": "✗", "rejected": "⊘", "duplicate": "=", "retry": "…"}


@dataclass
class Result:
    input: str
    status: str = "rejected"
    doc_type: str | None = None
    client: str | None = None
    outputs: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    reason: str | None = None     # rejected / retry: why, in plain words
    hint: str | None = None       # …and what to do about it
    version: int | None = None
    changes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # time per stage (for the benchmark)

    @property
    def errors(self) -> int:
        return sum(f.severity == Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == Severity.WARNING for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"input": self.input, "status": self.status, "doc_type": self.doc_type,
                               "client": self.client, "outputs": self.outputs,
                               "findings": [f.to_json() for f in self.findings]}
        if self.reason:
            out["reason"] = self.reason
        if self.hint:
            out["hint"] = self.hint
        if self.version and self.version > 1:
            out["version"] = self.version
            out["changes"] = self.changes
        return out
