"""Real servers on loopback for the delivery tests: an SMTP server (aiosmtpd) and an HTTP
receiver (http.server), both started and stopped by the tests; a root with mail settings
and an address book."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import sqlite3
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

AGENCY = "华夏智联广告有限公司"
CLIENT_UNIT = "星河乳业（上海）有限公司"
PEOPLE = [  # 姓名, 邮箱, 单位, 分组, 负责客户
    ("李娜", "lina@huaxia.test", AGENCY, "项目组", "星河乳业"),
    ("王磊", "wanglei@huaxia.test", AGENCY, "项目组", ""),
    ("赵敏", "zhaomin@huaxia.test", AGENCY, "创意部", ""),
    ("陈思远", "chen@xinghe.test", CLIENT_UNIT, "", ""),
    ("刘佳", "liujia@xinghe.test", CLIENT_UNIT, "", ""),
    ("华夏智联项目组", "team@huaxia.test", AGENCY, "", ""),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    hold: threading.Event | None = None        # set: RCPT waits until `release` is set
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.reached.set()
        if self.hold is not None:
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"


class Smtp:
    """An SMTP server on 127.0.0.1:port until stop()."""

    def __init__(self, port: int, handler: Handler | None = None) -> None:
        self.port = port
        self.handler = handler or Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)
        self.controller.start()

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def stop(self) -> None:
        self.handler.release.set()
        self.controller.stop()


class Hook:
    """An HTTP receiver on 127.0.0.1 that records every POST; `answers` is the status codes to give in turn."""

    def __init__(self, answers: list[int] | None = None) -> None:
        self.posts: list[tuple[dict[str, str], Any]] = []
        self.answers = list(answers or [])
        hook = self

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                code = hook.answers.pop(0) if hook.answers else 200
                if code == 200:
                    hook.posts.append((dict(self.headers), data))
                body = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Receive)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?key=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_contacts(root: Path, people: list[tuple[str, ...]] = PEOPLE) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "通讯录"
    ws.append(["姓名", "邮箱", "单位", "分组", "负责客户"])
    for row in people:
        ws.append(list(row))
    path = root / "contacts.xlsx"
    wb.save(path)
    return path


def configure(root: Path, *, port: int | None = None, clients: bool = False, hook: str | None = None,
              fmt: str = "json", pdf: bool = True, extra: str = "") -> None:
    lines = [f"agency: {{names: [{AGENCY}, 本公司]}}", f"pdf: {{enabled: {'true' if pdf else 'false'}}}"]
    if port is not None:
        lines.append(f'mail: {{host: 127.0.0.1, port: {port}, sender: "文档中心 <docs@huaxia.test>", '
                     f"starttls: false, send_to_clients: {'true' if clients else 'false'}, timeout: 10}}")
    if hook is not None:
        lines.append(f'notify: {{webhook: "{hook}", format: {fmt}}}')
    (root / "automator.yaml").write_text("\n".join(lines) + "\n" + extra, "utf-8")


def deliveries(root: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(root / "ledger.sqlite") as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM deliveries ORDER BY id")]


def addresses(msg: EmailMessage, header: str) -> set[str]:
    return {a.addr_spec for a in msg[header].addresses} if msg[header] else set()
