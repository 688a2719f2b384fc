"""The ledger in an SQLite file in the root: the embedded default. WAL mode (the rollback
journal on a network file system) and a busy timeout let several worker processes and
watchers share it; a locked database is waited for. The interface is archive/base.py's.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from automator.archive.base import LedgerBase
from automator.archive.entry import KEPT, Entry, Row, dumps
from automator.archive.schema import MIGRATIONS, VERSION
from automator.errors import LedgerError
from automator.filesystems import on_network

__all__ = ["KEPT", "Entry", "Ledger", "LedgerBase", "Row", "dumps"]


class Ledger(LedgerBase):
    """The embedded default: an SQLite file in the root."""

    def __init__(self, path: Path, *, timeout: float = 60.0, readonly: bool = False) -> None:
        """Open (and create or migrate) the ledger; `readonly` opens an existing one to look
        things up without changing a byte (a dry run, `status`, `history`)."""
        self.path = path
        self.timeout = timeout
        try:
            if readonly:
                # With no -wal file beside it every row is in the main file: `immutable` then reads
                # it without creating the -shm/-wal files a WAL database otherwise gets (a dry run
                # and `status` leave the disk exactly as it was).
                wal = path.with_name(path.name + "-wal")
                flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
                self.db = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=timeout,
                                          isolation_level=None)
                self.db.row_factory = sqlite3.Row
                return
            self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            # WAL on local disks; on SMB/NFS the rollback journal, whose file locks work there
            # (WAL's shared memory does not). Switching can answer "locked" at once (no busy
            # handler) while another worker opens the same new ledger: retried like the rest.
            mode = "DELETE" if on_network(path.parent) else "WAL"
            self._retry(lambda: self.db.execute(f"PRAGMA journal_mode={mode}"))
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.row_factory = sqlite3.Row
            self._migrate()
        except sqlite3.Error as exc:
            raise LedgerError(f"无法打开台账数据库 {path}：{exc}",
                              hint="检查根目录的写权限；若文件已损坏，可改名后重新开始") from exc

    def _migrate(self) -> None:
        """Bring the schema to VERSION: each missing migration, in order, in one transaction.

        A ledger made before versions existed (user_version 0) already has the version-1
        tables; their `IF NOT EXISTS` makes that step a no-op.
        """
        if self.db.execute("PRAGMA user_version").fetchone()[0] >= VERSION:
            return
        with self.transaction() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
            for version, statements in MIGRATIONS[current:]:
                for statement in statements:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={int(version)}")

    @property
    def version(self) -> int:
        return int(self._retry(lambda: self.db.execute("PRAGMA user_version").fetchone()[0]))

    def close(self) -> None:
        self.db.close()

    def _retry(self, fn: Any) -> Any:
        """sqlite's busy timeout covers most waits; a lock held across it is retried once more.
        Every other database error (read-only file, disk full, damage) becomes a LedgerError:
        the file goes back to the inbox for a retry, never a traceback."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    raise _ledger_error(self.path, exc) from exc
                time.sleep(0.2)
            except sqlite3.Error as exc:
                raise _ledger_error(self.path, exc) from exc

    @contextmanager
    def transaction(self, *, scoped: bool = False) -> Iterator[sqlite3.Connection]:
        self._retry(lambda: self.db.execute("BEGIN IMMEDIATE"))
        try:
            yield self.db
        except BaseException:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the failure being raised says what went wrong; a dead transaction rolls back anyway
            raise
        self._retry(lambda: self.db.execute("COMMIT"))

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        return list(self._retry(lambda: self.db.execute(sql, args).fetchall()))

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        return int(self._retry(lambda: self.db.execute(sql, args).rowcount))

    def _insert(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        return int(self._retry(lambda: self.db.execute(sql, args).lastrowid))


def _ledger_error(path: Path, exc: sqlite3.Error) -> LedgerError:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        why, hint = "台账文件是只读的，无法记录", f"检查 {path.name} 和所在文件夹的写权限"
    elif "locked" in text or "busy" in text:
        why, hint = "台账数据库被占用", f"另一个进程可能正长时间锁着 {path.name}"
    elif "disk" in text and "full" in text:
        why, hint = "磁盘已满，台账无法写入", "清理磁盘空间"
    else:
        why, hint = f"台账数据库出错（{text}）", f"运行 automator doctor 检查 {path.name}"
    return LedgerError(f"{why}：{path}", hint=hint + "；文件已放回收件箱，稍后重试，不会丢失")
