"""The PDF beside every archived Word document: made by a warm LibreOffice, checked (opens,
LibreOffice's page count, fonts embedded, Chinese text reads back) — and without
LibreOffice the document still archives and the user is told how to install it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_json
from automator.deliver.convert import Cold, Warm, converter
from automator.deliver.office import find_soffice, uno_python
from automator.deliver.pdfcheck import fonts, verify_pdf
from automator.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def docx(root: Path, make_workbook) -> Path:  # type: ignore[no-untyped-def]
    """A real archived contact report (and its PDF, made by the run)."""
    (root / "automator.yaml").write_text("pdf: {enabled: true}\n", "utf-8")
    make_workbook(root / "inbox", "contact_report")
    code, out = run_json("run", root=root)
    assert code == 0
    return root / out["results"][0]["outputs"][0]


def test_archived_document_gets_a_checked_pdf_beside_it(docx: Path) -> None:
    pdf = docx.with_suffix(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert verify_pdf(pdf, text="冬季新品上市创意提案会") == []
    used = fonts(pdf)
    assert any("CJK" in name for name in used) and all(used.values())


def test_warm_converter_counts_pages_as_libreoffice_lays_them_out(docx: Path, tmp_path: Path) -> None:
    conv = converter(Settings.from_root(docx.parents[4]))
    assert isinstance(conv, Warm)  # python3-uno is installed here: the fast path, not the fallback
    pages = conv.convert(docx, tmp_path / "a.pdf")
    assert pages == 2  # the docx says 1 (what Word last saved); LibreOffice lays out 2
    assert verify_pdf(tmp_path / "a.pdf", pages=pages) == []
    assert verify_pdf(tmp_path / "a.pdf", pages=3) == ["PDF 有 2 页，LibreOffice 排版的文档有 3 页"]
    # a helper that died is replaced at the next document
    assert conv.proc is not None
    conv.kill_group()  # LibreOffice crashes, its helper with it
    conv.proc.kill()
    conv.proc.wait()
    assert conv.convert(docx, tmp_path / "b.pdf") == 2


def test_cold_fallback_makes_the_same_checked_pdf(docx: Path, tmp_path: Path) -> None:
    soffice = find_soffice()
    assert soffice is not None and uno_python(soffice) is not None
    cold = Cold(soffice)
    try:
        cold.convert(docx, tmp_path / "c.pdf")
    finally:
        cold.close()
    assert verify_pdf(tmp_path / "c.pdf", pages=2, text="冬季新品上市创意提案会") == []


def test_a_broken_pdf_is_caught(tmp_path: Path) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really")
    assert verify_pdf(bad)[0].startswith("PDF 无法打开") or verify_pdf(bad) == ["PDF 没有页面"]


def test_readme_command_works_without_libreoffice(tmp_path: Path) -> None:
    """PATH without soffice (only the interpreter's folder): every example archives, the PDFs
    are said to be skipped, and doctor says how to install LibreOffice."""
    root = tmp_path / "root"
    env = {k: v for k, v in os.environ.items() if k not in ("AUTOMATOR_ROOT", "AUTOMATOR_SOFFICE")}
    env.update(PATH=str(Path(sys.executable).parent), PYTHONIOENCODING="utf-8")
    automator = [sys.executable, "-m", "automator"]
    subprocess.run([*automator, "init", str(root)], env=env, check=True, capture_output=True)
    examples = sorted(str(p) for p in (REPO / "examples").glob("*.xlsx"))
    done = subprocess.run([*automator, "run", *examples, "--root", str(root)], env=env, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("已归档") >= len(examples)
    assert "未安装 LibreOffice" in done.stdout and "apt-get install libreoffice-writer-nogui" in done.stdout
    assert len(list((root / "outbox").rglob("*.docx"))) == len(examples)
    assert not list((root / "outbox").rglob("*.pdf"))
    doctor = subprocess.run([*automator, "doctor", "--root", str(root)], env=env, text=True, capture_output=True)
    assert "未找到 LibreOffice" in doctor.stdout and "fonts-noto-cjk" in doctor.stdout
    status = subprocess.run([*automator, "status", "--json", "--root", str(root)], env=env, text=True,
                            capture_output=True)
    assert status.stdout.count('"kind": "pdf"') == len(examples)  # waiting, shown: they come once it is installed
    # Installed later: the next run makes the PDFs that waited.
    done = subprocess.run([*automator, "deliver", "--root", str(root)], text=True, capture_output=True,
                          env={**env, "PATH": os.environ["PATH"]}, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(list((root / "outbox").rglob("*.pdf"))) == len(examples)


def _offices(profile_prefix: str) -> set[int]:
    """soffice.bin processes whose profile lies under `profile_prefix`."""
    import psutil

    found = set()
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            if "soffice" in (proc.info["name"] or "") and any(profile_prefix in a for a in proc.info["cmdline"] or ()):
                found.add(proc.pid)
        except psutil.Error:
            continue
    return found


def test_a_process_killed_with_sigkill_leaves_no_libreoffice_behind(root: Path, tmp_path: Path) -> None:
    """The warm converter's LibreOffice dies with its helper, whatever kills the helper (a whole
    process group SIGKILLed, as a service manager or the OOM killer does)."""
    import signal
    import time

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = ("import sys, time; from pathlib import Path; from automator.deliver.convert import converter;"
            "from automator.settings import Settings;"
            "c = converter(Settings.from_root(sys.argv[1])); c.convert(Path(sys.argv[2]), Path(sys.argv[3]));"
            "print('done', flush=True); time.sleep(600)")
    make = subprocess.run([sys.executable, "-m", "automator", "sample", "客户会议报告", "-o", str(tmp_path / "x.xlsx"),
                           "--root", str(root)], capture_output=True, text=True)
    assert make.returncode == 0, make.stderr
    docx = REPO / "templates" / "contact_report.docx"
    proc = subprocess.Popen([sys.executable, "-c", code, str(root), str(docx), str(tmp_path / "out.pdf")],
                            stdout=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "TMPDIR": str(scratch)})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "done"
    assert _offices(str(scratch)), "the warm converter should be running"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while _offices(str(scratch)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _offices(str(scratch)) == set()


def test_profiles_left_by_killed_helpers_are_swept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile
    import time

    from automator.deliver.convert import STALE_PROFILE, sweep_profiles

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh = tmp_path / "automator-lo-old", tmp_path / "automator-lo-new"
    for folder in (old, fresh):
        (folder / "user").mkdir(parents=True)
    past = time.time() - STALE_PROFILE - 60
    os.utime(old, (past, past))
    sweep_profiles()
    assert not old.exists() and fresh.exists()
