"""The pipeline's shape as users meet it: the dry run shares the real run's routing, the stage
list is the one the README shows, reject codes reach scripts, and a ledger written by
release 0.1.0 keeps working."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from conftest import REPO, run_cli, run_json, tree

from automator.archive.schema import VERSION
from automator.pipeline import STAGES

OLD_LEDGER = Path(__file__).parent / "data" / "ledger-0.1.0.sqlite"  # what `automator run examples/*.xlsx` left


def test_a_dry_run_reports_the_version_a_real_run_writes(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "agenda")
    code, first = run_json("run", root=root)
    assert code == 0 and first["results"][0]["outputs"][0].endswith("创意提案会.docx")
    corrected = make_workbook(root / "inbox", "agenda", fields={"venue": "星河乳业总部 3 楼会议室"})
    before = tree(root)
    _, dry = run_json("run", "--dry-run", root=root)
    assert tree(root) == before  # nothing written, nothing moved
    planned = dry["results"][0]["outputs"]
    assert planned[0].endswith("创意提案会_v2.docx"), planned
    _, real = run_json("run", root=root)
    assert real["results"][0]["outputs"] == planned
    assert not corrected.exists()


def test_a_dry_run_knows_a_duplicate(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    path = make_workbook(root.parent, "agenda")
    shutil.copy(path, root / "inbox" / "a.xlsx")
    run_json("run", root=root)
    shutil.copy(path, root / "inbox" / "b.xlsx")
    _, dry = run_json("run", "--dry-run", root=root)
    assert [r["status"] for r in dry["results"]] == ["duplicate"]
    assert (root / "inbox" / "b.xlsx").exists()


def test_a_rejection_carries_its_reason_code(root: Path) -> None:
    (root / "inbox" / "合同.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "inbox" / "表格.xlsx").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600)
    code, out = run_json("run", root=root)
    codes = {Path(r["input"]).name: r.get("reason_code") for r in out["results"]}
    assert code == 1 and codes == {"合同.xlsx": "damaged", "表格.xlsx": "ole"}
    _, history = run_json("history", root=root)
    assert {h["reason_code"] for h in history["history"]} == {"damaged", "ole"}


def test_the_stage_list_is_the_one_documented() -> None:
    names = [s.name for s in STAGES]
    assert names[:12] == ["intake", "read", "check", "render", "verify", "annotate", "recipients", "route", "report",
                          "place", "ledger", "deliveries"]
    readme = (REPO / "README.md").read_text("utf-8")
    assert " → ".join(names[:7]) in readme and " → ".join(names[7:12]) in readme


def test_a_ledger_written_by_release_0_1_0_keeps_its_documents(root: Path) -> None:
    shutil.copy(OLD_LEDGER, root / "ledger.sqlite")
    for path in (REPO / "examples").glob("*.xlsx"):
        if path.name in {"会议议程-冬季新品提案会.xlsx", "创意简报-星河暖酸奶.xlsx", "媒介简报-星河暖酸奶.xlsx",
                         "客户会议报告-冬季新品提案会.xlsx"}:
            shutil.copy(path, root / "inbox" / path.name)
    code, out = run_json("run", root=root)
    assert code == 0 and [r["status"] for r in out["results"]] == ["duplicate"] * 4
    with sqlite3.connect(root / "ledger.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
        assert db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0] == 8
    code, text = run_cli("doctor", root=root)
    assert code == 0 and "台账正常（8 条记录）" in text, text
