"""Throughput beyond one process: Celery workers (Redis + PostgreSQL on loopback) against `automator run -j N`.

    python bench/scale.py              # N=200 files, 1/2/3 workers, 3 rounds, medians
    python bench/scale.py --n 100 --repeat 1

Same N distinct contact reports (bench/make_inputs.py) for every side, in the same run,
rounds alternating so load on the shared machine hits every side alike:

- embedded: `automator run -j k --root R` (k = 1, 2, 3), SQLite ledger, timed from launch to
  exit; its start-up on an empty inbox is measured too, so the steady-state rate is
  N / (seconds − start-up);
- embedded + PostgreSQL: `automator run -j 1` with `ledger: postgresql://…` — the same
  ledger the workers use, so the difference to one queue worker is the queue alone;
- queue: one `automator watch` and k `automator worker --concurrency 1` processes, started
  and warm before the clock starts (they are services); timed from the moment the N files
  appear in the inbox (one rename each) until the ledger holds N rows and processing/ is empty.
  This includes the watcher's settle time (0.5 s), claim, lease, enqueue and the Celery hop.

Redis keeps its queue on disk (appendonly) and PostgreSQL runs with its own defaults (fsync,
synchronous commit), as docs/scale.md asks of a deployment. The per-document queue overhead is
(queue 1 worker − embedded+PG −j 1) / N, per round, in CPU (every process involved, Redis and
PostgreSQL included: barely moved by the other load on a shared machine) and in wall time.
Writes bench/SCALE.md (tables) and bench/results/scale-latest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH), str(ROOT / "tools")]

from run import fresh_root, inputs, machine, python, service_once, startup_once  # noqa: E402
from services import Postgres, Redis  # noqa: E402

SIDES = ("run -j1", "run -j2", "run -j3", "run -j1 + PG", "queue 1 worker", "queue 2 workers", "queue 3 workers")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AUTOMATOR_")} | {"PYTHONUNBUFFERED": "1"}


def _configure(root: Path, **keys: str) -> None:
    # as bench/run.py: no PDFs (their own benchmark is bench/pdf_convert.py)
    text = "pdf: {enabled: false}\n" + "".join(f"{k}: {v}\n" for k, v in keys.items())
    (root / "automator.yaml").write_text(text, "utf-8")


class Rows:
    """The ledger's row count, over one connection: polling must not fork a PostgreSQL backend each time
    (that would be counted as the queue's CPU)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.db = psycopg.connect(url, connect_timeout=5, autocommit=True)

    def __call__(self) -> int:
        if self.db.execute("SELECT to_regclass('inputs')").fetchone()[0] is None:  # type: ignore[index]
            return 0
        return int(self.db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0])  # type: ignore[index]

    def close(self) -> None:
        self.db.close()


def _workers_online(root: Path) -> int:
    done = subprocess.run([sys.executable, "-m", "automator", "status", "--json", "--root", str(root)],
                          capture_output=True, text=True, env=_env(), timeout=60)
    return len((json.loads(done.stdout).get("queue") or {}).get("workers") or [])


def cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by these processes and everything under them, including
    their waited-for children (cutime/cstime): a figure the other agents' load barely moves."""
    import psutil

    total = 0.0
    procs: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            top = psutil.Process(pid)
            procs |= {p.pid: p for p in (top, *top.children(recursive=True))}
        except psutil.Error:
            continue
    for proc in procs.values():
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _wait(condition: Any, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def queue_once(files: Path, work: Path, workers: int, redis: Redis, pg: Postgres) -> dict[str, Any]:
    root = fresh_root(work, files)
    staged = work / "staged"
    (root / "inbox").rename(staged)  # the files wait beside the root; the clock starts when they appear
    (root / "inbox").mkdir()
    url = pg.createdb(f"b_{uuid.uuid4().hex[:8]}")
    _configure(root, broker=redis.url, ledger=url)
    procs = [subprocess.Popen([*python(), "-m", "automator", "watch", "--root", str(root)], env=_env(),
                              stdout=subprocess.DEVNULL, stderr=(work / "watch.err").open("wb"))]
    procs += [subprocess.Popen([*python(), "-m", "automator", "worker", "--concurrency", "1", "--root", str(root)],
                               env=_env(), stdout=subprocess.DEVNULL, stderr=(work / f"worker{i}.err").open("wb"))
              for i in range(workers)]
    try:
        _wait(lambda: _workers_online(root) >= workers and list((root / "watchers").glob("*.json")),
              "workers and watcher", 120)
        rows = Rows(url)
        names = sorted(p.name for p in staged.glob("*.xlsx"))
        tree = [p.pid for p in procs] + servers(redis, pg)
        cpu_before, start = cpu(tree), time.perf_counter()
        for name in names:
            os.rename(staged / name, root / "inbox" / name)
        processing = root / "processing"
        while not (processing.is_dir() and any(processing.iterdir())):  # the watcher's settle time ends
            time.sleep(0.005)
        first = time.perf_counter() - start
        _wait(lambda: not (processing.is_dir() and any(processing.iterdir())) and rows() >= len(names), "the queue",
              900)
        seconds, used = time.perf_counter() - start, cpu(tree) - cpu_before
        rows.close()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        pg.dropdb(url.rsplit("/", 1)[1])
    docx = len(list((root / "outbox").rglob("*.docx")))
    return {"seconds": seconds, "first_claim": first, "cpu_seconds": used, "documents": docx,
            "load": os.getloadavg()[0]}


def servers(redis: Redis, pg: Postgres) -> list[int]:
    """The Redis server and the PostgreSQL postmaster (its backends are its children)."""
    pids = [redis.proc.pid] if redis.proc is not None else []
    pidfile = pg.data / "postmaster.pid"
    if pidfile.exists():
        pids.append(int(pidfile.read_text().split()[0]))
    return pids


def embedded_once(files: Path, work: Path, jobs: int, pg_url: str | None, pg: Postgres) -> dict[str, Any]:
    root = fresh_root(work, files)
    if pg_url:
        _configure(root, ledger=pg_url)
    server = servers_pg(pg) if pg_url else []
    before = cpu(server)
    m = service_once(files, work, jobs=jobs, root=root)
    return {"seconds": m["seconds"], "cpu_seconds": m["cpu_seconds"] + cpu(server) - before,
            "documents": m["documents"], "load": m["load"]}


def servers_pg(pg: Postgres) -> list[int]:
    pidfile = pg.data / "postmaster.pid"
    return [int(pidfile.read_text().split()[0])] if pidfile.exists() else []


def round_once(files: Path, tmp: Path, redis: Redis, pg: Postgres) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}

    def fresh() -> Path:
        return Path(tempfile.mkdtemp(dir=tmp))

    starts = [startup_once(fresh())]
    for jobs in (1, 2, 3):
        out[f"run -j{jobs}"] = embedded_once(files, fresh(), jobs, None, pg)
    url = pg.createdb(f"e_{uuid.uuid4().hex[:8]}")
    out["run -j1 + PG"] = embedded_once(files, fresh(), 1, url, pg)
    pg.dropdb(url.rsplit("/", 1)[1])
    for workers in (1, 2, 3):
        out[f"queue {workers} worker{'s' if workers > 1 else ''}"] = queue_once(files, fresh(), workers, redis, pg)
    starts += [startup_once(fresh()) for _ in range(2)]
    out["startup"] = {"seconds": statistics.median(m["seconds"] for m in starts),
                      "cpu_seconds": statistics.median(m["cpu_seconds"] for m in starts)}
    return out


def summarise(rounds: list[dict[str, dict[str, Any]]], n: int) -> dict[str, Any]:
    def steady(r: dict[str, dict[str, Any]], side: str, key: str = "seconds") -> float:
        # `run` is timed from launch: its start-up (same round) comes off; the queue's services were warm,
        # and the watcher's settle time (a one-off wait before the first claim, not a cost per file) comes off
        if side.startswith("run"):
            return r[side][key] - r["startup"][key]
        return r[side][key] - (r[side]["first_claim"] if key == "seconds" else 0.0)

    med = {side: statistics.median(r[side]["seconds"] for r in rounds) for side in (*SIDES, "startup")}
    per_doc = {side: statistics.median(steady(r, side) for r in rounds) / n * 1000 for side in SIDES}
    cpu_doc = {side: statistics.median(steady(r, side, "cpu_seconds") for r in rounds) / n * 1000 for side in SIDES}
    ratio = {side: statistics.median(steady(r, "run -j1") / steady(r, side) for r in rounds) for side in SIDES}
    overhead_wall = statistics.median((steady(r, "queue 1 worker") - steady(r, "run -j1 + PG")) / n * 1000
                                      for r in rounds)
    overhead_cpu = statistics.median((steady(r, "queue 1 worker", "cpu_seconds")
                                      - steady(r, "run -j1 + PG", "cpu_seconds")) / n * 1000 for r in rounds)
    settle = statistics.median(r[s]["first_claim"] for r in rounds for s in SIDES if s.startswith("queue"))
    return {"n": n, "rounds": len(rounds), "median_seconds": med, "first_claim_seconds": settle, "ms_per_doc": per_doc, "cpu_ms_per_doc": cpu_doc,
            "docs_per_second": {s: 1000 / per_doc[s] for s in SIDES}, "ratio_to_run_j1": ratio,
            "queue_overhead_ms_per_doc": overhead_wall, "queue_overhead_cpu_ms_per_doc": overhead_cpu,
            "documents": {s: [r[s]["documents"] for r in rounds] for s in SIDES},
            "load": statistics.median(r["run -j1"]["load"] for r in rounds)}


def markdown(result: dict[str, Any], info: dict[str, Any]) -> str:
    s = result
    lines = ["# 多机部署基准 / scale benchmark", "", "`python bench/scale.py`", "",
             f"机器 / machine: {info.get('nproc')} 核 · {info.get('cpu')} · Python {info.get('python')} · "
             f"commit {info.get('commit')} · {dt.datetime.now().isoformat(timespec='seconds')} · "
             f"运行时负载 / load {s['load']:.1f}（与另外几位工程师共用 / shared）", "",
             f"**N = {s['n']}** 份客户会议报告，{s['rounds']} 轮交替运行取中位数 / {s['rounds']} alternating rounds, "
             "medians；Redis 与 PostgreSQL 在本机回环地址 / on loopback", "",
             "| | 秒 s | 每份 ms/doc（稳态 steady） | 份/秒 docs/s | 相对 run -j1（逐轮比值中位数）| 每份 CPU ms/doc |",
             "|---|---:|---:|---:|---:|---:|"]
    for side in SIDES:
        lines.append(f"| {side} | {s['median_seconds'][side]:.2f} | {s['ms_per_doc'][side]:.1f} | "
                     f"{s['docs_per_second'][side]:.1f} | {s['ratio_to_run_j1'][side]:.2f} | "
                     f"{s['cpu_ms_per_doc'][side]:.1f} |")
    lines += ["", f"`run` 的启动（空收件箱，同一轮测三次）/ start-up of `run` on an empty inbox: "
              f"{s['median_seconds']['startup']:.2f} s，从 `run` 的秒数里减去 / taken off `run`'s seconds；"
              "队列一侧的 watcher 和 worker 先启动好（常驻服务），「秒」从文件出现在 inbox 到台账里有 N 行且 processing/ 为空；"
              f"稳态从第一个认领起（之前是 watcher 的稳定等待，中位数 {s['first_claim_seconds']:.2f} s，一次性的延迟）"
              " / the queue side is timed from the files appearing to N ledger rows, services warm; its steady "
              "figure starts at the first claim (before it: the watcher's settle wait, once per burst). "
              "CPU = 所有相关进程（含 Redis、PostgreSQL）的 user+system / every process involved.", "",
              f"**每份文件的队列开销 / queue overhead per document: {s['queue_overhead_cpu_ms_per_doc']:.1f} ms CPU，"
              f"{s['queue_overhead_ms_per_doc']:.1f} ms 墙钟 / wall**"
              "（1 个 worker 减去同一 PostgreSQL 台账上的 `run -j1`，逐轮求差取中位数，除以 N / "
              "one worker minus `run -j1` on the same PostgreSQL ledger, per round, median, per document）", ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = inputs(args.n)
    tmp = Path(tempfile.mkdtemp(prefix="automator-scale-bench-"))
    rounds = []
    try:
        with Redis(tmp, persist=True) as redis, Postgres(durable=True) as pg:  # as deployed: on disk
            for i in range(args.repeat):
                print(f"  第 {i + 1}/{args.repeat} 轮 …", flush=True)
                rounds.append(round_once(files, tmp, redis, pg))
                print("    " + "  ".join(f"{k} {v['seconds']:.1f}s" for k, v in rounds[-1].items()), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = summarise(rounds, args.n)
    info = machine()
    text = markdown(result, info)
    print(text)
    (BENCH / "SCALE.md").write_text(text, "utf-8")
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "scale-latest.json").write_text(
        json.dumps({"machine": info, "result": result, "rounds": rounds}, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
