"""Annotate: a copy of the dropped workbook with the offending cells marked, for the AE."""

from __future__ import annotations

import logging

from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage

log = logging.getLogger(__name__)


class Annotate(Stage):
    name = "annotate"

    def applies(self, job: Job) -> bool:
        return (job.reading is not None and job.status is None and job.errors > 0
                and job.kind == "workbook")

    def run(self, job: Job, ctx: Context) -> None:
        from automator.outputs.annotate import annotate_workbook  # openpyxl's writer: only for review

        assert job.reading is not None and job.scratch is not None
        out = job.scratch / "marked.xlsx"
        try:
            annotate_workbook(job.reading.doc.source, out, job.findings)
        except Exception as exc:  # noqa: BLE001 - openpyxl cannot rewrite every file calamine reads
            # The review still has the report and the reason file, which name every cell.
            log.warning("%s: no marked copy (openpyxl cannot rewrite this workbook: %s)", job.name, exc)
            return
        job.staged["marked"] = out
