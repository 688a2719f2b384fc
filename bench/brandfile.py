"""The brand file's cost: rebuilding one client's 品牌档案.xlsx with 2,000 documents already archived,
against the service's own time per document, measured in the same run.

    python bench/brandfile.py            # 2,000 archived reports, N=100 new ones; medians of 5
    python bench/brandfile.py --archived 5000 --new 200

What it measures (all on one fresh root):
- per document: `automator run --timings` on N new contact reports for the client (each report's
  stage seconds summed: the work one document costs a worker), and the batch's wall time / N;
- one rebuild: `index.write_client` for that client at 2,000+ documents (ledger read, sheets,
  XlsxWriter, the swap), split into its parts; and the chore's cost when nothing changed.
Then the brand-file cost per document when a burst of N coalesces into one rebuild (`automator
run`, or the watcher's 10 s chore during a burst), and when documents trickle in one per chore
period (every document pays a whole rebuild). Writes bench/results/brandfile-latest.json.
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
    from automator.followup import brandfile, index
    from automator.followup.records import folder_key, load_client
    from automator.followup.sheets import stage
    from automator.pipeline import load_context
    from automator.settings import Settings

    ctx = load_context(Settings.from_root(root), lint=False)
    ledger = ctx.open_ledger()
    key = folder_key(CLIENT)
    client = load_client(ledger, key, ctx.ruleset)
    assert client is not None
    dest = ctx.settings.outbox / client.folder / brandfile.NAME
    base = ctx.settings.rel(dest.parent)
    out = {"documents": float(len(client.docs)),
           "load": _median(lambda: load_client(ledger, key, ctx.ruleset), repeat),
           "sheets": _median(lambda: brandfile.sheets(client, base=base), repeat),
           "xlsx": _median(lambda: stage(dest, brandfile.sheets(client, base=base), title="t").unlink(), repeat),
           "rebuild": _median(lambda: index.write_client(ctx, ledger, load_client(ledger, key, ctx.ruleset)), repeat)}
    index.refresh(ctx)
    out["idle_chore"] = _median(lambda: index.refresh(ctx), repeat * 4)
    return out


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-brand-") as tmp:
        root = Path(tmp) / "root"
        subprocess.run([sys.executable, "-m", "automator", "init", str(root)], check=True, capture_output=True)
        prefill_client(root, args.archived)
        service = service_per_document(root, args.new)
        parts = rebuild_parts(root, args.repeat)
    doc = service["stage_seconds_median"]
    report = {"when": dt.datetime.now().isoformat(timespec="seconds"), "load": os.getloadavg(),
              "archived": args.archived, **{f"service_{k}": v for k, v in service.items()},
              **{f"rebuild_{k}": v for k, v in parts.items()},
              "burst_cost_per_document": parts["rebuild"] / args.new,
              "burst_ratio": parts["rebuild"] / args.new / doc,
              "burst_ratio_wall": parts["rebuild"] / service["wall"],
              "trickle_ratio": parts["rebuild"] / doc,
              # `automator watch` during a long burst: one rebuild per chore period, at this run's throughput.
              "sustained_docs_per_rebuild": CHORE_PERIOD / service["wall_per_document"],
              "sustained_ratio": parts["rebuild"] * service["wall_per_document"] / CHORE_PERIOD / doc,
              "sustained_ratio_wall": parts["rebuild"] / CHORE_PERIOD,
              "idle_chore_per_10s_of_one_core": parts["idle_chore"] / 10}
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "brandfile-latest.json").write_text(json.dumps(report, indent=1), "utf-8")
    print(f"load average {report['load'][0]:.2f}; {int(parts['documents'])} documents for the client at the end")
    print(f"per document (stage seconds, median of {args.new}): {doc * 1000:.1f} ms; "
          f"batch wall / N: {service['wall_per_document'] * 1000:.1f} ms")
    print(f"one rebuild: {parts['rebuild'] * 1000:.0f} ms (ledger read {parts['load'] * 1000:.0f} ms, "
          f"sheets {parts['sheets'] * 1000:.0f} ms, xlsx {parts['xlsx'] * 1000:.0f} ms); "
          f"idle chore {parts['idle_chore'] * 1000:.2f} ms")
    print(f"burst of {args.new} (one rebuild): {report['burst_cost_per_document'] * 1000:.2f} ms per document = "
          f"{report['burst_ratio']:.1%} of the per-document time ({report['burst_ratio_wall']:.1%} of the batch wall)")
    print(f"watch, sustained burst ({report['sustained_docs_per_rebuild']:.0f} documents per {CHORE_PERIOD:.0f} s "
          f"chore): {report['sustained_ratio']:.1%} of the per-document time "
          f"({report['sustained_ratio_wall']:.1%} of the wall time)")
    print(f"trickle (a rebuild per document): {report['trickle_ratio']:.0%} of the per-document time")


if __name__ == "__main__":
    main()
