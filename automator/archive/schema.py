"""The ledger's schema, as ordered migrations: `MIGRATIONS[i]` brings a ledger from
version i to i + 1 (SQLite keeps the version in `PRAGMA user_version`, PostgreSQL in the
one-row table `schema_version`).

Later features add a migration at the end; a migration is never edited once it has
shipped, because ledgers written by that release already carry it. Migrations are written
for SQLite, in plain types; `postgres()` translates each statement for the PostgreSQL
backend (`INTEGER PRIMARY KEY` → an identity column, `INTEGER` → `BIGINT` as SQLite's
integers are 64-bit, `REAL`, `BLOB`, `INSERT OR IGNORE`, `PRAGMA`…) and refuses what it
cannot translate faithfully, so a new migration that only SQLite understands fails its
test on a real PostgreSQL (tests/scale/test_pg_ledger.py runs every migration there).
"""

from __future__ import annotations

import re

MIGRATIONS: list[tuple[int, tuple[str, ...]]] = [
    (1, (  # release 0.1.0, before the ledger had versions
        """CREATE TABLE IF NOT EXISTS inputs (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            input TEXT NOT NULL,
            status TEXT NOT NULL,
            doc_type TEXT,
            client TEXT,
            doc_key TEXT,
            version INTEGER,
            outputs TEXT NOT NULL DEFAULT '[]',
            findings TEXT NOT NULL DEFAULT '[]',
            reason TEXT,
            rule_version TEXT,
            template_version TEXT,
            explain TEXT NOT NULL DEFAULT '{}',
            figures TEXT NOT NULL DEFAULT '{}',
            changes TEXT NOT NULL DEFAULT '[]'
        )""",
        "CREATE INDEX IF NOT EXISTS inputs_sha ON inputs(sha256)",
        "CREATE INDEX IF NOT EXISTS inputs_key ON inputs(doc_key, status)",
        "CREATE INDEX IF NOT EXISTS inputs_client ON inputs(client, doc_type, status)",
    )),
    (2, (  # the reject reason's code reaches the ledger and --json
        "ALTER TABLE inputs ADD COLUMN reason_code TEXT",
    )),
    (3, (  # follow-through: files rebuilt from the ledger (brand files, invoice registers) and monthly seals
        # `path` is root-relative; `upto` the highest inputs.id the file reflects ('*' = the rebuild scan's
        # own watermark): a rebuild only replaces a file made from an older ledger state.
        """CREATE TABLE IF NOT EXISTS indexes (
            path TEXT PRIMARY KEY,
            client TEXT NOT NULL,
            upto INTEGER NOT NULL,
            at TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS seals (
            id INTEGER PRIMARY KEY,
            client TEXT NOT NULL,
            month TEXT NOT NULL,
            manifest TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            files INTEGER NOT NULL,
            at TEXT NOT NULL
        )""",
    )),
    (4, (  # deliveries: the PDF, mails and webhook of a committed document, sent exactly once
        """CREATE TABLE IF NOT EXISTS deliveries (
            id INTEGER PRIMARY KEY,
            entry INTEGER NOT NULL,
            kind TEXT NOT NULL,
            purpose TEXT NOT NULL,
            dedupe TEXT NOT NULL UNIQUE,
            message_id TEXT,
            recipients TEXT NOT NULL DEFAULT '[]',
            warnings TEXT NOT NULL DEFAULT '[]',
            payload TEXT NOT NULL DEFAULT '{}',
            state TEXT NOT NULL,
            needs INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try REAL NOT NULL DEFAULT 0,
            owner TEXT,
            lease REAL,
            last_error TEXT,
            output TEXT,
            created TEXT NOT NULL,
            done TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(state, next_try)",
        "CREATE INDEX IF NOT EXISTS deliveries_entry ON deliveries(entry)",
    )),
    (5, (  # the review queue and `history --status` read by status, newest first
        "CREATE INDEX IF NOT EXISTS inputs_status ON inputs(status, id)",
    )),
    (6, (  # the brand file's rows of each archived document, rendered once (automator/followup/brandcache.py)
        # A cache: `inputs` rows never change, so neither do these; `form` names what rendered them (the
        # code, the rules, the client's folder) and rows of another form are rendered again. Deleting them
        # all is safe (the next rebuild renders every document once more). `meta` (JSON), `rel` (its link)
        # and `sheet1`…`sheet5` (its rows in each sheet) are bytes (BYTEA elsewhere).
        """CREATE TABLE IF NOT EXISTS brand_rows (
            entry INTEGER PRIMARY KEY,
            form TEXT NOT NULL,
            meta BLOB NOT NULL,
            rel BLOB NOT NULL,
            sheet1 BLOB NOT NULL,
            sheet2 BLOB NOT NULL,
            sheet3 BLOB NOT NULL,
            sheet4 BLOB NOT NULL,
            sheet5 BLOB NOT NULL
        )""",
    )),
]
VERSION = MIGRATIONS[-1][0]


# (pattern, replacement) applied in order to each statement for PostgreSQL.
_POSTGRES = (
    (r"\bINTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?\b", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (r"\bINTEGER\b", "BIGINT"),
    (r"\bREAL\b", "DOUBLE PRECISION"),
    (r"\bBLOB\b", "BYTEA"),
    (r"\)\s*WITHOUT\s+ROWID\s*$", ")"),
    (r"\bADD\s+COLUMN\s+(?!IF\s+NOT\s+EXISTS)", "ADD COLUMN IF NOT EXISTS "),
    (r"^(\s*)INSERT\s+OR\s+IGNORE\s+INTO\b(.*)$", r"\1INSERT INTO\2 ON CONFLICT DO NOTHING"),
)
# SQLite-only constructs with no faithful generic translation: write the migration portably instead.
_UNPORTABLE = (r"\bINSERT\s+OR\s+(REPLACE|ABORT|FAIL|ROLLBACK)\b", r"\bREPLACE\s+INTO\b", r"\bstrftime\s*\(",
               r"\bdatetime\s*\(", r"\bjulianday\s*\(", r"\bCOLLATE\s+NOCASE\b", r"\bGLOB\b",
               r"\bAUTOINCREMENT\b", r"\bATTACH\b", r"\bVACUUM\b")


def postgres(statement: str) -> str | None:
    """`statement` (a migration, written for SQLite) for PostgreSQL; None for a PRAGMA (SQLite's own)."""
    if re.match(r"\s*PRAGMA\b", statement, re.IGNORECASE):
        return None
    out = statement
    for pattern, replacement in _POSTGRES:
        out = re.sub(pattern, replacement, out, flags=re.IGNORECASE | re.DOTALL)
    for pattern in _UNPORTABLE:
        if re.search(pattern, out, re.IGNORECASE):
            raise ValueError(f"migration statement has no PostgreSQL translation ({pattern}): {statement.strip()[:80]}")
    return out
