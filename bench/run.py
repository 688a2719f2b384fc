"""The benchmark: the service against a bare openpyxl + docxtpl script, on the same files.

    python bench/run.py              # quick: N=200, 3 runs, medians
    python bench/run.py --full       # N=2000
    python bench/run.py --scale      # N=10, 100, 1000, 2000: time, docs/s, peak memory
    python bench/run.py --archive 10000   # ledger and routing cost with 10,000 documents already archived
    python bench/run.py --all        # all of the above (and the watcher latency, if bench/latency.py exists)

Both sides run as subprocesses timed from launch to exit (interpreter start and
imports included), on the same N distinct contact-report workbooks:
- floor: bench/floor.py — openpyxl load_workbook + the same docxtpl template
  with the same context + save, one process, no checks;
- service: `automator run --root <fresh root> --json` with the N files in its
  inbox — intake, read, check, render, verify, route, ledger, everything.
Peak memory is the sum of RSS over the process tree (the command and all its
workers), sampled every 20 ms from /proc/<pid>/smaps_rollup; pages shared by the
forked workers count once per process, so it over-states real use. The sum of
PSS (shared pages split between the processes that share them) and the largest
single process's max RSS (from wait4) are reported too. Prints a table; writes bench/results/<stamp>.json and
bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
PAGE = os.sysconf("SC_PAGE_SIZE")
STAGES = ("intake", "read", "check", "render", "verify", "route+ledger")
sys.path[:0] = [str(ROOT), str(BENCH)]


# --------------------------------------------------------------------------- measuring


class TreeRss:
    """Peak of the summed RSS of a process and all its descendants, sampled."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid, self.every, self.peak, self.peak_pss = pid, every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo += children.get(pid, [])
        return out

    def sample(self) -> None:
        rss = pss = 0
        for pid in self._tree():
            try:
                with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                    for line in fh:
                        if line.startswith(b"Rss:"):
                            rss += int(line.split()[1]) * 1024
                        elif line.startswith(b"Pss:"):
                            pss += int(line.split()[1]) * 1024
            except (OSError, IndexError, ValueError):
                continue
        self.peak = max(self.peak, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peak, self.peak_pss


def timed(cmd: list[str], *, cwd: Path, stdout: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run cmd to completion: wall seconds, peak tree RSS (MB), largest process max RSS (MB)."""
    with stdout.open("wb") as out, (stdout.parent / (stdout.name + ".err")).open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env)
        sampler = TreeRss(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak, peak_pss = sampler.stop()
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": peak / 2**20,
            "peak_pss_mb": peak_pss / 2**20,
            "max_process_rss_mb": usage.ru_maxrss / 1024, "load": os.getloadavg()[0], "exit": proc.returncode}


# --------------------------------------------------------------------------- inputs and roots


def inputs(n: int) -> Path:
    """N workbooks, generated once and kept under bench/results/inputs-N/."""
    folder = RESULTS / f"inputs-{n}"
    if len(list(folder.glob("*.xlsx"))) != n:
        from make_inputs import make_inputs

        shutil.rmtree(folder, ignore_errors=True)
        print(f"  生成 {n} 个输入工作簿 → {folder.relative_to(ROOT)}", flush=True)
        make_inputs(n, folder)
    return folder


def fresh_root(parent: Path, files: Path) -> Path:
    """A working root from `automator init`, with the N files in its inbox."""
    root = parent / "root"
    subprocess.run([sys.executable, "-m", "automator", "init", str(root)], check=True, capture_output=True)
    for path in sorted(files.glob("*.xlsx")):
        shutil.copyfile(path, root / "inbox" / path.name)
    return root


def python() -> list[str]:
    return [sys.executable, "-X", "utf8"]


# --------------------------------------------------------------------------- one run of each side


def floor_once(files: Path, work: Path) -> dict[str, Any]:
    out = work / "floor-out"
    m = timed([*python(), str(BENCH / "floor.py"), str(files), str(out), str(ROOT / "templates" / "contact_report.docx")],
              cwd=work, stdout=work / "floor.stdout")
    if m["exit"] != 0:
        raise SystemExit(f"floor failed: {(work / 'floor.stdout.err').read_text()[-2000:]}")
    m["documents"] = len(list(out.glob("*.docx")))
    shutil.rmtree(out, ignore_errors=True)
    return m


def service_once(files: Path, work: Path, *, jobs: int | None = None, root: Path | None = None) -> dict[str, Any]:
    root = root or fresh_root(work, files)
    timings = work / "timings.jsonl"
    cmd = [*python(), "-m", "automator", "run", "--root", str(root), "--json", "--timings", str(timings)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    m = timed(cmd, cwd=work, stdout=work / "service.json")
    try:
        results = json.loads((work / "service.json").read_text("utf-8"))["results"]
    except (OSError, ValueError, KeyError) as exc:
        raise SystemExit(f"service failed ({exc}): {(work / 'service.json.err').read_text()[-2000:]}") from exc
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    m["statuses"] = statuses
    m["documents"] = statuses.get("archived", 0)
    if m["documents"] != len(results):
        bad = next(r for r in results if r["status"] != "archived")
        print(f"  ! 不是全部归档：{statuses}；例：{bad.get('reason') or bad.get('findings')}", flush=True)
    m["stages"] = stage_seconds(timings)
    return m


def stage_seconds(timings: Path) -> dict[str, float]:
    """Per-stage seconds summed over all documents (as the workers measured them)."""
    totals: dict[str, float] = {}
    if not timings.exists():
        return totals
    for line in timings.read_text("utf-8").splitlines():
        for stage, seconds in json.loads(line)["seconds"].items():
            totals[stage] = totals.get(stage, 0.0) + seconds
    return totals


def startup_once(work: Path) -> dict[str, Any]:
    """`automator run` on an empty inbox: interpreter, imports, rules, template lint."""
    root = work / "empty"
    subprocess.run([sys.executable, "-m", "automator", "init", str(root)], check=True, capture_output=True)
    return timed([*python(), "-m", "automator", "run", "--root", str(root), "--json"], cwd=work,
                 stdout=work / "empty.json")


# --------------------------------------------------------------------------- experiments


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def side_by_side(n: int, repeat: int, *, jobs: int | None = None) -> dict[str, Any]:
    """Floor and service on the same n files, `repeat` times (alternating), medians."""
    files = inputs(n)
    floors, services, startups = [], [], []
    for i in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            work = Path(tmp)
            order = (floor_once, service_once) if i % 2 == 0 else (service_once, floor_once)
            for fn in order:
                m = fn(files, work) if fn is floor_once else fn(files, work, jobs=jobs)
                (floors if fn is floor_once else services).append(m)
            startups.append(startup_once(work))
        f, s = floors[-1], services[-1]
        print(f"  N={n} 第{i + 1}次：floor {f['seconds']:.2f}s，service {s['seconds']:.2f}s，"
              f"比值 {s['seconds'] / f['seconds']:.2f}，峰值内存 {s['peak_rss_mb']:.0f} MB", flush=True)
    floor_s = median([m["seconds"] for m in floors])
    service_s = median([m["seconds"] for m in services])
    stages = {k: median([m["stages"].get(k, 0.0) for m in services]) for k in services[0]["stages"]}
    staged = sum(stages.values())
    return {
        "n": n, "repeat": repeat, "jobs": jobs,
        "floor": {"seconds": floor_s, "docs_per_s": n / floor_s, "cpu_seconds": median([m["cpu_seconds"] for m in floors]),
                  "peak_rss_mb": median([m["peak_rss_mb"] for m in floors]), "runs": floors},
        "service": {"seconds": service_s, "docs_per_s": n / service_s,
                    "cpu_seconds": median([m["cpu_seconds"] for m in services]),
                    "peak_rss_mb": median([m["peak_rss_mb"] for m in services]),
                    "peak_pss_mb": median([m["peak_pss_mb"] for m in services]),
                    "max_process_rss_mb": median([m["max_process_rss_mb"] for m in services]),
                    "startup_seconds": median([m["seconds"] for m in startups]), "runs": services},
        "ratio": service_s / floor_s,
        "load_average": median([m["load"] for m in floors + services]),
        "stages": {k: {"seconds": v, "ms_per_doc": 1000 * v / n, "share": v / staged if staged else 0.0}
                   for k, v in sorted(stages.items(), key=lambda kv: -kv[1])},
    }


def scale(sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        r = side_by_side(n, repeat)
        rows.append({"n": n, "floor_seconds": r["floor"]["seconds"], "service_seconds": r["service"]["seconds"],
                     "service_docs_per_s": r["service"]["docs_per_s"], "floor_docs_per_s": r["floor"]["docs_per_s"],
                     "ratio": r["ratio"], "service_peak_rss_mb": r["service"]["peak_rss_mb"],
                     "floor_peak_rss_mb": r["floor"]["peak_rss_mb"]})
    return rows


def archive(prefill: int, n: int, repeat: int) -> dict[str, Any]:
    """The same N=n service run on an empty archive and on one already holding `prefill` documents."""
    from prefill import prefill_root

    files = inputs(n)
    out: dict[str, Any] = {"prefill": prefill, "n": n}
    for label, count in (("empty", 0), ("full", prefill)):
        runs = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                work = Path(tmp)
                root = fresh_root(work, files)
                if count:
                    prefill_root(root, count)
                runs.append(service_once(files, work, root=root))
        stages = {k: median([m["stages"].get(k, 0.0) for m in runs]) for k in STAGES}
        out[label] = {"seconds": median([m["seconds"] for m in runs]),
                      "ms_per_doc": {k: 1000 * v / n for k, v in stages.items()}}
        print(f"  归档已有 {count} 份：service {out[label]['seconds']:.2f}s；每份 intake "
              f"{out[label]['ms_per_doc']['intake']:.1f} ms，route+ledger {out[label]['ms_per_doc']['route+ledger']:.1f} ms",
              flush=True)
    return out


def latency(drops: int) -> dict[str, Any] | None:
    script = BENCH / "latency.py"
    if not script.exists():
        return None
    proc = subprocess.run([*python(), str(script), "--drops", str(drops)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8")
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {"error": (proc.stderr or proc.stdout)[-500:], "exit": proc.returncode}


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    import docxtpl
    import openpyxl

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_mb": mem, "python": platform.python_version(),
            "os": f"{platform.system()} {platform.release()}", "openpyxl": openpyxl.__version__,
            "docxtpl": getattr(docxtpl, "__version__", "?"), "commit": commit}


def table(result: dict[str, Any]) -> str:
    lines = []
    m = result["machine"]
    lines.append(f"机器：{m['nproc']} 核 {m['cpu']}，{m['memory_mb']} MB，Python {m['python']}，{m['os']}")
    for r in result.get("runs", []):
        f, s = r["floor"], r["service"]
        lines += ["", f"N={r['n']}（{r['repeat']} 次取中位数）",
                  f"  {'':10}{'秒':>8}{'份/秒':>9}{'CPU 秒':>9}{'峰值内存 MB':>14}",
                  f"  {'floor':10}{f['seconds']:8.2f}{f['docs_per_s']:9.1f}{f['cpu_seconds']:9.2f}{f['peak_rss_mb']:14.0f}",
                  f"  {'service':10}{s['seconds']:8.2f}{s['docs_per_s']:9.1f}{s['cpu_seconds']:9.2f}"
                  f"{s['peak_rss_mb']:14.0f}（PSS {s['peak_pss_mb']:.0f}，单进程最大 {s['max_process_rss_mb']:.0f}）",
                  f"  service/floor = {r['ratio']:.2f}    service 空跑启动 {s['startup_seconds']:.2f}s    "
                  f"负载 {r['load_average']:.1f}",
                  "  各阶段占比（工作进程内计时，每份毫秒）："]
        lines += [f"    {k:14}{v['share'] * 100:6.1f}%  {v['ms_per_doc']:7.1f} ms" for k, v in r["stages"].items()]
    if result.get("scale"):
        lines += ["", f"  {'N':>6}{'floor 秒':>10}{'service 秒':>12}{'份/秒':>8}{'比值':>7}{'峰值内存 MB':>13}"]
        lines += [f"  {r['n']:>6}{r['floor_seconds']:10.2f}{r['service_seconds']:12.2f}{r['service_docs_per_s']:8.1f}"
                  f"{r['ratio']:7.2f}{r['service_peak_rss_mb']:13.0f}" for r in result["scale"]]
    if result.get("archive"):
        a = result["archive"]
        lines += ["", f"归档规模（N={a['n']}）：每份毫秒   空归档 → 已有 {a['prefill']} 份"]
        for k in STAGES:
            lines.append(f"    {k:14}{a['empty']['ms_per_doc'][k]:7.1f} → {a['full']['ms_per_doc'][k]:7.1f}")
        lines.append(f"    {'总耗时 s':14}{a['empty']['seconds']:7.2f} → {a['full']['seconds']:7.2f}")
    if result.get("latency"):
        lines += ["", f"监视延迟：{json.dumps(result['latency'], ensure_ascii=False)[:300]}"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="automator benchmark: the service against a bare script")
    parser.add_argument("-n", type=int, default=200, help="documents per run (default 200)")
    parser.add_argument("--full", action="store_true", help="N=2000")
    parser.add_argument("--scale", action="store_true", help="also N=10, 100, 1000, 2000")
    parser.add_argument("--archive", type=int, default=0, metavar="DOCS",
                        help="also time N=200 with DOCS documents already archived (e.g. 10000)")
    parser.add_argument("--latency", type=int, default=0, metavar="DROPS",
                        help="also the watcher's drop-to-archive latency over DROPS drops (bench/latency.py)")
    parser.add_argument("--all", action="store_true", help="quick + full + scale + archive 10000 + latency 50")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("-j", "--jobs", type=int, default=None, help="service worker processes (default: cores)")
    parser.add_argument("--no-side", action="store_true", help="skip the side-by-side run (only scale/archive)")
    args = parser.parse_args()
    if args.all:
        args.scale, args.full = True, True
        args.archive = args.archive or 10000
        args.latency = args.latency or 50
    RESULTS.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"at": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                              "runs": []}
    sizes = [] if args.no_side else [args.n] + ([2000] if args.full and args.n != 2000 else [])
    for n in sizes:
        print(f"side by side, N={n}", flush=True)
        result["runs"].append(side_by_side(n, args.repeat, jobs=args.jobs))
    if args.scale:
        print("scale", flush=True)
        result["scale"] = scale([10, 100, 1000, 2000], 1)
    if args.archive:
        print(f"archive with {args.archive} documents", flush=True)
        result["archive"] = archive(args.archive, 200, args.repeat)
    if args.latency:
        print("watcher latency", flush=True)
        result["latency"] = latency(args.latency)
    text = table(result)
    print("\n" + text)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    print(f"\n结果已写入 bench/results/{stamp}.json")


if __name__ == "__main__":
    main()
