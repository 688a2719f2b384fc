"""Every real PDF in the shared corpus reads into a Document or is refused with a plain reason —
never another exception, never a hang — and the PDF checks run on what was read without crashing.

All files go through one subprocess (one import of pdfplumber) that reports each file as it
finishes; a time limit on the whole catches a hang and names the file it hung on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from decimal import Decimal

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pdf"
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # real subprocesses / the whole corpus: not in the quick loop

WORKER = r"""
import json, sys, time
from pathlib import Path
from automator.checks import run_checks
from automator.document import machine_form
from automator.errors import InputError
from automator.readers import Reading
from automator.readers.client import agency_names, check_buyer, settle_client
from automator.readers.pdf import read_pdf
from automator.rules import load_rules

ruleset = load_rules(Path(sys.argv[1]))
for name in sys.argv[2:]:
    print(json.dumps({"start": name}), flush=True)
    t = time.perf_counter()
    try:
        doc = read_pdf(Path(name), ruleset)
    except InputError as exc:
        out = {"file": name, "rejected": exc.message, "code": exc.code}
    else:
        rule = ruleset.rules[doc.doc_type]
        reading = Reading(doc, rule, "")
        agency = agency_names((), ruleset.agency)
        settle_client(reading, "inbox/客户A/" + Path(name).name, agency)  # as dropped into a client folder
        check_buyer(reading, agency)
        results = run_checks(doc, rule, ruleset.checks[rule.key])
        out = {"file": name, "doc_type": doc.doc_type, "pages": len(doc.sheets),
               "lines": sum(len(t.rows) for t in doc.tables.values()),
               "findings": [f.message for r in results for f in r.findings],
               "errors": [f.message for r in results for f in r.findings if f.severity == "error"],
               "fields": {k: v["value"] for k, v in machine_form(doc)[0].items()},
               "tables": machine_form(doc)[1]}
    out["seconds"] = round(time.perf_counter() - t, 3)
    print(json.dumps(out, ensure_ascii=False), flush=True)
"""

# What the corpus says each file is (SOURCES.md), and the outcome that follows.
REFUSED = {
    "pdfplumber__password-example.pdf": "pdf-encrypted",
    "pdfminer__aes-256-r6.pdf": "pdf-encrypted",
    "pdfplumber__empty.pdf": "pdf-damaged",
    "paperless__invalid_pdf.pdf": "pdf-damaged",
    "pdfplumber__issue-297-example.pdf": "pdf-damaged",   # zero pages
    "pdfminer__pdf-with-jbig2.pdf": "pdf-no-text-layer",  # a scan
}
ITINERARY = "ofdrw__xbrl-001.pdf"  # 电子发票（航空运输电子客票行程单）: no VAT invoice
# The real VAT invoices and what they print (SOURCES.md): read right, no error.
REAL_VAT = {
    "zwy4896__Invoice2Excel__JD_book.pdf": {
        "vendor": "江苏圆周电子商务有限公司上海分公司", "number": "02948319", "invoice_code": "031001700111",
        "doc_date": "2017-11-16", "subtotal": "108.10", "tax": "0", "total": "108.10", "tax_rate": "0",
        "total_capital": "壹佰零捌圆壹角"},
    "zwy4896__Invoice2Excel__67536084.pdf": {
        "vendor": "阿里云计算有限公司", "number": "67536084", "invoice_code": "033002000111", "doc_date": "2020-06-09",
        "subtotal": "2241.51", "tax": "134.49", "total": "2376.00", "tax_rate": "0.06",
        "total_capital": "贰仟叁佰柒拾陆圆整"},
    "ljfdufe__fapiao-print__7.22dizuo.pdf": {
        "vendor": "梁溪苏翼智能产品中心", "number": "25322000000337005189", "doc_date": "2025-07-22",
        "subtotal": "8562.72", "tax": "256.88", "total": "8819.60", "tax_rate": "0.03",
        "total_capital": "捌仟捌佰壹拾玖圆陆角整"},
}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict]:  # type: ignore[type-arg]
    files = sorted(CORPUS.glob("*.pdf"))
    if not files:
        pytest.skip(f"corpus not found at {CORPUS}")
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(REPO / "rules"), *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        out, err = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        started = [json.loads(x)["start"] for x in out.splitlines() if x.startswith('{"start"')]
        pytest.fail(f"reading the corpus hung on {started[-1] if started else '?'}")
    assert proc.returncode == 0, err[-3000:]
    results = [json.loads(x) for x in out.splitlines() if x.strip() and not x.startswith('{"start"')]
    assert len(results) == len(files)
    return {Path(r["file"]).name: r for r in results}


def test_every_file_has_a_clean_outcome(outcomes: dict[str, dict]) -> None:  # type: ignore[type-arg]
    for name, r in outcomes.items():
        if "rejected" in r:
            assert r["code"].startswith("pdf-") and r["rejected"].startswith(name + "："), r
        else:
            assert r["doc_type"] in ("quote", "invoice"), r
            assert not any("程序错误" in m for m in r["findings"]), r  # no check crashed on it
        assert r["seconds"] < 20, r


@pytest.mark.parametrize(("name", "code"), sorted(REFUSED.items()))
def test_unreadable_files_are_refused_with_the_reason(outcomes: dict[str, dict], name: str, code: str) -> None:  # type: ignore[type-arg]
    assert outcomes[name].get("code") == code, outcomes[name]


def test_flight_itinerary_is_refused_saying_it_is_no_vat_invoice(outcomes: dict[str, dict]) -> None:  # type: ignore[type-arg]
    r = outcomes[ITINERARY]
    assert r.get("code") == "pdf-not-vat-invoice", r
    assert "航空运输电子客票行程单" in r["rejected"] and "不是增值税发票" in r["rejected"]


@pytest.mark.parametrize("name", sorted(REAL_VAT))
def test_real_vat_invoices_are_read_with_the_printed_figures(outcomes: dict[str, dict], name: str) -> None:  # type: ignore[type-arg]
    r = outcomes[name]
    assert r["doc_type"] == "invoice" and r["errors"] == [], r
    assert {k: r["fields"].get(k) for k in REAL_VAT[name]} == REAL_VAT[name]
    assert "invoice_code" not in r["fields"] or name.startswith("zwy")  # 数电: 20 digits, no 发票代码
    lines = r["tables"]["lines"]
    assert sum(Decimal(x["amount"]) for x in lines) == Decimal(REAL_VAT[name]["subtotal"])


def test_real_invoice_lines_wrap_and_keep_13_decimals(outcomes: dict[str, dict]) -> None:  # type: ignore[type-arg]
    lines = outcomes["ljfdufe__fapiao-print__7.22dizuo.pdf"]["tables"]["lines"]
    assert [x["item"] for x in lines] == ["*公共安全设备*JTY-GD-G3X点型光电感烟火灾探测器",
                                          "*公共安全设备*JTW-ZCD-G3N点型感温火灾探测器", "*公共安全设备*DZ-02通用底座"]
    assert [x["spec"] for x in lines] == ["10106650", "10104658", "30208316"]
    assert lines[0]["unit_price"] == "33.3495145631068" and lines[0]["qty"] == "200"


def test_real_vat_invoices_dropped_in_a_client_folder_are_archived(root: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from conftest import run_json

    if not all((CORPUS / name).exists() for name in REAL_VAT):
        pytest.skip("corpus not found")
    folder = root / "inbox" / "客户A"
    folder.mkdir()
    for name in REAL_VAT:
        shutil.copy2(CORPUS / name, folder / name)
    code, out = run_json("run", root=root)
    for r in out["results"]:
        want = REAL_VAT[Path(r["input"]).name]
        assert (r["status"], r["client"]) == ("archived", "客户A"), r
        assert [f for f in r["findings"] if f["severity"] == "error"] == []
        assert {k: r["fields"][k]["value"] for k in want} == want
        assert r["outputs"][0].startswith("outbox/客户A/")
    assert code == 0 and len(out["results"]) == 3
