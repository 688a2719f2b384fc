"""The archive as plain records: one `Doc` per ledger row, grouped by client folder.

A client is known by its archive folder (`safe_name(client)`), so 某某（上海） and
某某(上海 ) are one client here as they are on disk. Each document's latest version
stands for it (a `_v2` replaces its first version); older versions stay listed in the
brand file's 文档 sheet only.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from automator.outcome import Status
from automator.safe_names import safe_name

if TYPE_CHECKING:
    from automator.archive.ledger import Entry, Ledger
    from automator.rules.loader import RuleSet

DOCUMENT_SUFFIXES = (".docx", ".pdf")


@dataclass(frozen=True)
class Doc:
    id: int
    at: dt.datetime
    status: str                 # archived | review
    doc_type: str
    zh: str                     # 客户会议报告
    client: str                 # as written in the document
    folder: str                 # the client's archive folder name
    doc_key: str
    version: int
    date: dt.date | None        # the document's own date (its rule's date_field)
    moment: dt.datetime | None  # that date with its time, when one was typed
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()
    input: str = ""
    warnings: int = 0

    @property
    def file(self) -> str | None:
        """The document itself (root-relative): the filled .docx, or the filed PDF."""
        for out in self.outputs:
            if out.lower().endswith(DOCUMENT_SUFFIXES) and ".草稿" not in out and ".标注" not in out:
                return out
        return self.outputs[0] if self.outputs else None

    @property
    def label(self) -> str:
        """How a source is named in a list: 2026-11-24 冬季新品上市创意提案会."""
        when = self.date.isoformat() if self.date else "日期不详"
        return f"{when} {self.title}".strip()


def folder_of(client: str | None) -> str:
    return safe_name(client, fallback="未填客户")


def folder_key(client: str | None) -> str:
    """Folders that one case-insensitive share (SMB, Windows) would merge are one client."""
    return folder_of(client).casefold()


def parse_moment(value: Any) -> dt.date | dt.datetime | None:
    """A date as the ledger keeps it ("2026-11-24", "2026-11-24 14:00:00"); None when it is not one."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def parse_day(value: Any) -> dt.date | None:
    moment = parse_moment(value)
    return moment.date() if isinstance(moment, dt.datetime) else moment


def parse_time(value: Any) -> dt.time | None:
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, dt.time) else None


def parse_money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def norm_text(value: Any) -> str:
    """The form two rows' texts are matched in (an action re-listed in a later report)."""
    return "".join(unicodedata.normalize("NFKC", text(value)).split()).casefold()


def to_doc(entry: Entry, ruleset: RuleSet | None) -> Doc | None:
    """A ledger row as a record; None for a row that is not a document (rejected, duplicate, no type)."""
    if entry.status not in (Status.ARCHIVED, Status.REVIEW) or not entry.doc_type:
        return None
    rule = ruleset.rules.get(entry.doc_type) if ruleset else None
    explain = entry.explain or {}
    date_field = rule.date_field if rule else explain.get("date_field")
    title_field = rule.title_field if rule else explain.get("title_field")
    fields = (entry.figures or {}).get("fields", {})
    moment = parse_moment(fields.get(date_field)) if date_field else None
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    with_time = moment if isinstance(moment, dt.datetime) and moment.time() != dt.time(0) else None
    try:
        at = dt.datetime.fromisoformat(entry.at)
    except ValueError:
        at = dt.datetime.min
    return Doc(id=entry.id, at=at, status=entry.status, doc_type=entry.doc_type,
               zh=rule.zh if rule else str(explain.get("rule_zh") or entry.doc_type),
               client=entry.client or "", folder=folder_of(entry.client), doc_key=entry.doc_key or f"#{entry.id}",
               version=entry.version or 1, date=day, moment=with_time,
               title=text(fields.get(title_field)) if title_field else "",
               fields=fields, tables=(entry.figures or {}).get("tables", {}),
               totals=(entry.figures or {}).get("totals", {}), outputs=tuple(entry.outputs), input=entry.input,
               warnings=sum(1 for f in entry.findings if f.get("severity") == "warning"))


@dataclass
class Client:
    """One client's documents (archived and in review), oldest first."""

    folder: str
    docs: list[Doc]
    _tops: dict[str, int] | None = field(default=None, repr=False)   # doc_key -> latest version

    @property
    def name(self) -> str:
        """The client as its latest document writes it."""
        return self.docs[-1].client if self.docs else self.folder

    @property
    def upto(self) -> int:
        return max((d.id for d in self.docs), default=0)

    def archived(self, *doc_types: str) -> list[Doc]:
        return [d for d in self.docs if d.status == Status.ARCHIVED and (not doc_types or d.doc_type in doc_types)]

    def latest(self, *doc_types: str) -> list[Doc]:
        """The latest archived version of each document of these types, oldest document date first."""
        return sorted(latest_versions(self.archived(*doc_types)), key=chronology)

    def newer_version(self, doc: Doc) -> int | None:
        """The latest version of `doc`'s document, when it is not `doc` itself."""
        if self._tops is None:
            self._tops = {}
            for d in self.archived():
                self._tops[d.doc_key] = max(self._tops.get(d.doc_key, 0), d.version)
        top = self._tops.get(doc.doc_key, doc.version)
        return top if top > doc.version else None


T = TypeVar("T")


def _facts(doc: Doc) -> tuple[str, int, int]:
    return doc.doc_key, doc.version, doc.id


def latest_versions(docs: Iterable[T], facts: Callable[[T], tuple[str, int, int]] = _facts) -> list[T]:  # type: ignore[assignment]
    """Each document's latest version (the highest version number; of two, the later filed).
    `facts` gives a document's (doc_key, version, ledger id)."""
    best: dict[str, tuple[int, int, T]] = {}
    for doc in docs:
        key, version, entry = facts(doc)
        held = best.get(key)
        if held is None or (version, entry) > held[:2]:
            best[key] = (version, entry, doc)
    return [doc for _, _, doc in best.values()]


def chronology(doc: Doc) -> tuple[Any, ...]:
    """Documents in the order they happened: by their own date (and time), then as filed."""
    return (doc.date or dt.date.min, doc.moment or dt.datetime.min, doc.id)


def group(entries: list[Entry], ruleset: RuleSet | None) -> dict[str, Client]:
    """Ledger rows → clients by folder key."""
    out: dict[str, Client] = {}
    for entry in entries:
        doc = to_doc(entry, ruleset)
        if doc is None or not doc.client:
            continue
        out.setdefault(doc.folder.casefold(), Client(doc.folder, [])).docs.append(doc)
    return out


def load_client(ledger: Ledger, key: str, ruleset: RuleSet | None) -> Client | None:
    """One client (by folder key, see `folder_key`) read from the ledger."""
    spellings = [c for c in ledger.clients() if folder_key(c) == key]
    clients = group(ledger.kept_entries(spellings), ruleset)
    return clients.get(key)


def load_all(ledger: Ledger, ruleset: RuleSet | None) -> dict[str, Client]:
    return group(ledger.kept_entries(), ruleset)


def relative(root_rel: str, base: str) -> str:
    """A root-relative file as a link from the folder `base` (both with forward slashes)."""
    import posixpath

    prefix = base.rstrip("/") + "/"
    if root_rel.startswith(prefix) and "/../" not in root_rel:  # the common case, without relpath's getcwd()
        return root_rel[len(prefix):]
    return posixpath.relpath(str(PurePosixPath(root_rel)), str(PurePosixPath(base)))
