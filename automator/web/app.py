"""The web app: thin routes (like the CLI's commands) over records.py and archive.py.

    /                 概览        /api/overview      (`status --json` + review + today)
    /archive/…        档案        /api/archive/…     (client / year / category / document file)
    /explain/…        说明        /api/explain/…     (`explain --json` of an output under outbox/)
    /search?q=…       搜索        /api/search?q=…    ({"results": [{path, client, doc_type, title, date}]})
    /history          历史        /api/history       (`history --json`)
    /files/<path under outbox>    downloads only from outbox/
    /healthz, /login, /logout, /static/…

Read-only: nothing here writes to the root (the session lives in the browser's cookie).
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from automator.archive.backends import has_ledger
from automator.errors import AutomatorError
from automator.outcome import STATUS_ZH
from automator.search import query
from automator.settings import Settings
from automator.web import archive, login, records
from automator.web.access import Access, AuthMiddleware
from automator.web.due import KIND_ZH, DueList
from automator.web.files import SecurityHeaders, download, outbox_file, parts_ok
from automator.web.throttle import Throttle
from automator.web.render import HERE, Json, not_found, page

log = logging.getLogger("automator.web")
SESSION_HOURS = 12


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default


def overview(request: Request) -> Response:
    data, sections = records.overview(_settings(request), (request.app.state.due.section(),))
    keyed = {s.key: s for s in sections}
    slots = [(key, title, keyed.pop(key, None)) for key, title in records.SLOTS]
    return page(request, "overview.html", data, slots=slots, others=list(keyed.values()), table=records.table,
                headers=records.HEADERS, kinds=KIND_ZH)


def history(request: Request) -> Response:
    status = request.query_params.get("status") or None
    status = status if status in STATUS_ZH else None
    limit = _int(request.query_params.get("limit"), 100, 1, 1000)
    data = records.history(_settings(request), status=status, limit=limit)
    return page(request, "history.html", data, chosen=status, statuses=STATUS_ZH, limit=limit)


def archive_page(request: Request) -> Response:
    path = request.path_params.get("path", "").strip("/")
    parts = path.split("/") if path else []
    if parts and not parts_ok(parts) or len(parts) > 4:
        return not_found(request)
    settings = _settings(request)
    db = query.connect(settings)
    try:
        if len(parts) < 4:
            return page(request, "archive.html", archive.browse(db, parts))
        found = archive.document(settings, db, path)
    finally:
        if db is not None:
            db.close()
    if found is None:
        return not_found(request, "档案里没有这份文档（可能已被移走或改名）")
    data, report = found
    return page(request, "document.html", data, report=archive.report_html(report) if report else None)


def explain(request: Request) -> Response:
    path = request.path_params.get("path", "").strip("/")
    found = archive.explain(_settings(request), path) if parts_ok(path.split("/")) else None
    if found is None:
        return not_found(request, "台账里没有这个文件的记录")
    data, lines = found
    return page(request, "explain.html", data, lines=lines, path=path)


def search(request: Request) -> Response:
    params = request.query_params
    q = (params.get("q") or "")[:200]
    chosen = {k: (params.get(k) or None) for k in ("client", "doc_type", "year")}
    settings = _settings(request)
    db = query.connect(settings)
    try:
        data = archive.search(db, q, **chosen, limit=_int(params.get("limit"), 50, 1, 200))
        html = not request.url.path.startswith("/api/")  # the filters' choices are for the form only
        options = query.choices(db) if db is not None and html else {"clients": [], "doc_types": [], "years": []}
    finally:
        if db is not None:
            db.close()
    return page(request, "search.html", data, q=q, chosen=chosen, options=options)


def files(request: Request) -> Response:
    target = outbox_file(_settings(request), request.path_params["path"], request.scope.get("raw_path"))
    return download(target) if target is not None else not_found(request)


def healthz(request: Request) -> Response:
    settings = _settings(request)
    db = query.connect(settings)
    if db is not None:
        db.close()
    return Json({"ok": True, "ledger": has_ledger(settings), "index": db is not None})


async def _not_found(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException) and exc.status_code != 404:
        return HTMLResponse(f"{exc.status_code}", status_code=exc.status_code)
    return not_found(request)


async def _problem(request: Request, exc: Exception) -> Response:
    """Ours (a ledger that cannot be read, a broken settings file): said in words, as the CLI says it."""
    assert isinstance(exc, AutomatorError)
    log.warning("web: %s %s: %s", request.method, request.url.path, exc)
    return page(request, "error.html", {"error": exc.message, "hint": exc.hint}, status=503)


async def _crash(request: Request, exc: Exception) -> Response:
    log.error("web: %s %s failed", request.method, request.url.path, exc_info=exc)
    return HTMLResponse("<!doctype html><meta charset=utf-8><title>出错了</title><p>服务器内部错误，详情见 automator.log。",
                        status_code=500)


ROUTES = [
    Route("/", overview), Route("/api/overview", overview),
    Route("/archive", archive_page), Route("/archive/{path:path}", archive_page),
    Route("/api/archive", archive_page), Route("/api/archive/{path:path}", archive_page),
    Route("/explain/{path:path}", explain), Route("/api/explain/{path:path}", explain),
    Route("/search", search), Route("/api/search", search),
    Route("/history", history), Route("/api/history", history),
    Route("/files/{path:path}", files),
    Route("/healthz", healthz),
    Route("/login", login.login_page, methods=["GET"]), Route("/login", login.login, methods=["POST"]),
    Route("/logout", login.logout, methods=["POST"]),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
]


def create_app(settings: Settings, access: Access) -> Starlette:
    """The app for `settings`' root; `access` from access.access_for (already judged safe for the host)."""
    middleware = [Middleware(SecurityHeaders)]
    if access.users:
        assert access.secret is not None
        middleware.append(Middleware(SessionMiddleware, secret_key=access.secret, session_cookie="automator_session",
                                     max_age=SESSION_HOURS * 3600, same_site="lax", https_only=True))
    middleware.append(Middleware(AuthMiddleware, access=access))
    handlers: dict[Any, Any] = {404: _not_found, 405: _not_found, AutomatorError: _problem, Exception: _crash}
    app = Starlette(routes=ROUTES, middleware=middleware, exception_handlers=handlers)
    app.state.settings, app.state.access, app.state.due = settings, access, DueList(settings)
    app.state.throttle = Throttle()
    return app
