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
STAGES = ("intake", "read", "check", "render", "verify", "annotate", "route", "report", "place", "ledger", "index")
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
    # The floor makes no PDFs; the PDF step has its own benchmark (bench/pdf_convert.py: warm vs cold LibreOffice).
    (root / "automator.yaml").write_text("pdf: {enabled: false}\n", "utf-8")
    for path in sorted(files.glob("*.xlsx")):
        shutil.copyfile(path, root / "inbox" / path.name)
    return root


def python() -> list[str]:
    return [sys.executable, "-X", "utf8"]


# --------------------------------------------------------------------------- one run of each side


def floor_once(files: Path, work: Path) -> dict[str, Any]:
    out = work / "floor-out"
    template = ROOT / "templates" / "contact_report.docx"
    m = timed([*python(), str(BENCH / "floor.py"), str(files), str(out), str(template)],
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
        "floor": {"seconds": floor_s, "docs_per_s": n / floor_s,
                  "cpu_seconds": median([m["cpu_seconds"] for m in floors]),
                  "peak_rss_mb": median([m["peak_rss_mb"] for m in floors]), "runs": floors},
        "service": {"seconds": service_s, "docs_per_s": n / service_s,
                    "cpu_seconds": median([m["cpu_seconds"] for m in services]),
                    "peak_rss_mb": median([m["peak_rss_mb"] for m in services]),
                    "peak_pss_mb": median([m["peak_pss_mb"] for m in services]),
                    "max_process_rss_mb": median([m["max_process_rss_mb"] for m in services]),
                    "startup_seconds": median([m["seconds"] for m in startups]), "runs": services},
        # Each run's floor and service ran back to back: the median of those paired ratios
        # is steadier on a shared machine than the ratio of the two medians.
        "ratio": median([s["seconds"] / f["seconds"] for s, f in zip(services, floors, strict=True)]),
        "ratio_of_medians": service_s / floor_s,
        "load_average": median([m["load"] for m in floors + services]),
        "stages": {k: {"seconds": v, "ms_per_doc": 1000 * v / n, "share": v / staged if staged else 0.0}
                   for k, v in sorted(stages.items(), key=lambda kv: -kv[1])},
    }


def scale(sizes: list[int], repeat: int, done: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        r = next((d for d in done if d["n"] == n), None) or side_by_side(n, repeat)
        rows.append({"n": n, "floor_seconds": r["floor"]["seconds"], "service_seconds": r["service"]["seconds"],
                     "service_docs_per_s": r["service"]["docs_per_s"], "floor_docs_per_s": r["floor"]["docs_per_s"],
                     "ratio": r["ratio"], "service_peak_rss_mb": r["service"]["peak_rss_mb"],
                     "floor_peak_rss_mb": r["floor"]["peak_rss_mb"]})
    return rows


def archive(prefill: int, n: int, repeat: int) -> dict[str, Any]:
    """The same N=n service run on an empty archive and on one already holding `prefill`
    documents (alternating, so drift in the machine's load hits both), and the per-document
    ledger and routing operations timed directly on each."""
    from prefill import ops, prefill_root

    files = inputs(n)
    out: dict[str, Any] = {"prefill": prefill, "n": n}
    runs: dict[str, list[dict[str, Any]]] = {"empty": [], "full": []}
    micro: dict[str, list[dict[str, float]]] = {"empty": [], "full": []}
    for _ in range(repeat):
        for label, count in (("empty", 0), ("full", prefill)):
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                work = Path(tmp)
                root = fresh_root(work, files)
                if count:
                    prefill_root(root, count)
                runs[label].append(service_once(files, work, root=root))
                micro[label].append(ops(root))
            m = runs[label][-1]
            print(f"  归档已有 {count} 份：service {m['seconds']:.2f}s；ledger.seen "
                  f"{micro[label][-1]['ledger.seen']:.0f} µs，free_stem {micro[label][-1]['route.free_stem']:.0f} µs",
                  flush=True)
    for label in runs:
        stages = {k: median([m["stages"].get(k, 0.0) for m in runs[label]]) for k in STAGES}
        out[label] = {"seconds": median([m["seconds"] for m in runs[label]]),
                      "ms_per_doc": {k: 1000 * v / n for k, v in stages.items()},
                      "ops_us": {k: median([m[k] for m in micro[label]]) for k in micro[label][0]}}
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


def markdown(result: dict[str, Any]) -> str:
    """The figures as Markdown (printed, and written to bench/LATEST.md)."""
    m = result["machine"]
    out = [f"机器 / machine: {m['nproc']} 核 (cores) · {m['cpu']} · {m['memory_mb'] // 1024} GB · "
           f"Python {m['python']} · {m['os']} · openpyxl {m['openpyxl']} · docxtpl {m['docxtpl']} · "
           f"commit {m['commit']} · {result['at']}"]
    for r in result.get("runs", []):
        f, s = r["floor"], r["service"]
        out += ["", f"**N = {r['n']}**（{r['repeat']} 次取中位数 / median of {r['repeat']}；"
                    f"运行时负载 / load average {r['load_average']:.1f}）", "",
                "| | 秒 s | 份/秒 docs/s | CPU 秒 s | 峰值内存 peak RSS MB |", "|---|---:|---:|---:|---:|",
                f"| floor（openpyxl + docxtpl 裸脚本） | {f['seconds']:.2f} | {f['docs_per_s']:.1f} | "
                f"{f['cpu_seconds']:.2f} | {f['peak_rss_mb']:.0f} |",
                f"| service（automator run） | {s['seconds']:.2f} | {s['docs_per_s']:.1f} | {s['cpu_seconds']:.2f} | "
                f"{s['peak_rss_mb']:.0f}（PSS {s['peak_pss_mb']:.0f}；单进程最大 {s['max_process_rss_mb']:.0f}） |",
                "", f"service/floor = **{r['ratio']:.2f}**（逐次配对比值的中位数 / median of paired ratios；"
                    f"中位数之比 {r['ratio_of_medians']:.2f}）· service 空跑启动 / start-up on an empty inbox "
                    f"{s['startup_seconds']:.2f} s", "",
                "| 阶段 stage | 占比 share | 每份 ms/doc |", "|---|---:|---:|"]
        out += [f"| {k} | {v['share'] * 100:.1f}% | {v['ms_per_doc']:.1f} |" for k, v in r["stages"].items()]
    if result.get("scale"):
        out += ["", "**规模 / scale**（中位数 / medians）", "",
                "| N | floor s | service s | service docs/s | service/floor | 峰值内存 peak RSS MB |",
                "|---:|---:|---:|---:|---:|---:|"]
        out += [f"| {r['n']} | {r['floor_seconds']:.2f} | {r['service_seconds']:.2f} | {r['service_docs_per_s']:.1f} | "
                f"{r['ratio']:.2f} | {r['service_peak_rss_mb']:.0f} |" for r in result["scale"]]
    if result.get("archive"):
        a = result["archive"]
        out += ["", f"**归档规模 / archive size**（N={a['n']}，每份毫秒 ms/doc，中位数）", "",
                f"| 阶段 stage | 空归档 empty | 已有 {a['prefill']:,} 份 |", "|---|---:|---:|"]
        out += [f"| {k} | {a['empty']['ms_per_doc'][k]:.1f} | {a['full']['ms_per_doc'][k]:.1f} |" for k in STAGES]
        out.append(f"| 总耗时 total s | {a['empty']['seconds']:.2f} | {a['full']['seconds']:.2f} |")
        out += [f"| {k}（µs/次 per call） | {a['empty']['ops_us'][k]:.0f} | {a['full']['ops_us'][k]:.0f} |"
                for k in a["empty"]["ops_us"]]
    lat = (result.get("latency") or {}).get("latency")
    if lat:
        out += ["", "**监视延迟 / watcher drop-to-archive latency**（bench/latency.py）", "",
                "| 方式 mode | 投放 drops | 中位数 median s | 95 分位 p95 s |", "|---|---:|---:|---:|"]
        for mode, v in lat.items():
            every = f"，轮询 {v['interval_s']:g} s" if v.get("interval_s") else ""
            out.append(f"| {mode}（settle {v['settle_s']:g} s{every}） | {v['drops']} | {v['median_s']:.3f} | "
                       f"{v['p95_s']:.3f} |")
    elif result.get("latency"):
        out += ["", f"监视延迟未测得 / latency failed: {json.dumps(result['latency'], ensure_ascii=False)[:300]}"]
    return "\n".join(out)


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
        result["scale"] = scale([10, 100, 1000, 2000], args.repeat, result["runs"])
    if args.archive:
        print(f"archive with {args.archive} documents", flush=True)
        result["archive"] = archive(args.archive, 200, args.repeat)
    if args.latency:
        print("watcher latency", flush=True)
        result["latency"] = latency(args.latency)
    text = markdown(result)
    print("\n" + text)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    (BENCH / "LATEST.md").write_text(f"# 最近一次基准测试 / latest benchmark\n\n`python bench/run.py {' '.join(sys.argv[1:])}`"
                                     f"\n\n{text}\n", "utf-8")
    print(f"\n结果已写入 bench/results/{stamp}.json 和 bench/LATEST.md")


if __name__ == "__main__":
    main()
