"""A real big sheet: `automator check` on it against a bare openpyxl read-only pass over it.

    python bench/sheet.py                 # the 113,884-cell media inventory from the shared corpus, 5 pairs
    python bench/sheet.py FILE --repeat 9

Both sides are subprocesses timed from launch to exit (interpreter start and imports
included), run in alternation on the same file in the same run:

- floor: `openpyxl.load_workbook(FILE, read_only=True)` and every row's values read, nothing else;
- service: `automator check FILE --json` — survey, read, classify, find the tables, compute the
  formulas the checks need, run the general sheet check, print the result.

The figure is the median of the paired ratios service/floor (the machine is shared and noisy;
a ratio of neighbours cancels most of the noise). Target (issue 13): at most 1.5.
Writes bench/results/sheet-latest.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DEFAULT = ROOT.parent / "shared" / "corpus" / "xlsx" / "tomwugdgz__mediaplaner__huwaidianwei_biaozhundaoru_2026-08-16.xlsx"
FLOOR = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
wb.close()
print(cells)
"""


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # check exits 1 when a finding needs attention
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return seconds


def measure(path: Path, repeat: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        subprocess.run([sys.executable, "-m", "automator", "init", str(root)], check=True, capture_output=True)
        floor = [sys.executable, "-X", "utf8", "-c", FLOOR, str(path)]
        service = [sys.executable, "-X", "utf8", "-m", "automator", "check", str(path), "--root", str(root), "--json"]
        _timed(service)  # warm the file cache and .pyc files once, untimed
        pairs = []
        for _ in range(repeat):
            a, b = _timed(floor), _timed(service)
            pairs.append((a, b))
    ratios = [b / a for a, b in pairs]
    return {"file": path.name, "repeat": repeat, "floor_seconds": statistics.median(a for a, _ in pairs),
            "service_seconds": statistics.median(b for _, b in pairs), "ratio": statistics.median(ratios),
            "ratios": ratios}


def main() -> None:
    parser = argparse.ArgumentParser(description="automator check on a big real sheet vs a bare openpyxl pass")
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.file.exists():
        raise SystemExit(f"not found: {args.file} (the shared corpus)")
    result = measure(args.file, args.repeat)
    print(f"{result['file']}\n  floor（openpyxl read_only 逐行读一遍）{result['floor_seconds']:.2f} s\n"
          f"  service（automator check --json）     {result['service_seconds']:.2f} s\n"
          f"  service/floor = {result['ratio']:.2f}（{args.repeat} 对的中位数 / median of paired ratios；目标 ≤ 1.5）")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sheet-latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
