"""When is a dropped file finished? The settle tracker on real files (no watcher process)."""

from __future__ import annotations

import os
from pathlib import Path

from automator.watch.settle import OPEN_IN_OFFICE, Tracker, incomplete, open_in_office


def test_a_file_is_due_only_after_it_stopped_changing_for_the_settle_time(tmp_path: Path,
                                                                         workbooks: list[Path]) -> None:
    path = tmp_path / "会议议程.xlsx"
    data = workbooks[0].read_bytes()
    path.write_bytes(data[:100])
    tracker = Tracker(settle=0.5)
    tracker.note(path, now=0.0)
    assert tracker.due(0.4) == []
    path.write_bytes(data)  # it grew: the clock restarts
    os.utime(path, ns=(1, 1))
    assert tracker.due(0.6) == []
    assert tracker.due(1.0) == []
    assert tracker.due(1.2) == [path]
    assert len(tracker) == 0


def test_an_unfinished_workbook_waits_then_is_handed_over_after_patience(tmp_path: Path,
                                                                        workbooks: list[Path]) -> None:
    path = tmp_path / "报价.xlsx"
    path.write_bytes(workbooks[1].read_bytes()[:-30])  # the zip directory is written last
    assert incomplete(path) == "工作簿还没有写完（zip 目录不完整）"
    tracker = Tracker(settle=0.5, patience=10)
    tracker.note(path, now=0.0)
    assert tracker.due(1.0) == []
    assert tracker.notices() == [(path, "工作簿还没有写完（zip 目录不完整）")]
    assert tracker.due(2.0) == [] and tracker.notices() == []  # reported once
    assert tracker.due(10.5) == [path]  # stable but broken: the pipeline rejects it with a reason


def test_a_pdf_is_complete_only_with_its_end_marker(tmp_path: Path) -> None:
    path = tmp_path / "发票.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
    assert incomplete(path) == "PDF 还没有写完（缺少 %%EOF）"
    with path.open("ab") as fh:
        fh.write(b"trailer\n<<>>\n%%EOF\n")
    assert incomplete(path) is None


def test_office_lock_files_hold_the_workbook_until_removed(tmp_path: Path, workbooks: list[Path]) -> None:
    book = tmp_path / "媒介排期表.xlsx"
    book.write_bytes(workbooks[3].read_bytes())
    for lock in (f"~${book.name}", f"~${book.name[2:]}", f".~lock.{book.name}#"):
        (tmp_path / lock).write_bytes(b"owner")
        assert open_in_office(book), lock
        tracker = Tracker(settle=0.1)
        tracker.note(book, now=0.0)
        assert tracker.due(5.0) == [] and tracker.notices() == [(book, OPEN_IN_OFFICE)]
        (tmp_path / lock).unlink()
        assert tracker.due(10.0) == [book]
    assert not open_in_office(book)


def test_a_held_file_waits_for_its_back_off_unless_its_content_changes(tmp_path: Path,
                                                                        workbooks: list[Path]) -> None:
    path = tmp_path / "客户会议报告.xlsx"
    path.write_bytes(workbooks[2].read_bytes())
    tracker = Tracker(settle=0.5)
    tracker.hold(path, until=30.0, now=0.0)
    assert tracker.due(10.0) == []
    tracker.note(path, now=11.0)  # a rescan: same content, still held
    assert tracker.due(20.0) == []
    assert tracker.due(30.0) == [path]
    tracker.hold(path, until=100.0, now=31.0)
    path.write_bytes(workbooks[2].read_bytes() + b"")
    os.utime(path, ns=(2, 2))  # the AE saved a corrected version: no reason to wait
    tracker.note(path, now=32.0)
    assert tracker.due(32.6) == [path]


def test_a_vanished_file_is_simply_forgotten(tmp_path: Path, workbooks: list[Path]) -> None:
    path = tmp_path / "已被取走.xlsx"
    path.write_bytes(workbooks[0].read_bytes())
    tracker = Tracker(settle=0.1)
    tracker.note(path, now=0.0)
    path.unlink()  # claimed by another watcher, or the share went away: never an action
    assert tracker.due(1.0) == [] and len(tracker) == 0


def test_a_file_its_writer_closed_is_due_at_once_when_complete(tmp_path: Path, workbooks: list[Path]) -> None:
    """A native close-after-write event ends the wait: no settle time for a complete file;
    an incomplete one still waits, and a later write takes the shortcut away again."""
    done, half = tmp_path / "完整.xlsx", tmp_path / "一半.xlsx"
    done.write_bytes(workbooks[0].read_bytes())
    half.write_bytes(workbooks[1].read_bytes()[:-30])
    tracker = Tracker(settle=0.5)
    tracker.note(done, now=0.0, closed=True)
    tracker.note(half, now=0.0, closed=True)
    assert tracker.due(0.01) == [done]
    assert tracker.due(0.4) == []
    again = tmp_path / "改过.xlsx"
    again.write_bytes(workbooks[2].read_bytes()[:-30])
    tracker.note(again, now=1.0, closed=True)
    again.write_bytes(workbooks[2].read_bytes())  # written again after the close: wait the settle time
    os.utime(again, ns=(2, 2))
    assert tracker.due(1.01) == []
    assert tracker.due(1.6) == [again]
