"""`automator watch` as the agency runs it: a real process on a real folder (issue 4).

Every test runs twice: with native file events and with `--polling` (for
network shares).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .watchkit import POLL, Watch, archived, assert_archived_exactly_once, drop, env, every_file, ledger, wait_until

pytestmark = pytest.mark.slow  # real subprocesses / the whole corpus: not in the quick loop


def test_a_file_written_slowly_is_processed_once_after_it_is_complete(
        root: Path, watch: Callable[..., Watch], workbooks: list[Path]) -> None:
    w = watch().ready()
    data = workbooks[0].read_bytes()
    target = root / "inbox" / workbooks[0].name
    chunks = 6
    step = len(data) // chunks + 1
    with target.open("wb") as fh:
        for i in range(chunks):  # pauses longer than the settle time: only the zip check can hold it
            if i:
                time.sleep(0.6)
                assert target.exists() and not ledger(root), "taken while still being written"
            fh.write(data[i * step:(i + 1) * step])
            fh.flush()
            os.fsync(fh.fileno())
    inputs = [f"inbox/{target.name}"]
    wait_until(lambda: archived(root) == {inputs[0]: 1}, "the slow file to be archived")
    w.stop()
    assert_archived_exactly_once(root, inputs)
    kept = [p for p in (root / "outbox").rglob("*.xlsx")]
    assert len(kept) == 1 and kept[0].read_bytes() == data  # the whole file, not a prefix of it


def test_a_burst_of_100_is_archived_exactly_once_and_office_leftovers_are_left_alone(
        root: Path, watch: Callable[..., Watch], workbooks: list[Path]) -> None:
    w = watch().ready()
    inbox = root / "inbox"
    locked = workbooks[:4]  # still open in Excel/WPS/LibreOffice: must wait
    for path in locked[:3]:
        (inbox / f"~${path.name}").write_bytes(b"\x05owner" + b"\x00" * 160)
    (inbox / f".~lock.{locked[3].name}#").write_text(",李娜,WS-07,27.11.2026 10:02,file:///root/.config;", "utf-8")
    leftovers = {"~$其他工作簿.xlsx": b"\x05owner", "~WRL0001.tmp": b"word", "abc123.tmp": b"tmp",
                 ".隐藏文件.xlsx": b"hidden", "报价单.xlsx.crdownload": b"partial", "媒介排期.xlsx.part": b"part",
                 "Thumbs.db": b"thumbs", "desktop.ini": b"[.ShellClassInfo]"}
    for name, content in leftovers.items():
        (inbox / name).write_bytes(content)
    inputs = drop(workbooks[:80], inbox) + drop(workbooks[80:], inbox, sub="星河乳业")
    free = [i for i in inputs if not any(i.endswith(p.name) for p in locked)]
    wait_until(lambda: len(archived(root)) >= len(free), "the 96 unlocked files", timeout=150)
    time.sleep(1.5)  # give the watcher every chance to take a locked file by mistake
    assert sorted(archived(root)) == sorted(free)
    assert all((inbox / p.name).exists() for p in locked)
    for path in locked[:3]:  # Excel closes them
        (inbox / f"~${path.name}").unlink()
    (inbox / f".~lock.{locked[3].name}#").unlink()
    wait_until(lambda: len(archived(root)) >= len(inputs), "the files that were open", timeout=60)
    w.stop()
    assert_archived_exactly_once(root, inputs)
    for name, content in leftovers.items():
        assert (inbox / name).read_bytes() == content, f"{name} was touched"
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == sorted(leftovers)


def test_sigkill_in_the_middle_of_a_burst_then_restart_loses_and_repeats_nothing(
        root: Path, watch: Callable[..., Watch], workbooks: list[Path]) -> None:
    w = watch().ready()
    inputs = drop(workbooks[:32], root / "inbox")
    wait_until(lambda: len(archived(root)) >= 4, "some of the burst to be archived")
    w.kill()
    done_at_kill = len(archived(root))
    assert done_at_kill < len(inputs), "the burst finished before the kill: nothing was tested"
    watch().ready()
    wait_until(lambda: len(archived(root)) >= len(inputs), "the rest after the restart", timeout=120)
    time.sleep(1.0)  # anything processed twice would show up now
    assert_archived_exactly_once(root, inputs)
    assert not [p for p in (root / "inbox").rglob("*") if p.is_file() and not p.name.startswith(".")]


def test_sigterm_finishes_the_documents_in_hand_and_stops_within_seconds(
        root: Path, watch: Callable[..., Watch], workbooks: list[Path]) -> None:
    w = watch().ready()
    inputs = drop(workbooks[:16], root / "inbox")
    wait_until(lambda: len(archived(root)) >= 3, "the first documents")
    took = w.stop()
    assert took < 10, f"took {took:.1f}s to stop"
    assert not list((root / "processing").glob("*")), "a document in hand was left unfinished"
    assert all(s == "archived" for _, s, _ in ledger(root))
    watch().ready()
    wait_until(lambda: len(archived(root)) >= len(inputs), "the rest after the restart")
    assert_archived_exactly_once(root, inputs)


def test_two_watchers_on_one_root_process_every_file_once(
        root: Path, watch: Callable[..., Watch], workbooks: list[Path]) -> None:
    first, second = watch(), watch()
    first.ready(), second.ready()
    inputs = drop(workbooks[:24], root / "inbox")
    wait_until(lambda: len(archived(root)) >= len(inputs), "the burst", timeout=120)
    time.sleep(1.0)
    first.stop(), second.stop()
    assert_archived_exactly_once(root, inputs)


def test_files_dropped_while_no_watcher_runs_are_processed_at_start_and_status_tells(
        root: Path, watch: Callable[..., Watch], workbooks: list[Path]) -> None:
    inputs = drop(workbooks[:6], root / "inbox") + drop(workbooks[6:8], root / "inbox", sub="客户A/十一月")
    stopped = _status(root)
    assert stopped.returncode == 1 and "未运行" in stopped.stdout and "收件箱等待处理：8 个" in stopped.stdout
    w = watch().ready()
    wait_until(lambda: len(archived(root)) >= len(inputs), "the files that were waiting")
    running = _status(root)
    assert running.returncode == 0, running.stdout + running.stderr
    assert "运行中" in running.stdout and "收件箱等待处理：0 个" in running.stdout
    assert "已归档 inbox/客户A/十一月/" in running.stdout
    w.stop()
    assert_archived_exactly_once(root, inputs)
    assert _status(root).returncode == 1
    log = (root / "automator.log").read_text("utf-8")
    lines = [line for line in log.splitlines() if " archived 已归档 " in line]
    assert len(lines) == len(inputs) and all(" → outbox/" in line and " 问题 " in line for line in lines)


def test_an_inbox_that_goes_away_is_reported_and_files_in_the_new_one_are_processed(
        root: Path, watch: Callable[..., Watch], workbooks: list[Path], mode: str) -> None:
    w = watch().ready()
    inbox = root / "inbox"
    first = drop(workbooks[:1], inbox)
    wait_until(lambda: len(archived(root)) == 1, "a file before the share goes away")
    shutil.rmtree(inbox)  # the share disconnects
    wait_until(lambda: w.status().get("inbox_problem"), "the watcher to notice", timeout=30)
    assert "无法访问" in (root / "automator.log").read_text("utf-8")
    time.sleep(2 * POLL + 1.0)
    assert w.proc.poll() is None, "the watcher died with its inbox"
    assert len(ledger(root)) == 1, "the missing inbox was taken for something to do"
    inbox.mkdir()  # the share is back (an empty folder, then files)
    later = drop(workbooks[1:3], inbox) + drop(workbooks[3:4], inbox, sub="新建文件夹")
    wait_until(lambda: len(archived(root)) >= 4, "files dropped into the new inbox", timeout=60)
    assert "已恢复" in (root / "automator.log").read_text("utf-8")
    wait_until(lambda: not w.status().get("inbox_problem"), "the status file to say the inbox is back", timeout=10)
    w.stop()
    assert_archived_exactly_once(root, first + later)
    assert "无法访问" in w.output()  # reported on the console too


def test_a_file_that_cannot_be_filed_is_put_back_retried_with_back_off_and_logged_once(
        root: Path, workbooks: list[Path]) -> None:
    blocker = root / "outbox" / "星河乳业(上海)有限公司"
    blocker.write_text("一个同名文件挡住了客户文件夹", "utf-8")  # like a full disk: the archive cannot be written
    w = Watch(root, "native").ready()
    try:
        inputs = drop(workbooks[:1], root / "inbox")
        log = root / "automator.log"
        wait_until(lambda: "暂时无法处理" in log.read_text("utf-8"), "the failure to be logged")
        time.sleep(4)  # several health checks and loop turns: no retry storm, no log flood
        assert (root / "inbox" / workbooks[0].name).exists(), "the file was not put back in the inbox"
        assert not archived(root)
        blocker.unlink()  # space freed
        wait_until(lambda: archived(root), "the retry after the back-off", timeout=40)
        w.stop()
    finally:
        w.cleanup()
    assert_archived_exactly_once(root, inputs)
    text = log.read_text("utf-8")
    assert text.count("暂时无法处理") == 1 and text.count("retry 稍后重试") == 1, text
    console = w.output()
    assert console.count("暂时无法处理") == 1 and "thread is inactive" not in console


def _status(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "automator", "status", "--root", str(root)], env=env(),
                          capture_output=True, text=True, timeout=60)


def test_a_template_broken_under_the_watcher_holds_files_until_it_is_mended(
        root: Path, workbooks: list[Path]) -> None:
    """A configuration problem is not the input's fault: the file waits, is never rejected,
    `status` says what is wrong, and the file is archived once the template is mended."""
    import docx

    template = root / "templates" / "agenda.docx"
    good = template.read_bytes()
    w = Watch(root, "native").ready()
    try:
        broken = docx.Document(str(template))
        broken.add_paragraph("{{ no_such_field }}")
        broken.save(str(template))
        agenda = next(p for p in workbooks if "会议议程" in p.name)
        inputs = drop([agenda], root / "inbox")
        log = root / "automator.log"
        wait_until(lambda: "规则或模板有误" in log.read_text("utf-8"), "the template problem to be logged")
        wait_until(lambda: (root / "inbox" / agenda.name).exists(), "the file to be put back")
        wait_until(lambda: "no_such_field" in (out := _status(root).stdout) and "等待修复" in out,
                   "status to name the template problem", timeout=20)
        assert not (root / "outbox" / "_已拒收").exists() or not any((root / "outbox" / "_已拒收").iterdir())
        time.sleep(3)
        assert log.read_text("utf-8").count("规则或模板有误") == 1  # said once, not on every retry
        template.write_bytes(good)  # mended
        wait_until(lambda: archived(root), "the held file to be archived after the fix", timeout=40)
        w.stop()
    finally:
        w.cleanup()
    assert_archived_exactly_once(root, inputs)
    assert "_已拒收" not in "".join(str(p) for p in every_file(root / "outbox"))
