"""The web pages on a 10,000-document archive: search latency and the overview, each as a
ratio against a bare sqlite3 query of the same rows, in the same run.

    python bench/web.py              # 10,000 documents, 40 requests per query
    python bench/web.py --docs 2000 --repeat 20

A root from `automator init` is filled by bench/prefill.py (10,000 archived contact reports
and their files) plus 20 documents in review; the search index is built from the ledger
(timed), `automator serve` runs as its own process, and each request is timed from send to
the last byte over one kept-alive HTTP connection (what a browser does). The baselines run in
this process, on the same files:

- search: the same SQL (`automator.search.query`) straight on search.sqlite — the floor any
  server over this index can reach — and the naive way without an index: LIKE over the
  ledger's JSON columns (`figures`, `outputs`), newest 50;
- overview: the ledger rows the overview shows, read with bare sqlite3 (the last 10, the
  last 500 for today, the last 200 in review; JSON decoded as the page does).

Prints a Markdown table and writes bench/results/web-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from prefill import prefill_root  # noqa: E402

from automator.archive.ledger import Ledger  # noqa: E402
from automator.search import query  # noqa: E402
from automator.settings import Settings  # noqa: E402

QUERIES: list[dict[str, str]] = [
    {"q": "金穗"},                        # 2 characters, 1,250 documents hold it
    {"q": "青禾食品"},                    # a client name, trigram
    {"q": "会议 4242"},                   # a common 2-character word and a rare number
    {"q": "陈思远"},                      # a table cell in every document
    {"q": "TVC 拍摄"},                    # two terms
    {"q": "历史会议 777"},
    {"q": "陈思远", "client": "星河乳业(上海)有限公司", "year": "2026"},  # filtered
    {"q": "没有这个词"},                  # no hit
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_review(root: Path, count: int) -> None:
    """`count` documents in review, with their folders, as `automator run` leaves them."""
    rows = []
    for i in range(count):
        folder = f"outbox/_待复核/2026-05-{1 + i % 28:02d}_创意简报_复核 {i}"
        files = [f"{folder}/x.草稿-未通过检查.docx", f"{folder}/x.标注.xlsx", f"{folder}/检查报告.md", f"{folder}/原因.txt"]
        for rel in files:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(b"x")
        findings = [{"check": "sum", "severity": "error", "message": f"交付物合计与金额明细之和不符 {i}",
                     "cells": ["交付物!E6"]}]
        rows.append((f"2026-05-01T10:{i % 60:02d}:00", f"review-{i}", f"inbox/复核 {i}.xlsx", "review",
                     "creative_brief", "星河乳业（上海）有限公司", json.dumps(files, ensure_ascii=False),
                     json.dumps(findings, ensure_ascii=False), json.dumps({"fields": {"ae": "李娜"}}, ensure_ascii=False)))
    with Ledger(root / "ledger.sqlite") as ledger, ledger.transaction() as db:
        db.executemany("INSERT INTO inputs (at, sha256, input, status, doc_type, client, outputs, findings, figures) "
                       "VALUES (?,?,?,?,?,?,?,?,?)", rows)


def timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def paired(a: Any, b: Any, repeat: int) -> tuple[list[float], list[float]]:
    """a and b timed in turn, `repeat` times: both meet the same moments of a noisy machine."""
    ta, tb = [], []
    for _ in range(repeat):
        ta += timed(a, 1)
        tb += timed(b, 1)
    return ta, tb


def ratio(a: list[float], b: list[float]) -> float:
    """The median of the paired ratios a[i] / b[i]."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True) if y > 0)


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(values), "p95_ms": p95(values), "n": len(values)}


class Client:
    """One kept-alive HTTP connection; get() returns the body after the last byte."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, url: str) -> bytes:
        self.conn.request("GET", url)
        response = self.conn.getresponse()
        body = response.read()
        assert response.status == 200, (url, response.status)
        return body


def bare_search(db: sqlite3.Connection, params: dict[str, str]) -> list[Any]:
    filters = {k: v for k, v in params.items() if k != "q"}
    return query.search(db, params["q"], **filters, limit=51)


def naive_search(ledger: sqlite3.Connection, params: dict[str, str]) -> list[Any]:
    where, args = ["status='archived'"], []
    for term in params["q"].split():
        where.append("(figures LIKE ? OR outputs LIKE ? OR input LIKE ?)")
        args += [f"%{term}%"] * 3
    sql = f"SELECT input, client, doc_type, outputs FROM inputs WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT 51"
    return ledger.execute(sql, args).fetchall()


def bare_overview(ledger: sqlite3.Connection) -> None:
    """The rows the overview shows: the last 10 (recent), the last 50 (today), 200 in review, today's tally."""
    for sql in ("SELECT * FROM inputs ORDER BY id DESC LIMIT 10", "SELECT * FROM inputs ORDER BY id DESC LIMIT 50",
                "SELECT * FROM inputs WHERE status='review' ORDER BY id DESC LIMIT 200"):
        for row in ledger.execute(sql).fetchall():
            json.loads(row["outputs"]), json.loads(row["findings"]), json.loads(row["figures"])
    ledger.execute("SELECT status, COUNT(*) FROM inputs WHERE at >= ? GROUP BY status",
                   (dt.date.today().isoformat(),)).fetchall()


def search_figures(port: int, settings: Settings, repeat: int) -> list[dict[str, Any]]:
    client, out = Client(port), []
    db = query.connect(settings)
    ledger = sqlite3.connect(settings.ledger)
    assert db is not None
    for params in QUERIES:
        url = "/api/search?" + urlencode(params)
        hits = len(json.loads(client.get(url))["results"])
        assert hits == min(50, len(bare_search(db, params))), params  # the same rows
        web, bare = paired(lambda url=url: client.get(url), lambda p=params: bare_search(db, p), repeat)
        web2, naive = paired(lambda url=url: client.get(url), lambda p=params: naive_search(ledger, p),
                             max(5, repeat // 4))
        out.append({"query": params, "hits": hits, "web": summary(web), "bare": summary(bare), "naive": summary(naive),
                    "web_bare": ratio(web, bare), "web_naive": ratio(web2, naive)})
    return out


def overview_figures(port: int, settings: Settings, repeat: int) -> dict[str, Any]:
    client = Client(port)
    ledger = sqlite3.connect(settings.ledger)
    ledger.row_factory = sqlite3.Row
    data = json.loads(client.get("/api/overview"))
    assert len(data["review"]) == 20
    html, bare = paired(lambda: client.get("/"), lambda: bare_overview(ledger), repeat)
    api, bare2 = paired(lambda: client.get("/api/overview"), lambda: bare_overview(ledger), repeat)
    return {"html": summary(html), "json": summary(api), "bare": summary(bare + bare2),
            "html_bare": ratio(html, bare), "json_bare": ratio(api, bare2)}


def index_stage(settings: Settings, docs: int, count: int = 200) -> dict[str, float]:
    """ms per document: the index stage's work (read the committed row back, add it to the index)
    against the ledger insert of the same rows, one transaction each as the pipeline does."""
    from prefill import _row

    from automator.search.index import add_entry

    rows = [_row(docs + i) for i in range(count)]
    for row in rows:
        for rel in json.loads(row[8]):
            (settings.root / rel).write_bytes(b"x")
    columns = "at, sha256, input, status, doc_type, client, doc_key, version, outputs, findings, explain, figures"
    with Ledger(settings.ledger) as ledger:
        start = time.perf_counter()
        for row in rows:
            with ledger.transaction() as db:
                db.execute(f"INSERT INTO inputs ({columns}) VALUES ({','.join('?' * len(row))})", row)
        record = (time.perf_counter() - start) * 1000 / count
        start = time.perf_counter()
        for row in rows:
            entry = ledger.latest_version(row[6])
            assert entry is not None and add_entry(settings, entry)
        index = (time.perf_counter() - start) * 1000 / count
    return {"index_ms_per_doc": index, "ledger_record_ms_per_doc": record}


def run(docs: int, repeat: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    root = work / "root"
    subprocess.run([sys.executable, "-m", "automator", "init", str(root)], check=True, capture_output=True)
    print(f"  prefill {docs} documents …", flush=True)
    prefill_root(root, docs)
    add_review(root, 20)
    settings = Settings.from_root(root)
    from automator.search.index import catch_up

    start = time.perf_counter()
    with Ledger(settings.ledger, readonly=True) as ledger:
        indexed = catch_up(settings, ledger)
    build = time.perf_counter() - start
    port = free_port()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    server = subprocess.Popen([sys.executable, "-m", "automator", "serve", "--root", str(root), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                Client(port).get("/healthz")
                break
            except OSError:
                time.sleep(0.1)
        result = {"docs": docs, "indexed": indexed, "index_build_s": build,
                  "index_mb": (root / "search.sqlite").stat().st_size / 2**20,
                  "search": search_figures(port, settings, repeat), "overview": overview_figures(port, settings, repeat)}
    finally:
        server.terminate()
        server.wait(20)
    result["stage"] = index_stage(settings, docs)
    return result


def table(r: dict[str, Any]) -> str:
    lines = [f"**{r['docs']:,} 份文档 / documents** · 索引 index {r['indexed']:,} 行，建立 {r['index_build_s']:.1f} s，"
             f"{r['index_mb']:.0f} MB · 索引阶段 index stage {r['stage']['index_ms_per_doc']:.2f} ms/份 "
             f"(台账写入 ledger insert {r['stage']['ledger_record_ms_per_doc']:.2f} ms)", "",
             "| 搜索 query | 命中 hits | 网页 web p50 / p95 ms | 裸 SQL bare p50 | web/bare* | 无索引 LIKE p50 | web/LIKE* |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for s in r["search"]:
        q = " ".join(f"{k}={v}" for k, v in s["query"].items() if k != "q")
        w, b, n = s["web"], s["bare"], s["naive"]
        lines.append(f"| {s['query']['q']} {q} | {s['hits']} | {w['median_ms']:.1f} / {w['p95_ms']:.1f} | "
                     f"{b['median_ms']:.2f} | {s['web_bare']:.1f} | {n['median_ms']:.1f} | {s['web_naive']:.2f} |")
    o = r["overview"]
    lines += ["", "| 概览 overview | p50 ms | p95 ms | ÷ 裸 SQL 读同样的行 bare（逐次配对 paired） |", "|---|---:|---:|---:|"]
    for key, label, share in (("html", "页面 `/`", o["html_bare"]), ("json", "`/api/overview`", o["json_bare"]),
                              ("bare", "裸 sqlite3", 1.0)):
        lines.append(f"| {label} | {o[key]['median_ms']:.1f} | {o[key]['p95_ms']:.1f} | {share:.1f} |")
    lines += ["", "\\* 逐次配对比值的中位数 / median of paired ratios (each request timed next to its baseline)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    result = run(args.docs, args.repeat)
    result["load"] = os.getloadavg()[0]
    out = BENCH / "results" / f"web-{dt.datetime.now():%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    print(table(result))
    print(f"\n(load average {result['load']:.1f}; {out.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
