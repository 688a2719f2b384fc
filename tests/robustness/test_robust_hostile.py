"""Hostile input through the real CLI (issue 6, part 2): encrypted workbooks,
zip and XML bombs, huge and far-flung tables, cells that look like template
code or XML, external links, client names that try to leave outbox/, odd
file names. Each ends archived, in review, or rejected saying why — within
bounded time and memory, with the original kept."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from robust import CORPUS, EXAMPLES, assert_clean, assert_kept, by_name, leftovers, measured_run, run, sha256

from automator.safe_names import _RESERVED

pytestmark = pytest.mark.slow  # real subprocesses: not in the quick loop

AGENDA = EXAMPLES / "会议议程-冬季新品提案会.xlsx"
AGENDA_SHEET = "xl/worksheets/sheet2.xml"  # the 议程 table of the agenda example
FORM_SHEET = "xl/worksheets/sheet1.xml"    # 基本信息
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def rewrite(src: Path, dst: Path, parts: dict[str, bytes | Callable[[bytes], bytes]]) -> Path:
    """A copy of the workbook `src` with some parts replaced (bytes) or changed (a function)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            change = parts.get(info.filename)
            data = zin.read(info)
            if callable(change):
                data = change(data)
            elif change is not None:
                data = change
            zout.writestr(info.filename, data)
    return dst


def table_xml(rows: int) -> bytes:
    """The agenda's 议程 sheet with `rows` records, written directly (openpyxl takes ~9 s for 100k)."""
    out = [f'<worksheet {MAIN}><sheetData><row r="1">'
           '<c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>议题</t></is></c>'
           '<c r="C1" t="inlineStr"><is><t>负责人</t></is></c><c r="D1" t="inlineStr"><is><t>时长(分钟)</t></is></c></row>']
    out += [f'<row r="{r}"><c r="A{r}"><v>{r - 1}</v></c><c r="B{r}" t="inlineStr"><is><t>议题{r}</t></is></c>'
            f'<c r="C{r}" t="inlineStr"><is><t>王磊</t></is></c><c r="D{r}"><v>15</v></c></row>'
            for r in range(2, rows + 2)]
    out.append("</sheetData></worksheet>")
    return "".join(out).encode()


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def _docx(root: Path, result: dict[str, Any]) -> Path:
    return root / next(o for o in result["outputs"] if o.endswith(".docx"))


# --------------------------------------------------------------------------- encrypted

def test_an_encrypted_workbook_is_rejected_as_password_protected(root: Path, tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    made = root / "inbox" / "加密的议程.xlsx"
    with AGENDA.open("rb") as plain, made.open("wb") as out:
        OOXMLFile(plain).encrypt("密码123", out)
    corpus = sorted((CORPUS / "xlsx").glob("excelize__encrypt*.xlsx"))
    for path in corpus:
        shutil.copy(path, root / "inbox" / path.name)
    originals = {p.name: sha256(p) for p in (root / "inbox").iterdir()}
    _, results, _ = run(root)
    assert len(results) == 1 + len(corpus)
    for name, result in by_name(results).items():
        assert result["status"] == "rejected", result
        assert "密码" in result["reason"] and "损坏" not in result["reason"], result
        assert "密码" in result["hint"], result
        assert_kept(root, result, originals[name])
    assert leftovers(root) == []


# --------------------------------------------------------------------------- bombs

def _size_bomb(path: Path, megabytes: int) -> Path:
    """A well-formed workbook whose 议程 sheet unpacks to `megabytes` MB (one long cell)."""
    with zipfile.ZipFile(AGENDA) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != AGENDA_SHEET:
                zout.writestr(info.filename, zin.read(info))
                continue
            with zout.open(AGENDA_SHEET, "w", force_zip64=True) as fh:
                fh.write(f'<worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode())
                block = b"A" * (1 << 20)
                for _ in range(megabytes):
                    fh.write(block)
                fh.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


def _lying_bomb(path: Path) -> Path:
    """A 30 MB sheet whose zip headers claim 1,000 bytes (what a bomb does to slip past size checks)."""
    _size_bomb(path, 30)
    data = bytearray(path.read_bytes())
    name = AGENDA_SHEET.encode()
    for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(signature)
        while at != -1:
            length = int.from_bytes(data[at + name_len_at:at + name_len_at + 2], "little")
            if data[at + name_at:at + name_at + length] == name:
                data[at + size_at:at + size_at + 4] = (1000).to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
          + "]>").encode()


def _far_cell(data: bytes) -> bytes:
    """Add one cell at XFD1048576: calamine would allocate 16384 × 1048576 cells (550 GB) for it."""
    return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')


def _merged_column(data: bytes) -> bytes:
    """A formula (so openpyxl reads it) and all of column B merged: openpyxl alone took 49 s and 900 MB."""
    return data.replace(b"</row></sheetData>", b'<c r="C11"><f>1+1</f><v>2</v></c></row></sheetData>'
                        b'<mergeCells count="1"><mergeCell ref="B4:B1048576"/></mergeCells>', 1)


def _beyond_the_sheet(data: bytes) -> bytes:
    """A cell address past XFD1048576: calamine aborts the whole process on it."""
    return data.replace(b'r="A1"', b'r="ZZZZZZ1"', 1)


def test_bombs_are_refused_in_bounded_time_and_memory(root: Path) -> None:
    inbox = root / "inbox"
    rewrite(AGENDA, inbox / "合并整列.xlsx", {FORM_SHEET: _merged_column})
    rewrite(AGENDA, inbox / "超出表格的地址.xlsx", {FORM_SHEET: _beyond_the_sheet})
    _size_bomb(inbox / "压缩炸弹-210MB.xlsx", 210)
    _size_bomb(inbox / "压缩比炸弹-12MB.xlsx", 12)
    _lying_bomb(inbox / "谎报大小.xlsx")
    rewrite(AGENDA, inbox / "XML实体炸弹.xlsx",
            {FORM_SHEET: lambda d: LAUGHS + d.replace(b"<is><t>", b"<is><t>&lol9;", 2)})
    rewrite(AGENDA, inbox / "远处单元格.xlsx", {AGENDA_SHEET: _far_cell})
    originals = {p.name: sha256(p) for p in inbox.iterdir()}
    results, megabytes, seconds = measured_run(root, timeout=120)
    expected = {"压缩炸弹-210MB.xlsx": "炸弹", "压缩比炸弹-12MB.xlsx": "炸弹", "谎报大小.xlsx": "损坏",
                "XML实体炸弹.xlsx": "XML 实体", "远处单元格.xlsx": "XFD1048576", "合并整列.xlsx": "B4:B1048576",
                "超出表格的地址.xlsx": "ZZZZZZ1"}
    results_by = by_name(results)
    assert sorted(results_by) == sorted(expected)
    for name, word in expected.items():
        result = results_by[name]
        assert result["status"] == "rejected" and word in result["reason"], result
        assert_kept(root, result, originals[name])
    # Measured here: ~75 MB and ~3 s for all seven (most of it start-up), on a loaded 2-core VM.
    assert megabytes < 300, megabytes
    assert seconds < 30, seconds


@pytest.mark.parametrize("rows,word", [(100_000, "单元格过多"), (3_000, "上限 2,000 行")])
def test_a_huge_table_is_refused_quickly(root: Path, rows: int, word: str) -> None:
    big = rewrite(AGENDA, root / "inbox" / f"议程-{rows}行.xlsx", {AGENDA_SHEET: table_xml(rows)})
    original = sha256(big)
    results, megabytes, seconds = measured_run(root, timeout=120)
    (result,) = results
    assert result["status"] == "rejected" and word in result["reason"], result
    assert_kept(root, result, original)
    # Measured: 100k rows ~0.3 s past start-up and ~75 MB (openpyxl alone: 13 s, 280 MB).
    assert megabytes < 300, megabytes
    assert seconds < 30, seconds


# --------------------------------------------------------------------------- cell contents

NASTY = {
    "jinja": "{{ 7*7 }} {% for x in y %}{% endfor %} {# 注释 #} {{ ''.__class__ }}",
    "xml": "R&D <Team> \"引号\" '单引号' & 合伙人 </w:t>",
    "long": "长" * 10_000,
    "emoji": "双十一 🎉🚀 👨‍👩‍👧 客户😀",
}
CONTROL = "A_x000B_B_x0001_C_x001F_D"  # how Excel stores pasted control characters: \x0b \x01 \x1f


def test_cells_that_look_like_code_or_xml_are_rendered_exactly(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    for key, text in {**NASTY, "control": "CONTROLMARK"}.items():
        make_workbook(root / "inbox", "agenda", f"{key}.xlsx", fields={"meeting_title": text, "venue": text},
                      rows={"items": {0: {"topic": text}}})
    path = root / "inbox" / "control.xlsx"
    with zipfile.ZipFile(path) as zf:
        parts = {name: (lambda d: d.replace(b"CONTROLMARK", CONTROL.encode())) for name in zf.namelist()}
    rewrite(path, root / "control.xlsx", parts).replace(path)
    _, results, _ = run(root)
    results_by = by_name(results)
    for key, text in {**NASTY, "control": "ABCD"}.items():
        result = results_by[f"{key}.xlsx"]
        assert_clean(result)
        if result["status"] != "archived":  # a finding is acceptable; silence and corruption are not
            assert result["findings"], result
            continue
        body = docx_text(_docx(root, result))
        assert body.count(text) >= 2, (key, body[:500])  # the title field and the table cell, verbatim


def test_a_formula_into_another_workbook_is_a_finding_on_its_cell(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "creative_brief", fields={"budget_total": "='C:\\预算\\[2026预算.xlsx]Sheet1'!$B$2"},
                  rows={"deliverables": {0: {"amount": "=[1]Sheet1!A1"}}})
    _, (result,), _ = run(root)
    assert result["status"] == "review"
    linked = [f for f in result["findings"] if "外部链接" in f["message"]]
    assert sorted(c for f in linked for c in f["cells"]) == ["交付物!E2", "基本信息!B15"], result["findings"]


# --------------------------------------------------------------------------- names

CLIENTS = ["..", "CON", "aux.txt", "客" * 300, '/\\:*?"<>|', "../../etc", "x/../../..", "NUL.星河", " . "]


def test_client_names_never_lead_outside_outbox(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    for i, client in enumerate(CLIENTS):
        make_workbook(root / "inbox", "agenda", f"客户{i}.xlsx", fields={"client": client, "meeting_title": f"会议{i}"})
    _, results, _ = run(root)
    outbox = (root / "outbox").resolve()
    assert len(results) == len(CLIENTS)
    for result in results:
        assert result["status"] == "archived", result
        for output in result["outputs"]:
            path = (root / output).resolve()
            assert path.is_file() and path.is_relative_to(outbox), output
            for part in path.relative_to(outbox).parts:
                assert part not in ("", ".", "..") and part == part.strip(" ."), output
                assert part.split(".")[0].upper() not in _RESERVED, output
                assert len(part.encode()) <= 255, output
                assert not set(part) & set('\\/:*?"<>|'), output
    folders = {p.name for p in (root / "outbox").iterdir()}
    assert {"_CON", "_aux.txt", "_NUL.星河"} <= folders


def test_files_are_read_by_content_whatever_their_name(root: Path) -> None:
    inbox = root / "inbox"
    names = {"议程无扩展名": "会议议程-冬季新品提案会.xlsx", "简报.pdf.xlsx": "创意简报-星河暖酸奶.xlsx",
             "媒介.XLSX": "媒介简报-星河暖酸奶.xlsx", "报告.xlsx.bak": "客户会议报告-冬季新品提案会.xlsx"}
    for name, example in names.items():
        shutil.copy(EXAMPLES / example, inbox / name)
    (inbox / "空文件.xlsx").write_bytes(b"")
    (inbox / "空").write_bytes(b"")
    originals = {p.name: sha256(p) for p in inbox.iterdir()}
    _, results, _ = run(root)
    results_by = by_name(results)
    for name in names:
        assert results_by[name]["status"] == "archived", results_by[name]
    for name in ("空文件.xlsx", "空"):
        assert results_by[name]["status"] == "rejected" and "空" in results_by[name]["reason"]
    for name, result in results_by.items():
        assert_kept(root, result, originals[name])
    assert leftovers(root) == []


def test_a_workbook_only_calamine_reads_still_goes_to_review(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    made = make_workbook(root, "contact_report", totals={"budget": {"amount": 310000}})
    with zipfile.ZipFile(made) as zin, zipfile.ZipFile(root / "inbox" / "反斜杠路径.xlsx", "w") as zout:
        for info in zin.infolist():  # as calamine__issue_530.xlsx: members named xl\workbook.xml
            name = info.filename.replace("/", "\\") if info.filename.startswith("xl/") else info.filename
            zout.writestr(name, zin.read(info), zipfile.ZIP_DEFLATED)
    _, (result,), _ = run(root)
    assert result["status"] == "review", result
    assert any(f["check"] == "sum" for f in result["findings"])


def test_thousands_of_uncomputed_formulas_do_not_stall_the_reader(root: Path) -> None:
    """Formulas without cached results are computed — up to a limit: 5,000 rows of
    =SUM(…)+IF(…) once took 82 s and 560 MB; past the limit they are marked, not computed."""
    import openpyxl

    wb = openpyxl.load_workbook(AGENDA)
    ws = wb["议程"]
    for r in range(2, 1902):
        ws.append([r - 1, f"议题{r}", "王磊", f"=SUM($A$1:$A$1901)+IF(A{r}>0,1,0)"])
    wb.save(root / "inbox" / "公式很多.xlsx")
    results, megabytes, seconds = measured_run(root, timeout=120)
    (result,) = results
    assert result["status"] == "review", result
    assert any("没有保存计算结果" in f["message"] for f in result["findings"])
    # Measured: ~2 s and ~100 MB; computing all 1,900 would take ~15 s here.
    assert seconds < 10 and megabytes < 400, (seconds, megabytes)
