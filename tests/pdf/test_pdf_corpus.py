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

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pdf"
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # real subprocesses / the whole corpus: not in the quick loop

WORKER = r"""
import json, sys, time
from pathlib import Path
from automator.checks import run_checks
from automator.errors import InputError
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
        results = run_checks(doc, rule, ruleset.checks[rule.key])
        out = {"file": name, "doc_type": doc.doc_type, "pages": len(doc.sheets),
               "lines": sum(len(t.rows) for t in doc.tables.values()),
               "findings": [f.message for r in results for f in r.findings]}
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
CHINESE_INVOICE = "ofdrw__xbrl-001.pdf"  # 电子发票（航空运输电子客票行程单）


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


def test_chinese_e_invoice_is_read_as_an_invoice(outcomes: dict[str, dict]) -> None:  # type: ignore[type-arg]
    r = outcomes[CHINESE_INVOICE]
    assert r["doc_type"] == "invoice"
    # It is a flight itinerary, not a vendor invoice with line items: it goes to review, named.
    assert r["findings"]
