"""The brand file from kept rows (automator/followup/brandcache.py): a file put together from rows
rendered one run at a time is byte for byte the file rendered anew from the ledger; a damaged kept
row is rendered again, never trusted; a changed rule (done words) renders the old documents again;
a seal and a later version change the 状态 of rows rendered before them."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from conftest import run_cli, run_json
from followkit import CLIENT, FOLDER, D, DT, actions, links, report_fields, resolve, sheet_rows


def _parts(book: Path) -> dict[str, bytes]:
    """Every part of the package but its creation time."""
    with zipfile.ZipFile(book) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def _run(root: Path, path: Path) -> dict:  # type: ignore[type-arg]
    code, out = run_json("run", str(path), root=root)
    (result,) = out["results"]
    assert result["status"] == "archived", result
    return result


def _history(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    """Six documents, one run each: every rebuild puts kept rows together with one new document."""
    inbox = root / "inbox"
    first = report_fields("冬季新品上市创意提案会", DT(2026, 11, 24, 14, 0))
    for path in (make_workbook(inbox, "agenda"),
                 make_workbook(inbox, "contact_report", "r1.xlsx", fields=first,
                               tables=actions(("交付脚本初稿", "赵敏", D(2026, 11, 25), "进行中"),
                                              ("确认预算", "李娜", D(2026, 11, 26), "进行中"))),
                 make_workbook(inbox, "contact_report", "r1-更正.xlsx", fields=first,   # its _v2
                               tables=actions(("交付脚本初稿", "赵敏", D(2026, 11, 29), "进行中"))),
                 make_workbook(inbox, "contact_report", "r2.xlsx",
                               fields=report_fields("脚本评审会", DT(2026, 11, 30, 10, 0)),
                               tables=actions(("交付脚本初稿", "赵敏", D(2026, 11, 30), "完成"))),
                 make_workbook(inbox, "followup"), make_workbook(inbox, "creative_brief")):
        _run(root, path)


def test_a_file_of_kept_rows_is_the_file_rendered_anew(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    _history(root, make_workbook)
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    kept = _parts(book)
    assert [r[4] for r in sheet_rows(book, "文档")].count("已归档 · 已由第2版取代") == 1
    settled = [(r[1], r[4], r[5]) for r in sheet_rows(book, "行动事项")]
    assert settled == [("交付脚本初稿", "已了结", None),
                       ("交付脚本初稿", "已了结", "已在 2026-11-30 脚本评审会 中标为完成")]
    for sheet in ("文档", "行动事项", "决议", "预算", "回访问题"):   # a document's rows share one range link
        targets = links(book, sheet)
        assert len(targets) == len(sheet_rows(book, sheet)) > 0 and all(resolve(book, t).is_file() for t in targets)
    with sqlite3.connect(root / "ledger.sqlite") as db:
        archived = db.execute("SELECT COUNT(*) FROM inputs WHERE status='archived'").fetchone()[0]
        assert db.execute("SELECT COUNT(*) FROM brand_rows").fetchone()[0] == archived == 6
    code, _ = run_cli("rebuild-index", root=root)   # every document rendered again, from the ledger only
    assert code == 0 and _parts(book) == kept


def test_a_damaged_kept_row_is_rendered_again(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    _history(root, make_workbook)
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    with sqlite3.connect(root / "ledger.sqlite") as db:
        # a report's actions cut short; the last document's facts no JSON
        db.execute("UPDATE brand_rows SET sheet2 = x'00' WHERE entry = (SELECT MIN(entry) FROM brand_rows "
                   "WHERE length(sheet2) > 0)")
        db.execute("UPDATE brand_rows SET meta = x'7b' WHERE entry = (SELECT MAX(entry) FROM brand_rows)")
    _run(root, make_workbook(root / "inbox", "media_brief"))
    assert len(sheet_rows(book, "文档")) == 7
    kept = _parts(book)
    with sqlite3.connect(root / "ledger.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM brand_rows WHERE sheet2 = x'00' OR meta = x'7b'").fetchone()[0] == 0
    run_cli("rebuild-index", root=root)
    assert _parts(book) == kept


def test_a_new_done_word_settles_actions_of_documents_rendered_before(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    _run(root, make_workbook(root / "inbox", "contact_report", "r1.xlsx",
                             tables=actions(("交付脚本初稿", "赵敏", D(2026, 11, 25), "已落实"))))
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    assert [r[4] for r in sheet_rows(book, "行动事项")] == ["未了结"]
    words = root / "rules" / "words.yaml"
    words.write_text(words.read_text("utf-8").replace("done: [完成,", "done: [已落实, 完成,"), "utf-8")
    _run(root, make_workbook(root / "inbox", "agenda"))   # the client's next document rebuilds the file
    assert [r[4] for r in sheet_rows(book, "行动事项")] == ["已了结"]


def test_a_seal_marks_documents_rendered_before_it(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    _run(root, make_workbook(root / "inbox", "agenda"))
    code, out = run_cli("seal", "--month", DT.now().strftime("%Y-%m"), root=root)
    assert code == 0, out
    _run(root, make_workbook(root / "inbox", "contact_report"))   # the next document rebuilds the file
    book = root / "outbox" / FOLDER / "品牌档案.xlsx"
    status = {r[1]: r[4] for r in sheet_rows(book, "文档")}
    assert status["会议议程"] == f"已归档 · 已封存 {DT.now():%Y-%m}"   # (the report too, if filed in the seal's second)
    kept = _parts(book)
    run_cli("rebuild-index", root=root)
    assert _parts(book) == kept and CLIENT
