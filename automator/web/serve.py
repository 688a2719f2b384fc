"""Starting the web app: `automator serve` (in the foreground) and `automator watch --serve`
(a thread beside the watcher's loop).

Everything that can be wrong is checked before a single request is served, and reported
as a ConfigError (exit 2): access control for a non-loopback address, the session key,
the address or port taken. Then the search index catches up with the ledger (the only
write, to search.sqlite; a read-only root serves what the index already holds).
"""

from __future__ import annotations

import logging
import socket
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automator.errors import AutomatorError, ConfigError
from automator.settings import Settings
from automator.web.access import access_for

log = logging.getLogger("automator.web")


def update_index(settings: Settings, *, rebuild: bool = False) -> int | None:
    """Bring search.sqlite up to date with the ledger; None when it could not be written."""
    if not settings.ledger.exists():
        return 0
    from automator.archive.ledger import Ledger
    from automator.search.index import heal

    try:
        with Ledger(settings.ledger, readonly=True) as ledger:
            return heal(settings, ledger, rebuild=rebuild)
    except (sqlite3.Error, OSError, AutomatorError) as exc:
        log.warning("search index not updated (%s); serving what it holds", exc)
        return None


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or a ConfigError that says what to do."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise ConfigError(f"无法在 {host}:{port} 上提供网页：{exc.strerror or exc}",
                          hint="端口可能已被占用（另一个 automator serve？），用 --port 换一个") from exc
    return sock


@dataclass
class Server:
    uvicorn: Any
    sock: socket.socket
    url: str
    thread: threading.Thread | None = None

    def run(self) -> None:
        """Serve until Ctrl+C / SIGTERM (uvicorn handles them in the main thread)."""
        self.uvicorn.run(sockets=[self.sock])

    def start(self) -> Server:
        self.thread = threading.Thread(target=self.run, name="automator-web", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.uvicorn.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout)
        self.sock.close()


def prepare(settings: Settings, host: str, port: int, *, reindex: bool = False, certfile: Path | None = None,
            keyfile: Path | None = None, echo: Callable[[str], None] | None = None) -> Server:
    import uvicorn

    from automator.web.app import create_app

    access = access_for(settings, host)
    if (certfile is None) != (keyfile is None):
        raise ConfigError("--certfile 和 --keyfile 要一起给出", hint="两者都给（HTTPS），或都不给（HTTP）")
    sock = bind(host, port)
    added = update_index(settings, rebuild=reindex)
    if echo and added:
        echo(f"搜索索引：新加入 {added} 份文档")
    config = uvicorn.Config(create_app(settings, access), log_config=None, access_log=False, server_header=False,
                            proxy_headers=False, lifespan="off", timeout_graceful_shutdown=5,
                            ssl_certfile=str(certfile) if certfile else None,
                            ssl_keyfile=str(keyfile) if keyfile else None)
    shown = f"[{host}]" if ":" in host else host
    return Server(uvicorn.Server(config), sock, f"{'https' if certfile else 'http'}://{shown}:{port}/")
