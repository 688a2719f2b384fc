"""One layout-agnostic invoice reader, or one module per template family? Measured.

    python bench/pdf_layouts.py [--variants 12] [--json]

The alternative to reading by label position is what invoice tools usually ship: one template
per layout family, each field read from the box where that family prints it (invoice2data-style
zones). Here such a template is learnt from one rendering of each family (航信, 百望, 数电: the box
of every known value's words), then both approaches read the same variants of that family —
other issuers' software: the page a few per cent larger or smaller, values a point or so off their
labels, names and line counts that differ. Score: the share of fields read exactly (vendor, buyer,
number, date, subtotal, tax, total, 大写, every line's amount), and the time per file.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "pdf"))
FIELDS = ("vendor", "buyer", "number", "doc_date", "subtotal", "tax", "total", "total_capital")
SELLERS = ("星辰影视制作有限公司", "云图设计工作室", "上海光年文化传媒股份有限公司", "北京一点广告有限公司")


def variant(rng: random.Random, k: int, moved: bool = True):  # type: ignore[no-untyped-def]
    from vat_pdfs import Invoice, Line  # type: ignore[import-not-found]

    n = rng.randint(1, 4)
    lines = [Line(f"*广告服务*{'视频制作' * rng.randint(1, 3)}{i}", f"S-{i}", "项", str(rng.randint(1, 9)),
                  f"{rng.randint(100, 90000)}.{rng.randint(0, 99):02d}", "6%") for i in range(n)]
    jitter = (0.0, 0.0, 1.0) if k == 0 or not moved else (rng.uniform(0, 1.5), rng.uniform(-1.5, 1.5), rng.uniform(0.9, 1.1))
    return Invoice(lines, seller=rng.choice(SELLERS), number=f"{rng.randint(10**7, 10**8 - 1)}", jitter=jitter,
                   date=(2024, rng.randint(1, 12), rng.randint(1, 28)))


def truth(inv) -> dict[str, str]:  # type: ignore[no-untyped-def]
    f = inv.figures()
    y, m, d = inv.date
    return {"vendor": inv.seller, "buyer": inv.buyer, "number": inv.number, "doc_date": f"{y}-{m:02d}-{d:02d}",
            "subtotal": f["subtotal"].lstrip("¥"), "tax": f["tax"].lstrip("¥"), "total": f["total"].lstrip("¥"),
            "total_capital": f["capital"], **{f"line{i}": f"{ln.net:.2f}" for i, ln in enumerate(inv.lines)}}


def by_position(path: Path, ruleset) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from automator.document import machine_form
    from automator.readers.pdf import read_pdf

    fields, tables = machine_form(read_pdf(path, ruleset))
    out = {k: str(v["value"]) for k, v in fields.items() if k in FIELDS}
    out.update({f"line{i}": str(r.get("amount")) for i, r in enumerate(tables.get("lines", []))})
    return out


def words(path: Path) -> list[dict]:  # type: ignore[type-arg]
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return pdf.pages[0].extract_words(keep_blank_chars=False, x_tolerance=1.5)


def learn(path: Path, want: dict[str, str]) -> dict[str, tuple[float, float, float, float]]:
    """A family template: for each field, the box of the word that prints exactly its value
    (after a `label：` glued to it); the date from its year, month and day words."""
    zones = {}
    ws = words(path)

    for key, value in want.items():
        if key == "doc_date":
            y, m, d = value.split("-")
            hit = [w for w in ws if w["top"] < 80 and w["x0"] > 300 and _digits(w["text"]) in (y, m, d, y + m + d)]
        else:
            hit = [w for w in ws if _shown(w["text"]) == value][:1]
        if hit:
            zones[key] = (min(w["x0"] for w in hit) - 2, min(w["top"] for w in hit) - 2,
                          max(w["x1"] for w in hit) + 2, max(w["bottom"] for w in hit) + 2)
    return zones


def _shown(text: str) -> str:
    """A word without the label glued before it (`发票号码:02948319`, `(小写)¥108.10`) or its ¥."""
    for mark in ("：", ":", ")", "）"):
        text = text.rpartition(mark)[2]
    return text.lstrip("¥")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def by_template(path: Path, zones: dict[str, tuple[float, float, float, float]]) -> dict[str, str]:
    ws = words(path)
    out = {}
    for key, (x0, top, x1, bottom) in zones.items():
        inside = [w for w in ws if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]
        text = "".join(_shown(w["text"]) for w in sorted(inside, key=lambda w: w["x0"]))
        if key == "doc_date":
            digits = "".join(ch for ch in text if ch.isdigit())
            text = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
        out[key] = text
    return out


def score(got: dict[str, str], want: dict[str, str]) -> tuple[int, int]:
    ok = sum(got.get(k) == v or _same_money(got.get(k), v) for k, v in want.items())
    return ok, len(want)


def _same_money(a: str | None, b: str) -> bool:
    try:
        return a is not None and Decimal(a) == Decimal(b)
    except ArithmeticError:
        return False


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=12)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--same-geometry", action="store_true", help="vary only the data, not the layout")
    args = ap.parse_args()
    from vat_pdfs import render_vat  # type: ignore[import-not-found]

    from automator.rules import load_rules

    ruleset = load_rules(ROOT / "rules")
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for layout in ("aisino", "baiwang", "digital"):
            rng = random.Random(layout)
            invs = [variant(rng, k, not args.same_geometry) for k in range(args.variants + 1)]
            paths = [render_vat(inv, layout, Path(tmp) / f"{layout}-{k}.pdf") for k, inv in enumerate(invs)]
            zones = learn(paths[0], truth(invs[0]))
            pos, tpl, t_pos, t_tpl = [0, 0], [0, 0], [], []
            for inv, path in zip(invs[1:], paths[1:], strict=True):
                want = truth(inv)
                t = time.perf_counter()
                a = score(by_position(path, ruleset), want)
                t_pos.append(time.perf_counter() - t)
                t = time.perf_counter()
                b = score(by_template(path, zones), want)
                t_tpl.append(time.perf_counter() - t)
                pos = [pos[0] + a[0], pos[1] + a[1]]
                tpl = [tpl[0] + b[0], tpl[1] + b[1]]
            report[layout] = {"variants": args.variants, "fields": pos[1],
                              "by_position": round(pos[0] / pos[1], 3), "per_family_template": round(tpl[0] / tpl[1], 3),
                              "ms_by_position": round(statistics.median(t_pos) * 1000, 1),
                              "ms_template": round(statistics.median(t_tpl) * 1000, 1)}
    if args.json:
        print(json.dumps(report))
        return
    print(f"{'layout':<9} {'variants':>8} {'fields':>6} {'by position':>12} {'per-family template':>20} {'ms pos':>7} {'ms tpl':>7}")
    for layout, r in report.items():
        print(f"{layout:<9} {r['variants']:>8} {r['fields']:>6} {r['by_position']:>12.1%} {r['per_family_template']:>20.1%}"
              f" {r['ms_by_position']:>7} {r['ms_template']:>7}")


if __name__ == "__main__":
    main()
