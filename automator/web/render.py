"""Pages: Jinja templates with autoescape on, and every value shown through `present.safe`
(control characters and invisible direction overrides made visible) before it is escaped.

Every page has a JSON twin: `page(request, "x.html", data)` renders the template, and
the same `data` (plain JSON values) is what `/api/…` returns.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.templating import Jinja2Templates

from automator.outcome import STATUS_MARK, STATUS_ZH
from automator.present import safe

HERE = Path(__file__).resolve().parent


class Json(JSONResponse):
    """JSON in UTF-8; a lone surrogate (an undecodable file name) becomes its JSON escape, not an error."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")


def _shown(value: Any) -> Any:
    """Jinja's finalize: None shows as nothing, text through `safe`, our own Markup untouched."""
    if value is None:
        return ""
    if isinstance(value, Markup) or not isinstance(value, str) or value.isprintable():
        return value  # isprintable: no control or format character in it (the common case, at C speed)
    return safe(value)


def href(path: str) -> str:
    """A path as a URL path (each part percent-encoded; `/` kept)."""
    return quote(path, safe="/")


def file_url(path: str) -> str:
    """The download URL of a root-relative output path ("outbox/…")."""
    return "/files/" + href(path.removeprefix("outbox/"))


def doc_url(path: str) -> str:
    """The document page of an archived document's main file ("outbox/…")."""
    return "/archive/" + href(path.removeprefix("outbox/"))


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      finalize=_shown, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(href=href, file_url=file_url, doc_url=doc_url, query=lambda d: urlencode(
        {k: v for k, v in d.items() if v}), status_zh=lambda s: STATUS_ZH.get(s, s),
        status_mark=lambda s: STATUS_MARK.get(s, "?"))
    return env


templates = Jinja2Templates(env=_environment())


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); forms carry it in a hidden field."""
    session = request.scope.get("session")
    if session is None:
        return ""
    if not isinstance(session.get("csrf"), str):
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def page(request: Request, name: str, data: dict[str, Any], *, status: int = 200, **extra: Any) -> Response:
    """The HTML page `name` showing `data`, or `data` itself as JSON for an /api/… request."""
    if request.url.path.startswith("/api/"):
        return Json(data, status_code=status)
    path = request.url.path
    twin = None if name in ("login.html", "error.html") else "/api" + (path if path != "/" else "/overview")
    if twin and request.url.query:
        twin += "?" + request.url.query
    context = {"data": data, "user": request.scope.get("state", {}).get("user"), "csrf": csrf_token(request),
               "path": path, "json_url": twin, **extra}
    return templates.TemplateResponse(request, name, context, status_code=status)


def not_found(request: Request, what: str = "找不到这个页面") -> Response:
    if request.url.path.startswith("/api/"):
        return Json({"error": "not found"}, status_code=404)
    if request.url.path.startswith("/files/"):
        return HTMLResponse("404 找不到文件", status_code=404)
    return page(request, "error.html", {"error": what}, status=404)
