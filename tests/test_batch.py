"""Batches survive what kills a process: a worker killed mid-batch, a file that kills every reader."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_json, tree


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    for i in range(40):
        make_workbook(root / "inbox", "agenda", f"议程{i:02d}.xlsx", fields={"meeting_title": f"周例会第{i}期"})
    proc = subprocess.Popen([sys.executable, "-m", "automator", "run", "--root", str(root), "--json", "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    killed = None
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        if workers and any((root / "processing").glob("*/*.xlsx")):
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)  # as the OOM killer would
        time.sleep(0.02)
    out, err = proc.communicate(timeout=180)
    assert killed is not None, "the batch finished before a worker could be killed"
    assert "Traceback" not in err
    results = json.loads(out)["results"]
    archived = [r for r in results if r["status"] == "archived"]
    assert len(archived) == 40, [r for r in results if r["status"] != "archived"]
    docs = [f for f in tree(root / "outbox") if f.endswith(".docx")]
    assert len(docs) == 40  # each exactly once
    assert list((root / "inbox").iterdir()) == [] and list((root / "processing").iterdir()) == []


def test_a_file_that_killed_its_reader_twice_is_rejected_not_retried_forever(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    # What a process left after dying on this file the first time: a claim with a dead owner.
    claim = root / "processing" / "20261127-000000-deadbeef"
    claim.mkdir(parents=True)
    made = make_workbook(claim, "agenda", "崩溃.xlsx")
    (claim / "origin.txt").write_text("inbox/崩溃.xlsx", "utf-8")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (claim / "owner.json").write_text(json.dumps({"host": os.uname().nodename, "pid": int(dead.stdout),
                                                  "at": time.time(), "attempts": 1}), "utf-8")
    original = made.read_bytes()
    code, out = run_json("run", root=root)
    (result,) = out["results"]
    assert (code, result["status"]) == (1, "rejected")
    assert "意外终止" in result["reason"]
    assert (root / "outbox" / "_已拒收" / "崩溃.xlsx").read_bytes() == original
    assert list((root / "processing").iterdir()) == []


def test_a_claim_draft_left_by_a_process_killed_before_its_owner_file_is_cleared(root: Path) -> None:
    """A worker killed between making its claim folder and naming its owner leaves `.new-<host>-<pid>-…`:
    the next recovery knows the maker from the name and clears it at once."""
    import socket

    from automator.claim import abandoned
    from automator.settings import Settings

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    draft = root / "processing" / f".new-{socket.gethostname()}-{int(dead.stdout)}-0123abcd"
    draft.mkdir(parents=True)
    alive = root / "processing" / f".new-{socket.gethostname()}-{os.getppid()}-4567ef01"
    alive.mkdir()
    assert abandoned(Settings.from_root(root)) == []
    assert not draft.exists() and alive.exists()


def test_a_recovered_claim_still_knows_what_the_file_was_when_claimed(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    """The claim's (size, mtime) is kept in its folder: a process that takes the claim over (recovery,
    a queue worker) also sees that the writer went on, and gives the file back instead of deleting it."""
    from automator.claim import abandoned, claim
    from automator.settings import Settings

    settings = Settings.from_root(root)
    path = make_workbook(root / "inbox", "agenda")
    taken = claim(settings, path)
    assert taken is not None
    owner = taken.dir / "owner.json"
    owner.write_text(owner.read_text("utf-8").replace(f'"pid": {os.getpid()}', '"pid": 999999999'), "utf-8")
    with taken.file.open("ab") as late:
        late.write(b"more")
    (again,) = abandoned(settings)
    assert again.changed()
    again.finish()
    assert path.exists() and path.read_bytes().endswith(b"more")
