"""Route: where a document's files go, decided as a pure function of the job and the archive.

    destination = plan(settings, status=..., origin=..., doc=..., rule=..., roles=..., archive=ledger)

The dry run and the real run call the same `plan`, so they can never disagree: a
corrected version becomes `…_v2` in both. Only placing (archive/place.py) writes.
"""

from __future__ import annotations

import datetime as dt
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
from automator.safe_names import safe_name
from automator.settings import Settings

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


def archive_folder(settings: Settings, doc: Document, rule: Rule) -> Path:
    client = safe_name(doc.value("client"), fallback="未填客户")
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
    # safe_name already removes separators and dots; this is the belt to those braces.
    if not child.resolve().is_relative_to(parent.resolve()):
        raise RouteError(f"目标路径越出了 outbox：{child}")


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
         roles: set[str], archive: Archive | None) -> Destination:
    """The destination for `status`. `roles`: the outputs the job staged (docx, marked)."""
    if status == Status.REJECTED or doc is None or rule is None:
        return _rejected(settings, origin)
    # named for what it is, by its bytes (a quote may arrive as a PDF or as an Excel sheet)
    source_suffix = ".pdf" if (doc.kind or rule.input) == "pdf" else ".xlsx"
    stem = base_name(doc, rule)
    if status == Status.REVIEW:
        folder_stem, _ = free_stem(settings.review, stem, ("",))
        folder = settings.review / folder_stem
        files = {"docx": folder / f"{stem}.{DRAFT}.docx", "marked": folder / f"{stem}.{MARKED}{source_suffix}",
                 "report": folder / REPORT, "reason": folder / REASON, "source": folder / Path(origin).name}
        return Destination(status, folder, _keep(files, roles))
    folder = archive_folder(settings, doc, rule)
    key = doc_key(doc, rule)
    previous = archive.latest_version(key) if archive is not None else None
    start = (previous.version or 1) + 1 if previous else 1
    stem, version = free_stem(folder, stem, (".docx", f".{REPORT}", source_suffix), start)
    files = {"docx": folder / f"{stem}.docx", "report": folder / f"{stem}.{REPORT}",
             "source": folder / f"{stem}{source_suffix}"}
    if "docx" not in roles:  # a PDF is filed as itself: it comes first, as the document
        files = {"source": files["source"], "report": files["report"]}
    return Destination(status, folder, files, version=version, doc_key=key, previous=previous)


def _keep(files: dict[str, Path], roles: set[str]) -> dict[str, Path]:
    """Drop the optional outputs the job did not make (no template: no draft; no marked copy)."""
    return {role: path for role, path in files.items() if role not in ("docx", "marked") or role in roles}


def _rejected(settings: Settings, origin: str) -> Destination:
    name = Path(origin).name
    suffix = Path(name).suffix
    stem = Path(name).stem if suffix else name
    stem, _ = free_stem(settings.rejected, safe_name(stem), (suffix, f".{REASON}"))
    return Destination(Status.REJECTED, settings.rejected, {"source": settings.rejected / f"{stem}{suffix}",
                                                            "reason": settings.rejected / f"{stem}.{REASON}"})


