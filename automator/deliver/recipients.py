"""Who gets what (docs/deliver.md has the table):

- an archived contact report → its attendees and author (To) and its 抄送 (Cc);
- an archived agenda → its attendees;
- a document that went to review → its AE alone (撰写人 / 制表人 / 客户执行, else whoever
  looks after its inbox sub-folder in the contacts); a rejected file → that sub-folder's people;
- the client's people only with `mail: {send_to_clients: true}`, and never for review.

Every name is looked up in contacts.xlsx. A name that reaches nobody is a warning with
its cell (it shows in the 检查报告, `--json` and the delivery record), never a silent drop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from automator.deliver.contacts import SPLIT, Contacts, Person, key
from automator.document import CellRef, Document, Finding, Severity

if TYPE_CHECKING:
    from automator.config import Mail

DOCUMENT_MAIL = {"contact_report", "agenda"}          # the types mailed once archived
AE_FIELDS = ("author", "prepared_by", "ae")           # 撰写人, 制表人, 客户执行
EVERYONE = {key(w) for w in ("全体与会人员", "全体与会者", "全体参会人员", "与会人员", "参会人员", "全体人员", "全体")}
CHECK = "recipients"


@dataclass
class Planned:
    purpose: str                                   # document | review | rejected
    to: list[Person] = field(default_factory=list)
    cc: list[Person] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)   # the client's people not mailed, by name
    warnings: list[Finding] = field(default_factory=list)

    def add(self, person: Person, *, cc: bool = False) -> None:
        if any(p.email.lower() == person.email.lower() for p in self.to + self.cc):
            return
        (self.cc if cc else self.to).append(person)

    @property
    def everyone(self) -> list[Person]:
        return self.to + self.cc


@dataclass
class Name:
    text: str
    company: str | None
    cell: CellRef | None
    what: str                      # 参会人员 / 撰写人 / 抄送 … (for the warning)


def _fields(doc: Document, keys: tuple[str, ...], what: str) -> list[Name]:
    out = []
    for k in keys:
        value = doc.fields.get(k)
        if value is not None and not value.blank:
            out.append(Name(str(value.value).strip(), None, value.ref, what))
    return out


def _attendees(doc: Document) -> list[Name]:
    table = doc.tables.get("attendees")
    out = []
    for row in table.rows if table else []:
        name, company = row.get("name"), row.get("company")
        if name is not None and not name.blank:
            out.append(Name(str(name.value).strip(), None if company is None or company.blank else str(company.value),
                            name.ref, "参会人员"))
    return out


def _distribution(doc: Document) -> list[Name]:
    value = doc.fields.get("distribution")
    if value is None or value.blank:
        return []
    return [Name(token, None, value.ref, "抄送") for token in SPLIT.split(str(value.value))
            if token and key(token) not in EVERYONE]


def _resolve(plan: Planned, names: list[Name], contacts: Contacts, mail: Mail, *, cc: bool = False,
             ours_only: bool = False) -> None:
    for name in names:
        found = contacts.find(name.text, name.company)
        if found.problem:
            plan.warnings.append(Finding(CHECK, Severity.WARNING, f"{name.what}「{name.text}」：{found.problem}，"
                                         "邮件不会发给此人", (name.cell,) if name.cell else (), code="recipient-unknown"))
            continue
        for person in found.people:
            if person.ours or (mail.send_to_clients and not ours_only):
                plan.add(person, cc=cc)
            elif person.name not in plan.held_back:
                plan.held_back.append(person.name)


def sub_folder(origin: str) -> str | None:
    """The client sub-folder a file was dropped in (`inbox/星河乳业/x.xlsx` → 星河乳业)."""
    parts = PurePosixPath(origin).parts
    return parts[1] if len(parts) > 2 and parts[0] == "inbox" else None


def plan_document(doc: Document, doc_type: str, contacts: Contacts, mail: Mail) -> Planned | None:
    """The mail an archived document goes out with (None for types that are not mailed)."""
    if doc_type not in DOCUMENT_MAIL:
        return None
    plan = Planned("document")
    _resolve(plan, _attendees(doc), contacts, mail)
    if doc_type == "contact_report":
        _resolve(plan, _fields(doc, ("author",), "撰写人"), contacts, mail)
        _resolve(plan, _distribution(doc), contacts, mail, cc=True)
    if not plan.everyone:
        plan.warnings.append(Finding(CHECK, Severity.WARNING, "没有一位收件人在通讯录中找到邮箱，文档不会发出",
                                     code="no-recipient"))
    return plan


def plan_review(doc: Document | None, origin: str, contacts: Contacts, mail: Mail, *, purpose: str) -> Planned:
    """The notice to the AE of a document that failed its checks (or of a rejected file)."""
    plan = Planned(purpose)
    names = _fields(doc, AE_FIELDS, "撰写人") if doc is not None else []
    _resolve(plan, names, contacts, mail, ours_only=True)
    if not plan.to:
        folder = sub_folder(origin)
        for person in contacts.owners_of(folder) if folder else []:
            if person.ours:
                plan.add(person)
    if not plan.to:
        where = f"，也没有人负责收件箱子文件夹「{sub_folder(origin)}」" if sub_folder(origin) else ""
        plan.warnings.append(Finding(CHECK, Severity.WARNING, f"找不到该通知的客户执行（AE）{where}，复核通知不会发出",
                                     code="no-recipient"))
    plan.held_back = []  # a failed document never goes to the client: nothing to say about them
    return plan
