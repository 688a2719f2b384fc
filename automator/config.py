"""The root's settings file, `automator.yaml` (every key optional; contract §4).

    agency: {names: [华夏智联广告有限公司, 本公司]}     # who "we" are (default: the letterhead)
    mail: {host: smtp.example.com, port: 587, sender: "文档中心 <docs@example.com>",
           starttls: true, username: docs@example.com, send_to_clients: false}
    notify: {webhook: "https://…", format: json}       # or wecom / dingtalk
    pdf: {enabled: true}                               # a PDF beside every archived document
    digest_at: "09:00"
    ledger: postgresql://user@host/db                  # or AUTOMATOR_LEDGER_URL
    broker: redis://localhost:6379/0
    web: {users: [{name: 李娜, password_hash: "scrypt$…"}], user_header: X-Remote-User}

Secrets never live here: the SMTP password comes from AUTOMATOR_SMTP_PASSWORD, the web
session key from AUTOMATOR_WEB_SECRET. An unknown key or a wrong type is a ConfigError
naming the line, as for rule files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from automator.errors import ConfigError
from automator.yamlfile import located_errors, read_yaml

FILE = "automator.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(_Strict):
    names: tuple[str, ...] = ()
    """Names the agency signs with (购买方 on vendor invoices, 单位 of our own people in contacts).
    Default: the letterhead's `name` and `name_en` (rules/_common.yaml `agency:`)."""


class Mail(_Strict):
    host: str
    port: int = Field(587, ge=1, le=65535)
    sender: str
    starttls: bool = True
    ssl: bool = False
    """SMTP over TLS from the first byte (port 465) instead of STARTTLS."""
    username: str | None = None
    send_to_clients: bool = False
    """Off by default: contact reports and agendas go to our own people only."""
    timeout: float = Field(30.0, gt=0)


class Notify(_Strict):
    webhook: str
    format: Literal["json", "wecom", "dingtalk"] = "json"

    @field_validator("webhook")
    @classmethod
    def _http(cls, v: str) -> str:
        if not re.match(r"^https?://", v):
            raise ValueError("webhook must be an http:// or https:// address")
        return v


class Pdf(_Strict):
    enabled: bool = True
    """A PDF beside every archived Word document (needs LibreOffice; without it the .docx alone)."""
    soffice: str | None = None
    """LibreOffice's soffice program, where it is not on PATH or in the usual install folder."""


class WebUser(_Strict):
    name: str
    password_hash: str
    """`automator serve --hash-password` prints one (hashlib.scrypt, salted)."""


class Web(_Strict):
    users: tuple[WebUser, ...] = ()
    """Who may sign in to `automator serve` (a page with a name and a password)."""
    user_header: str | None = None
    """Trust this header (set by a reverse proxy that authenticates) as the signed-in user."""
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    """The addresses `user_header` is believed from (the proxy's); from any other it is ignored."""

    @field_validator("user_header")
    @classmethod
    def _header(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[A-Za-z0-9-]+", v):
            raise ValueError("user_header must be a header name such as X-Remote-User")
        return v


class RootConfig(_Strict):
    agency: Agency = Agency()
    mail: Mail | None = None
    notify: Notify | None = None
    pdf: Pdf = Pdf()
    digest_at: str | None = None
    ledger: str | None = None
    broker: str | None = None
    web: Web = Web()

    @field_validator("digest_at")
    @classmethod
    def _clock(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", v.strip()):
            raise ValueError("digest_at must be a time of day such as \"09:00\"")
        return v.strip() if v else v

    @field_validator("ledger")
    @classmethod
    def _ledger_url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^postgres(ql)?://", v):
            raise ValueError("ledger must be a postgresql:// address (leave it out for the built-in SQLite ledger)")
        return v

    @field_validator("broker")
    @classmethod
    def _broker_url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^rediss?://", v):
            raise ValueError("broker must be a redis:// address")
        return v


def load_config(root: Path) -> RootConfig:
    """The root's settings (defaults when there is no automator.yaml); environment overrides applied."""
    path = root / FILE
    config = RootConfig()
    if path.is_file():
        data, node, _ = read_yaml(path)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}:1: the settings file must be a mapping such as `agency: {{names: [...]}}`")
        try:
            config = RootConfig.model_validate(data)
        except ValidationError as exc:
            problems = located_errors(path, node, exc.errors())
            raise ConfigError(f"{len(problems)} problem(s) in {FILE}:\n  " + "\n  ".join(problems),
                              hint=f"fix {FILE}; every key is optional (see README, 设置文件)") from exc
    url = os.environ.get("AUTOMATOR_LEDGER_URL")
    if url:
        try:
            config = RootConfig.model_validate({**config.model_dump(), "ledger": url})
        except ValidationError as exc:
            raise ConfigError(f"AUTOMATOR_LEDGER_URL: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from exc
    return config
