"""What `automator status` and `automator doctor` say about deliveries.

    section(settings)   the 投递 section of `automator status`: waiting and failed deliveries
    checks(settings)    doctor lines (ok, message, hint): LibreOffice, Chinese fonts, mail, contacts
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from automator.deliver.queue import KIND_ZH, STATE_ZH, Delivery

if TYPE_CHECKING:
    from automator.settings import Settings
    from automator.watch.status import Section


def _what(d: Delivery) -> str:
    if d.kind == "pdf":
        return str(d.payload.get("pdf", ""))
    if d.kind == "mail":
        people = "、".join(r.get("name", "") for r in d.recipients)
        return f"{d.payload.get('subject', '')} → {people}"
    return str(d.payload.get("input", ""))


def _row(d: Delivery) -> dict[str, Any]:
    next_try = dt.datetime.fromtimestamp(d.next_try).isoformat(sep=" ", timespec="seconds") if d.next_try else None
    return {"id": d.id, "kind": d.kind, "purpose": d.purpose, "state": d.state, "what": _what(d),
            "attempts": d.attempts, "next_try": next_try if d.state == "waiting" else None,
            "last_error": d.last_error, "warnings": d.warnings, "created": d.created}


def section(settings: Settings) -> Section | None:
    from automator.watch.status import Section

    from automator.archive.backends import existing_ledger
    from automator.deliver.queue import pending

    ledger = existing_ledger(settings)
    if ledger is None:
        return None
    with ledger:
        try:
            rows = [_row(d) for d in pending(ledger, limit=200)]
        except Exception:  # noqa: BLE001 - a ledger from before deliveries existed has no such table
            return None
    lines = [f"投递（PDF、邮件、通知）：等待 {sum(r['state'] != 'failed' for r in rows)} 项，"
             f"失败 {sum(r['state'] == 'failed' for r in rows)} 项"]
    for r in rows[:30]:
        when = f"，下次尝试 {r['next_try']}" if r["next_try"] else ""
        error = f"：{r['last_error']}" if r["last_error"] else ""
        lines.append(f"  {'✗' if r['state'] == 'failed' else '…'} {KIND_ZH[r['kind']]} {STATE_ZH[r['state']]} "
                     f"{r['what']}（已试 {r['attempts']} 次{when}）{error}")
    if any(r["state"] == "failed" for r in rows):
        lines.append(f"  失败的投递改正原因后可重新排队：automator deliver --retry --root {settings.root}")
    return Section("deliveries", rows, lines)


@dataclass
class Check:
    ok: bool
    message: str
    hint: str = ""


def checks(settings: Settings) -> list[Check]:
    from automator.deliver.office import INSTALL, UNO_INSTALL, cjk_fonts, find_soffice, uno_python

    config = settings.config
    out: list[Check] = []
    if config.pdf.enabled:
        soffice = find_soffice(config.pdf.soffice)
        if soffice is None:
            out.append(Check(False, "未找到 LibreOffice：文档照常归档，但不会生成 PDF", INSTALL))
        elif uno_python(soffice) is None:
            out.append(Check(True, f"LibreOffice：{soffice}（无 uno 模块，PDF 逐份冷启动生成，较慢）", UNO_INSTALL))
        else:
            out.append(Check(True, f"LibreOffice：{soffice}（PDF 由常驻转换进程生成）"))
        if soffice is not None and cjk_fonts() is False:
            out.append(Check(False, "没有中文字体：PDF 中的中文会显示为方框", INSTALL))
    if config.mail is not None:
        from automator.deliver.smtp import PASSWORD

        if config.mail.username and not os.environ.get(PASSWORD):
            out.append(Check(False, f"设置了 mail.username，但环境变量 {PASSWORD} 没有设置：邮件会一直等待",
                             f"在启动 automator 的环境中设置 {PASSWORD}（密码不写进任何文件）"))
        out.append(_contacts(settings))
    return out


def _contacts(settings: Settings) -> Check:
    from automator.deliver.contacts import FILE, read_contacts
    from automator.errors import ConfigError

    path = settings.root / FILE
    if not path.is_file():
        return Check(False, f"设置了 mail，但根目录没有通讯录 {FILE}：邮件找不到收件人",
                     f"运行 `automator sample 通讯录 --root {settings.root}` 生成空白通讯录并填写")
    names = list(settings.config.agency.names)
    if not names:
        from automator.rules import load_rules

        try:
            names = [load_rules(settings.rules).agency.get("name", "")]
        except ConfigError:
            names = []
    try:
        found = read_contacts(path, names)
    except ConfigError as exc:
        return Check(False, exc.message, exc.hint or "")
    ours = sum(p.ours for p in found.people)
    if found.problems:
        return Check(False, f"通讯录 {len(found.people)} 人（本公司 {ours} 人），{len(found.problems)} 行无法使用："
                     + "；".join(found.problems[:5]), "改正这些行的姓名或邮箱")
    return Check(True, f"通讯录 {len(found.people)} 人（本公司 {ours} 人）")
