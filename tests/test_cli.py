"""The CLI as users run it: init, sample, check, lint, check-rules, and a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from conftest import run_cli, run_subprocess


def test_init_lays_out_a_root_and_never_overwrites(tmp_path: Path) -> None:
    code, out = run_cli("init", str(tmp_path / "r"))
    assert code == 0
    for name in ("inbox", "outbox", "templates/contact_report.docx", "rules/contact_report.yaml"):
        assert (tmp_path / "r" / name).exists(), name
    mine = tmp_path / "r" / "rules" / "agenda.yaml"
    mine.write_text("# my edits\n" + mine.read_text("utf-8"), "utf-8")
    code, out = run_cli("init", str(tmp_path / "r"))
    assert code == 0 and "保留" in out
    assert mine.read_text("utf-8").startswith("# my edits")


def test_sample_writes_a_blank_workbook_that_reads_as_its_type(root: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "新报告.xlsx"
    code, _ = run_cli("sample", "客户会议报告", "-o", str(out_file), root=root)
    assert code == 0
    wb = openpyxl.load_workbook(out_file)
    assert wb.sheetnames == ["基本信息", "参会人员", "决议事项", "行动事项", "预算"]
    form = wb["基本信息"]
    assert form["A1"].value == "文档类型" and form["B1"].value == "客户会议报告"
    assert "例：" in form["A5"].comment.text  # 会议日期 carries a hint and an example
    assert wb["行动事项"]["D1"].value == "截止日期" and wb["行动事项"]["D1"].comment is not None
    assert any(dv.type == "date" for dv in wb["行动事项"].data_validations.dataValidation)
    code, out = run_cli("check", str(out_file), "--json", root=root)
    result = json.loads(out)
    assert result["doc_type"] == "contact_report" and result["status"] == "review"  # blank: required fields missing


def test_sample_of_an_unknown_type_lists_the_types(root: Path) -> None:
    code, out = run_cli("sample", "周报", root=root)
    assert code == 2 and "会议议程" in out


def test_check_reports_findings_without_writing(root: Path, make_workbook, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = make_workbook(tmp_path, "creative_brief", rows={"deliverables": {1: {"amount": 61000}}})
    code, out = run_cli("check", str(path), "--json", root=root)
    result = json.loads(out)
    assert code == 1 and result["status"] == "review"
    cells = [c for f in result["findings"] if f["check"] == "row_formula" for c in f["cells"]]
    assert cells == ["交付物!E3"]
    assert list((root / "outbox").iterdir()) == []


def test_check_rules_and_lint_pass_on_the_defaults(root: Path) -> None:
    code, out = run_cli("check-rules", root=root)
    assert code == 0 and "会议议程" in out
    code, out = run_cli("lint", root=root)
    assert code == 0, out


def test_a_missing_template_stops_run_at_startup_naming_the_file(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    (root / "templates" / "media_brief.docx").unlink()
    make_workbook(root / "inbox", "agenda")
    code, out = run_cli("run", root=root)
    assert code == 2 and "templates/media_brief.docx" in out
    assert len(list((root / "inbox").iterdir())) == 1  # nothing was touched


def test_real_process_runs_examples_with_json(root: Path) -> None:
    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.xlsx"))
    proc = run_subprocess("run", "--root", str(root), "--json", *map(str, examples), cwd=root)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)["results"]
    assert sorted(r["status"] for r in results) == ["archived"] * len(examples)
    assert "Traceback" not in proc.stderr
    assert all(e.exists() for e in examples)  # files named on the command line are copied, not moved


def test_doctor_says_what_is_wrong_and_what_to_do(root: Path) -> None:
    code, out = run_cli("doctor", root=root)
    assert code == 0 and "✓ inbox/ 可以写入" in out and "规则和模板均无问题" in out
    (root / "templates" / "agenda.docx").write_bytes(b"not a docx")
    (root / "outbox").rmdir()
    code, out = run_cli("doctor", root=root)
    assert code == 1
    assert "✗ outbox/ 不存在" in out and "templates/agenda.docx" in out
