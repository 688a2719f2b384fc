"""Sending mail with the standard library: one SMTP session for all that is due.

    with Session(mail) as session:
        refused = session.send(msg, recipients)     # {address: reason} of those the server refused

Plain SMTP, STARTTLS (`starttls: true`, the default) or TLS from the first byte
(`ssl: true`, port 465); login when `username` is set, with the password from the
environment variable AUTOMATOR_SMTP_PASSWORD only. Failures are `SendError`s that say
whether trying again later can help (`transient`).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from typing import TYPE_CHECKING

from automator.deliver.message import parse_sender

if TYPE_CHECKING:
    from automator.config import Mail

PASSWORD = "AUTOMATOR_SMTP_PASSWORD"


class SendError(Exception):
    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def _code_error(what: str, code: int, text: bytes | str) -> SendError:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return SendError(f"邮件服务器拒绝了{what}（{code} {words.strip()}）", transient=400 <= code < 500)


class Session:
    def __init__(self, mail: Mail) -> None:
        self.mail = mail
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        mail = self.mail
        context = ssl.create_default_context()
        try:
            if mail.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(mail.host, mail.port, timeout=mail.timeout, context=context)
            else:
                smtp = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout)
                if mail.starttls:
                    smtp.starttls(context=context)
            if mail.username:
                password = os.environ.get(PASSWORD)
                if not password:
                    smtp.close()
                    raise SendError(f"设置了 mail.username，但环境变量 {PASSWORD} 没有设置（密码只从环境变量读取）",
                                    transient=True)
                smtp.login(mail.username, password)
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError(f"邮件服务器登录失败（{exc.smtp_code}）：检查 mail.username 和 {PASSWORD}",
                            transient=True) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise SendError(f"邮件服务器不支持 STARTTLS 或登录：{exc}（可在 automator.yaml 设置 starttls: false）",
                            transient=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"无法连接邮件服务器 {mail.host}:{mail.port}：{exc}", transient=True) from exc
        return smtp

    def send(self, msg: EmailMessage, recipients: list[str]) -> dict[str, str]:
        """Send one message; returns the refused addresses when the server took it for the others."""
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            refused = self.smtp.send_message(msg, from_addr=parse_sender(self.mail.sender).addr_spec,
                                             to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            transient = all(400 <= c < 500 for c in codes)
            detail = "；".join(f"{a}（{c} {m.decode('utf-8', 'replace') if isinstance(m, bytes) else m}）"
                              for a, (c, m) in exc.recipients.items())
            raise SendError(f"邮件服务器拒绝了全部收件人：{detail}", transient=transient) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise _code_error(f"发件人 {exc.sender}", exc.smtp_code, exc.smtp_error) from exc
        except smtplib.SMTPDataError as exc:
            raise _code_error("邮件内容", exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SendError(f"发送中断：{exc}", transient=True) from exc
        return {addr: f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
                for addr, (code, text) in refused.items()}

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None
