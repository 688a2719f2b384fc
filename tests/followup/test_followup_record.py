"""The fifth document type, 客户回访记录, added with a rule file and a template only: archived under
沟通文件 through the real CLI, its urgent-deadline warning at its cell, a blank sample to start from."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from conftest import run_cli, run_json
from followkit import FOLDER, D


def test_the_example_archives_under_communications(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    code, out = run_json("run", str(make_workbook(root / "inbox", "followup")), root=root)
    (result,) = out["results"]
    assert code == 0 and result["status"] == "archived" and result["doc_type"] == "followup"
    assert result["outputs"][0] == f"outbox/{FOLDER}/2026/沟通文件/2026-11-26_客户回访记录_陈思远.docx"
    assert result["findings"] == []
    assert result["tables"]["problems"][0] == {"no": "1", "problem": "主视觉在地铁灯箱样张上偏暗，产品包装看不清",
                                               "urgency": "紧急", "department": "创意部", "deadline": "2026-11-28",
                                               "status": "处理中"}


def test_an_urgent_problem_due_five_days_out_is_a_warning_at_its_cell(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    path = make_workbook(root / "inbox", "followup", rows={"problems": {0: {"deadline": D(2026, 12, 1)}}})
    code, out = run_json("run", str(path), root=root)
    (result,) = out["results"]
    assert code == 0 and result["status"] == "archived"  # a warning files the record, and says so
    assert [(f["check"], f["severity"], f["cells"], f["message"]) for f in result["findings"]] == [
        ("within", "warning", ["问题清单!E2"],
         "问题清单第2行是紧急问题，处理期限 2026-12-01 晚于 回访日期后3天（2026-11-29）")]


def test_a_problem_without_urgency_or_department_goes_to_review(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    path = make_workbook(root / "inbox", "followup",
                         rows={"problems": {1: {"urgency": None, "department": None}, 2: {"urgency": "特急"}}})
    code, out = run_json("run", str(path), root=root)
    (result,) = out["results"]
    assert code == 1 and result["status"] == "review"
    assert sorted((f["check"], tuple(f["cells"])) for f in result["findings"]) == [
        ("one_of", ("问题清单!C4",)), ("required", ("问题清单!C3",)), ("required", ("问题清单!D3",))]


def test_sample_writes_a_blank_follow_up_record(root: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "回访.xlsx"
    code, out = run_cli("sample", "客户回访记录", "-o", str(out_file), root=root)
    assert code == 0, out
    wb = openpyxl.load_workbook(out_file)
    assert wb.sheetnames == ["基本信息", "问题清单"]
    assert [c.value for c in wb["问题清单"][1]] == ["序号", "问题", "紧急程度", "负责部门", "处理期限", "状态"]
    assert "紧急 / 不紧急" in wb["问题清单"]["C1"].comment.text
    labels = [r[0].value for r in wb["基本信息"].iter_rows()]
    assert labels[:3] == ["文档类型", "客户", "品牌"] and "回访日期" in labels and "客户联系人" in labels
    code, out = run_cli("check", str(out_file), root=root)  # the blank one says what is missing
    assert code == 1 and "必填项「回访日期」为空" in out
