"""PDF conversion per document: the warm converter (one soffice kept running, driven over a
private UNO pipe) against a cold `soffice --headless --convert-to pdf` per file, same run,
same .docx files, alternating so the machine's noise falls on both.

    python bench/pdf_convert.py            # 8 documents × 3 rounds; medians
    python bench/pdf_convert.py -n 20 -r 5

The cold baseline is what a script would do: `soffice --convert-to pdf --outdir …`, with one
profile kept between files (warm disk cache, profile made once — the kindest cold case).
The PDF check (open, pages, fonts) is not timed on either side.
Start-up of the warm converter is reported apart (paid once per process).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def documents(work: Path, count: int) -> list[Path]:
    """`count` distinct archived contact reports, rendered by the service itself."""
    sys.path.insert(0, str(REPO / "tools"))
    import copy

    from make_examples import EXAMPLES, NAMES

    from automator.rules import load_rules
    from automator.sample import write_workbook

    root = work / "root"
    subprocess.run([sys.executable, "-m", "automator", "init", str(root)], check=True, capture_output=True)
    (root / "automator.yaml").write_text("pdf: {enabled: false}\n", "utf-8")
    ruleset = load_rules(REPO / "rules")
    keys = list(EXAMPLES)
    for i in range(count):
        key = keys[i % len(keys)]
        data = copy.deepcopy(EXAMPLES[key])
        title = next(k for k in ("meeting_title", "project", "campaign") if k in data["fields"])
        data["fields"][title] = f"{data['fields'][title]}（第{i:03d}场）"
        write_workbook(ruleset.rules[key], root / "inbox" / f"{i:03d}-{NAMES[key]}", **data)
    subprocess.run([sys.executable, "-m", "automator", "run", "--root", str(root), "--json"], capture_output=True)
    return sorted((root / "outbox").rglob("*.docx"))


def cold(soffice: Path, docx: Path, out: Path, profile: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(soffice), "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(out), str(docx)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=8, help="documents")
    parser.add_argument("-r", "--rounds", type=int, default=3)
    args = parser.parse_args()

    from automator.deliver.convert import Warm
    from automator.deliver.office import find_soffice, uno_python

    soffice = find_soffice()
    python = uno_python(soffice) if soffice else None
    if soffice is None or python is None:
        sys.exit("needs LibreOffice and a Python with uno (apt-get install libreoffice-writer-nogui python3-uno)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docs = documents(work, args.n)
        profile = work / "cold-profile"
        cold(soffice, docs[0], work / "warmup", profile)  # the cold side's profile is made before timing
        warm = Warm(soffice, python)
        start = time.perf_counter()
        warm.convert(docs[0], work / "first.pdf")
        startup = time.perf_counter() - start
        warm_times, cold_times, ratios = [], [], []
        for r in range(args.rounds):
            out = work / f"round{r}"
            out.mkdir()
            for i, docx in enumerate(docs):
                t = time.perf_counter()
                warm.convert(docx, out / f"w{i}.pdf")
                w = time.perf_counter() - t
                c = cold(soffice, docx, out / f"c{i}", profile)
                warm_times.append(w)
                cold_times.append(c)
                ratios.append(w / c)
        warm.close()
        shutil.rmtree(work / "warmup", ignore_errors=True)
    print(f"documents {len(docs)} × rounds {args.rounds} (contact reports, agendas, briefs; 1–2 pages)")
    print(f"warm converter: {statistics.median(warm_times) * 1000:.0f} ms/doc (median); start-up once {startup:.2f} s")
    print(f"cold soffice --convert-to pdf: {statistics.median(cold_times) * 1000:.0f} ms/doc (median)")
    print(f"warm/cold = {statistics.median(ratios):.3f} (median of paired ratios; goal ≤ 0.25)")


if __name__ == "__main__":
    main()
