"""Render: fill the rule's Word template into the scratch folder (a draft when checks failed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from automator.outputs.report import summary
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage

_VERSIONS: dict[tuple[Path, int], str] = {}


def template_version(path: Path) -> str:
    """A short hash of the template file (cached by modification time)."""
    key = (path, path.stat().st_mtime_ns)
    if key not in _VERSIONS:
        _VERSIONS[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _VERSIONS[key]


class Render(Stage):
    name = "render"

    def applies(self, job: Job) -> bool:
        return job.reading is not None and job.status is None and bool(job.reading.rule.template)

    def run(self, job: Job, ctx: Context) -> None:
        # docxtpl and jinja2 load here, not at import: `automator check` and template-less types never render
        from automator.outputs.render import build_context, render_document

        assert job.reading is not None and job.scratch is not None and job.reading.rule.template
        reading = job.reading
        template = ctx.settings.templates / reading.rule.template
        context = build_context(reading.doc, reading.rule, ctx.ruleset, source_name=job.name,
                                summary=summary(job.checks), draft=job.errors > 0)
        out = job.scratch / "document.docx"
        render_document(template, context, out)
        job.template_version = template_version(template)
        job.staged["docx"] = out
        job.template_context = context
