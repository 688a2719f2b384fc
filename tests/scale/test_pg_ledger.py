"""The ledger on a real PostgreSQL (a throwaway cluster on loopback, a fresh database per test):
the same schema and answers as SQLite, the filing lock, "archived once", outages, and
`automator ledger migrate`."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from automator.archive.ledger import Ledger, LedgerBase
from automator.archive.pg import PgLedger
from automator.archive.schema import MIGRATIONS, VERSION
from automator.errors import LedgerError

from .scalekit import configure, env, ledger_rows

pytestmark = pytest.mark.slow


def _fill(ledger: LedgerBase) -> None:
    with ledger.transaction():
        ledger.record(in_transaction=True, sha256="a1", input="inbox/某某/议程.xlsx", status="archived",
                      doc_type="agenda", client="某某（上海）", doc_key="k1", version=1,
                      outputs=["outbox/某某(上海)/2026/会议纪要/a_b%c.docx"], figures={"total": "12.50"})
        ledger.record(in_transaction=True, sha256="a2", input="inbox/议程2.xlsx", status="archived",
                      doc_type="agenda", client="某某(上海) ", doc_key="k1", version=2,
                      outputs=["outbox/某某(上海)/2026/会议纪要/a_v2.docx"])
    ledger.record(sha256="a1", input="inbox/议程-副本.xlsx", status="duplicate", outputs=[])
    ledger.record(sha256="r1", input="inbox/坏.xlsx", status="rejected", reason="损坏", reason_code="damaged")


def _answers(ledger: LedgerBase) -> dict[str, object]:
    def ids(entries: list[object]) -> list[str]:
        return [e.input for e in entries]  # type: ignore[attr-defined]

    seen = ledger.seen("a1")
    latest = ledger.latest_version("k1")
    owner = ledger.owner_of("outbox/某某(上海)/2026/会议纪要/a_b%c.docx")
    return {"seen": seen and seen.input, "seen_rejected": ledger.seen("r1"), "latest": latest and latest.version,
            "owner": owner and owner.input, "owner_wildcard": ledger.owner_of("outbox/某某(上海)/2026/会议纪要/aXb%c.docx"),
            "find": ids(ledger.find_input("议程2.xlsx")), "recent": ids(ledger.recent(10)),
            "rejected": ids(ledger.recent(10, status="rejected")), "count": ledger.count(),
            "documents": [d["input"] for d in ledger.documents("某某(上海)", ["agenda"])],
            "figures": ledger.documents("某某（上海）", ["agenda"])[-1].get("total"),
            "query": [tuple(r) for r in ledger.query("SELECT status, COUNT(*) AS n FROM inputs GROUP BY status "
                                                     "ORDER BY status")],
            "version": ledger.version}


def test_every_migration_runs_on_postgresql_and_answers_match_sqlite(pg_url: str, tmp_path: Path) -> None:
    pg = PgLedger(pg_url)
    assert pg.version == VERSION == MIGRATIONS[-1][0]
    PgLedger(pg_url).close()  # a second open (another worker starting) changes nothing
    sqlite = Ledger(tmp_path / "ledger.sqlite")
    for ledger in (sqlite, pg):
        _fill(ledger)
    assert _answers(pg) == _answers(sqlite)
    assert _answers(pg)["owner_wildcard"] is None  # `_` and `%` in a name are not LIKE wildcards
    sqlite_columns = [r["name"] for r in sqlite.query("SELECT name FROM pragma_table_info('inputs')")]
    pg_columns = [r["column_name"] for r in pg.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name='inputs' ORDER BY ordinal_position")]
    assert pg_columns == sqlite_columns


def test_one_kept_row_per_content_hash(pg_url: str) -> None:
    ledger = PgLedger(pg_url)
    ledger.record(sha256="same", input="inbox/a.xlsx", status="archived")
    with pytest.raises(LedgerError, match="同样内容"):
        ledger.record(sha256="same", input="inbox/b.xlsx", status="review")
    ledger.record(sha256="same", input="inbox/c.xlsx", status="duplicate")  # duplicates and rejections may repeat
    ledger.record(sha256="same", input="inbox/d.xlsx", status="rejected")
    assert [r["status"] for r in ledger.query("SELECT status FROM inputs ORDER BY id")] == [
        "archived", "duplicate", "rejected"]


def test_the_filing_step_is_serialised_across_connections(pg_url: str) -> None:
    first, second = PgLedger(pg_url), PgLedger(pg_url)
    inside = threading.Event()
    waited: list[float] = []

    def hold() -> None:
        with first.transaction():
            inside.set()
            time.sleep(1.0)
            first.record(in_transaction=True, sha256="x", input="inbox/x.xlsx", status="archived")

    thread = threading.Thread(target=hold)
    thread.start()
    inside.wait(5)
    start = time.monotonic()
    with second.transaction():
        waited.append(time.monotonic() - start)
        assert second.seen("x") is not None  # it sees what the first committed: the check is made under the lock
    thread.join()
    assert waited[0] >= 0.8


def test_the_pipeline_locks_only_the_hash_and_folder_it_files_into(pg_url: str) -> None:
    holder, other, same = PgLedger(pg_url), PgLedger(pg_url), PgLedger(pg_url)
    inside, waited = threading.Event(), {}

    def hold() -> None:
        with holder.transaction(scoped=True):
            holder.lock("sha:1", "outbox/客户A/2026/会议纪要")
            inside.set()
            time.sleep(1.0)

    def timed(name: str, ledger: PgLedger, *keys: str) -> None:
        start = time.monotonic()
        with ledger.transaction(scoped=True):
            ledger.lock(*keys)
            waited[name] = time.monotonic() - start

    thread = threading.Thread(target=hold)
    thread.start()
    inside.wait(5)
    timed("other folder", other, "sha:2", "outbox/客户B/2026/会议纪要")
    timed("same folder", same, "sha:3", "outbox/客户A/2026/会议纪要")
    thread.join()
    assert waited["other folder"] < 0.5 <= 0.8 <= waited["same folder"]


def test_readonly_and_an_outage_are_ledger_errors_then_it_reconnects(pg_url: str, cluster: object) -> None:
    writer = PgLedger(pg_url)
    writer.record(sha256="a", input="inbox/a.xlsx", status="archived")
    reader = PgLedger(pg_url, readonly=True)
    with pytest.raises(LedgerError, match="不允许写入"):
        reader.record(sha256="b", input="inbox/b.xlsx", status="archived")
    cluster.stop()  # type: ignore[attr-defined]
    try:
        with pytest.raises(LedgerError, match="连接不上"):
            writer.seen("a")
        with pytest.raises(LedgerError, match="连接不上"):
            with writer.transaction():
                pass
    finally:
        cluster.start()  # type: ignore[attr-defined]
    assert writer.seen("a") is not None and reader.count() == 1


def _cli(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "automator", *args, "--root", str(root)], env=env(),
                          capture_output=True, text=True, timeout=120)


def test_run_history_explain_and_deliveries_use_postgresql(root: Path, pg_url: str) -> None:
    (root / "automator.yaml").write_text(f"ledger: {pg_url}\n", "utf-8")  # PDFs on (the default): deliveries too
    examples = sorted((Path(__file__).parents[2] / "examples").glob("*.xlsx"))
    for example in examples:
        shutil.copy(example, root / "inbox" / example.name)
    done = _cli("run", "--json", root=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / "ledger.sqlite").exists()
    rows = ledger_rows(pg_url)
    assert sorted(r["status"] for r in rows) == ["archived"] * len(examples)
    history = _cli("history", "--json", root=root)
    assert len(json.loads(history.stdout)["history"]) == len(examples)
    name = Path(rows[0]["input"]).name
    assert name in _cli("explain", name, root=root).stdout
    doctor = _cli("doctor", root=root)
    assert "PostgreSQL 台账正常" in doctor.stdout and f"{len(examples)} 条记录" in doctor.stdout
    with PgLedger(pg_url, readonly=True) as ledger:  # the delivery queue's own SQL, on PostgreSQL
        deliveries = ledger.query("SELECT kind, state, output FROM deliveries ORDER BY id")
    assert deliveries and {d["state"] for d in deliveries} == {"sent"}, [tuple(d) for d in deliveries]
    pdfs = [d["output"] for d in deliveries if d["kind"] == "pdf"]
    assert pdfs and all((root / p).is_file() for p in pdfs)


def test_migrate_copies_verifies_and_leaves_sqlite_untouched(root: Path, pg_url: str) -> None:
    examples = sorted((Path(__file__).parents[2] / "examples").glob("*.xlsx"))
    for example in examples[:3]:
        shutil.copy(example, root / "inbox" / example.name)
    (root / "inbox" / "坏文件.xlsx").write_bytes(b"not a workbook")
    assert _cli("run", root=root).returncode == 1  # one rejected
    sqlite = root / "ledger.sqlite"
    before = (hashlib.sha256(sqlite.read_bytes()).hexdigest(), sqlite.stat().st_mtime_ns)
    beside = sorted(p.name for p in root.glob("ledger.sqlite*"))
    with Ledger(sqlite, readonly=True) as ledger:
        want = [(e.id, e.input, e.status, e.outputs) for e in ledger.recent(100)]

    done = _cli("ledger", "migrate", "--to", pg_url, root=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "inputs：4 行，已核对" in done.stdout
    assert (hashlib.sha256(sqlite.read_bytes()).hexdigest(), sqlite.stat().st_mtime_ns) == before
    assert sorted(p.name for p in root.glob("ledger.sqlite*")) == beside  # no -wal/-shm made either
    with PgLedger(pg_url, readonly=True) as ledger:
        assert [(e.id, e.input, e.status, e.outputs) for e in ledger.recent(100)] == want

    again = _cli("ledger", "migrate", "--to", pg_url, root=root)  # never into a ledger that has rows
    assert again.returncode == 2 and "已有 4 行" in again.stderr

    configure(root, ledger=pg_url)  # switched over: new rows continue after the copied ids
    shutil.copy(examples[3], root / "inbox" / examples[3].name)
    assert _cli("run", root=root).returncode == 0
    with PgLedger(pg_url, readonly=True) as ledger:
        newest = ledger.recent(1)[0]
    assert newest.id == max(w[0] for w in want) + 1 and newest.status == "archived"


def test_migrate_refuses_a_root_without_sqlite_ledger(root: Path, pg_url: str) -> None:
    done = _cli("ledger", "migrate", "--to", pg_url, root=root)
    assert done.returncode == 2 and "没有可迁移的 SQLite 台账" in done.stderr


def test_status_and_doctor_say_plainly_when_postgresql_is_down(root: Path, pg_url: str, cluster: object) -> None:
    configure(root, ledger=pg_url)
    PgLedger(pg_url).record(sha256="a", input="inbox/a.xlsx", status="archived")
    cluster.stop()  # type: ignore[attr-defined]
    try:
        status = _cli("status", "--json", root=root)
        doctor = _cli("doctor", root=root)
    finally:
        cluster.start()  # type: ignore[attr-defined]
    assert "连接不上 PostgreSQL 台账" in json.loads(status.stdout)["ledger_problem"]
    assert "Traceback" not in status.stderr + doctor.stdout + doctor.stderr
    assert doctor.returncode == 1 and "✗ 连接不上 PostgreSQL 台账" in doctor.stdout
    assert len(json.loads(_cli("status", "--json", root=root).stdout)["recent"]) == 1
