"""/login and /logout: the only forms, so the only places that change anything (the session).

Both carry a CSRF token tied to the session (a hidden field compared in constant time), and
a request whose Origin header names another site is refused as well. A wrong name costs
the same scrypt time as a wrong password, so names cannot be probed by timing; repeated
failures from one address or for one name lock sign-in for a while (throttle.py).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from automator.web.access import DUMMY, Access, verify_password
from automator.web.render import not_found, page
from automator.web.throttle import Throttle

MAX_FORM = 8192


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never //elsewhere or /\\elsewhere)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return "/"
    return target


async def _form(request: Request) -> dict[str, str] | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            return None
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    return {k: v[0] for k, v in fields.items()}


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")  # sent by browsers with every POST; absent from scripts
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def _csrf_ok(request: Request, form: dict[str, str]) -> bool:
    expected = request.session.get("csrf")
    given = form.get("csrf", "")
    return (isinstance(expected, str) and hmac.compare_digest(expected.encode(), given.encode())
            and _same_origin(request))


def _access(request: Request) -> Access:
    access: Access = request.app.state.access
    return access


async def login_page(request: Request) -> Response:
    if not _access(request).users:
        return not_found(request)
    return page(request, "login.html", {"next": safe_next(request.query_params.get("next"))})


async def login(request: Request) -> Response:
    access = _access(request)
    if not access.users:
        return not_found(request)
    form = await _form(request) or {}
    target = safe_next(form.get("next"))
    if not _csrf_ok(request, form):
        return page(request, "login.html", {"next": target, "error": "页面已过期，请重新输入后登录"}, status=403)
    name, password = form.get("name", "").strip(), form.get("password", "")
    throttle: Throttle = request.app.state.throttle
    keys = (f"ip:{request.client.host if request.client else '?'}", f"user:{name}")
    wait = throttle.wait(*keys)
    if wait > 0:
        error = f"登录失败次数过多，请 {max(1, round(wait / 60))} 分钟后再试"
        return page(request, "login.html", {"next": target, "error": error, "name": name}, status=429)
    stored = access.users.get(name)
    good = await run_in_threadpool(verify_password, password, stored or DUMMY)
    if not good or stored is None:
        throttle.failed(*keys)
        return page(request, "login.html", {"next": target, "error": "用户名或密码不正确", "name": name}, status=400)
    throttle.succeeded(*keys)
    request.session.clear()  # a fresh session: a token planted before sign-in is not kept
    request.session.update(user=name, csrf=secrets.token_urlsafe(32))
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    form = await _form(request) or {}
    if "session" in request.scope and _csrf_ok(request, form):
        request.session.clear()
    return RedirectResponse("/login" if _access(request).users else "/", status_code=303)
