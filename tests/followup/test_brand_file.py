"""The brand file (outbox/<客户>/品牌档案.xlsx) after real runs: every document once per version,
newest first, with links that open the filed files; actions of the latest version of each report;
decisions, budgets, follow-up problems; strings kept as text; rebuilt from the ledger when deleted."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from conftest import run_cli, run_json
from followkit import CLIENT, FOLDER, D, DT, actions, links, report_fields, resolve, sheet_rows

SHEETS = ["文档", "行动事项", "决议", "预算", "回访问题"]


def _media(make_workbook, inbox: Path) -> Path:  # type: ignore[no-untyped-def]
    """The media brief a day after the creative brief, so "newest first" has one answer (a batch runs in parallel)."""
    return make_workbook(inbox, "media_brief", fields={"brief_date": D(2026, 11, 3)})


def _run(root: Path, *paths: Path) -> list[dict]:  # type: ignore[type-arg]
    code, out = run_json("run", *map(str, paths), root=root)
    return out["results"]


def test_every_document_once_per_version_newest_first_with_working_links(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    inbox = root / "inbox"
    results = _run(root, *(make_workbook(inbox, key) for key in ("agenda", "contact_report", "creative_brief",
                                                                   "followup")), _media(make_workbook, inbox))
    assert {r["status"] for r in results} == {"archived"}
    corrected = make_workbook(inbox, "contact_report", "客户会议报告-更正.xlsx",
                              rows={"actions": {0: {"status": "已完成"}}})
    (v2,) = _run(root, corrected)
    assert v2["version"] == 2
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == SHEETS
    docs = sheet_rows(book, "文档")
    assert [(r[0].date().isoformat(), r[1], r[3]) for r in docs] == [
        ("2026-11-26", "客户回访记录", 1), ("2026-11-24", "客户会议报告", 2), ("2026-11-24", "客户会议报告", 1),
        ("2026-11-24", "会议议程", 1), ("2026-11-03", "媒介简报", 1), ("2026-11-02", "创意简报", 1)]
    assert docs[2][4] == "已归档 · 已由第2版取代" and docs[1][4] == "已归档"
    targets = [resolve(book, t) for t in links(book, "文档")]
    filed = {(root / r["outputs"][0]).resolve() for r in [*results, v2]}
    assert set(targets) == filed and len(targets) == 6 and all(t.is_file() for t in targets)
    for sheet in SHEETS[1:]:
        assert all(resolve(book, t).is_file() for t in links(book, sheet)), sheet


def test_actions_come_from_the_latest_version_of_each_report(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    inbox = root / "inbox"
    fields = report_fields("冬季新品上市创意提案会", DT(2026, 11, 24, 14, 0))
    _run(root, make_workbook(inbox, "contact_report", "r1.xlsx", fields=fields,
                             tables=actions(("交付脚本初稿", "赵敏", D(2026, 11, 25), "进行中"),
                                            ("确认预算", "李娜", D(2026, 11, 26), "进行中"))))
    _run(root, make_workbook(inbox, "contact_report", "r1-更正.xlsx", fields=fields,
                             tables=actions(("交付脚本初稿（含分镜）", "赵敏", D(2026, 11, 29), "进行中"))))
    _run(root, make_workbook(inbox, "contact_report", "r2.xlsx",
                             fields=report_fields("脚本评审会", DT(2026, 11, 30, 10, 0)),
                             tables=actions(("交付脚本初稿（含分镜）", "赵敏", D(2026, 11, 30), "完成"),
                                            ("确认拍摄日期", "王磊", D(2026, 12, 3), "进行中"))))
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    rows = [(r[1], r[2], r[3], r[4], r[5], r[6]) for r in sheet_rows(book, "行动事项")]
    assert rows == [
        ("交付脚本初稿（含分镜）", "赵敏", "完成", "已了结", None, "2026-11-30 脚本评审会"),
        ("确认拍摄日期", "王磊", "进行中", "未了结", None, "2026-11-30 脚本评审会"),
        ("交付脚本初稿（含分镜）", "赵敏", "进行中", "已了结", "已在 2026-11-30 脚本评审会 中标为完成",
         "2026-11-24 冬季新品上市创意提案会")]
    decisions = sheet_rows(book, "决议")
    assert [d[1] for d in decisions] == ["创意方向", "TVC 时长", "上市时间"] * 2
    assert decisions[0][3] == "2026-11-30 脚本评审会"


def test_budgets_and_follow_up_problems(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    inbox = root / "inbox"
    _run(root, make_workbook(inbox, "creative_brief"), _media(make_workbook, inbox), make_workbook(inbox, "followup"))
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    budget = sheet_rows(book, "预算")
    totals = [(r[1], r[2], r[4]) for r in budget if r[3] == "批准总额"]
    assert totals == [("媒介简报", "星河暖酸奶冬季上市投放", 1200000), ("创意简报", "星河酸奶冬季新品上市", 350000)]
    assert ("分众电梯屏 15 秒视频", 480000) in [(r[3], r[4]) for r in budget]
    problems = sheet_rows(book, "回访问题")
    assert [(p[1], p[2], p[3], p[4].date().isoformat(), p[6]) for p in problems] == [
        ("主视觉在地铁灯箱样张上偏暗，产品包装看不清", "紧急", "创意部", "2026-11-28", "未了结"),
        ("希望每周收到一次投放数据简报", "不紧急", "媒介部", "2026-12-10", "未了结"),
        ("估价单中拍摄天数与脚本不一致，需核对", "紧急", "制作部", "2026-11-27", "未了结")]


def _as_text(path: Path, sheet: str, cell: str, value: str) -> None:
    """Type `value` into a cell as text (an AE's leading apostrophe): a string that starts with =."""
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell].value = value
    wb[sheet][cell].data_type = "s"
    wb.save(path)


def test_values_that_look_like_formulas_stay_text(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    evil = '=HYPERLINK("http://evil.example/","点我")'
    path = make_workbook(root / "inbox", "contact_report", fields=report_fields("周会", DT(2026, 11, 24, 14, 0)),
                         tables=actions(("+86 138 0000 0000 回电", "李娜", D(2026, 11, 27), "@SUM(A1)")))
    _as_text(path, "基本信息", "B4", evil)
    _as_text(path, "行动事项", "C2", "=1+1")
    (result,) = _run(root, path)
    assert result["status"] == "archived" and result["fields"]["meeting_title"]["value"] == evil
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    with zipfile.ZipFile(book) as zf:
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert all("<f>" not in s for s in sheets)  # no formula cell anywhere
    wb = openpyxl.load_workbook(book)
    cells = {c.value: c.data_type for row in wb["行动事项"].iter_rows(min_row=2) for c in row}
    assert cells["=1+1"] == "s" and cells["@SUM(A1)"] == "s" and cells["+86 138 0000 0000 回电"] == "s"
    assert evil in [r[2] for r in sheet_rows(book, "文档")]


def test_deleted_brand_file_comes_back_from_the_ledger(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    _run(root, make_workbook(root / "inbox", "agenda"), make_workbook(root / "inbox", "contact_report"))
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    before = sheet_rows(book, "文档")
    book.unlink()
    code, out = run_cli("rebuild-index", root=root)
    assert code == 0 and f"已重建 outbox/{FOLDER}/品牌档案.xlsx" in out
    assert sheet_rows(book, "文档") == before
    book.unlink()
    code, _ = run_cli("run", root=root)  # nothing to do, but the chore sees the file is missing
    assert book.is_file() and sheet_rows(book, "文档") == before
    assert not [p for p in book.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_client_with_only_documents_in_review_gets_no_folder(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    path = make_workbook(root / "inbox", "contact_report", fields={"client": "拼错的客户", "author": None})
    (result,) = _run(root, path)
    assert result["status"] == "review"
    assert not (root / "outbox" / "拼错的客户").exists()
    assert CLIENT  # the shipped client is untouched too
    assert not (root / "outbox" / FOLDER).exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_brand_file_and_follows_its_links(root: Path, make_workbook, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox = root / "inbox"
    _run(root, *(make_workbook(inbox, key) for key in ("agenda", "contact_report", "creative_brief", "followup")))
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    for kind in ("pdf", "html"):
        done = subprocess.run(["soffice", "--headless", "--convert-to", kind, "--outdir", str(book.parent), str(book)],
                              capture_output=True, text=True, timeout=180, env=env)
        assert book.with_suffix(f".{kind}").exists(), done.stderr
    text = subprocess.run(["pdftotext", str(book.with_suffix(".pdf")), "-"], capture_output=True, text=True).stdout
    assert "冬季新品上市创意提案会" in text and "主视觉在地铁灯箱样张上偏暗" in text and "批准总额" in text
    html = book.with_suffix(".html").read_text("utf-8", errors="replace")
    # LibreOffice writes the document's own (non-ASCII) folder as UTF-8 bytes read as Latin-1: mend that part.
    hrefs = [re.sub(r"[\x00-\xff]+", lambda m: m.group().encode("latin-1").decode("utf-8", "replace"), unquote(h))
             for h in re.findall(r'href="file://([^"]+)"', html)]
    assert len(hrefs) >= 4 and all(Path(h).is_file() for h in hrefs), hrefs  # LibreOffice resolves them to the files
