"""The brand file under crashes and concurrency: kill -9 while it is being written leaves the old or the
new file, never a broken one; two rebuilds racing (two watchers) can never drop a document; two real
watchers on one root end with every document in the file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import REPO, run_json
from followkit import CLIENT, FOLDER, sheet_rows

sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests" / "watch"))
from brandfile import _row, prefill_client  # noqa: E402


def _add_rows(root: Path, start: int, count: int) -> None:
    from automator.archive.ledger import Ledger

    with Ledger(root / "ledger.sqlite") as ledger, ledger.transaction() as db:
        db.executemany("INSERT INTO inputs (at, sha256, input, status, doc_type, client, doc_key, version, "
                       "outputs, findings, explain, figures) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       [_row(i, CLIENT) for i in range(start, start + count)])


def _documents_listed(book: Path) -> int:
    with zipfile.ZipFile(book) as zf:
        assert zf.testzip() is None
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        return wb["文档"].max_row - 1
    finally:
        wb.close()


def _rebuild(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "automator", "rebuild-index", "--root", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.mark.slow
def test_kill_9_while_the_brand_file_is_written_leaves_the_old_or_the_new_file(root: Path) -> None:
    prefill_client(root, 2000, files=False)
    start = time.monotonic()
    assert _rebuild(root).wait(timeout=120) == 0
    took = time.monotonic() - start
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    listed, mid_write = _documents_listed(book), 0
    for k in range(8):
        _add_rows(root, 2000 + k, 1)
        proc = _rebuild(root)
        if k % 2:
            time.sleep(took * (0.35 + 0.08 * k))  # spread over the run: imports, ledger read, writing, the swap
        else:  # the moment its temporary file appears: killed in the middle of writing it
            while proc.poll() is None and not any(p.name.endswith(".tmp") for p in book.parent.iterdir()):
                time.sleep(0.0005)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
        temps = [p for p in book.parent.iterdir() if p.name.endswith(".tmp")]
        mid_write += bool(temps)
        now = _documents_listed(book)
        assert now in (listed, 2000 + k + 1), (k, now)
        listed = now
    assert mid_write >= 1, "no kill landed while the file was being written; the test proved nothing"
    assert _rebuild(root).wait(timeout=120) == 0
    assert _documents_listed(book) == 2008


def test_a_rebuild_from_an_older_ledger_state_never_replaces_a_newer_file(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    from automator.followup.brandcache import snapshot
    from automator.followup.index import write_client
    from automator.followup.records import folder_key
    from automator.pipeline import load_context
    from automator.settings import Settings

    run_json("run", str(make_workbook(root / "inbox", "agenda")), root=root)
    ctx = load_context(Settings.from_root(root), lint=False)
    ledger = ctx.open_ledger()
    stale = snapshot(ctx, ledger, folder_key(CLIENT))  # watcher A read the ledger here…
    run_json("run", str(make_workbook(root / "inbox", "contact_report")), root=root)  # …B filed and rebuilt
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    assert len(sheet_rows(book, "文档")) == 2
    assert stale is not None and write_client(ctx, ledger, stale) == []  # A's older state is refused
    assert len(sheet_rows(book, "文档")) == 2
    assert not [p for p in book.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_two_watchers_on_one_root_end_with_every_document_in_the_brand_file(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    from watchkit import Watch, archived, wait_until

    staging = root.parent / "staging"
    files = [make_workbook(staging, "contact_report", f"报告-{i}.xlsx",
                           fields={"meeting_title": f"周例会 第{i}次"}) for i in range(6)]
    watchers = [Watch(root, "polling"), Watch(root, "polling")]
    try:
        for w in watchers:
            w.ready()
        for i, path in enumerate(files):
            os.replace(path, root / "inbox" / path.name)
            if i % 2:
                time.sleep(0.3)
        wait_until(lambda: sum(archived(root).values()) == 6, "six reports archived", timeout=120)
        book = root / "outbox" / FOLDER / "品牌档案.xlsx"

        def all_listed() -> bool:
            try:
                return book.exists() and len(sheet_rows(book, "文档")) == 6
            except (OSError, zipfile.BadZipFile, KeyError):
                raise AssertionError("the brand file was unreadable while the watchers wrote it") from None
        wait_until(all_listed, "the brand file to list all six reports", timeout=120)
        titles = {r[2] for r in sheet_rows(book, "文档")}
        assert titles == {f"周例会 第{i}次" for i in range(6)}
    finally:
        for w in watchers:
            w.cleanup()
