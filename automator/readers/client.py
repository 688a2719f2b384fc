"""Whose document it is: the client named in it, else the inbox/<客户>/ folder it was dropped in.

    settle_client(reading, origin="inbox/星河乳业/发票.pdf", agency=("华夏智联广告有限公司",))

For every type (workbooks and PDFs alike), after reading:

- a client the document names is kept, unless it is one of the agency's own names (we are
  never our own client): then it gives way to the folder;
- no client named: the first sub-folder of inbox/ is the client (`Value` without a cell;
  `automator explain` says where it came from);
- neither: the document has no client, and the `required` check says "请放入 inbox/<客户>/ 或
  写明客户".

On a vendor's invoice the buyer (购买方) is the agency itself and is read as `buyer`, never as
the client; it is checked against the agency's names, and a buyer that is not us is a warning
(such an invoice cannot be booked as ours), never a reason to file it elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from automator.document import Finding, Severity, Value

if TYPE_CHECKING:
    from automator.readers import Reading

CLIENT = "client"
BUYER = "buyer"
NO_CLIENT_HINT = "请放入 inbox/<客户>/ 或写明客户"
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]"})


def drop_folder(origin: str) -> str | None:
    """`inbox/星河乳业/2026/x.pdf` -> 星河乳业; a file straight in inbox/ (or elsewhere) -> None."""
    parts = PurePosixPath(origin.replace("\\", "/")).parts
    if len(parts) >= 3 and parts[0] == "inbox" and parts[1].strip() and not parts[1].startswith((".", "~")):
        return parts[1].strip()
    return None


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).translate(_BRACKETS).casefold().split())


def is_agency(name: object, agency: tuple[str, ...]) -> bool:
    """The name is ours: one of the agency's names, or a branch of it (…上海分公司)."""
    if not isinstance(name, str) or not name.strip():
        return False
    key = _key(name)
    return any(a and (key == a or key.startswith(a) and re.search(r"(分公司|分部|办事处)$", key))
               for a in (_key(x) for x in agency))


def settle_client(reading: Reading, origin: str, agency: tuple[str, ...]) -> None:
    doc = reading.doc
    folder = drop_folder(origin)
    named = doc.fields.get(CLIENT)
    usable = named is not None and named.problem is None and not named.blank
    if usable and not is_agency(named.value if named else None, agency):
        return
    if folder:
        doc.fields[CLIENT] = Value(CLIENT, folder, folder, None, "text")
        reading.how += f"；客户取自文件夹 inbox/{folder}/"
    elif usable:
        del doc.fields[CLIENT]  # our own name is no client: the required check asks for one
    if CLIENT not in doc.fields and not _client_required(reading):
        doc.findings.append(Finding(CLIENT, Severity.WARNING,
                                    f"没有写明客户，也不在 inbox/<客户>/ 文件夹里，已归入「未填客户」：{NO_CLIENT_HINT}"))


def _client_required(reading: Reading) -> bool:
    """Does the rule's `required` check ask for the client (then it reports the missing one)?"""
    return any(c.get("check") == "required" and CLIENT in (c.get("fields") or ()) for c in reading.rule.checks)


def check_buyer(reading: Reading, agency: tuple[str, ...]) -> None:
    """A warning on the document when its buyer is not the agency."""
    doc = reading.doc
    buyer = doc.fields.get(BUYER)
    if reading.rule.field(BUYER) is None or buyer is None or buyer.blank or not agency or is_agency(buyer.value, agency):
        return
    doc.findings.append(Finding(
        BUYER, Severity.WARNING,
        f"购买方「{buyer.value}」不是本公司（{'、'.join(agency)}）：请确认这张发票是开给本公司的；"
        "归档按客户文件夹，不按购买方", cells=(buyer.ref,) if buyer.ref else (), code="buyer-not-agency"))


def agency_names(configured: tuple[str, ...], letterhead: dict[str, str]) -> tuple[str, ...]:
    """`agency.names` from automator.yaml, else the letterhead's names (name, name_en, aliases)."""
    if configured:
        return tuple(n for n in configured if n.strip())
    names = [letterhead.get("name", ""), letterhead.get("name_en", "")]
    names += re.split(r"[,，、;；]", letterhead.get("aliases", ""))
    return tuple(n.strip() for n in names if n and n.strip())
