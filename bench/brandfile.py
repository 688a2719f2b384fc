"""The brand file's cost: keeping one client's 品牌档案.xlsx current with 2,000 documents already
archived, against the service's own time per document, measured in the same run.

    python bench/brandfile.py            # 2,000 archived reports, N=100 new ones; medians of 5
    python bench/brandfile.py --archived 5000 --new 200

What it measures (all on one fresh root):
- per document: `automator run --timings` on N new contact reports for the client (each report's
  stage seconds summed: the work one document costs a worker), and the batch's wall time / N;
- one rebuild of that client at 2,000+ documents whose rows are all kept (`index.build`: the ledger
  snapshot, putting the sheets together, the xlsx, the swap), split into its parts; a cold one (every
  document rendered anew: the first rebuild after an upgrade, `automator rebuild-index`); rendering
  one new document's rows; the chore when nothing changed;
- the chore after N new documents were filed (renders them, rebuilds once): what `automator run` of
  N files, or one watcher chore period of a burst, costs it (wall and CPU seconds).
Then the brand-file cost per document: a burst of N (`automator run`), a sustained burst under
`automator watch` (one rebuild per 30 s chore period, at this run's throughput), and a trickle (one
document per chore period: each pays a whole rebuild). Writes bench/results/brandfile-latest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
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

CLIENT = "星河乳业（上海）有限公司"
CHORE_PERIOD = 30.0  # automator/chores.py: the `indexes` chore's period in the watcher
ACTIONS = ["按会议意见修改主视觉", "提交制作估价单（PE）供客户审批", "确认产品包装最终稿并提供高清图", "预约导演及拍摄场地",
           "整理竞品投放数据", "更新项目时间表并发送全员"]


def _row(i: int, client: str) -> tuple[Any, ...]:
    from automator.safe_names import safe_name

    day = dt.date(2020, 1, 1) + dt.timedelta(days=i)
    title = f"历史会议 {i + 1}"
    stem = f"{day}_客户会议报告_{title}"
    folder = f"outbox/{safe_name(client)}/{day.year}/会议纪要"
    outputs = [f"{folder}/{stem}.docx", f"{folder}/{stem}.检查报告.md", f"{folder}/{stem}.xlsx"]
    figures = {"fields": {"client": client, "meeting_title": title, "meeting_date": f"{day} 14:00:00",
                          "report_date": str(day + dt.timedelta(days=1)), "author": "李娜"},
               "tables": {"attendees": [{"name": "陈思远", "company": client, "title": "市场总监"}],
                          "decisions": [{"no": 1, "item": "创意方向", "decision": f"采用方案 {i % 3 + 1}"},
                                        {"no": 2, "item": "上市时间", "decision": "维持原计划"}],
                          "actions": [{"no": k + 1, "action": ACTIONS[(i + k) % len(ACTIONS)], "owner": "李娜",
                                       "due": str(day + dt.timedelta(days=3 + k)), "status": "进行中"}
                                      for k in range(3)],
                          "budget": [{"item": "TVC 拍摄制作", "amount": str(1000 * (i % 300))}]},
               "totals": {"budget": {"amount": str(1000 * (i % 300))}}}
    explain = {"rule": "contact_report", "rule_zh": "客户会议报告", "date_field": "meeting_date",
               "title_field": "meeting_title"}
    return (f"{day}T18:00:00", hashlib.sha256(f"brand-{client}-{i}".encode()).hexdigest(), f"inbox/{stem}.xlsx",
            "archived", "contact_report", client, f"contact_report|{client}|{title}|{day}", 1,
            json.dumps(outputs, ensure_ascii=False), "[]", json.dumps(explain, ensure_ascii=False),
            json.dumps(figures, ensure_ascii=False))


def prefill_client(root: Path, count: int, client: str = CLIENT, *, files: bool = True) -> None:
    """`count` archived contact reports of one client: ledger rows shaped like the pipeline's, and their files."""
    from automator.archive.ledger import Ledger

    rows = [_row(i, client) for i in range(count)]
    with Ledger(root / "ledger.sqlite") as ledger, ledger.transaction() as db:
        db.executemany("INSERT INTO inputs (at, sha256, input, status, doc_type, client, doc_key, version, "
                       "outputs, findings, explain, figures) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    if files:
        for row in rows:
            for rel in json.loads(row[8]):
                path = root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"x")


def _median(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rebuild_parts(root: Path, repeat: int) -> dict[str, float]:
    from automator.followup import brandcache, brandfile, index
    from automator.followup.records import folder_key, to_doc
    from automator.followup.sheets import stage_parts
    from automator.pipeline import load_context
    from automator.settings import Settings

    ctx = load_context(Settings.from_root(root), lint=False)
    ledger = ctx.open_ledger()
    key = folder_key(CLIENT)
    index.refresh(ctx)   # what `automator run` left: every document's rows kept
    snap = brandcache.snapshot(ctx, ledger, key)
    assert snap is not None and not snap.fresh
    dest = ctx.settings.outbox / snap.folder / brandfile.NAME
    parts = brandfile.parts(snap.table)
    out = {"documents": float(len(snap.table.metas)),
           "snapshot": _median(lambda: brandcache.snapshot(ctx, ledger, key), repeat),
           "assemble": _median(lambda: brandfile.parts(snap.table), repeat),
           "xlsx": _median(lambda: stage_parts(dest, parts, title="t").unlink(), repeat),
           "rebuild": _median(lambda: index.build(ctx, ledger, key), repeat),
           # a first rebuild, or `automator rebuild-index`: every document rendered anew
           "cold": _median(lambda: index.build(ctx, ledger, key, rerender=True), 3)}
    docs = [to_doc(e, ctx.ruleset) for e in ledger.kept_entries()[-200:]]
    done_words = tuple(ctx.ruleset.words.get("done", ()))
    base = ctx.settings.rel(dest.parent)
    out["render_one"] = _median(lambda: [brandcache.brandrows.render(d, base=base, done_words=done_words)
                                         for d in docs if d is not None], repeat) / len(docs)
    index.refresh(ctx)
    out["idle_chore"] = _median(lambda: index.refresh(ctx), repeat * 4)
    return out


def burst_chore(root: Path, new: int, repeat: int) -> tuple[float, float]:
    """The `indexes` chore after `new` documents of the client were filed (what `automator run` of `new`
    files, or one watcher chore period of a burst, costs it): renders the new ones, rebuilds once."""
    from automator.archive.ledger import Ledger
    from automator.followup import index
    from automator.pipeline import load_context
    from automator.settings import Settings

    ctx = load_context(Settings.from_root(root), lint=False)
    index.refresh(ctx)
    times, cpu = [], []
    for k in range(repeat):
        rows = [_row(100_000 + k * new + i, CLIENT) for i in range(new)]  # dated after the rest: the top rows
        with Ledger(root / "ledger.sqlite") as ledger, ledger.transaction() as db:
            db.executemany("INSERT INTO inputs (at, sha256, input, status, doc_type, client, doc_key, version, "
                           "outputs, findings, explain, figures) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        start, used = time.perf_counter(), time.process_time()
        assert index.refresh(ctx), "the chore wrote nothing"
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    return statistics.median(times), statistics.median(cpu)


def service_per_document(root: Path, new: int) -> dict[str, float]:
    from make_inputs import contact_report
    import random

    from automator.rules import load_rules
    from automator.sample import write_workbook

    rule = load_rules(ROOT / "rules").rules["contact_report"]
    rng = random.Random(7)
    for i in range(new):
        data = contact_report(i, rng)
        data["fields"]["client"] = CLIENT
        write_workbook(rule, root / "inbox" / f"新报告-{i:04d}.xlsx", **data)
    timings = root / "timings.jsonl"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "automator", "run", "--root", str(root), "--json",
                           "--timings", str(timings)], capture_output=True, text=True)
    wall = time.perf_counter() - start
    results = json.loads(proc.stdout)["results"]
    assert sum(r["status"] == "archived" for r in results) == new, proc.stderr[-2000:]
    per_doc = [sum(json.loads(line)["seconds"].values()) for line in timings.read_text("utf-8").splitlines()]
    return {"new": float(new), "stage_seconds_median": statistics.median(per_doc), "wall": wall,
            "wall_per_document": wall / new}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--archived", type=int, default=2000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-pdf", action="store_true", help="the service without LibreOffice's PDFs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-brand-") as tmp:
        root = Path(tmp) / "root"
        subprocess.run([sys.executable, "-m", "automator", "init", str(root)], check=True, capture_output=True)
        if args.no_pdf:
            (root / "automator.yaml").write_text("pdf: {enabled: false}\n", "utf-8")
        prefill_client(root, args.archived)
        service = service_per_document(root, args.new)
        parts = rebuild_parts(root, args.repeat)
        parts["burst_chore"], parts["burst_chore_cpu"] = burst_chore(root, args.new, args.repeat)
    doc = service["stage_seconds_median"]
    per_period = CHORE_PERIOD / service["wall_per_document"]   # `automator watch`, a long burst: documents per chore
    # What each new document adds to a chore beyond the one rebuild: reading it, rendering, keeping its rows.
    marginal = max(parts["burst_chore"] - parts["rebuild"], 0.0) / args.new
    sustained = marginal * per_period + parts["rebuild"]
    report = {"when": dt.datetime.now().isoformat(timespec="seconds"), "load": os.getloadavg(),
              "archived": args.archived, "pdf": not args.no_pdf, **{f"service_{k}": v for k, v in service.items()},
              **{f"rebuild_{k}": v for k, v in parts.items()},
              "marginal_per_document": marginal,
              "burst_cost_per_document": parts["burst_chore"] / args.new,
              "burst_ratio": parts["burst_chore"] / args.new / doc,
              "burst_ratio_wall": parts["burst_chore"] / service["wall"],
              "sustained_docs_per_rebuild": per_period,
              "sustained_ratio": sustained / per_period / doc,
              "sustained_ratio_wall": sustained / CHORE_PERIOD,
              "trickle_ratio": (marginal + parts["rebuild"]) / doc,
              "idle_chore_per_10s_of_one_core": parts["idle_chore"] / 10}
    (BENCH / "results").mkdir(exist_ok=True)
    name = "brandfile-nopdf-latest.json" if args.no_pdf else "brandfile-latest.json"
    (BENCH / "results" / name).write_text(json.dumps(report, indent=1), "utf-8")
    print(f"load average {report['load'][0]:.2f}; {int(parts['documents'])} documents for the client at the end")
    print(f"per document (stage seconds, median of {args.new}): {doc * 1000:.1f} ms; "
          f"batch wall / N: {service['wall_per_document'] * 1000:.1f} ms")
    print(f"one rebuild: {parts['rebuild'] * 1000:.0f} ms (ledger snapshot {parts['snapshot'] * 1000:.0f} ms, "
          f"putting the sheets together {parts['assemble'] * 1000:.0f} ms, xlsx {parts['xlsx'] * 1000:.0f} ms); "
          f"rendering one new document {parts['render_one'] * 1000:.2f} ms (all it adds to a chore: "
          f"{marginal * 1000:.2f} ms); cold (all rendered anew) "
          f"{parts['cold'] * 1000:.0f} ms; idle chore {parts['idle_chore'] * 1000:.2f} ms")
    print(f"burst of {args.new} (the chore after them: {parts['burst_chore'] * 1000:.0f} ms, "
          f"CPU {parts['burst_chore_cpu'] * 1000:.0f} ms): "
          f"{report['burst_cost_per_document'] * 1000:.2f} ms per document = "
          f"{report['burst_ratio']:.1%} of the per-document time ({report['burst_ratio_wall']:.1%} of the batch wall)")
    print(f"watch, sustained burst ({report['sustained_docs_per_rebuild']:.0f} documents per {CHORE_PERIOD:.0f} s "
          f"chore): {report['sustained_ratio']:.1%} of the per-document time "
          f"({report['sustained_ratio_wall']:.1%} of the wall time)")
    print(f"trickle (a rebuild per document): {report['trickle_ratio']:.0%} of the per-document time")


if __name__ == "__main__":
    main()
