"""Real Redis and PostgreSQL servers for the scale tests and benchmark, on loopback, in a temporary folder.

    with Redis(folder) as redis, Postgres(folder) as pg:
        redis.url    # redis://127.0.0.1:<free port>/0
        pg.url       # postgresql://automator@127.0.0.1:<free port>/automator

Nothing is installed or started system-wide: the Debian packages' binaries
(`redis-server`, /usr/lib/postgresql/<n>/bin) run from a fresh data folder and are
stopped (and the folder removed) at the end. PostgreSQL refuses to run as root, so
as root the cluster is made and run as `nobody` (setpriv), in a folder it owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f}s")


def redis_binary() -> str | None:
    return shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class Redis:
    """One redis-server; `restart()` stops it (SIGTERM: the queue is lost, no persistence) and starts it again."""

    def __init__(self, folder: Path, *, persist: bool = False) -> None:
        self.folder = folder / f"redis-{os.getpid()}-{free_port()}"
        self.folder.mkdir(parents=True)
        self.port = free_port()
        self.persist = persist
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        binary = redis_binary()
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server)")
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                "--save", "", "--appendonly", "yes" if self.persist else "no", "--protected-mode", "yes"]
        log = (self.folder / "redis.log").open("ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def restart(self, down: float = 0.0) -> None:
        self.stop()
        time.sleep(down)
        self.start()

    def __enter__(self) -> Redis:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Postgres:
    """A throwaway PostgreSQL cluster (trust auth on loopback only) with one database, `automator`."""

    def __init__(self, folder: Path | None = None, *, durable: bool = False) -> None:
        """`durable`: PostgreSQL's own defaults (fsync, synchronous commit), as a deployment has them;
        otherwise both off, for tests that make and drop many databases."""
        self.durable = durable
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian package postgresql)")
        self.bin = bin_dir
        # Its own folder under /tmp: as root it must belong to `nobody`, whose path must be traversable.
        self.folder = Path(tempfile.mkdtemp(prefix="automator-pg-", dir=str(folder) if folder else None))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            os.chmod(self.folder, 0o755)
            shutil.chown(self.folder, "nobody", "nogroup")
            p = self.folder
            while p != p.parent:  # nobody must reach the folder
                p = p.parent
                if p.stat().st_mode & 0o001 == 0:
                    os.chmod(p, p.stat().st_mode | 0o001)

    @property
    def url(self) -> str:
        return f"postgresql://automator@127.0.0.1:{self.port}/automator"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        return subprocess.run(cmd, check=check, capture_output=True, text=True, env=env, cwd=self.folder,
                              timeout=120)

    def init(self) -> Postgres:
        self._run("initdb", "-D", str(self.data), "-U", "automator", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", *([] if self.durable else ["--no-sync"]))
        with (self.data / "postgresql.conf").open("a") as fh:
            fh.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = ''\n"
                     "max_connections = 60\n")
            if not self.durable:
                fh.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        return self

    def start(self) -> Postgres:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "pg.log"), "-w", "-t", "60", "start")
        _wait_port(self.port)
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def createdb(self, name: str = "automator") -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "automator", name)
        return f"postgresql://automator@127.0.0.1:{self.port}/{name}"

    def dropdb(self, name: str) -> None:
        self._run("dropdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "automator", "--force", name, check=False)

    def __enter__(self) -> Postgres:
        self.init().start()
        self.createdb()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
