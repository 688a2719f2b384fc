"""The ledger on PostgreSQL (`ledger: postgresql://…` in automator.yaml, or AUTOMATOR_LEDGER_URL).

Same interface and same migrations as the SQLite file (ledger.py, schema.py); what differs:

- a write transaction takes `pg_advisory_xact_lock(FILING_LOCK)`: they run one at a time,
  as BEGIN IMMEDIATE serialises them on SQLite. The pipeline's filing step asks for a
  scoped one instead and locks only what it touches (`lock()`): the content hash (the
  duplicate check) and the folder where it chooses a free name (`_v2`, the files, the
  row) — two documents going to different folders file at the same time, on any host.
  A lock goes with its transaction, also when a worker dies holding it;
- a partial unique index keeps one kept row (archived or in review) per content hash,
  a second line behind the duplicate check inside that transaction;
- the schema version lives in the one-row table `schema_version`;
- a lost connection is opened again on next use; while the server cannot be reached every
  call raises LedgerError, so the file is retried, never rejected. A COMMIT whose answer
  was lost is settled by asking the server (`txid_status`) once it is back.

The password never sits in automator.yaml: libpq reads PGPASSWORD or ~/.pgpass.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from automator.archive.base import LedgerBase
from automator.archive.entry import KEPT, Row
from automator.archive.schema import MIGRATIONS, VERSION, postgres
from automator.errors import LedgerError

FILING_LOCK = 0x6175746F  # "auto": the commit phase, across every worker and host
MIGRATE_LOCK = FILING_LOCK + 1
# Constraints only PostgreSQL gets: SQLite ledgers in the field stay exactly as they are.
CONSTRAINTS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS inputs_kept_once ON inputs (sha256) "
    f"WHERE status IN ({', '.join(repr(s) for s in KEPT)})",
)
_PLACEHOLDER = re.compile(r"('(?:[^']|'')*')|(\bIS\s+(?:NOT\s+)?\?)|(\?)|(%)", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def pg_sql(sql: str) -> str:
    """The interface's SQL for psycopg: `?` placeholders (outside quoted literals) as `%s`, `IS ?` as
    `IS NOT DISTINCT FROM %s` (PostgreSQL's IS takes only NULL/TRUE/FALSE), a literal `%` doubled,
    and `INSERT OR IGNORE` as `ON CONFLICT DO NOTHING` (as schema.postgres does for migrations)."""
    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group(1).replace("%", "%%")  # psycopg reads % inside literals too
        if m.group(2):
            return "IS DISTINCT FROM %s" if "NOT" in m.group(2).upper() else "IS NOT DISTINCT FROM %s"
        return "%s" if m.group(3) else "%%"

    out = _PLACEHOLDER.sub(one, sql)
    if re.match(r"\s*INSERT\s+OR\s+IGNORE\s+INTO\b", out, re.IGNORECASE):
        out = re.sub(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO", "INSERT INTO", out, flags=re.IGNORECASE) + \
            " ON CONFLICT DO NOTHING"
    return out


def _row_factory(cursor: Any) -> Any:
    names = tuple(c.name for c in cursor.description or ())
    return lambda values: Row(values, names)


def masked(url: str) -> str:
    """The URL as it may be shown: a password in it replaced by ***."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


class PgLedger(LedgerBase):
    def __init__(self, url: str, *, timeout: float = 60.0, readonly: bool = False) -> None:
        self.url, self.timeout, self.readonly = url, timeout, readonly
        self.db: psycopg.Connection[Any] | None = None
        self._in_tx = False
        self._call(lambda db: None)  # connect now: a wrong address is said at once
        if not readonly:
            self._migrate()

    # -- the connection ------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        db = psycopg.connect(self.url, autocommit=True, row_factory=_row_factory, connect_timeout=5,
                             application_name="automator", keepalives=1, keepalives_idle=30,
                             keepalives_interval=10, keepalives_count=3,
                             options=f"-c lock_timeout={int(self.timeout * 1000)}")
        if self.readonly:
            db.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        return db

    def _drop(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except psycopg.Error:
                pass
        self.db = None

    def _call(self, fn: Any) -> Any:
        """Run fn(connection). Outside a transaction a dead connection is opened again once
        (the server restarted); every failure becomes a LedgerError (the file is retried)."""
        for attempt in (0, 1):
            try:
                if self.db is None or self.db.closed or self.db.broken:
                    if self._in_tx:
                        raise psycopg.OperationalError("the connection was lost during the transaction")
                    self._drop()
                    self.db = self._connect()
                return fn(self.db)
            except psycopg.OperationalError as exc:
                if self._in_tx or attempt:
                    raise _pg_error(self.url, exc) from exc
                self._drop()
            except psycopg.Error as exc:
                raise _pg_error(self.url, exc) from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._drop()

    # -- the interface -------------------------------------------------------------------

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        return list(self._call(lambda db: db.execute(pg_sql(sql), args).fetchall()))

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        return int(self._call(lambda db: db.execute(pg_sql(sql), args).rowcount))

    def _insert(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        row = self._call(lambda db: db.execute(pg_sql(sql) + " RETURNING id", args).fetchone())
        return int(row[0])

    @property
    def version(self) -> int:
        def read(db: psycopg.Connection[Any]) -> int:
            if db.execute("SELECT to_regclass('schema_version') AS t").fetchone()["t"] is None:  # type: ignore[index]
                return 0
            row = db.execute("SELECT max(version) AS v FROM schema_version").fetchone()
            return int(row["v"] or 0) if row else 0
        return int(self._call(read))

    @contextmanager
    def transaction(self, *, scoped: bool = False, lock: int = FILING_LOCK) -> Iterator[Any]:
        xid = self._call(lambda db: _begin(db, None if scoped else lock))
        self._in_tx = True
        try:
            yield self.db
        except BaseException:
            self._in_tx = False
            try:
                if self.db is not None and not self.db.broken:
                    self.db.execute("ROLLBACK")
            except psycopg.Error:
                pass  # the failure being raised says what went wrong; the server rolls back a lost session
            raise
        self._in_tx = False
        self._commit(xid)

    def lock(self, *keys: str) -> None:
        # In one order (by id) everywhere, so two transactions never wait for each other in a circle.
        for ident in sorted({lock_id(k) for k in keys}):
            self._call(lambda db, i=ident: db.execute("SELECT pg_advisory_xact_lock(%s)", (i,)))

    def _commit(self, xid: int) -> None:
        try:
            assert self.db is not None
            self.db.execute("COMMIT")
            return
        except psycopg.OperationalError as exc:
            lost = exc
        except psycopg.Error as exc:
            raise _pg_error(self.url, exc) from exc
        # The connection died during COMMIT: the server may have committed. Ask it, when it answers.
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            self._drop()
            try:
                self.db = self._connect()
                row = self.db.execute("SELECT txid_status(%s) AS s", (xid,)).fetchone()
            except psycopg.OperationalError:
                time.sleep(1.0)
                continue
            state = row["s"] if row else None
            if state == "committed":
                return
            if state != "in progress":
                break
            time.sleep(0.2)
        raise _pg_error(self.url, lost) from lost

    def _migrate(self) -> None:
        """Bring the schema to VERSION, one transaction under its own lock (several workers start at once)."""
        if self.version >= VERSION:
            return
        with self.transaction(lock=MIGRATE_LOCK):
            self._write("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = self.version
            for version, statements in MIGRATIONS[current:]:
                for statement in statements:
                    translated = postgres(statement)
                    if translated is not None:
                        self._call(lambda db, sql=translated: db.execute(sql))
                self._write("DELETE FROM schema_version")
                self._write("INSERT INTO schema_version (version) VALUES (?)", (int(version),))
            for statement in CONSTRAINTS:
                self._call(lambda db, sql=statement: db.execute(sql))


def lock_id(key: str) -> int:
    """A name as an advisory lock's 64-bit id (the same on every host and release)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[:8], "big", signed=True)


def _begin(db: psycopg.Connection[Any], lock: int | None) -> int:
    db.execute("BEGIN")
    try:  # one round trip for both: each costs a context switch on a busy host
        if lock is None:
            row = db.execute("SELECT txid_current() AS x").fetchone()
        else:
            row = db.execute("SELECT pg_advisory_xact_lock(%s), txid_current() AS x", (lock,)).fetchone()
    except BaseException:
        if not db.broken:
            db.execute("ROLLBACK")
        raise
    return int(row["x"]) if row else 0


def _pg_error(url: str, exc: psycopg.Error) -> LedgerError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    where = masked(url)
    if isinstance(exc, psycopg.OperationalError):
        why, hint = f"连接不上 PostgreSQL 台账（{text}）", "检查数据库服务是否在运行、网络和账号"
    elif isinstance(exc, psycopg.errors.UniqueViolation):
        why, hint = "另一个进程刚记录了同样内容的文件", "重试时它会被认作重复文件"
    elif isinstance(exc, psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.InsufficientPrivilege):
        why, hint = f"PostgreSQL 台账不允许写入（{text}）", "检查数据库账号的权限"
    else:
        why, hint = f"PostgreSQL 台账出错（{text}）", "运行 automator doctor 检查"
    return LedgerError(f"{why}：{where}", hint=hint + "；文件稍后重试，不会丢失")
