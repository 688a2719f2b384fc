"""Drop-to-archive latency of `automator watch`: from a file's last write to its document in the archive.

    python bench/latency.py                  # 50 drops, native events and --polling (interval 1 s)
    python bench/latency.py --drops 20 --mode polling --interval 2
    python bench/latency.py --settle 0.3     # try another settle time

Starts a real watcher on a fresh root (`automator init`), writes N distinct
contact-report workbooks into inbox/ one at a time (the clock starts when the
writer closes the file), and waits for each .docx to appear under outbox/
(placed by a hard link or rename, so it is complete when it appears). The
next drop follows a short, varied pause so drops do not line up with the
polling period. Prints a summary, and as its last line one JSON object
(which bench/run.py reads); also writes it to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from make_inputs import make_inputs  # noqa: E402


def env() -> dict[str, str]:
    out = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out.pop("AUTOMATOR_ROOT", None)
    return out


def docx_count(outbox: Path) -> int:
    return sum(name.endswith(".docx") for _, _, names in os.walk(outbox) for name in names)


def measure(inputs: list[Path], *, polling: bool, interval: float, settle: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="automator-latency-") as tmp:
        root = Path(tmp) / "root"
        subprocess.run([sys.executable, "-m", "automator", "init", str(root)], env=env(), check=True,
                       capture_output=True)
        args = [sys.executable, "-m", "automator", "watch", "--root", str(root), "--settle", str(settle),
                "--interval", str(interval), *(["--polling"] if polling else [])]
        log = (Path(tmp) / "watch.out").open("wb")
        proc = subprocess.Popen(args, env=env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            status = root / "watchers" / f"{socket.gethostname()}-{proc.pid}.json"
            _wait(lambda: status.exists() and json.loads(status.read_text("utf-8") or "{}").get("state") == "watching",
                  60, proc)
            outbox, samples = root / "outbox", []
            rng = random.Random(7)
            for i, path in enumerate(inputs):
                data = path.read_bytes()
                before = docx_count(outbox)
                with (root / "inbox" / path.name).open("wb") as fh:
                    fh.write(data)
                written = time.perf_counter()  # the writer has closed the file: the clock starts
                _wait(lambda n=before: docx_count(outbox) > n, 60, proc, step=0.005)
                samples.append(time.perf_counter() - written)
                print(f"  {'polling' if polling else 'native'} drop {i + 1}/{len(inputs)}: {samples[-1]:.3f} s",
                      file=sys.stderr, flush=True)
                time.sleep(0.2 + rng.random() * interval)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            log.close()
    ordered = sorted(samples)
    return {"mode": "polling" if polling else "native", "interval_s": interval if polling else None,
            "settle_s": settle, "drops": len(samples), "median_s": round(statistics.median(ordered), 3),
            "p95_s": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 3),
            "min_s": round(ordered[0], 3), "max_s": round(ordered[-1], 3),
            "samples_s": [round(s, 4) for s in samples]}


def _wait(condition: Any, timeout: float, proc: subprocess.Popen[bytes], step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except (OSError, ValueError):
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the watcher exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout}s")
        time.sleep(step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drops", type=int, default=50)
    parser.add_argument("--mode", choices=["native", "polling", "both"], default="both")
    parser.add_argument("--interval", type=float, default=1.0, help="--interval for the polling watcher")
    parser.add_argument("--settle", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latency.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="automator-latency-inputs-") as tmp:
        modes = [False, True] if args.mode == "both" else [args.mode == "polling"]
        inputs = make_inputs(args.drops * len(modes), Path(tmp))
        runs = [measure(inputs[i * args.drops:(i + 1) * args.drops], polling=polling, interval=args.interval,
                        settle=args.settle) for i, polling in enumerate(modes)]
    result = {"latency": {r["mode"]: r for r in runs}, "cpus": os.cpu_count()}
    for r in runs:
        every = f"，轮询间隔 {r['interval_s']:g} 秒" if r["interval_s"] else ""
        print(f"{r['mode']}（稳定时间 {r['settle_s']:g} 秒{every}）：{r['drops']} 次投放，"
              f"中位数 {r['median_s']:.3f} 秒，95 分位 {r['p95_s']:.3f} 秒"
              f"（最短 {r['min_s']:.3f}，最长 {r['max_s']:.3f}）")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
