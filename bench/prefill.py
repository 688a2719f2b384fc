"""An archive that already holds many documents: ledger rows and filed outputs.

    python bench/prefill.py ROOT 10000

Fills the ledger with `count` archived contact reports (rows shaped like the
ones `automator run` writes: outputs, explain, figures as JSON) and puts their
three files each (.docx, report, source) into the same client/year/category
folders the benchmark's inputs are filed into, so routing and the ledger meet
the worst case: big folders and a big table. Names never collide with the
benchmark's own documents.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from automator.safe_names import safe_name  # noqa: E402
from automator.archive.ledger import Ledger  # noqa: E402
from make_inputs import CLIENTS, PEOPLE  # noqa: E402

REPORT = "检查报告.md"


def _row(i: int) -> tuple[str, ...]:
    client = CLIENTS[i % len(CLIENTS)]
    date = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
    title = f"历史会议 {i + 1}"
    stem = f"{date}_客户会议报告_{title}"
    folder = f"outbox/{safe_name(client)}/2026/会议纪要"
    outputs = [f"{folder}/{stem}.docx", f"{folder}/{stem}.{REPORT}", f"{folder}/{stem}.xlsx"]
    figures = {"fields": {"client": client, "meeting_title": title, "meeting_date": f"{date}T14:00:00",
                          "author": PEOPLE[i % len(PEOPLE)][0]},
               "tables": {"attendees": [{"name": n, "company": client, "title": t} for n, t in PEOPLE[:4]],
                          "budget": [{"item": "TVC 拍摄制作", "amount": str(1000 * (i % 300))}]},
               "totals": {"budget": {"amount": str(1000 * (i % 300))}}}
    explain = {"rule": "contact_report", "rule_zh": "客户会议报告", "how": "工作表「行动事项」", "client_cell": "基本信息!B2",
               "date_field": "meeting_date", "title_field": "meeting_title",
               "folder": folder, "file": f"{stem}.docx", "template": "contact_report.docx", "summary": "检查全部通过"}
    return (f"{date}T10:00:00", hashlib.sha256(f"prefill-{i}".encode()).hexdigest(), f"inbox/{stem}.xlsx",
            "archived", "contact_report", client, f"contact_report|{client}|{title}|{date}", 1,
            json.dumps(outputs, ensure_ascii=False), "[]", json.dumps(explain, ensure_ascii=False),
            json.dumps(figures, ensure_ascii=False))


def prefill_root(root: Path, count: int) -> None:
    rows = [_row(i) for i in range(count)]
    with Ledger(root / "ledger.sqlite") as ledger, ledger.transaction() as db:
        db.executemany("INSERT INTO inputs (at, sha256, input, status, doc_type, client, doc_key, version, "
                       "outputs, findings, explain, figures) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    for row in rows:
        for rel in json.loads(row[8]):
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")


def ops(root: Path, repeat: int = 300) -> dict[str, float]:
    """Microseconds per ledger and routing operation the pipeline does for each document,
    on this root as it is: the duplicate lookup, the version lookup, the insert (one
    transaction each, as commit does) and the choice of a free name in a client folder."""
    from automator.archive import route

    folder = root / "outbox" / safe_name(CLIENTS[0]) / "2026" / "会议纪要"
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, float] = {}
    with Ledger(root / "ledger.sqlite") as ledger:
        def timed(name: str, fn: Any) -> None:
            start = time.perf_counter()
            for i in range(repeat):
                fn(i)
            out[name] = 1e6 * (time.perf_counter() - start) / repeat

        timed("ledger.seen", lambda i: ledger.seen(hashlib.sha256(f"new-{i}".encode()).hexdigest()))
        timed("ledger.latest_version",
              lambda i: ledger.latest_version(f"contact_report|{CLIENTS[0]}|新会议 {i}|2026-05-01"))

        def record(i: int) -> None:
            with ledger.transaction():
                ledger.record(in_transaction=True, sha256=hashlib.sha256(f"ops-{i}".encode()).hexdigest(),
                              input=f"inbox/ops-{i}.xlsx", status="archived", doc_type="contact_report",
                              client=CLIENTS[0], doc_key=f"ops-{i}", version=1, outputs=[f"outbox/ops-{i}.docx"])

        timed("ledger.record", record)
        timed("route.free_stem", lambda i: route.free_stem(folder, f"2026-05-01_客户会议报告_新会议 {i}",
                                                           (".docx", ".检查报告.md", ".xlsx")))
    return out


def main() -> None:
    prefill_root(Path(sys.argv[1]), int(sys.argv[2]))


if __name__ == "__main__":
    main()
