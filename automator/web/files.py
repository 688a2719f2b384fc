"""Downloads: files under outbox/ and nowhere else, and the headers every response carries.

A requested path is refused (404, the same answer as a missing file, so nothing about the
disk leaks) when its raw form holds an encoded slash, backslash or NUL (`%2f`, `%5c`,
`%00`) or an encoded dot (`%2e`: no file name needs one encoded), or when any decoded
part is empty, `.`/`..`, hidden (`.name`), holds a backslash or a control character — and
finally unless the resolved file (symlinks followed) is a regular file inside outbox/.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.responses import FileResponse

from automator.settings import Settings

log = logging.getLogger("automator.web")
_RAW_REFUSED = re.compile(rb"%(2f|5c|00|2e)", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")
TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".pdf": "application/pdf", ".md": "text/markdown; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin"),
           (b"cross-origin-opener-policy", b"same-origin")]


def parts_ok(parts: list[str]) -> bool:
    """Each part of a path taken from a URL is a plain file or folder name."""
    return bool(parts) and all(p and p not in (".", "..") and not p.startswith(".") and not _CONTROL.search(p)
                               for p in parts)


def outbox_file(settings: Settings, path: str, raw_path: bytes | None) -> Path | None:
    """The file under outbox/ that `path` (as decoded from the URL) names, or None."""
    if raw_path is not None and _RAW_REFUSED.search(raw_path):
        return None
    parts = path.split("/")
    if not parts_ok(parts):
        return None
    outbox = settings.outbox.resolve()
    try:
        target = outbox.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, an embedded NUL
        return None
    if not target.is_relative_to(outbox) or target == outbox or not target.is_file():
        return None
    return target


def content_disposition(name: str, kind: str = "attachment") -> str:
    """RFC 6266/5987: an ASCII fallback for old clients, then the real (Chinese) name in UTF-8."""
    fallback = "".join(ch if 0x20 < ord(ch) < 0x7f and ch not in '"\\%;' else "_" for ch in name)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(target: Path) -> FileResponse:
    # sandbox: even a browser that ignored the attachment could not run anything from it
    headers = {"content-disposition": content_disposition(target.name),
               "content-security-policy": "sandbox; default-src 'none'", "cache-control": "private, no-cache"}
    return FileResponse(target, media_type=TYPES.get(target.suffix.lower(), "application/octet-stream"),
                        headers=headers)


class SecurityHeaders:
    """Adds the security headers to every response (a response's own value wins), no-store
    on pages, and logs one line per request (who fetched what) to automator.log."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                have = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in have]
                if b"cache-control" not in have and not scope["path"].startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
                user = (scope.get("state") or {}).get("user")
                log.info("%s %s %s%s", scope["method"], scope["path"], message["status"], f" {user}" if user else "")
            await send(message)

        await self.app(scope, receive, with_headers)
