"""End to end: workbooks in, documents and statuses out (contract §2–3)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import MINIMAL_REPORT, NAMES, raw_workbook, run_cli, run_json, tree


def docx_text(path: Path) -> str:
    """All visible text: body paragraphs, tables, headers and footers."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts += [p.text for p in part.paragraphs]
            parts += [c.text for t in part.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def only(results: dict) -> dict:  # type: ignore[type-arg]
    assert len(results["results"]) == 1, results
    return results["results"][0]


@pytest.mark.parametrize("key,folder,name,expected", [
    ("agenda", "会议纪要", "2026-11-24_会议议程_冬季新品上市创意提案会",
     ["会议议程", "冬季新品上市创意提案会", "2026年11月24日", "14:00", "消费者洞察与核心诉求", "陈思远"]),
    ("contact_report", "会议纪要", "2026-11-24_客户会议报告_冬季新品上市创意提案会",
     ["客户会议报告", "采用方案 B「暖暖的，刚刚好」", "提交 TVC 制作估价单（PE）供客户审批", "2026年11月27日", "¥300,000.00",
      "¥180,000.00"]),
    ("creative_brief", "策略", "2026-11-02_创意简报_星河酸奶冬季新品上市",
     ["创意简报", "温热也好喝的酸奶。", "¥350,000.00", "2026年12月15日", "H5 互动页面"]),
    ("media_brief", "媒介", "2026-11-02_媒介简报_星河暖酸奶冬季上市投放",
     ["媒介简报", "分众电梯屏", "¥1,200,000.00", "¥480,000.00", "8折", "40%"]),
])
def test_each_type_is_archived_with_its_text(root: Path, make_workbook, key: str, folder: str, name: str,  # type: ignore[no-untyped-def]
                                             expected: list[str]) -> None:
    make_workbook(root / "inbox", key)
    code, out = run_json("run", root=root)
    result = only(out)
    assert (code, result["status"], result["doc_type"]) == (0, "archived", key), result
    base = f"outbox/星河乳业(上海)有限公司/2026/{folder}/{name}"
    assert result["outputs"] == [f"{base}.docx", f"{base}.检查报告.md", f"{base}.xlsx"]
    assert [f for f in result["findings"] if f["severity"] == "error"] == []
    text = docx_text(root / f"{base}.docx")
    for snippet in expected:
        assert snippet in text, snippet
    assert "华夏智联广告有限公司" in text
    assert "None" not in text and "nan" not in text
    assert list((root / "inbox").iterdir()) == []  # moved, not copied
    assert not any((root / "processing").iterdir())


def test_the_source_is_kept_byte_for_byte(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    original = make_workbook(root.parent, "agenda").read_bytes()
    shutil.copy(root.parent / NAMES["agenda"], root / "inbox")
    _, out = run_json("run", root=root)
    kept = root / only(out)["outputs"][2]
    assert kept.read_bytes() == original


def test_a_failed_check_goes_to_review_with_marked_copy(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "contact_report", totals={"budget": {"amount": 310000}})
    code, out = run_json("run", root=root)
    result = only(out)
    assert (code, result["status"]) == (1, "review")
    sums = [f for f in result["findings"] if f["check"] == "sum"]
    assert sums and sums[0]["cells"][0] == "预算!B5" and sums[0]["severity"] == "error"
    folder = root / "outbox/_待复核/2026-11-24_客户会议报告_冬季新品上市创意提案会"
    assert sorted(p.name for p in folder.iterdir()) == sorted([
        "2026-11-24_客户会议报告_冬季新品上市创意提案会.草稿-未通过检查.docx",
        "2026-11-24_客户会议报告_冬季新品上市创意提案会.标注.xlsx",
        "检查报告.md", "原因.txt", NAMES["contact_report"]])
    assert not (root / "outbox/星河乳业(上海)有限公司").exists()  # nothing in the client archive
    assert "预算!B5" in (folder / "原因.txt").read_text("utf-8")


def test_values_typed_as_text_and_english_labels(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "media_brief", "plan.xlsx", labels="en",
                  fields={"campaign_start": "2026年12月1日", "budget_total": "RMB 1,200,000"})
    code, out = run_json("run", root=root)
    assert (code, only(out)["status"]) == (0, "archived"), out


@pytest.mark.parametrize("client,folder", [
    ("CON", "_CON"), ("..", "未填客户"), ("客户/部门:A*?", "客户_部门_A__"), ("aux.txt", "_aux.txt"),
    ("某某（上海）", "某某(上海)"), ("广" * 300, "广" * 66)])
def test_unsafe_client_names_stay_inside_outbox(root: Path, make_workbook, client: str, folder: str) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "agenda", fields={"client": client})
    _, out = run_json("run", root=root)
    result = only(out)
    assert result["status"] == "archived"
    assert result["outputs"][0].startswith(f"outbox/{folder}/2026/会议纪要/")
    for output in result["outputs"]:
        assert (root / output).resolve().is_relative_to((root / "outbox").resolve())


def test_same_content_twice_is_a_duplicate(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    first = make_workbook(root.parent, "agenda")
    shutil.copy(first, root / "inbox" / "a.xlsx")
    run_json("run", root=root)
    before = tree(root / "outbox")
    shutil.copy(first, root / "inbox" / "again.xlsx")
    code, out = run_json("run", root=root)
    assert (code, only(out)["status"]) == (0, "duplicate")
    assert tree(root / "outbox") == before
    assert list((root / "inbox").iterdir()) == []


def test_a_corrected_workbook_becomes_v2_and_says_what_changed(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "contact_report")
    run_json("run", root=root)
    make_workbook(root / "inbox", "contact_report", fields={"venue": "线上会议（腾讯会议）"})
    _, out = run_json("run", root=root)
    result = only(out)
    assert result["status"] == "archived" and result["version"] == 2
    assert result["outputs"][0].endswith("冬季新品上市创意提案会_v2.docx")
    assert any(c.startswith("地点：") and "线上会议" in c for c in result["changes"])
    report = (root / result["outputs"][1]).read_text("utf-8")
    assert "线上会议" in report
    code, text = run_cli("explain", Path(result["outputs"][0]).name, root=root)
    assert code == 0 and "第 2 版" in text and "地点" in text


def test_a_name_collision_gets_a_suffix_never_an_overwrite(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "agenda")
    _, out = run_json("run", root=root)
    path = root / only(out)["outputs"][0]
    # Someone saved a file by hand under the name the next document wants.
    path.rename(path.with_name("moved.docx"))
    path.write_bytes(b"hand-made")
    make_workbook(root / "inbox", "agenda", fields={"venue": "另一间会议室"})
    _, out = run_json("run", root=root)
    assert path.read_bytes() == b"hand-made"
    assert only(out)["outputs"][0] != str(path.relative_to(root))


@pytest.mark.parametrize("name,content,reason", [
    ("damaged.xlsx", b"PK\x03\x04" + b"\x00" * 200, "损坏"),
    ("notes.xlsx", "客户,金额\n星河,100\n".encode(), "CSV"),
    ("empty.xlsx", b"", "空的"),
])
def test_unreadable_files_are_rejected_with_the_original_kept(root: Path, name: str, content: bytes, reason: str) -> None:
    (root / "inbox" / name).write_bytes(content)
    code, out = run_json("run", root=root)
    result = only(out)
    assert (code, result["status"]) == (1, "rejected")
    assert reason in result["reason"]
    kept = root / "outbox" / "_已拒收" / name
    assert kept.read_bytes() == content
    note = (root / "outbox" / "_已拒收" / f"{Path(name).stem}.原因.txt").read_text("utf-8")
    assert reason in note


def test_a_workbook_of_no_known_type_is_checked_and_filed_not_rejected(root: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(root / "inbox" / "通讯录.xlsx")
    code, out = run_json("run", root=root)
    result = only(out)
    assert (code, result["status"], result["doc_type"]) == (0, "archived", "workbook"), result
    assert [Path(p).suffix for p in result["outputs"]] == [".xlsx", ".md"]  # the workbook itself and its report
    assert Path(result["outputs"][0]).parent.name == "其他"


def test_without_the_general_type_an_unknown_workbook_is_rejected_with_the_types_listed(root: Path) -> None:
    import openpyxl

    (root / "rules" / "workbook.yaml").unlink()  # a root set up before 通用表格 existed
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(root / "inbox" / "通讯录.xlsx")
    code, out = run_json("run", root=root)
    result = only(out)
    assert result["status"] == "rejected"
    assert "无法判断" in result["reason"] and "媒介简报" in result["hint"]
    assert (root / "outbox/_已拒收/通讯录.xlsx").exists()


def test_markup_and_template_syntax_in_data_come_out_as_typed(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    title = 'R&D <Team> "A" & {{ 7*7 }} {% if 1 %}x{% endif %}'
    make_workbook(root / "inbox", "agenda", fields={"meeting_title": title, "venue": "A&B <会议室>"})
    _, out = run_json("run", root=root)
    result = only(out)
    assert result["status"] == "archived", result
    text = docx_text(root / result["outputs"][0])
    assert title in text and "A&B <会议室>" in text and "49" not in text
    with zipfile.ZipFile(root / result["outputs"][0]) as zf:
        from lxml import etree

        for part in zf.namelist():
            if part.startswith("word/") and part.endswith(".xml"):
                etree.fromstring(zf.read(part))  # strict parse: raises on broken XML


def test_a_formula_without_cached_value_is_never_zero(root: Path) -> None:
    raw_workbook(root / "inbox" / "f.xlsx", {
        "基本信息": MINIMAL_REPORT,
        "预算": [("项目", "金额"), ("拍摄", 100), ("剪辑", 50), ("合计", "=B2+B3+1000")]})  # no cached value
    _, out = run_json("run", root=root)
    result = only(out)
    # The script-written total (=1150) disagrees with the lines (150): a real check, never a silent 0.
    assert result["status"] == "review"
    assert any("预算!B4" in f["cells"] for f in result["findings"]), result["findings"]


def test_dry_run_changes_nothing(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "creative_brief")
    before = tree(root)
    code, out = run_json("run", "--dry-run", root=root)
    result = only(out)
    assert result["status"] == "archived"
    assert result["outputs"][0].startswith("outbox/星河乳业(上海)有限公司/2026/策略/")
    assert tree(root) == before


def test_exit_codes_and_json_shape(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "agenda")
    (root / "inbox" / "bad.xlsx").write_bytes(b"junk")
    code, out = run_json("run", root=root)
    assert code == 1
    for result in out["results"]:
        assert set(result) >= {"input", "status", "doc_type", "client", "outputs", "findings"}
        assert result["input"].startswith("inbox/")
    code, _ = run_cli("run", "--root", str(root / "nowhere"))
    assert code == 2


def test_history_lists_inputs(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "agenda")
    run_json("run", root=root)
    code, out = run_cli("history", "--json", root=root)
    entries = json.loads(out)["history"]
    assert code == 0 and entries[0]["status"] == "archived" and entries[0]["input"].endswith(NAMES["agenda"])
