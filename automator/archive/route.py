"""Route: where a document's files go, decided as a pure function of the job and the archive.

    destination = plan(settings, status=..., origin=..., doc=..., rule=..., roles=..., archive=ledger)

The dry run and the real run call the same `plan`, so they can never disagree: a
corrected version becomes `…_v2` in both. Only placing (archive/place.py) writes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from automator.archive.place import free_stem
from automator.archive.versions import doc_key
from automator.document import Document
from automator.errors import RouteError
from automator.outcome import Status
from automator.rules.model import Rule
from automator.safe_names import safe_file_name, safe_name
from automator.settings import SYSTEM_DIRS, Settings

if TYPE_CHECKING:
    from automator.archive.ledger import Entry

REPORT = "检查报告.md"
DRAFT = "草稿-未通过检查"
MARKED = "标注"
REASON = "原因.txt"


def _display(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def document_year(doc: Document, rule: Rule) -> str:
    date = doc.value(rule.date_field)
    return str(date.year) if isinstance(date, dt.date) else "未知年份"


def client_folder(settings: Settings, client: object) -> str:
    """The client's archive folder name: safe, never one of the service's own folders, and the
    first spelling when clients differ only in case (`ACME Foods` / `acme foods` are one folder,
    as a Windows share would serve them)."""
    name = safe_name(client, fallback="未填客户")
    if name.casefold() in {d.casefold() for d in SYSTEM_DIRS}:
        name = f"{name}（客户）"
    try:
        with os.scandir(settings.outbox) as entries:
            existing = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
    except OSError:
        existing = []
    return next((e for e in sorted(existing) if e.casefold() == name.casefold()), name)


def archive_folder(settings: Settings, doc: Document, rule: Rule) -> Path:
    client = client_folder(settings, doc.value("client"))
    folder = settings.outbox / client / document_year(doc, rule) / safe_name(doc.category or rule.category)
    _inside(settings.outbox, folder)
    return folder


def base_name(doc: Document, rule: Rule) -> str:
    values = {key: _display(doc.value(key)) for key in (f.key for f in rule.fields)}
    values.update(doc_type=rule.key, doc_zh=rule.zh, doc_en=rule.en)
    # A blank field leaves its separator behind ("2026-11-20_星辰_"): fold those away.
    name = re.sub(r"([_\-])[_\-]+", r"\1", rule.output_name.format_map(values)).strip("_- ")
    return safe_name(name, fallback=rule.zh)


def _inside(parent: Path, child: Path) -> None:
    # safe_name already removes separators and dots; this catches a folder on the way that is a
    # link leading out of outbox/ (someone replaced _已拒收 by a link): nothing is written there.
    try:
        inside = child.resolve().is_relative_to(parent.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise RouteError(f"目标路径 {child} 越出了 outbox（路径上有指向别处的链接），拒绝写入",
                         hint="请管理员检查 outbox 下的文件夹是否被换成了链接；文件已放回 inbox，修好后自动处理")


class Archive(Protocol):
    """What routing needs to know of the archive: the latest archived version of a document."""

    def latest_version(self, doc_key: str) -> Entry | None: ...


@dataclass(frozen=True)
class Destination:
    """Where one input's files go. `files` maps a role (docx, marked, report, reason, source)
    to its path, the document itself first; `previous` is the version this one follows."""

    status: Status
    folder: Path
    files: dict[str, Path]
    version: int | None = None
    doc_key: str | None = None
    previous: Entry | None = field(default=None, compare=False)

    @property
    def first(self) -> Path:
        return next(iter(self.files.values()))


def plan(settings: Settings, *, status: Status, origin: str, doc: Document | None, rule: Rule | None,
         roles: set[str], archive: Archive | None, keep_source: bool = True) -> Destination:
    """The destination for `status`. `roles`: the outputs the job staged (docx, marked);
    `keep_source` False: a link or a special file, whose "content" is not ours to copy."""
    if status == Status.REJECTED or doc is None or rule is None:
        return _rejected(settings, origin, keep_source=keep_source)
    # named for what it is, by its bytes (a quote may arrive as a PDF or as an Excel sheet)
    source_suffix = ".pdf" if (doc.kind or rule.input) == "pdf" else ".xlsx"
    stem = base_name(doc, rule)
    if status == Status.REVIEW:
        folder_stem, _ = free_stem(settings.review, stem, ("",))
        folder = settings.review / folder_stem
        source_stem, source_ext = safe_file_name(Path(origin).name)
        files = {"docx": folder / f"{stem}.{DRAFT}.docx", "marked": folder / f"{stem}.{MARKED}{source_suffix}",
                 "report": folder / REPORT, "reason": folder / REASON, "source": folder / f"{source_stem}{source_ext}"}
        return _checked(settings, Destination(status, folder, _keep(files, roles)))
    folder = archive_folder(settings, doc, rule)
    key = doc_key(doc, rule)
    previous = archive.latest_version(key) if archive is not None else None
    start = (previous.version or 1) + 1 if previous else 1
    stem, version = free_stem(folder, stem, (".docx", f".{REPORT}", source_suffix), start)
    files = {"docx": folder / f"{stem}.docx", "report": folder / f"{stem}.{REPORT}",
             "source": folder / f"{stem}{source_suffix}"}
    if "docx" not in roles:  # a PDF is filed as itself: it comes first, as the document
        files = {"source": files["source"], "report": files["report"]}
    return _checked(settings, Destination(status, folder, files, version=version, doc_key=key, previous=previous))


def _keep(files: dict[str, Path], roles: set[str]) -> dict[str, Path]:
    """Drop the optional outputs the job did not make (no template: no draft; no marked copy)."""
    return {role: path for role, path in files.items() if role not in ("docx", "marked") or role in roles}


def _rejected(settings: Settings, origin: str, *, keep_source: bool) -> Destination:
    stem, suffix = safe_file_name(Path(origin).name)
    stem, _ = free_stem(settings.rejected, stem, (suffix, f".{REASON}"))
    files = {"source": settings.rejected / f"{stem}{suffix}", "reason": settings.rejected / f"{stem}.{REASON}"}
    if not keep_source:
        del files["source"]
    return _checked(settings, Destination(Status.REJECTED, settings.rejected, files))


def _checked(settings: Settings, destination: Destination) -> Destination:
    """Every planned file must land inside outbox/ — also through a system folder replaced by a link.
    The names are safe (no separators, never `..`), so checking the folders they go into suffices."""
    for folder in {path.parent for path in destination.files.values()}:
        _inside(settings.outbox, folder)
    return destination


