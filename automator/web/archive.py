"""档案 and 搜索: the archive from the search index (client → year → category → document),
each document with its versions, files and 检查报告, its `explain`, and the search.

The report is Markdown written by us but quoting the workbook (cell values, sheet names):
markdown-it renders it with raw HTML off, so a `<script>` in a cell arrives as text.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from automator.archive.route import REPORT
from automator.explain import explain_item, explain_text
from automator.search import query
from automator.settings import Settings

LEVELS = ("clients", "years", "categories", "documents", "document")
LABELS = {".docx": "Word 文档", ".pdf": "PDF", ".xlsx": "源工作簿", ".xlsm": "源工作簿", ".md": "检查报告"}
MAX_REPORT = 2_000_000
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def report_html(text: str) -> Markup:
    """The 检查报告 as HTML (raw HTML in it is escaped, links limited to safe schemes by markdown-it)."""
    return Markup(_markdown.render(text))  # markdown-it escapes the text (html is off)


def _item(hit: query.Hit) -> dict[str, Any]:
    return {**hit.to_json(), "summary": hit.summary, "at": hit.at}


def browse(db: sqlite3.Connection | None, parts: list[str]) -> dict[str, Any]:
    """One level of the archive (0–3 parts: clients, years, categories, documents)."""
    level = LEVELS[len(parts)]
    if db is None:
        return {"level": level, "parts": parts, "entries": []}
    if len(parts) == 3:
        return {"level": level, "parts": parts, "entries": [_item(h) for h in query.documents(db, *parts)]}
    client, year = (parts + [None, None])[:2]
    return {"level": level, "parts": parts,
            "entries": [{"name": name, "count": n} for name, n in query.folders(db, client, year)]}


def files(settings: Settings, hit: query.Hit) -> list[dict[str, str]]:
    """The document's files that are on disk: its outputs, and a PDF beside it (made after filing)."""
    paths = list(json.loads(hit.outputs or "[]")) or [hit.path]
    main = PurePosixPath(hit.path)
    pdf = str(main.with_suffix(".pdf"))
    if pdf not in paths:
        paths.insert(1, pdf)
    out = []
    for path in paths:
        if not (settings.root / path).is_file():
            continue
        suffix = PurePosixPath(path).suffix.lower()
        label = "原始 PDF" if path == hit.path and suffix == ".pdf" else LABELS.get(suffix, "文件")
        out.append({"label": label, "name": PurePosixPath(path).name, "path": path})
    return out


def _report(settings: Settings, paths: list[str]) -> str | None:
    for path in paths:
        if path.endswith(f".{REPORT}") or path.endswith(f"/{REPORT}"):
            try:
                with (settings.root / path).open(encoding="utf-8", errors="replace") as fh:
                    return fh.read(MAX_REPORT)
            except OSError:
                return None
    return None


def document(settings: Settings, db: sqlite3.Connection | None, path: str) -> tuple[dict[str, Any], str | None] | None:
    """A document page's data and its report's Markdown, or None when `path` is not an archived document."""
    hit = query.document(db, "outbox/" + path) if db is not None else None
    if hit is None:
        return None
    found, versions = files(settings, hit), query.versions(db, hit.doc_key)
    data = {"document": _item(hit), "latest": versions[0].id == hit.id, "versions": [_item(v) for v in versions],
            "files": found}
    return data, _report(settings, [f["path"] for f in found])


def explain(settings: Settings, path: str) -> tuple[dict[str, Any], list[str]] | None:
    """`automator explain` for the ledger entry that lists outbox/<path> among its outputs."""
    if not settings.ledger.exists():
        return None
    from automator.archive.ledger import Ledger

    with Ledger(settings.ledger, readonly=True) as ledger:
        entry = ledger.owner_of("outbox/" + path)
    if entry is None:
        return None
    return explain_item(entry), explain_text(entry).splitlines()


def search(db: sqlite3.Connection | None, q: str, *, client: str | None, doc_type: str | None,
           year: str | None, limit: int = 50) -> dict[str, Any]:
    """`/api/search`: {"results": [{"path", "client", "doc_type", "title", "date", …}]}."""
    if db is None:
        return {"results": []}
    hits = query.search(db, q, client=client, doc_type=doc_type, year=year, limit=limit + 1)
    return {"results": [h.to_json() for h in hits[:limit]], "more": len(hits) > limit}
