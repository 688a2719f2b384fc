"""Filing: stage a document's outputs in a temp folder, then place them for
its status — archive, review or rejected — and record it in the ledger.

Placement happens inside a ledger transaction (BEGIN IMMEDIATE), which
serialises it across processes: the duplicate check, the choice of a free
name and the ledger row cannot interleave between two workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automator import claim as claims
from automator.document import CheckResult, Document, Finding, Severity
from automator.outcome import Result
from automator.archive import route
from automator.archive.ledger import Entry

if TYPE_CHECKING:
    from automator.pipeline import Context, Read

log = logging.getLogger(__name__)
REPORT = "检查报告.md"
DRAFT = "草稿-未通过检查"
MARKED = "标注"
_template_hashes: dict[tuple[Path, float], str] = {}


@dataclass
class Staged:
    docx: Path | None = None
    marked: Path | None = None
    checks: list[CheckResult] = field(default_factory=list)
    summary: str = ""
    template_version: str | None = None


def template_version(path: Path) -> str:
    key = (path, path.stat().st_mtime)
    if key not in _template_hashes:
        _template_hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _template_hashes[key]


def stage_outputs(ctx: Context, read: Read, checks: list[CheckResult], result: Result, tmp: Path,
                  *, source_name: str) -> Staged:
    from automator.outputs.report import summary
    from automator.outputs.render import build_context, expected_values, render_document
    from automator.outputs.verify import verify_docx

    staged = Staged(checks=checks, summary=summary(checks))
    draft = result.errors > 0
    if read.rule.template:
        template = ctx.settings.templates / read.rule.template
        staged.template_version = template_version(template)
        context = build_context(read.doc, read.rule, ctx.ruleset, source_name=source_name,
                                summary=staged.summary, draft=draft)
        out = tmp / "document.docx"
        start = dt.datetime.now()
        render_document(template, context, out)
        result.seconds["render"] = (dt.datetime.now() - start).total_seconds()
        start = dt.datetime.now()
        problems = verify_docx(out, expected_values(context, template=template))
        result.seconds["verify"] = (dt.datetime.now() - start).total_seconds()
        if problems:
            finding = Finding("verify", Severity.ERROR, "生成的 Word 文档未通过复核：" + "；".join(problems), ())
            result.findings.append(finding)
            checks.append(CheckResult("verify", "文档复核", Severity.ERROR, [finding]))
            staged.summary = summary(checks)
        staged.docx = out
    if result.errors:
        from automator.outputs.annotate import annotate_workbook

        staged.marked = None
        if read.rule.input == "workbook":
            try:
                annotate_workbook(read.doc.source, tmp / "marked.xlsx", result.findings)
                staged.marked = tmp / "marked.xlsx"
            except Exception as exc:  # noqa: BLE001 - openpyxl cannot rewrite every file calamine reads
                # The review still has the report and the reason file, which name every cell.
                log.warning("%s: no marked copy (openpyxl cannot rewrite this workbook: %s)", source_name, exc)
    return staged


def figures(doc: Document) -> dict[str, Any]:
    """What the ledger keeps of a document: its fields and table rows, as plain JSON values."""
    def plain(v: Any) -> Any:
        return v if v is None or isinstance(v, str | int) else str(v)

    return {"fields": {k: plain(v.value) for k, v in doc.fields.items()},
            "tables": {k: [{c: plain(v.value) for c, v in row.cells.items()} for row in t.rows]
                       for k, t in doc.tables.items()},
            "totals": {k: {c: plain(v.value) for c, v in t.totals.cells.items()}
                       for k, t in doc.tables.items() if t.totals}}


def changes(old: dict[str, Any], new: dict[str, Any], read: Read) -> list[str]:
    """What a corrected version changed, in words, for the ledger and the report."""
    out = []
    labels = {f.key: f.zh for f in read.rule.fields}
    for key in sorted(set(old.get("fields", {})) | set(new.get("fields", {}))):
        a, b = old.get("fields", {}).get(key), new.get("fields", {}).get(key)
        if a != b:
            out.append(f"{labels.get(key, key)}：{a or '（空）'} → {b or '（空）'}")
    for spec in read.rule.tables:
        a, b = old.get("tables", {}).get(spec.key, []), new.get("tables", {}).get(spec.key, [])
        if len(a) != len(b):
            out.append(f"{spec.zh}：{len(a)} 行 → {len(b)} 行")
        cols = {c.key: c.zh for c in spec.columns}
        for i, (ra, rb) in enumerate(zip(a, b, strict=False), start=1):
            for col in cols:
                if ra.get(col) != rb.get(col):
                    out.append(f"{spec.zh}第{i}行{cols[col]}：{ra.get(col) or '（空）'} → {rb.get(col) or '（空）'}")
    return out[:50]


def _doc_key(read: Read) -> str:
    title = read.doc.value(read.rule.title_field) if read.rule.title_field else ""
    date = read.doc.value(read.rule.date_field)
    date = date.date() if isinstance(date, dt.datetime) else date
    return "|".join(str(x or "") for x in (read.rule.key, read.doc.value("client"), title, date))


def _explain(ctx: Context, read: Read, folder: Path, name: str, staged: Staged) -> dict[str, Any]:
    def cell(key: str | None) -> str | None:
        value = read.doc.fields.get(key or "")
        return str(value.ref) if value is not None and value.ref else None

    return {"rule": read.rule.key, "rule_zh": read.rule.zh,
            "rule_file": ctx.settings.rel(ctx.ruleset.files[read.rule.key]), "how": read.how,
            "client_cell": cell("client"), "date_field": read.rule.date_field, "date_cell": cell(read.rule.date_field),
            "title_field": read.rule.title_field, "title_cell": cell(read.rule.title_field),
            "folder": ctx.settings.rel(folder), "file": name, "template": read.rule.template,
            "template_version": staged.template_version, "rule_version": ctx.ruleset.versions[read.rule.key],
            "summary": staged.summary}


def _write_report(path: Path, read: Read, staged: Staged, result: Result, source_name: str,
                  outputs: list[str], tmp_dir: Path) -> Path:
    from automator.outputs.report import write_report

    tmp = tmp_dir / "report.md"
    write_report(tmp, doc=read.doc, rule=read.rule, results=staged.checks, status=result.status,
                 source_name=source_name, outputs=outputs)
    if result.changes:
        with tmp.open("a", encoding="utf-8") as fh:
            fh.write(f"\n## 与上一版相比的改动（第 {result.version} 版）\n\n")
            fh.writelines(f"- {c}\n" for c in result.changes)
    return tmp


def commit(ctx: Context, claim: claims.Claim, read: Read, result: Result, staged: Staged, *,
           sha: str) -> Result:
    ledger = ctx.open_ledger()
    settings = ctx.settings
    source_name = Path(claim.origin).name
    # The archived copy is named for what it is (read by its bytes), not for what it was called.
    source_suffix = ".pdf" if read.rule.input == "pdf" else ".xlsx"
    with ledger.transaction():
        prior = ledger.seen(sha)
        if prior is not None:  # another worker archived the same bytes a moment ago
            return duplicate(ctx, claim, result, prior, in_transaction=True)
        clear_stale(ctx, claim)
        stem = route.base_name(read.doc, read.rule)
        doc_key = _doc_key(read)
        if result.errors:
            result.status = "review"
            folder_stem, _ = route.free_stem(settings.review, stem, ("",))
            folder = settings.review / folder_stem
            plan = {"docx": folder / f"{stem}.{DRAFT}.docx", "marked": folder / f"{stem}.{MARKED}{source_suffix}",
                    "report": folder / REPORT, "reason": folder / "原因.txt", "source": folder / source_name}
            version = None
        else:
            result.status = "archived"
            folder = route.archive_folder(settings, read.doc, read.rule)
            previous = ledger.latest_version(doc_key)
            start = (previous.version or 1) + 1 if previous else 1
            stem, version = route.free_stem(folder, stem, (".docx", f".{REPORT}", source_suffix), start)
            plan = {"docx": folder / f"{stem}.docx", "report": folder / f"{stem}.{REPORT}",
                    "source": folder / f"{stem}{source_suffix}"}
            result.version = version
            if previous is not None:
                result.changes = changes(previous.figures, figures(read.doc), read)
        if staged.docx is None:  # a PDF is filed as itself: it comes first, as the document
            plan.pop("docx", None)
            if result.status == "archived":
                plan = {"source": plan.pop("source"), **plan}
        if staged.marked is None:
            plan.pop("marked", None)
        result.outputs = [settings.rel(p) for p in plan.values()]
        claim.note_placing(list(plan.values()))
        placed: list[Path] = []
        try:
            report = _write_report(plan["report"], read, staged, result, source_name, result.outputs,
                                   staged.docx.parent if staged.docx else claim.dir)
            if staged.docx is not None:
                placed.append(route.place(staged.docx, plan["docx"], move=True))
            if "marked" in plan and staged.marked is not None:
                placed.append(route.place(staged.marked, plan["marked"], move=True))
            placed.append(route.place(report, plan["report"], move=True))
            if "reason" in plan:
                placed.append(route.write_new(plan["reason"], _reason_text(result, source_name, marked="marked" in plan).encode("utf-8")))
            # A copy, not a move: until the ledger row is committed the claim keeps the input,
            # so a process killed at any point here leaves a claim the next start can redo.
            placed.append(route.place(claim.file, plan["source"], move=False))
            ledger.record(in_transaction=True, sha256=sha, input=claim.origin, status=result.status,
                          doc_type=read.rule.key, client=result.client, doc_key=doc_key, version=version,
                          outputs=result.outputs, findings=[f.to_json() for f in result.findings],
                          rule_version=ctx.ruleset.versions[read.rule.key], template_version=staged.template_version,
                          explain=_explain(ctx, read, folder, next(iter(plan.values())).name, staged),
                          figures=figures(read.doc), changes=result.changes)
        except BaseException:
            _unplace(placed)  # a write failed (disk full): leave no half-filed document
            raise
    claim.finish()
    return result


def _reason_text(result: Result, source_name: str, *, marked: bool = False) -> str:
    lines = [f"文件：{source_name}", f"结果：{'待复核' if result.status == 'review' else '已拒收'}", ""]
    if result.reason:
        lines += [f"原因：{result.reason}", *( [f"怎么办：{result.hint}"] if result.hint else [])]
    for f in result.findings:
        lines.append(f"- [{'错误' if f.severity == Severity.ERROR else '提醒'}] {f.message}{f.where}")
    if result.status == "review" and marked:
        lines += ["", "请打开「标注」工作簿，改正标红的单元格后，把改好的工作簿重新放入 inbox。"]
    elif result.status == "review":
        lines += ["", "请核对以上位置的数字；如供应商单据有误，请对方重开后把新文件放入 inbox。"]
    return "\n".join(lines) + "\n"


def reject(ctx: Context, claim: claims.Claim, result: Result, *, sha: str | None = None) -> Result:
    """File an unreadable input under _已拒收 with its reason. `sha`: its hash, when already known."""
    settings = ctx.settings
    name = Path(claim.origin).name
    stem = Path(name).stem if Path(name).suffix else name
    suffix = Path(name).suffix
    ledger = ctx.open_ledger()
    with ledger.transaction():  # the free name, the placement and the row cannot interleave between workers
        clear_stale(ctx, claim)
        stem, _ = route.free_stem(settings.rejected, route.safe_name(stem), (suffix, ".原因.txt"))
        source = settings.rejected / f"{stem}{suffix}"
        reason = settings.rejected / f"{stem}.原因.txt"
        claim.note_placing([source, reason])
        placed: list[Path] = []
        try:
            # the claim keeps the input until the row is committed (see commit)
            placed.append(route.place(claim.file, source, move=False))
            placed.append(route.write_new(reason, _reason_text(result, name).encode("utf-8")))
            result.outputs = [settings.rel(source), settings.rel(reason)]
            ledger.record(in_transaction=True, sha256=sha or content_hash_safe(source), input=claim.origin,
                          status="rejected", doc_type=result.doc_type, client=result.client,
                          outputs=result.outputs, findings=[f.to_json() for f in result.findings],
                          reason=result.reason)
        except BaseException:
            _unplace(placed)
            raise
    claim.finish()
    return result


def _unplace(paths: list[Path]) -> None:
    """Remove the outputs a run placed before it failed, short of its ledger row."""
    for path in paths:
        path.unlink(missing_ok=True)


def clear_stale(ctx: Context, claim: claims.Claim) -> None:
    """Undo what a killed process had started to place for this claim: its temporary files, and
    outputs no ledger row owns (a name another document has taken since is left alone)."""
    ledger = ctx.open_ledger()
    for stale in claims.placed_before_crash(claim):
        route.discard_temporaries(stale)
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
        route.discard_temporaries(path)
    claim.finish()
    findings = [Finding(f["check"], Severity(f["severity"]), f["message"], tuple(f.get("cells", ())))
                for f in entry.findings]
    return Result(input=entry.input, status=entry.status, doc_type=entry.doc_type, client=entry.client,
                  outputs=entry.outputs, findings=findings, reason=entry.reason, version=entry.version)


def content_hash_safe(path: Path) -> str:
    from automator.readers.sniff import content_hash

    try:
        return content_hash(path)
    except OSError:
        return ""


def duplicate(ctx: Context, claim: claims.Claim, result: Result, prior: Entry, *,
              in_transaction: bool = False) -> Result:
    """The same bytes were processed before: nothing new is written; the extra copy is dropped."""
    result.status = "duplicate"
    result.doc_type, result.client = prior.doc_type, prior.client
    result.outputs = prior.outputs
    result.reason = f"内容与 {prior.at} 处理过的 {prior.input} 完全相同（{'已归档' if prior.status == 'archived' else '待复核'}）"
    ctx.open_ledger().record(in_transaction=in_transaction, sha256=prior.sha256, input=claim.origin,
                             status="duplicate", doc_type=prior.doc_type, client=prior.client,
                             outputs=prior.outputs, reason=result.reason)
    claim.finish()  # the identical bytes are already kept in the archive or review folder
    return result


def dry_run(ctx: Context, read: Read, result: Result, staged: Staged) -> Result:
    """Everything but the side effects: report where the document would go."""
    if result.errors:
        result.status = "review"
        result.outputs = [ctx.settings.rel(ctx.settings.review / route.base_name(read.doc, read.rule))]
    else:
        result.status = "archived"
        folder = route.archive_folder(ctx.settings, read.doc, read.rule)
        result.outputs = [ctx.settings.rel(folder / f"{route.base_name(read.doc, read.rule)}.docx")]
    return result
