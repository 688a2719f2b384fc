"""Report: the 检查报告 beside the document and, for review and rejections, 原因.txt."""

from __future__ import annotations

from automator.document import Severity
from automator.formatting import printable
from automator.outcome import Status
from automator.outputs.report import write_report
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage


def reason_text(job: Job) -> str:
    lines = [f"文件：{job.name}", f"结果：{(job.status or Status.REJECTED).zh}", ""]
    if job.reason:
        lines += [f"原因：{job.reason}", *([f"怎么办：{job.hint}"] if job.hint else [])]
    for f in job.findings:
        lines.append(f"- [{'错误' if f.severity == Severity.ERROR else '提醒'}] {f.message}{f.where}")
    if job.status == Status.REVIEW and "marked" in job.staged:
        lines += ["", "请打开「标注」工作簿，改正标红的单元格后，把改好的工作簿重新放入 inbox。"]
    elif job.status == Status.REVIEW:
        lines += ["", "请核对以上位置的数字；如供应商单据有误，请对方重开后把新文件放入 inbox。"]
    return "\n".join(lines) + "\n"


class Report(Stage):
    name = "report"
    phase = "commit"

    def applies(self, job: Job) -> bool:
        return job.destination is not None and job.scratch is not None

    def run(self, job: Job, ctx: Context) -> None:
        assert job.destination is not None and job.scratch is not None and job.status is not None
        files = job.destination.files
        if "report" in files and job.reading is not None:
            path = job.scratch / "report.md"
            write_report(path, doc=job.reading.doc, rule=job.reading.rule, results=job.checks, status=job.status,
                         source_name=job.name, outputs=[ctx.settings.rel(p) for p in files.values()])
            if job.changes:
                with path.open("a", encoding="utf-8") as fh:
                    fh.write(f"\n## 与上一版相比的改动（第 {job.destination.version} 版）\n\n")
                    fh.writelines(f"- {c}\n" for c in job.changes)
            job.staged["report"] = path
        if "reason" in files:
            path = job.scratch / "reason.txt"
            path.write_text(printable(reason_text(job)), encoding="utf-8")
            job.staged["reason"] = path
