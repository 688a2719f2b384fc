"""The daily digest: `outbox/_digest/<date>.md` and `.xlsx` — what is late, what was archived in
the last 24 hours, and what waits in review and since when.

    write(ctx, now)  -> Digest      `automator digest` (rewrites that day's files)
    daily(ctx)       -> Digest|None the chore: at `digest_at` (automator.yaml), once a day

Mail: when `mail:` is configured, the digest is handed to the delivery side —
`automator.deliver.send_digest(ctx, digest)`, which chooses our people (contacts.xlsx rows whose
单位 is one of agency.names) and sends `digest.subject`, `digest.text` and `digest.files`. This
module has no SMTP code; without a delivery module the files are written and that is all.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from automator.archive.backends import has_ledger
from automator.followup.due import Due, due_list
from automator.followup.records import Doc, load_all, relative
from automator.followup.sheets import Column, Link, Sheet, stage, stage_bytes

if TYPE_CHECKING:
    from automator.followup.records import Client
    from automator.pipeline.context import Context

log = logging.getLogger(__name__)
FOLDER = "_digest"
KIND_ZH = {"action": "行动事项", "report": "会议报告", "problem": "回访问题"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


@dataclass
class Waiting:
    doc: Doc
    folder: str        # the review folder, root-relative


@dataclass
class Digest:
    day: dt.date
    now: dt.datetime
    due: list[Due] = field(default_factory=list)
    archived: list[Doc] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)     # the .md and .xlsx written
    text: str = ""                                       # the Markdown, as written to the .md

    @property
    def subject(self) -> str:
        return (f"文档中心日报 {self.day.isoformat()}：逾期 {len(self.due)} 项，新归档 {len(self.archived)} 份，"
                f"待复核 {len(self.waiting)} 份")


def md(value: object) -> str:
    """One table cell of Markdown: special characters escaped, lines joined."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value or "").split()))


def gather(clients: dict[str, Client], root: Path, now: dt.datetime) -> Digest:
    digest = Digest(now.date(), now, due=due_list(clients, now))
    since = now - dt.timedelta(hours=24)
    for client in clients.values():
        digest.archived += [d for d in client.archived() if since <= d.at < now]
        archived_after = {}
        for d in client.archived():
            archived_after[d.doc_key] = max(archived_after.get(d.doc_key, 0), d.id)
        for d in client.docs:
            if d.status != "review" or archived_after.get(d.doc_key, 0) > d.id or d.at >= now:
                continue
            folder = str(Path(d.outputs[0]).parent.as_posix()) if d.outputs else ""
            if folder and (root / folder).is_dir():
                digest.waiting.append(Waiting(d, folder))
    digest.archived.sort(key=lambda d: d.at, reverse=True)
    digest.waiting.sort(key=lambda w: w.doc.at)
    return digest


def _age(now: dt.datetime, then: dt.datetime) -> str:
    minutes = max(0, int((now - then).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} 分钟"
    hours = minutes // 60
    return f"{hours // 24} 天 {hours % 24} 小时" if hours >= 24 else f"{hours} 小时"


def _section(title: str, head: tuple[str, ...], rows: list[list[object]], empty: str) -> list[str]:
    """One Markdown section: `## title（n）` and a table of `rows`, or the `empty` sentence."""
    lines = ["", f"## {title}（{len(rows)}）", ""]
    if not rows:
        return [*lines, empty]
    return [*lines, "| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)]


def markdown(d: Digest) -> str:
    lines = [f"# 文档中心日报 {d.day.isoformat()}", "", f"截至 {d.now:%Y-%m-%d %H:%M}。"]
    lines += _section("逾期事项", ("类别", "客户", "事项", "负责", "应完成", "逾期天数", "来源"),
                      [[KIND_ZH.get(x.kind, x.kind), md(x.client), md(x.what), md(x.owner), md(x.due), x.days_late,
                        md(x.source)] for x in d.due], "没有逾期事项。")
    lines += _section("过去24小时归档", ("归档时间", "客户", "类型", "标题", "版本", "文件"),
                      [[f"{x.at:%m-%d %H:%M}", md(x.client), md(x.zh), md(x.title), x.version, md(x.file)]
                       for x in d.archived], "过去24小时没有新归档的文档。")
    lines += _section("待复核", ("送审时间", "已等待", "客户", "类型", "标题", "文件夹"),
                      [[f"{w.doc.at:%Y-%m-%d %H:%M}", _age(d.now, w.doc.at), md(w.doc.client), md(w.doc.zh),
                        md(w.doc.title), md(w.folder)] for w in d.waiting], "没有等待复核的文档。")
    return "\n".join(lines) + "\n"


def _sheets(d: Digest, base: str) -> list[Sheet]:
    due = Sheet("逾期事项", [Column("类别", 10), Column("客户", 24), Column("事项", 44), Column("负责", 12),
                          Column("应完成", 16), Column("逾期天数", 9, "int"), Column("来源", 44, "link")],
                empty="（没有逾期事项）")
    due.rows = [[KIND_ZH.get(x.kind, x.kind), x.client, x.what, x.owner, x.due, x.days_late,
                 Link(x.source.rsplit("/", 1)[-1], relative(x.source, base))] for x in d.due]
    done = Sheet("过去24小时归档", [Column("归档时间", 17, "datetime"), Column("客户", 24), Column("类型", 14),
                               Column("标题", 36), Column("版本", 7, "int"), Column("文件", 44, "link")],
                 empty="（过去24小时没有新归档的文档）")
    done.rows = [[x.at, x.client, x.zh, x.title, x.version,
                  Link(x.file.rsplit("/", 1)[-1], relative(x.file, base)) if x.file else ""] for x in d.archived]
    wait = Sheet("待复核", [Column("送审时间", 17, "datetime"), Column("已等待", 12), Column("客户", 24),
                         Column("类型", 14), Column("标题", 36), Column("文件夹", 44, "link")],
                 empty="（没有等待复核的文档）")
    wait.rows = [[w.doc.at, _age(d.now, w.doc.at), w.doc.client, w.doc.zh, w.doc.title,
                  Link(w.folder.rsplit("/", 1)[-1], relative(w.folder, base))] for w in d.waiting]
    return [due, done, wait]


def build(ctx: Context, now: dt.datetime) -> Digest:
    clients = load_all(ctx.open_ledger(), ctx.ruleset) if has_ledger(ctx.settings) else {}
    digest = gather(clients, ctx.settings.root, now)
    digest.text = markdown(digest)
    return digest


def write(ctx: Context, now: dt.datetime, *, once: bool = False) -> Digest | None:
    """Write the day's digest. With `once`, only if no process wrote that day's digest yet (None then)."""
    from automator.archive.place import write_new

    digest = build(ctx, now)
    folder = ctx.settings.outbox / FOLDER
    md_path, xlsx_path = folder / f"{digest.day.isoformat()}.md", folder / f"{digest.day.isoformat()}.xlsx"
    if once and md_path.exists():
        return None
    tmp = stage(xlsx_path, _sheets(digest, ctx.settings.rel(folder)), title=digest.subject)
    os.replace(tmp, xlsx_path)
    data = digest.text.encode("utf-8")
    if once:
        try:
            write_new(md_path, data)   # the .md is the day's mark: a second watcher finds it taken
        except FileExistsError:
            return None
    else:
        os.replace(stage_bytes(md_path, data), md_path)
    digest.files = [md_path, xlsx_path]
    return digest


def mail(ctx: Context, digest: Digest) -> bool:
    """Hand the digest to the delivery side when mail is configured. True when it was handed over."""
    if ctx.settings.config.mail is None:
        return False
    try:
        from automator.deliver import send_digest  # type: ignore[attr-defined]  # the mail side (branch `deliver`)
    except ImportError:
        log.warning("已配置 mail，但没有邮件发送模块：日报只写入 %s", ctx.settings.rel(digest.files[0]))
        return False
    send_digest(ctx, digest)
    return True


def due_now(at: str, now: dt.datetime) -> bool:
    hour, minute = (int(x) for x in at.split(":"))
    return now.time() >= dt.time(hour, minute)


def daily(ctx: Context) -> Digest | None:
    """The chore: at `digest_at`, once a day (the day's .md says it is done, across restarts and watchers)."""
    at = ctx.settings.config.digest_at
    now = dt.datetime.now()
    if not at or not due_now(at, now):
        return None
    digest = write(ctx, now, once=True)
    if digest is not None:
        log.info("日报已写入 %s", ctx.settings.rel(digest.files[0]))
        mail(ctx, digest)
    return digest
