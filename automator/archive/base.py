"""The one ledger interface (`LedgerBase`): what the service asks of the ledger, written once in
portable SQL over four primitives each backend implements — SQLite in archive/ledger.py (the
embedded default), PostgreSQL in archive/pg.py. `open_ledger` (archive/backends.py) chooses.

It answers "have we seen these bytes before?" (duplicates), "is this a new version of a
document we archived?" (same type, client, title, date), keeps each archived document's
figures for later comparisons (invoices against approved briefs), and the follow-through's
marks and seals.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from automator.archive.entry import KEPT, Entry, dumps
from automator.formatting import printable


class LedgerBase:
    """The one ledger interface; `Ledger` (SQLite, the embedded default) and `PgLedger`
    (PostgreSQL, archive/pg.py) implement its primitives, `_rows`, `_write`, `_insert` and
    `transaction`. SQL here uses `?` placeholders and portable syntax; a feature that keeps
    its own table queries it through `query` / `execute`, never through a driver's connection."""

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """Rows that read as `row[0]`, `row["name"]` and `dict(row)`."""
        raise NotImplementedError

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """One change statement; the number of rows it changed."""
        raise NotImplementedError

    def _insert(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """One INSERT into a table with an `id` key; the new row's id."""
        raise NotImplementedError

    def transaction(self, *, scoped: bool = False) -> Any:
        """A write transaction, serialised across every process that shares the ledger. `scoped`:
        the caller serialises only what it touches, with `lock()` (the pipeline's filing step)."""
        raise NotImplementedError

    def lock(self, *keys: str) -> None:
        """Inside a scoped transaction: hold these names (a content hash, a folder where a free name
        is chosen) until it ends. SQLite's transactions are serialised whole: nothing to do."""
        return None

    @property
    def version(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> LedgerBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """Rows of any SELECT (another part's table: the delivery queue), `?` placeholders, either backend."""
        return self._rows(sql, args)

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """One change statement, inside `transaction()`; returns the number of rows it changed."""
        return self._write(sql, args)

    def _entries(self, sql: str, args: tuple[Any, ...]) -> list[Entry]:
        return [Entry.from_row(row) for row in self._rows(sql, args)]

    def seen(self, sha256: str) -> Entry | None:
        """The entry that already holds these bytes (archived or in review), if any."""
        found = self._entries("SELECT * FROM inputs WHERE sha256=? AND status IN (?,?) ORDER BY id DESC LIMIT 1",
                              (sha256, *KEPT))
        return found[0] if found else None

    def latest_version(self, doc_key: str) -> Entry | None:
        found = self._entries("SELECT * FROM inputs WHERE doc_key=? AND status='archived' "
                              "ORDER BY version DESC, id DESC LIMIT 1", (doc_key,))
        return found[0] if found else None

    def record(self, *, in_transaction: bool = False, **values: Any) -> int:
        """Insert one row and return its id; inside `transaction()` pass in_transaction=True."""
        values.setdefault("at", dt.datetime.now().isoformat(timespec="seconds"))
        for key in ("outputs", "findings", "explain", "figures", "changes"):
            if key in values and not isinstance(values[key], str):
                values[key] = dumps(values[key])
        values = {k: printable(v) if isinstance(v, str) else v for k, v in values.items()}
        sql = f"INSERT INTO inputs ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})"
        if in_transaction:
            return self._insert(sql, tuple(values.values()))
        with self.transaction():
            return self._insert(sql, tuple(values.values()))

    def count(self) -> int:
        return int(self._rows("SELECT COUNT(*) AS n FROM inputs")[0]["n"])

    def recent(self, limit: int = 20, *, status: str | None = None) -> list[Entry]:
        if status:
            return self._entries("SELECT * FROM inputs WHERE status=? ORDER BY id DESC LIMIT ?", (status, limit))
        return self._entries("SELECT * FROM inputs ORDER BY id DESC LIMIT ?", (limit,))

    def tally(self, since: str) -> dict[str, int]:
        """How many entries of each status were recorded at or after `since` (ISO time): today's results."""
        rows = self._rows("SELECT status, COUNT(*) FROM inputs WHERE at >= ? GROUP BY status", (since,))
        return {str(row[0]): int(row[1]) for row in rows}

    def since(self, after: int, *, status: str | None = None, limit: int = 500) -> list[Entry]:
        """Entries with an id above `after`, oldest first (to follow the ledger in batches: the search index)."""
        if status:
            return self._entries("SELECT * FROM inputs WHERE id>? AND status=? ORDER BY id LIMIT ?",
                                 (after, status, limit))
        return self._entries("SELECT * FROM inputs WHERE id>? ORDER BY id LIMIT ?", (after, limit))

    def owner_of(self, output: str) -> Entry | None:
        """The entry that lists `output` (a root-relative path) among its outputs, if any."""
        escaped = dumps(output).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found = self._entries("SELECT * FROM inputs WHERE outputs LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT 1",
                              (f"%{escaped}%",))
        return found[0] if found else None

    def find_input(self, name: str) -> list[Entry]:
        """Entries whose input path or any output ends with `name` (for `automator explain`)."""
        like = f"%{name}"
        return self._entries("SELECT * FROM inputs WHERE input LIKE ? OR outputs LIKE ? ORDER BY id DESC LIMIT 5",
                             (like, f'%{name}"%'))

    def documents(self, client: str, doc_types: list[str]) -> list[dict[str, Any]]:
        """Figures of the archived documents of one client (newest version first).

        The client matches as its archive folder does: 某某（上海） and 某某(上海 ) are one client.
        """
        from automator.safe_names import safe_name

        marks = ",".join("?" for _ in doc_types)
        wanted = safe_name(client).casefold()
        names = [row["client"] for row in self._rows(
            f"SELECT DISTINCT client FROM inputs WHERE status='archived' AND doc_type IN ({marks})",
            tuple(doc_types)) if row["client"] and safe_name(row["client"]).casefold() == wanted]
        if not names:
            return []
        entries = self._entries(
            f"SELECT * FROM inputs WHERE client IN ({','.join('?' for _ in names)}) AND status='archived' "
            f"AND doc_type IN ({marks}) ORDER BY id DESC", (*names, *doc_types))
        return [{"doc_type": e.doc_type, "input": e.input, "outputs": e.outputs, "version": e.version,
                 **e.figures} for e in entries]

    # -- follow-through (automator/followup): brand files, registers, due lists, digests, seals --------------

    def max_id(self) -> int:
        return int(self._rows("SELECT COALESCE(MAX(id), 0) FROM inputs")[0][0])

    def clients_after(self, after_id: int) -> dict[str, int]:
        """The clients of documents archived or sent to review after the row `after_id`, each with its
        latest such row."""
        rows = self._rows("SELECT client, MAX(id) FROM inputs WHERE id > ? AND client IS NOT NULL AND status IN (?,?) "
                          "GROUP BY client", (after_id, *KEPT))
        return {row[0]: int(row[1]) for row in rows if row[0]}

    def clients(self) -> list[str]:
        rows = self._rows("SELECT DISTINCT client FROM inputs WHERE client IS NOT NULL AND status IN (?,?)", KEPT)
        return [row[0] for row in rows if row[0]]

    def kept_entries(self, clients: list[str] | None = None) -> list[Entry]:
        """Archived and review entries (of these client spellings), oldest first."""
        if clients is None:
            return self._entries("SELECT * FROM inputs WHERE status IN (?,?) ORDER BY id", KEPT)
        if not clients:
            return []
        marks = ",".join("?" for _ in clients)
        return self._entries(f"SELECT * FROM inputs WHERE status IN (?,?) AND client IN ({marks}) ORDER BY id",
                             (*KEPT, *clients))

    def index_marks(self) -> dict[str, tuple[str, int]]:
        """Rebuilt files: root-relative path -> (client, the ledger id it reflects)."""
        rows = self._rows("SELECT path, client, upto FROM indexes")
        return {row[0]: (row[1], int(row[2])) for row in rows}

    def set_index_mark(self, path: str, client: str, upto: int, *, in_transaction: bool = False) -> None:
        """Record that `path` reflects the ledger up to `upto` (never moves a mark back)."""
        at = dt.datetime.now().isoformat(timespec="seconds")
        # CASE, not MAX(a, b) (SQLite) or GREATEST (PostgreSQL): the same statement on both backends
        sql = ("INSERT INTO indexes (path, client, upto, at) VALUES (?,?,?,?) ON CONFLICT(path) DO UPDATE SET "
               "upto=CASE WHEN excluded.upto > indexes.upto THEN excluded.upto ELSE indexes.upto END, "
               "client=excluded.client, at=excluded.at")
        if in_transaction:
            self._write(sql, (path, client, upto, at))
        else:
            with self.transaction():
                self._write(sql, (path, client, upto, at))

    def drop_index_mark(self, path: str) -> None:
        with self.transaction():
            self._write("DELETE FROM indexes WHERE path=?", (path,))

    def record_seal(self, *, client: str, month: str, manifest: str, sha256: str, files: int) -> None:
        with self.transaction():
            self._insert("INSERT INTO seals (client, month, manifest, sha256, files, at) VALUES (?,?,?,?,?,?)",
                         (client, month, manifest, sha256, files, dt.datetime.now().isoformat(timespec="seconds")))

    def seals(self) -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM seals ORDER BY id")
        return [dict(row) for row in rows]
