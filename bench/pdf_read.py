"""PDF throughput: the invoice reader against bare pdfplumber, on the same files, in the same run.

    python bench/pdf_read.py [--rounds 15] [--json]

- floor: `pdfplumber.open(path).pages[0].extract_words()` — the least a script does to get the
  words of an invoice (no positions kept, nothing paired, nothing checked);
- reader: `read_pdf` (glyphs, labels by position, goods lines, every value's place) and the
  invoice rule's checks — what `automator run` spends on a PDF before filing it.

Files: the three real VAT invoices of the shared corpus (when present) and one generated invoice
per template family (航信, 百望, 数电; tests/pdf/vat_pdfs.py). Both sides run in one process,
interleaved file by file, warm (imports and rules loaded once), so the machine's noise hits both
alike; each figure is the median of the rounds. Prints, per file, floor ms, reader ms and the
ratio (goal ≤ 2), and pages/s over all files.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
REAL = ("zwy4896__Invoice2Excel__JD_book.pdf", "zwy4896__Invoice2Excel__67536084.pdf",
        "ljfdufe__fapiao-print__7.22dizuo.pdf")


def files(folder: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT / "tests" / "pdf"))
    from vat_pdfs import Invoice, Line, render_vat  # type: ignore[import-not-found]

    out = [CORPUS / name for name in REAL if (CORPUS / name).exists()]
    lines = [Line("*广告服务*TVC拍摄制作（含脚本策划与后期）", "15秒", "项", "1", "45000", "6%"),
             Line("*广告服务*TVC拍摄制作（含脚本策划与后期）", amount=None, qty="-1", price="500", rate="6%"),
             Line("*公共安全设备*探测器", "10106650", "PCS", "200", "33.3495145631068", "6%")]
    for layout in ("aisino", "baiwang", "digital"):
        out.append(render_vat(Invoice(lines), layout, folder / f"{layout}.pdf"))
    return out


def floor(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages[0].extract_words())


def reader(path: Path, ruleset) -> int:  # type: ignore[no-untyped-def]
    from automator.checks import run_checks
    from automator.readers import Reading
    from automator.readers.client import settle_client
    from automator.readers.pdf import read_pdf

    doc = read_pdf(path, ruleset)
    rule = ruleset.rules[doc.doc_type]
    settle_client(Reading(doc, rule, ""), "inbox/客户/x.pdf", ())
    run_checks(doc, rule, ruleset.checks[rule.key])
    return len(doc.sheets)


def timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from automator.rules import load_rules

    ruleset = load_rules(ROOT / "rules")
    with tempfile.TemporaryDirectory() as tmp:
        paths = files(Path(tmp))
        pages = {p: reader(p, ruleset) for p in paths}  # warm-up, and the page counts
        floor(paths[0])
        times: dict[Path, tuple[list[float], list[float]]] = {p: ([], []) for p in paths}
        for _ in range(args.rounds):
            for p in paths:
                times[p][0].append(timed(floor, p))
                times[p][1].append(timed(reader, p, ruleset))
    rows = []
    for p in paths:
        f, r = statistics.median(times[p][0]), statistics.median(times[p][1])
        rows.append({"file": p.name, "pages": pages[p], "floor_ms": round(f * 1000, 2),
                     "reader_ms": round(r * 1000, 2), "ratio": round(r / f, 2)})
    total_pages = sum(pages.values())
    summary = {"files": len(paths), "rounds": args.rounds,
               "floor_pages_per_s": round(total_pages / sum(x["floor_ms"] / 1000 for x in rows), 1),
               "reader_pages_per_s": round(total_pages / sum(x["reader_ms"] / 1000 for x in rows), 1),
               "median_ratio": statistics.median(x["ratio"] for x in rows),
               "worst_ratio": max(x["ratio"] for x in rows)}
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, ensure_ascii=False))
        return
    print(f"{'file':<42} {'pages':>5} {'floor ms':>9} {'reader ms':>10} {'ratio':>6}")
    for x in rows:
        print(f"{x['file']:<42} {x['pages']:>5} {x['floor_ms']:>9.2f} {x['reader_ms']:>10.2f} {x['ratio']:>6.2f}")
    print(f"pages/s: floor {summary['floor_pages_per_s']}, reader {summary['reader_pages_per_s']}; "
          f"ratio median {summary['median_ratio']}, worst {summary['worst_ratio']} (goal ≤ 2)")


if __name__ == "__main__":
    main()
