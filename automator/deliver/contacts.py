"""The address book: `contacts.xlsx` in the root, sheet `通讯录`.

    | 姓名 | 邮箱 | 单位 | 分组 | 负责客户 |
    | 李娜 | lina@huaxia.example | 华夏智联广告有限公司 | 项目组、客户部 | 星河乳业 |
    | 华夏智联项目组 | team@huaxia.example | 华夏智联广告有限公司 | | |

- 姓名, 邮箱, 单位 are required columns; a row whose 单位 is one of the agency's names is
  one of ours (everyone else is the client's, mailed only with `send_to_clients: true`);
- a name may be a group: either a row of its own with a list address (华夏智联项目组 above),
  or the 分组 column, which puts a person in groups (several separated by 、，; or spaces) —
  then the group's name reaches every member;
- 负责客户 names the clients (inbox sub-folders) whose files this person looks after: the
  review notice of a workbook that names no author goes to them.

Names match ignoring blanks, width and case. Two people of one name are told apart by
the company the document gives; when that does not settle it, nobody is mailed and the
document's report says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from automator.errors import ConfigError

FILE = "contacts.xlsx"
SHEET = "通讯录"
COLUMNS = {"name": ("姓名", "name", "联系人"), "email": ("邮箱", "email", "e-mail", "电子邮件", "邮件", "mail"),
           "unit": ("单位", "company", "公司", "机构"), "groups": ("分组", "group", "groups", "部门", "小组"),
           "clients": ("负责客户", "clients", "负责文件夹", "客户")}
REQUIRED = ("name", "email", "unit")
SPLIT = re.compile(r"[、，,;；/\s]+")
EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")


def key(text: object) -> str:
    """How names compare: NFKC, no blanks, case-folded (「李 娜」 = 「李娜」, ＡＢＣ = abc)."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    unit: str
    ours: bool
    groups: tuple[str, ...] = ()
    clients: tuple[str, ...] = ()
    row: int = 0


@dataclass
class Found:
    """What a name resolved to: people, or a problem in words (why nobody)."""

    people: list[Person] = field(default_factory=list)
    problem: str | None = None


@dataclass
class Contacts:
    people: list[Person] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # rows that could not be used, in words

    def find(self, name: str, company: str | None = None) -> Found:
        wanted = key(name)
        if not wanted:
            return Found(problem="名字为空")
        same = [p for p in self.people if key(p.name) == wanted]
        if len(same) > 1 and company:
            same = [p for p in same if key(p.unit) == key(company)] or same
        if len(same) == 1:
            return Found([same[0]])
        if len(same) > 1:
            units = "、".join(sorted({p.unit for p in same}))
            return Found(problem=f"通讯录中有 {len(same)} 个「{name}」（{units}），无法确定是哪一位")
        members = [p for p in self.people if wanted in {key(g) for g in p.groups}]
        if members:
            return Found(members)
        return Found(problem=f"通讯录 {FILE} 中找不到「{name}」")

    def owners_of(self, folder: str) -> list[Person]:
        """The people who look after an inbox sub-folder (a client)."""
        wanted = key(folder)
        return [p for p in self.people if wanted in {key(c) for c in p.clients}]


def _columns(header: tuple[object, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = key(cell).rstrip(":：")
        for column, names in COLUMNS.items():
            if column not in found and label in {key(n) for n in names}:
                found[column] = index
    return found


def read_contacts(path: Path, agency_names: list[str]) -> Contacts:
    """The address book. A missing column or an unreadable file is a ConfigError naming it;
    a bad row is skipped and listed in `problems` (shown by `automator doctor` and `status`)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ConfigError(f"通讯录 {path.name} 无法打开：{type(exc).__name__}",
                          hint="用 Excel 或 WPS 打开并另存为 .xlsx；`automator sample 通讯录` 可生成空白通讯录") from exc
    try:
        if SHEET not in wb.sheetnames:
            raise ConfigError(f"通讯录 {path.name} 中没有工作表「{SHEET}」（现有：{'、'.join(wb.sheetnames)}）",
                              hint="`automator sample 通讯录` 可生成空白通讯录")
        ws = wb[SHEET]
        ws.reset_dimensions()  # WPS writes a wrong dimension; read every row (pitfalls §3.5)
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    header_at = next((i for i, r in enumerate(rows) if any(c not in (None, "") for c in r)), None)
    columns = _columns(rows[header_at]) if header_at is not None else {}
    missing = [COLUMNS[c][0] for c in REQUIRED if c not in columns]
    if missing:
        raise ConfigError(f"通讯录 {path.name} 的「{SHEET}」缺少列：{'、'.join(missing)}",
                          hint="第一行应为表头：姓名、邮箱、单位（可加 分组、负责客户）")
    ours = {key(n) for n in agency_names}
    contacts = Contacts()
    assert header_at is not None
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        def cell(column: str, row: tuple[object, ...] = row) -> str:
            index = columns.get(column)
            value = row[index] if index is not None and index < len(row) else None
            return "" if value is None else str(value).strip()

        name, email, unit = cell("name"), cell("email"), cell("unit")
        if not name and not email:
            continue
        if not name or not EMAIL.match(email):
            contacts.problems.append(f"{SHEET}!第 {number} 行：" + ("缺少姓名" if not name else
                                                                 f"「{name}」的邮箱「{email}」不是有效地址"))
            continue
        contacts.people.append(Person(name, email, unit, key(unit) in ours,
                                      tuple(g for g in SPLIT.split(cell("groups")) if g),
                                      tuple(c for c in SPLIT.split(cell("clients")) if c), number))
    return contacts


_CACHE: dict[Path, tuple[tuple[int, int, tuple[str, ...]], Contacts]] = {}


def load_contacts(root: Path, agency_names: list[str]) -> Contacts | None:
    """The root's address book, re-read when the file changes; None when there is none."""
    path = root / FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size, tuple(agency_names))
    cached = _CACHE.get(path)
    if cached is None or cached[0] != stamp:
        _CACHE[path] = (stamp, read_contacts(path, agency_names))
    return _CACHE[path][1]


def write_blank(path: Path, agency: str) -> Path:
    """A blank address book with its header, one example row of ours and one of a client."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header = ["姓名", "邮箱", "单位", "分组", "负责客户"]
    notes = ["姓名与工作簿中填写的一致（参会人员、撰写人、抄送）", "电子邮件地址",
             f"单位为「{agency}」（或 automator.yaml 中 agency.names 的任一名称）的是本公司同事；其余视为客户方",
             "可选：所属小组，多个用顿号分隔；在抄送中写小组名即发给全组", "可选：负责的客户（收件箱子文件夹名），复核通知的后备收件人"]
    for col, (text, note) in enumerate(zip(header, notes, strict=True), start=1):
        cell = ws.cell(1, col, text)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE5F0")
        cell.comment = Comment(note, "automator")
        ws.column_dimensions[cell.column_letter].width = (16, 30, 26, 18, 18)[col - 1]
    for row in (["李娜（示例，请替换）", "lina@example.com", agency, "项目组", "星河乳业"],
                ["陈思远（示例，请替换）", "chen@client.example", "星河乳业（上海）有限公司", "", ""]):
        ws.append(row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"  # text: a name or address is never a formula or a number
    wb.save(path)
    return path
