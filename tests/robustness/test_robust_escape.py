"""Hostile surroundings (issue 11): nothing lost, nothing escapes the root, no hang, no traceback.

Each test makes the surrounding real — a writer that still holds the file, links out of the
root, pipes and sockets, linked system folders, PDF and workbook bombs, names a file system
refuses, terminal escapes, paths past PATH_MAX — and runs the real CLI as a process.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from robust import EXAMPLES, automator, leftovers, log_text, measured_run, run, sha256, unprivileged, \
    world_writable_root

pytestmark = pytest.mark.slow  # real subprocesses: not in the quick loop

AGENDA = "会议议程-冬季新品提案会.xlsx"
CLIENT = "星河乳业(上海)有限公司"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    from automator.init import init_root

    path = tmp_path / "root"
    init_root(path)
    return path


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()) if folder.exists() else []


def archived(root: Path) -> list[Path]:
    return [p for p in files_in(root / "outbox" / CLIENT) if p.suffix == ".docx"]


# --------------------------------------------------------------------------- a file still being written

def test_run_leaves_a_file_its_writer_still_holds_and_takes_it_once_complete(root: Path) -> None:
    data = (EXAMPLES / AGENDA).read_bytes()
    target = root / "inbox" / AGENDA
    with target.open("wb") as writer:
        writer.write(data[: len(data) // 2])
        writer.flush()
        code, results, _ = run(root)
        assert results == [] and target.exists()  # not claimed, not rejected: still being written
        writer.write(data[len(data) // 2:])
    assert sha256(target) == sha256(EXAMPLES / AGENDA)
    _, (result,), _ = run(root)
    assert result["status"] == "archived" and archived(root)


def test_a_claimed_file_written_to_afterwards_goes_back_instead_of_being_deleted(root: Path) -> None:
    from automator.claim import claim
    from automator.settings import Settings

    target = root / "inbox" / AGENDA
    shutil.copy(EXAMPLES / AGENDA, target)
    taken = claim(Settings.from_root(root), target)
    assert taken is not None and not target.exists()
    with taken.file.open("ab") as late:  # the writer had it open and wrote on
        late.write(b"more")
    taken.finish()
    assert target.exists() and target.read_bytes().endswith(b"more")


# --------------------------------------------------------------------------- links and special files

def test_a_link_out_of_the_root_is_rejected_without_reading_its_target(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:机密\n", "utf-8")
    elsewhere = tmp_path / "elsewhere.xlsx"
    shutil.copy(EXAMPLES / AGENDA, elsewhere)
    os.symlink(secret, root / "inbox" / "passwd.xlsx")
    os.symlink(elsewhere, root / "inbox" / "agenda.xlsx")
    code, results, _ = run(root)
    assert code == 1 and {r["status"] for r in results} == {"rejected"}
    for r in results:
        assert r["reason_code"] == "link" and "链接" in r["reason"], r
        assert r["input"].startswith("inbox/") and all(o.startswith("outbox/_已拒收/") for o in r["outputs"])
    outbox = files_in(root / "outbox")
    assert not any(p.is_symlink() for p in outbox)
    assert all("机密" not in p.read_text("utf-8", "replace") or p.name.endswith("原因.txt") for p in outbox)
    assert not any(p.read_bytes() == secret.read_bytes() for p in outbox)
    assert not archived(root)
    assert run(root)[1] == []  # the links are gone from the inbox: not copied again on every run


def test_links_that_point_at_each_other_are_rejected_and_do_not_stop_the_rest(root: Path) -> None:
    os.symlink(root / "inbox" / "b.xlsx", root / "inbox" / "a.xlsx")
    os.symlink(root / "inbox" / "a.xlsx", root / "inbox" / "b.xlsx")
    shutil.copy(EXAMPLES / AGENDA, root / "inbox" / AGENDA)
    _, results, _ = run(root)
    assert sorted(r["status"] for r in results) == ["archived", "rejected", "rejected"]


def test_a_pipe_a_socket_and_a_link_to_a_device_neither_hang_nor_fill_the_disk(root: Path) -> None:
    os.mkfifo(root / "inbox" / "x.xlsx")
    os.symlink("/dev/zero", root / "inbox" / "zero.pdf")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "inbox" / "s.xlsx"))
    try:
        started = time.monotonic()
        _, results, _ = run(root, timeout=60)
        assert time.monotonic() - started < 30
    finally:
        sock.close()
    codes = {Path(r["input"]).name: (r["status"], r["reason_code"]) for r in results}
    assert codes == {"x.xlsx": ("rejected", "special"), "s.xlsx": ("rejected", "special"),
                     "zero.pdf": ("rejected", "link")}
    assert sum(p.stat().st_size for p in files_in(root / "outbox") if p.is_file()) < 10_000
    assert run(root, timeout=60)[1] == []  # and nothing is left to hang the next run


def test_an_unreadable_input_is_rejected_as_such_not_retried_for_ever() -> None:
    prefix = unprivileged()
    if prefix is None:
        pytest.skip("running as root without a working setpriv: cannot be denied a permission")
    root = world_writable_root()
    try:
        locked = root / "inbox" / AGENDA
        shutil.copy(EXAMPLES / AGENDA, locked)
        locked.chmod(0o000)
        _, (result,), _ = run(root, prefix=prefix)
        assert (result["status"], result["reason_code"]) == ("rejected", "unreadable"), result
        assert "权限不足" in result["reason"]
        kept = root / result["outputs"][0]
        kept.chmod(0o644)
        assert sha256(kept) == sha256(EXAMPLES / AGENDA)  # moved into _已拒收, not lost
        assert leftovers(root) == []
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def test_a_system_folder_replaced_by_a_link_out_of_the_root_is_never_written_through(root: Path,
                                                                                   tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(root / "outbox" / "_已拒收", ignore_errors=True)
    os.symlink(outside, root / "outbox" / "_已拒收")
    (root / "inbox" / "坏.xlsx").write_bytes(b"not a workbook at all")
    _, (result,), _ = run(root)
    assert result["status"] == "retry" and "越出了 outbox" in result["reason"], result
    assert list(outside.iterdir()) == []
    assert (root / "inbox" / "坏.xlsx").exists()
    doctor = automator("doctor", "--root", str(root), cwd=root)
    assert doctor.returncode == 1 and "outbox/_已拒收 是指向 outbox 之外" in doctor.stdout, doctor.stdout


def test_a_dangling_link_at_the_name_a_rejection_would_take_is_stepped_around(root: Path) -> None:
    rejected = root / "outbox" / "_已拒收"
    rejected.mkdir(parents=True, exist_ok=True)
    os.symlink("/nonexistent", rejected / "坏.bin")
    (root / "inbox" / "坏.bin").write_bytes(b"\x00\x01 junk")
    _, (result,), _ = run(root)
    assert result["status"] == "rejected" and result["outputs"][0] == "outbox/_已拒收/坏_v2.bin", result
    _, again, _ = run(root)
    assert again == []


# --------------------------------------------------------------------------- bombs

def _pdf_with_stream(raw: bytes) -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(raw) + raw + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_bombs_are_refused_in_bounded_time_and_memory(root: Path) -> None:
    (root / "inbox" / "炸弹.pdf").write_bytes(_pdf_with_stream(zlib.compress(b"0 0 m " * 20_000_000, 9)))
    corrupt = bytearray(zlib.compress(b"BT (x) Tj ET " + os.urandom(1_200_000).hex().encode(), 1))
    corrupt[-1] ^= 0xFF  # a bad checksum: pdfminer's fallback used to be quadratic
    (root / "inbox" / "校验和.pdf").write_bytes(_pdf_with_stream(bytes(corrupt)))
    results, peak_mb, seconds = measured_run(root, timeout=120)
    by = {Path(r["input"]).name: r for r in results}
    assert by["炸弹.pdf"]["reason_code"] == "pdf-too-large" and "压缩炸弹" in by["炸弹.pdf"]["reason"]
    assert by["校验和.pdf"]["status"] == "rejected"
    assert seconds < 30 and peak_mb < 600, (seconds, peak_mb)


def test_a_workbook_with_a_huge_shared_strings_table_is_refused_quickly(root: Path) -> None:
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + os.urandom(24 * 2**20).hex().encode() + b"</t></si></sst>")  # 48 MB of text, compressing as text does
    buffer = io.BytesIO()
    with zipfile.ZipFile(EXAMPLES / AGENDA) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                                    b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml"/></Relationships>')
            out.writestr(info, data)
        out.writestr("xl/sharedStrings.xml", strings)
    (root / "inbox" / "文字表.xlsx").write_bytes(buffer.getvalue())
    results, peak_mb, seconds = measured_run(root)
    assert results[0]["reason_code"] == "too-large" and "文字表" in results[0]["reason"], results[0]
    assert seconds < 20 and peak_mb < 400, (seconds, peak_mb)


# --------------------------------------------------------------------------- names and text

def test_long_names_with_dots_never_overflow_the_file_system_limit(root: Path) -> None:
    name = "报" * 60 + "." + "x" * 72   # 253 bytes; everything after the dot would count as the extension
    assert len(name.encode()) == 253
    (root / "inbox" / name).write_bytes(b"junk one")
    sub = root / "inbox" / "客户甲"
    sub.mkdir()
    (sub / name).write_bytes(b"junk two")
    code, results, _ = run(root)
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert all(len(Path(o).name.encode()) <= 255 for r in results for o in r["outputs"])
    shutil.copy(EXAMPLES / AGENDA, root / "inbox" / AGENDA)
    assert [r["status"] for r in run(root)[1]] == ["archived"]  # later runs are not wedged


def _on_a_terminal(*args: str, cwd: Path) -> str:
    """The CLI with its stdout on a pseudo-terminal (click strips escapes only when it is not one)."""
    import pty
    import select

    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "automator", *args], cwd=cwd, stdout=slave, stderr=slave,
                            env=env)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(master)
    return out.decode("utf-8", "replace")


def test_control_characters_in_names_reach_neither_the_terminal_nor_the_log_raw(root: Path) -> None:
    evil = "\x1b]0;pwned\x07\x1b[2J假的✓\n2026-12-01 INFO forged.xlsx"
    (root / "inbox" / evil).write_bytes(b"junk")
    for args in (("run",), ("status",), ("history",)):
        shown = _on_a_terminal(*args, "--root", str(root), cwd=root)
        assert "\x1b" not in shown and "\x07" not in shown, (args, shown)
        assert "pwned" in shown or args == ("status",)
    lines = log_text(root).splitlines()
    assert not any(line.startswith("2026-12-01 INFO forged") for line in lines)
    assert any("\\x1b" in line for line in lines)


def test_review_and_rejected_copies_get_names_windows_can_open(root: Path, make_broken_agenda) -> None:  # type: ignore[no-untyped-def]
    for name in ("CON.xlsx", "aux.xlsx", "结尾有点.", "结尾有空格 ", "换\n行.xlsx", "制\t表.xlsx", "审\u202eexe.xlsx"):
        make_broken_agenda(root / "inbox" / name)
    _, results, _ = run(root)
    assert len(results) == 7
    for r in results:
        for output in r["outputs"]:
            part = Path(output).name
            stem = part.split(".")[0]
            assert stem.upper() not in ("CON", "AUX") and not part.endswith((".", " "))
            assert not any(ch in part for ch in "\n\t\u202e"), output


def test_a_lone_surrogate_escape_in_a_cell_with_a_formula_is_no_crash(root: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(EXAMPLES / AGENDA)
    ws = wb["基本信息"]
    venue = next(row[1] for row in ws.iter_rows() if row[0].value == "地点")
    venue.value = "三楼会议室_xD800_"   # stored as written: half a surrogate pair once decoded
    ws["D1"] = "=1+1"                    # a formula: the openpyxl path, which decodes _xHHHH_ itself
    wb.save(root / "inbox" / AGENDA)
    shutil.copy(root / "inbox" / AGENDA, tmp_path / AGENDA)
    _, (result,), _ = run(root)
    assert result["status"] in ("archived", "review"), result
    check = automator("check", str(tmp_path / AGENDA), "--json", "--root", str(root), cwd=root)
    assert "Traceback" not in check.stderr and check.stdout.startswith("{"), check.stderr[-2000:]


def test_a_sheet_name_that_is_a_formula_stays_text_in_the_marked_workbook(root: Path, make_broken_agenda) -> None:  # type: ignore[no-untyped-def]
    path = make_broken_agenda(root / "inbox" / "注入.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["议程"].title = '=HYPERLINK("evil.cc","x")&B'
    wb.save(path)
    _, (result,), _ = run(root)
    marked = next(root / o for o in result["outputs"] if "标注" in o)
    with zipfile.ZipFile(marked) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")  # 检查结果 comes first: no formula in it
    summary = openpyxl.load_workbook(marked)["检查结果"]
    assert all(c.data_type != "f" for row in summary.iter_rows() for c in row)


# --------------------------------------------------------------------------- clients and paths

def test_clients_named_like_system_folders_or_differing_in_case_file_sanely(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    make_workbook(root / "inbox", "agenda", "a.xlsx", fields={"client": "_已拒收"})
    make_workbook(root / "inbox", "agenda", "b.xlsx", fields={"client": "ACME Foods", "meeting_title": "一"})
    make_workbook(root / "inbox", "agenda", "c.xlsx", fields={"client": "acme foods", "meeting_title": "二"})
    _, results, _ = run(root)
    assert [r["status"] for r in results] == ["archived"] * 3
    folders = sorted(p.name for p in (root / "outbox").iterdir())
    assert "_已拒收（客户）" in folders and ("ACME Foods" in folders) != ("acme foods" in folders)
    assert not any(p.suffix == ".docx" for p in files_in(root / "outbox" / "_已拒收"))


def test_a_path_longer_than_path_max_is_processed_not_silently_skipped(root: Path) -> None:
    fd = os.open(root / "inbox", os.O_RDONLY)
    try:
        for _ in range(20):
            name = "很深的文件夹" * 13  # 234 bytes a level, 20 levels: past 4096 bytes
            os.mkdir(name, dir_fd=fd)
            nxt = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        out = os.open(AGENDA, os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(out, (EXAMPLES / AGENDA).read_bytes())
        os.close(out)
    finally:
        os.close(fd)
    _, results, _ = run(root)
    assert [r["status"] for r in results] == ["archived"], results
    assert len(results[0]["input"].encode()) > 4096
    assert archived(root)


@pytest.fixture
def make_broken_agenda(make_workbook):  # type: ignore[no-untyped-def]
    """An agenda whose items run past the meeting's length: a review, with a marked copy."""
    def make(path: Path) -> Path:
        made = make_workbook(path.parent, "agenda", "tmp.xlsx", rows={"items": {0: {"minutes": 999}}})
        made.rename(path)
        return path
    return make


def test_the_watcher_rejects_a_link_dropped_into_the_inbox(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.xlsx"
    shutil.copy(EXAMPLES / AGENDA, secret)
    proc = subprocess.Popen([sys.executable, "-m", "automator", "watch", "--root", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list((root / "watchers").glob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.1)
        os.symlink(secret, root / "inbox" / "link.xlsx")
        reason = root / "outbox" / "_已拒收" / "link.原因.txt"
        while not reason.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert reason.exists() and "链接" in reason.read_text("utf-8")
        assert not archived(root) and not (root / "outbox" / "_已拒收" / "link.xlsx").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
