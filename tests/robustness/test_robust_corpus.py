"""Every real-world file in the shared corpus through the real CLI (issue 6, part 1).

One `automator run --json` subprocess per corpus folder (xlsx/, pdf/), each with
a time limit: every file must end archived, in review or rejected with a
reason and a hint, never with a traceback, a hang or a lost original. Every
.docx/.doc/.odt goes through `automator lint`: it passes or gets a message
naming where the problem is, never a traceback.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from robust import CORPUS, assert_clean, assert_kept, automator, leftovers, log_text, run, sha256

from automator.init import init_root

pytestmark = pytest.mark.slow  # real subprocesses / the whole corpus: not in the quick loop

UNSUPPORTED = {".xls", ".xlsb", ".ods", ".csv", ".numbers", ".fods", ".et"}
ENCRYPTED = {"excelize__encryptAES.xlsx", "excelize__encryptSHA512.xlsx", "sheetjs__password_2002_40_xor.xls",
             "pdfplumber__password-example.pdf", "pdfminer__aes-256-r6.pdf"}
# openpyxl opens these with zero sheets and no error; they are not empty (PROBE.md).
STRICT = {"sheetjs__sheet_visibility_strict.xlsx", "calamine__strict_iso_paths.xlsx"}
EMPTY = {"openpyxl__null_file.xlsx", "pdfplumber__empty.pdf"}


def _files(folder: str) -> list[Path]:
    return sorted(p for p in (CORPUS / folder).glob("*") if p.is_file())


def _run_folder(tmp_path_factory: pytest.TempPathFactory, folder: str) -> dict[str, Any]:
    files = _files(folder)
    if not files:
        pytest.skip(f"corpus not found at {CORPUS / folder}")
    root = tmp_path_factory.mktemp(f"corpus-{folder}") / "root"
    init_root(root)
    for path in files:
        shutil.copy2(path, root / "inbox" / path.name)
    code, results, stderr = run(root, timeout=300, jobs=2)
    return {"root": root, "code": code, "stderr": stderr, "files": files,
            "results": {Path(r["input"]).name: r for r in results}}


@pytest.fixture(scope="module")
def xlsx_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run_folder(tmp_path_factory, "xlsx")


@pytest.fixture(scope="module")
def pdf_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run_folder(tmp_path_factory, "pdf")


def _check_batch(batch: dict[str, Any]) -> None:
    root, results = batch["root"], batch["results"]
    assert sorted(results) == sorted(p.name for p in batch["files"]), "every file has exactly one result"
    for path in batch["files"]:
        result = results[path.name]
        assert_clean(result)
        assert_kept(root, result, sha256(path))
    assert leftovers(root) == []
    log = log_text(root)
    assert "unexpected error" not in log and "Traceback" not in log, log[-3000:]


def test_every_workbook_ends_cleanly_and_is_kept(xlsx_run: dict[str, Any]) -> None:
    _check_batch(xlsx_run)


def test_every_pdf_ends_cleanly_and_is_kept(pdf_run: dict[str, Any]) -> None:
    _check_batch(pdf_run)


def test_unsupported_formats_say_what_to_save_as(xlsx_run: dict[str, Any]) -> None:
    for name, result in xlsx_run["results"].items():
        if Path(name).suffix.lower() in UNSUPPORTED:
            assert result["status"] == "rejected", result
            assert ".xlsx" in result["reason"] + result["hint"], result


def test_no_workbook_is_rejected_for_being_of_an_unknown_type(xlsx_run: dict[str, Any]) -> None:
    """Issue 13: a readable workbook of no known type is checked as 通用表格 and filed, not rejected."""
    results = xlsx_run["results"].values()
    assert not [r for r in results if r.get("reason_code") == "unknown-type" or "哪种文档" in (r.get("reason") or "")]
    general = [r for r in results if r.get("doc_type") == "workbook"]
    assert len(general) >= 30  # most of the corpus is real, readable, but not ours
    for result in general:
        assert result["status"] in ("archived", "review"), result
        assert any(p.endswith(".md") for p in result["outputs"]), result  # filed with its report


def test_no_real_workbook_gets_a_false_error(xlsx_run: dict[str, Any]) -> None:
    """The corpus' workbooks are as their authors saved them: whatever the general check cannot
    decide is a warning; none of them may be sent to review for a figure it guessed wrong."""
    for name, result in xlsx_run["results"].items():
        if result["status"] == "rejected":
            continue
        errors = [f for f in result["findings"] if f["severity"] == "error"]
        assert errors == [], (name, errors)


def test_the_big_media_inventory_is_checked_quickly_and_its_external_link_warned(xlsx_run: dict[str, Any]) -> None:
    result = next(r for n, r in xlsx_run["results"].items() if n.startswith("tomwugdgz__mediaplaner"))
    assert result["status"] == "archived"
    assert [(f["severity"], f["code"], f["cells"]) for f in result["findings"]] == [
        ("warning", "client", []),  # dropped straight into inbox/: no client folder, none named
        ("warning", "external-link", ["户外点位导入表!E2796"])]


def test_encrypted_files_say_password_not_damaged(xlsx_run: dict[str, Any], pdf_run: dict[str, Any]) -> None:
    results = {**xlsx_run["results"], **pdf_run["results"]}
    for name in ENCRYPTED:
        result = results[name]
        assert result["status"] == "rejected"
        assert "密码" in result["reason"] and "损坏" not in result["reason"], result


def test_strict_open_xml_is_never_called_empty(xlsx_run: dict[str, Any]) -> None:
    for name in STRICT:  # read by calamine and checked like any other workbook
        result = xlsx_run["results"][name]
        assert (result["status"], result["doc_type"]) == ("archived", "workbook"), result


def test_zero_byte_files_say_empty(xlsx_run: dict[str, Any], pdf_run: dict[str, Any]) -> None:
    results = {**xlsx_run["results"], **pdf_run["results"]}
    for name in EMPTY:
        assert "空" in results[name]["reason"], results[name]


# --------------------------------------------------------------------------- templates

TEMPLATE_SUFFIXES = {".docx", ".doc", ".odt"}
# Known broken templates and a word their message must carry (PROBE.md).
BROKEN = {
    "docxtpl__template_error_tpl.docx": "endif",
    "mammoth__strict-format.docx": "Strict",
    "phpword__corrupted_main_document_part.docx": "word/document.xml",
    "phpword__reader.doc": ".doc",
    "phpword__reader.odt": ".odt",
    "poitl__935.docx": "{{?datas}}",
    "poitl__config_chinese.docx": "{{@头像}}",
    "poitl__config_spel.docx": "{{empty?:",
    "poitl__iterable_payment.docx": "{{?orders}}",
    "poitl__payment.docx": "{{#order}}",
    "poitl__resume.docx": "{{@portrait}}",
}
WHERE = re.compile(r"^(第\d+段|表格\d+|页眉|页脚|样式|页面设置|文件|第\d+节|属性|批注)")


def test_every_template_lints_to_a_pass_or_a_precise_message(tmp_path: Path) -> None:
    files = [p for p in _files("docx") if p.suffix.lower() in TEMPLATE_SUFFIXES]
    if not files:
        pytest.skip(f"corpus not found at {CORPUS / 'docx'}")
    proc = automator("lint", *map(str, files), "--root", str(tmp_path), cwd=tmp_path, timeout=180)
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    assert proc.returncode in (0, 1), proc.stderr
    by_file: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        for path in files:
            if line.startswith(f"{path}："):
                by_file.setdefault(path.name, []).append(line[len(str(path)) + 1:])
                break
        else:
            assert line == "模板检查通过。" or not line.strip(), f"a line that names no file: {line!r}"
    for name, lines in by_file.items():
        for message in lines:
            assert WHERE.match(message), f"{name}: message does not say where: {message}"
    for name, word in BROKEN.items():
        assert any(word in m for m in by_file.get(name, [])), (name, by_file.get(name))
