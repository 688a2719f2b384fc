"""Who may see the pages.

Safe by default: with no `web:` access control in automator.yaml the server binds only
to a loopback address (127.0.0.1, ::1, localhost), accepts only those host names (a web
page elsewhere cannot reach it by DNS rebinding), and refuses to start on any other
address. Access control is either or both of:

- users: `web: {users: [{name: 李娜, password_hash: "scrypt$…"}]}` (hash from
  `automator serve --hash-password`), signed in on /login; the session is a signed cookie
  (key from AUTOMATOR_WEB_SECRET), Secure, HttpOnly, SameSite=Lax, 12 hours;
- a reverse proxy that authenticates: `web: {user_header: X-Remote-User}`; the header is
  believed only from `trusted_proxies` (default: this machine), where the proxy runs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from automator.errors import ConfigError
from automator.settings import Settings

SECRET_ENV = "AUTOMATOR_WEB_SECRET"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1   # 16 MiB, about 50 ms here: slow for a guesser, quick for a login
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """"scrypt$n$r$p$salt$key" (base64), salted with 16 random bytes."""
    salt = salt if salt is not None else os.urandom(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return None
        params = int(n), int(r), int(p)
        if not (2 <= params[0] <= 2**20 and 1 <= params[1] <= 32 and 1 <= params[2] <= 16):
            return None  # bounds keep a doctored hash from costing the server gigabytes
        return (*params, base64.b64decode(salt, validate=True), base64.b64decode(key, validate=True))
    except ValueError:
        return None


DUMMY = hash_password("", salt=b"\0" * 16)


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, key = parsed
    try:
        got = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(key),
                             maxmem=256 * n * r + 2**20)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got, key)


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    users: dict[str, str] = field(default_factory=dict)   # name -> password hash
    header: str | None = None
    proxies: tuple[str, ...] = ()
    secret: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.users) or self.header is not None

    def user(self, scope: dict[str, Any]) -> str | None:
        """The signed-in user of a request, or None."""
        if self.header is not None and _client(scope) in self.proxies:
            wanted = self.header.lower().encode("latin-1")
            for name, value in scope.get("headers", []):
                if name == wanted and value.strip():
                    return value.decode("utf-8", "replace").strip()
        session = scope.get("session") or {}
        name = session.get("user")
        return name if isinstance(name, str) and name in self.users else None


def _client(scope: dict[str, Any]) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


def access_for(settings: Settings, host: str) -> Access:
    """The access control for serving on `host`; a ConfigError when it would not be safe."""
    web = settings.config.web
    secret = os.environ.get(SECRET_ENV) or None
    access = Access(users={u.name: u.password_hash for u in web.users}, header=web.user_header,
                    proxies=tuple(web.trusted_proxies), secret=secret)
    if access.users and (secret is None or len(secret) < 32):
        raise ConfigError(f"automator.yaml 里设置了网页用户，但环境变量 {SECRET_ENV} 未设置或太短（至少 32 个字符）",
                          hint=f"生成一个：python3 -c 'import secrets; print(secrets.token_urlsafe(32))'，"
                               f"设为 {SECRET_ENV} 后再启动")
    bad = [u.name for u in web.users if _parse(u.password_hash) is None]
    if bad:
        raise ConfigError(f"automator.yaml web.users 中 {'、'.join(bad)} 的 password_hash 不是有效的 scrypt 哈希",
                          hint="用 `automator serve --hash-password` 生成")
    if not is_loopback(host) and not access.enabled:
        raise ConfigError(f"拒绝在 {host} 上提供网页：没有配置访问控制，局域网里任何人都能看到客户档案",
                          hint="只在本机使用请去掉 --host（默认 127.0.0.1）；要让同事访问，先在 automator.yaml 的 "
                               "web: 下配置 users（用 automator serve --hash-password 生成密码哈希）或 user_header "
                               "（由做认证的反向代理设置），见 README「网页」")
    return access


class AuthMiddleware:
    """Every page needs a signed-in user when access control is on (login, health and CSS excepted);
    with it off (loopback only) only local host names are served."""

    def __init__(self, app: Any, access: Access) -> None:
        self.app, self.access = app, access

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if not self.access.enabled:
            if not _local_host(scope):
                return await _plain(send, 400, "只接受本机地址访问（127.0.0.1 或 localhost）")
            return await self.app(scope, receive, send)
        user = self.access.user(scope)
        scope.setdefault("state", {})["user"] = user
        if user is not None or path in ("/login", "/healthz") or path.startswith("/static/"):
            return await self.app(scope, receive, send)
        if path.startswith("/api/"):
            return await _plain(send, 401, "需要登录", content_type=b"application/json",
                                body=b'{"error": "login required"}')
        if not self.access.users:  # only the proxy signs people in
            return await _plain(send, 401, "需要先通过单点登录（反向代理）访问")
        query = scope.get("query_string", b"").decode("latin-1")  # still percent-encoded, as sent
        target = quote(path, safe="/") + (f"?{query}" if query else "")
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", f"/login?next={quote(target, safe='')}".encode("ascii"))]})
        await send({"type": "http.response.body", "body": b""})


def _local_host(scope: dict[str, Any]) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"host":
            host = value.decode("latin-1").rsplit(":", 1)[0] if not value.startswith(b"[") \
                else value.decode("latin-1").split("]")[0] + "]"
            return is_loopback(host)
    return False


async def _plain(send: Any, status: int, text: str, *, content_type: bytes = b"text/plain; charset=utf-8",
                 body: bytes | None = None) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]})
    await send({"type": "http.response.body", "body": body if body is not None else text.encode("utf-8")})
