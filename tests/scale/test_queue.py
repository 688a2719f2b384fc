"""Workers on Celery with a real redis-server and a real PostgreSQL ledger, all on loopback.

The user's view: files dropped into inbox/, one `automator watch` claiming and enqueuing,
`automator worker` processes doing the work — and whatever is killed or restarted on
the way, every file is archived exactly once (one ledger row, one set of outputs), nothing
is rejected, no claim is left in processing/ and nothing is left in the inbox.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from .scalekit import Proc, claims_left, configure, inbox_left, safe_rows, status_json, wait_until

pytestmark = pytest.mark.slow
RESCAN = "2"  # the watcher's rescan: how soon a dead worker's claim is queued again


def drop(books: list[Path], root: Path) -> None:
    for book in books:
        tmp = root / "inbox" / f".{book.name}.part"  # hidden while copied, then renamed: as a copy tool does
        shutil.copyfile(book, tmp)
        os.replace(tmp, root / "inbox" / book.name)


def assert_exactly_once(root: Path, url: str, books: list[Path]) -> None:
    rows = safe_rows(url)
    by_input = Counter(r["input"] for r in rows)
    assert sorted(by_input) == sorted(f"inbox/{b.name}" for b in books)
    assert set(by_input.values()) == {1}, [k for k, v in by_input.items() if v > 1]
    assert Counter(r["status"] for r in rows) == {"archived": len(books)}
    # documents live in <client>/<year>/<category>/ (a brand file or register beside a client is a chore's)
    files = [p for p in (root / "outbox").rglob("*") if p.is_file() and len(p.relative_to(root / "outbox").parts) > 2]
    names = Counter(p.name for p in files)
    assert not [n for n in names if "_v2" in n or n.endswith(".tmp")], "a second output or a leftover temporary"
    assert sum(n.endswith(".docx") for n in names) == len(books)
    listed = {o for r in rows for o in json.loads(r["outputs"])}
    assert listed == {p.relative_to(root).as_posix() for p in files}  # every file is a row's, every row's file exists
    assert claims_left(root) == [] and inbox_left(root) == []


def _descendants(pid: int) -> set[int]:
    import psutil

    return {p.pid for p in psutil.Process(pid).children(recursive=True)}


def _holding(root: Path, pids: set[int]) -> list[str]:
    """Claims whose newest lease belongs to one of `pids` (a worker mid-document)."""
    from automator.scale import lease

    held = []
    for folder in (root / "processing").glob("*"):
        now = lease.current(folder)
        if now is not None and not now.queued and now.pid in pids:
            held.append(folder.name)
    return held


def kill_mid_document(victim: Proc, root: Path, timeout: float = 60) -> list[str]:
    """SIGKILL a worker's whole tree while it holds a document: frozen (SIGSTOP) first, so that the
    claim seen in its hands is still there when it dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        os.killpg(victim.proc.pid, signal.SIGSTOP)
        held = _holding(root, _descendants(victim.proc.pid) | {victim.proc.pid})
        if held:
            victim.kill()
            return held
        os.killpg(victim.proc.pid, signal.SIGCONT)
        time.sleep(0.05)
    raise AssertionError("the worker never held a document")


def kill_pool_mid_document(worker: Proc, root: Path, timeout: float = 60) -> list[str]:
    """SIGKILL a worker's pool processes (not its main process) while one holds a document."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pool = _descendants(worker.proc.pid)
        for pid in pool:
            os.kill(pid, signal.SIGSTOP)
        held = _holding(root, pool)
        for pid in pool:
            os.kill(pid, signal.SIGKILL if held else signal.SIGCONT)
        if held:
            return held
        time.sleep(0.05)
    raise AssertionError("the pool never held a document")


def _start(procs: Callable[..., Proc], workers: int) -> tuple[Proc, list[Proc]]:
    watcher = procs("watch", "--rescan", RESCAN, "--settle", "0.2")
    started = [procs("worker", "--concurrency", "1") for _ in range(workers)]
    return watcher, started


def _ready(root: Path, workers: int) -> None:
    wait_until(lambda: len((status_json(root).get("queue") or {}).get("workers") or []) >= workers,
               f"{workers} workers online", 90)


def test_a_worker_killed_mid_document_and_one_restarted(root: Path, redis: object, pg_url: str,
                                                        procs: Callable[..., Proc], books: list[Path]) -> None:
    configure(root, broker=redis.url, ledger=pg_url)  # type: ignore[attr-defined]
    watcher, workers = _start(procs, 3)
    _ready(root, 3)
    drop(books, root)
    wait_until(lambda: len(safe_rows(pg_url)) >= 30, "the burst to be under way", 120)
    victim = workers[0]
    held = kill_mid_document(victim, root)
    replacement = procs("worker", "--concurrency", "1")
    wait_until(lambda: len(safe_rows(pg_url)) >= len(books) and not claims_left(root),
               "every file archived", 240)
    time.sleep(3)  # a late redelivery of the killed worker's task must change nothing
    assert_exactly_once(root, pg_url, books)
    assert held  # it died holding a document, which another worker finished, once
    for name in held:
        assert not (root / "processing" / name).exists()
    assert replacement.alive() and watcher.alive()
    assert "处理它的进程已不在，重新排队" in watcher.output()  # recovered through the watcher's rescan
    assert "Traceback" not in watcher.output()


def test_a_pool_process_killed_its_task_comes_back_at_once(root: Path, redis: object, pg_url: str,
                                                           procs: Callable[..., Proc], books: list[Path]) -> None:
    """Only the pool process dies (a native crash in a reader): Celery puts its task back at once
    (reject_on_worker_lost); no rescan or visibility timeout is needed to finish the document."""
    configure(root, broker=redis.url, ledger=pg_url, visibility_timeout=600, requeue_after=600)  # type: ignore[attr-defined]
    watcher = procs("watch", "--rescan", "600", "--settle", "0.2")
    worker = procs("worker", "--concurrency", "1")
    _ready(root, 1)
    chosen = books[:20]
    drop(chosen, root)
    held = kill_pool_mid_document(worker, root)
    wait_until(lambda: len(safe_rows(pg_url)) >= len(chosen) and not claims_left(root),
               "every file archived", 120)
    assert_exactly_once(root, pg_url, chosen)
    assert held and worker.alive() and watcher.alive()
    assert "重新排队" not in watcher.output()  # the watcher did not have to step in


def test_redis_restarted_mid_run_loses_nothing(root: Path, redis: object, pg_url: str,
                                               procs: Callable[..., Proc], books: list[Path]) -> None:
    # No persistence: the restart empties the queue; the watcher sends the waiting claims again.
    configure(root, broker=redis.url, ledger=pg_url, requeue_after=8)  # type: ignore[attr-defined]
    watcher, workers = _start(procs, 2)
    _ready(root, 2)
    chosen = books[:80]
    drop(chosen, root)
    wait_until(lambda: len(safe_rows(pg_url)) >= 10, "the burst to be under way", 120)
    redis.restart(down=1.0)  # type: ignore[attr-defined]
    wait_until(lambda: len(safe_rows(pg_url)) >= len(chosen) and not claims_left(root),
               "every file archived after the restart", 240)
    time.sleep(3)
    assert_exactly_once(root, pg_url, chosen)
    assert watcher.alive() and all(w.alive() for w in workers)
    assert "等待超时，重新排队" in watcher.output()  # the lost tasks were sent again


def test_postgresql_briefly_unreachable_files_are_retried_not_rejected(
        root: Path, redis: object, pg_url: str, cluster: object, procs: Callable[..., Proc],
        books: list[Path]) -> None:
    configure(root, broker=redis.url, ledger=pg_url)  # type: ignore[attr-defined]
    watcher, workers = _start(procs, 2)
    _ready(root, 2)
    chosen = books[:60]
    drop(chosen, root)
    wait_until(lambda: len(safe_rows(pg_url)) >= 10, "the burst to be under way", 120)
    cluster.stop()  # type: ignore[attr-defined]
    time.sleep(4)
    cluster.start()  # type: ignore[attr-defined]
    wait_until(lambda: len(safe_rows(pg_url)) >= len(chosen) and not claims_left(root),
               "every file archived after the outage", 240)
    assert_exactly_once(root, pg_url, chosen)
    said = "".join(w.output() for w in workers)
    assert "重试" in said and "PostgreSQL" in said  # the outage was met, and said in plain words
    assert not list((root / "outbox" / "_已拒收").glob("*"))


def test_status_shows_depth_workers_and_the_oldest_waiting_claim(root: Path, redis: object, pg_url: str,
                                                                 procs: Callable[..., Proc],
                                                                 books: list[Path]) -> None:
    configure(root, broker=redis.url, ledger=pg_url)  # type: ignore[attr-defined]
    procs("watch", "--rescan", RESCAN, "--settle", "0.2")
    drop(books[:5], root)
    wait_until(lambda: len(claims_left(root)) == 5, "five claims queued with no worker", 60)
    from automator.chores import CHORES

    queue = status_json(root)["queue"]  # the five claims, and the chores the watcher sent the queue
    assert 5 + len(CHORES) <= queue["depth"] <= 5 + 2 * len(CHORES)
    assert queue["workers"] == [] and queue["waiting_claims"] == 5
    assert queue["oldest_waiting"]["seconds"] >= 0
    text = subprocess.run(
        [sys.executable, "-m", "automator", "status", "--root", str(root)],
        capture_output=True, text=True, timeout=60).stdout
    assert "没有在线的 automator worker" in text and "等待最久的认领" in text and "共 5 个在等" in text
    procs("worker", "--concurrency", "2")
    wait_until(lambda: len(safe_rows(pg_url)) == 5, "the queue drained", 120)
    queue = status_json(root)["queue"]
    assert queue["waiting_claims"] == 0 and queue["oldest_waiting"] is None
    assert [w["concurrency"] for w in queue["workers"]] == [2]
    doctor = subprocess.run(
        [sys.executable, "-m", "automator", "doctor", "--root", str(root)],
        capture_output=True, text=True, timeout=60).stdout
    assert "✓ 任务队列 redis://127.0.0.1:" in doctor and "PostgreSQL 台账正常" in doctor


def test_chores_ride_the_queue_instead_of_running_in_the_watcher(root: Path, redis: object,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import redis as redis_client

    from automator import chores
    from automator.scale.watcher import QueueWatcher
    from automator.settings import Settings
    from automator.watch.service import Options

    ran: list[str] = []
    monkeypatch.setattr(chores, "run_chore", lambda ctx, chore: ran.append(chore.name))
    configure(root, broker=redis.url)  # type: ignore[attr-defined]
    watcher = QueueWatcher(Settings.from_root(root), Options())
    watcher._chores(time.monotonic())
    watcher._chores(time.monotonic())  # none due again yet: each sent once
    client = redis_client.Redis.from_url(redis.url)  # type: ignore[attr-defined]
    messages = [json.loads(m) for m in client.lrange("automator", 0, -1)]
    assert sorted((m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages) == sorted(
        ("automator.chore", f"['{c.name}']") for c in chores.CHORES)
    assert messages[0]["headers"]["expires"]  # dropped, not piled up, if no worker takes it in time
    assert ran == []  # nothing ran in the watcher
