"""Reading the search index, read-only: search, the filters' choices, and browsing the archive
(client → year → category → documents → a document and its versions).

A query is cut at blanks into terms; a document matches when it holds every term
(substrings, case- and width-insensitive). Each term uses the cheapest exact way:

    ≥ 3 characters          the trigram index (`text MATCH "…"`)
    2 letters or digits     the 2-character index (`grams MATCH "…"`): 金麦, AE, 20
    anything shorter/else   LIKE over the stored bodies (a scan; rare: 麦, "A&")
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from automator.search.index import fold, index_path
from automator.settings import Settings

MAX_TERMS, MAX_TERM = 8, 100
COLUMNS = ("id, path, client, client_dir, year, category, doc_type, doc_zh, title, date, version, at, summary, doc_key, "
           "outputs")


@dataclass(frozen=True)
class Hit:
    id: int
    path: str            # "outbox/<client>/<year>/<category>/<file>"
    client: str | None
    client_dir: str
    year: str
    category: str
    doc_type: str | None
    doc_zh: str | None
    title: str
    date: str | None
    version: int
    at: str
    summary: str | None
    doc_key: str
    outputs: str         # JSON list of the document's files (root-relative)

    @property
    def under_outbox(self) -> str:
        """The path below outbox/ (the document page is /archive/<this>)."""
        return self.path.removeprefix("outbox/")

    def to_json(self) -> dict[str, Any]:
        """The contract's search result (`/api/search`), plus the Chinese type name, version and folders."""
        return {"path": self.path, "client": self.client, "doc_type": self.doc_type, "title": self.title,
                "date": self.date, "doc_zh": self.doc_zh, "version": self.version, "year": self.year,
                "category": self.category}


def connect(settings: Settings) -> sqlite3.Connection | None:
    """The index, read-only; None when it does not exist yet."""
    path = index_path(settings)
    if not path.is_file():
        return None
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10, isolation_level=None)
    try:
        db.execute("SELECT 1 FROM docs LIMIT 1")
    except sqlite3.Error:  # made by a newer or an unfinished start: treated as no index yet
        db.close()
        return None
    return db


def terms(q: str) -> list[str]:
    return [t[:MAX_TERM] for t in fold(q).split()][:MAX_TERMS]


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _term_clause(term: str) -> tuple[str, str]:
    if len(term) >= 3:
        return "id IN (SELECT rowid FROM text WHERE text MATCH ?)", _phrase(term)
    if len(term) == 2 and term.isalnum():
        return "id IN (SELECT rowid FROM grams WHERE grams MATCH ?)", _phrase(term)
    return "body LIKE ? ESCAPE '\\'", _like(term)


def _hits(db: sqlite3.Connection, where: list[str], args: list[Any], order: str, limit: int) -> list[Hit]:
    sql = f"SELECT {COLUMNS} FROM docs WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?"
    return [Hit(*row) for row in db.execute(sql, (*args, limit)).fetchall()]


def search(db: sqlite3.Connection, q: str, *, client: str | None = None, doc_type: str | None = None,
           year: str | None = None, limit: int = 50) -> list[Hit]:
    """The newest versions that hold every term of `q`, newest document date first.
    An empty query with a filter lists what the filter selects; with neither, nothing."""
    where, args = ["latest=1"], []
    for term in terms(q):
        clause, arg = _term_clause(term)
        where.append(clause)
        args.append(arg)
    for column, value in (("client_dir", client), ("doc_type", doc_type), ("year", year)):
        if value:
            where.append(f"{column}=?")
            args.append(value)
    if len(where) == 1:
        return []
    return _hits(db, where, args, "date DESC, id DESC", limit)


def choices(db: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """The filters' options as (value, label): clients, document types, years."""
    def pairs(sql: str) -> list[tuple[str, str]]:
        return [(str(a), str(b)) for a, b in db.execute(sql).fetchall() if a]

    return {"clients": pairs("SELECT client_dir, client_dir FROM docs WHERE latest=1 GROUP BY client_dir"),
            "doc_types": pairs("SELECT doc_type, MAX(doc_zh) FROM docs WHERE latest=1 GROUP BY doc_type"),
            "years": pairs("SELECT year, year FROM docs WHERE latest=1 GROUP BY year ORDER BY year DESC")}


def folders(db: sqlite3.Connection, client: str | None = None, year: str | None = None) -> list[tuple[str, int]]:
    """One level of the archive: clients, a client's years, or a year's categories, with document counts."""
    if client is None:
        sql, args = "SELECT client_dir, COUNT(*) FROM docs WHERE latest=1 GROUP BY client_dir", ()
    elif year is None:
        sql, args = ("SELECT year, COUNT(*) FROM docs WHERE latest=1 AND client_dir=? GROUP BY year "
                     "ORDER BY year DESC", (client,))
    else:
        sql, args = ("SELECT category, COUNT(*) FROM docs WHERE latest=1 AND client_dir=? AND year=? "
                     "GROUP BY category", (client, year))
    return [(str(name), int(n)) for name, n in db.execute(sql, args).fetchall()]


def documents(db: sqlite3.Connection, client: str, year: str, category: str, limit: int = 1000) -> list[Hit]:
    return _hits(db, ["latest=1", "client_dir=?", "year=?", "category=?"], [client, year, category],
                 "date DESC, id DESC", limit)


def document(db: sqlite3.Connection, path: str) -> Hit | None:
    """The archived document whose main file is `path` (any version)."""
    found = _hits(db, ["path=?"], [path], "id DESC", 1)
    return found[0] if found else None


def versions(db: sqlite3.Connection, doc_key: str) -> list[Hit]:
    """Every archived version of one document, newest first."""
    return _hits(db, ["doc_key=?"], [doc_key], "version DESC, id DESC", 100)
