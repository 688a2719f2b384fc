"""Failing surroundings (issue 6, part 3): an archive folder that cannot be
written, a full disk, a ledger locked by another process, a missing or
damaged template. The input stays safe, the error is logged once, the file is
retried later and then archived; a broken template stops the run at start-up.

How each failure is made real while the tests run as root (root ignores
permission bits):
- permission denied: the CLI runs as `nobody` through `setpriv` (util-linux)
  on a root laid out in a world-writable temp folder; as a normal user a plain
  chmod does it. Also, always: a *file* where the client folder must go.
- disk full: a 16 KB tmpfs mounted over outbox/ in a private mount namespace
  (`unshare --mount`, or `unshare --user --map-root-user --mount` without
  root), so nothing outside the test process sees it and it vanishes with it.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from robust import CORPUS, EXAMPLES, automator, leftovers, log_text, run, sha256, unprivileged, world_writable_root

from automator.archive.ledger import Ledger

pytestmark = pytest.mark.slow  # real subprocesses / the whole corpus: not in the quick loop

AGENDA = "会议议程-冬季新品提案会.xlsx"
CLIENT = "星河乳业(上海)有限公司"


def _drop(root: Path, name: str = AGENDA) -> tuple[Path, str]:
    path = root / "inbox" / name
    shutil.copy(EXAMPLES / name, path)
    return path, sha256(path)


def _retried_once(root: Path, result: dict, original: Path, digest: str) -> None:  # type: ignore[type-arg]
    assert result["status"] == "retry" and result["reason"], result
    assert result["outputs"] == []
    assert original.is_file() and sha256(original) == digest  # back in the inbox, untouched
    errors = [line for line in log_text(root).splitlines() if " ERROR " in line]
    assert len(errors) == 1 and original.name in errors[0] and "重试" in errors[0], errors
    assert not [p for p in (root / "outbox").rglob("*") if p.is_file()]  # nothing half-filed


def _archived(root: Path, digest: str) -> None:
    _, (result,), _ = run(root)
    assert result["status"] == "archived", result
    assert any(sha256(root / o) == digest for o in result["outputs"])
    assert leftovers(root) == []


# --------------------------------------------------------------------------- not writable

def test_a_file_where_the_client_folder_goes_means_retry_then_archive(root: Path) -> None:
    original, digest = _drop(root)
    (root / "outbox" / CLIENT).write_text("挡路的文件")
    code, (result,), _ = run(root)
    assert code == 1
    assert CLIENT in result["reason"]
    (root / "outbox" / CLIENT).unlink()
    _retried_once(root, result, original, digest)
    _archived(root, digest)


@pytest.fixture
def open_root() -> Iterator[Path]:
    """A root any user may write to (pytest's own tmp folders are private to root)."""
    root = world_writable_root()
    yield root
    shutil.rmtree(root.parent, ignore_errors=True)


def test_permission_denied_on_the_archive_means_retry_then_archive(open_root: Path) -> None:
    prefix = unprivileged()
    if prefix is None:
        pytest.skip("running as root without a working setpriv: cannot be denied a permission")
    root = open_root
    original, digest = _drop(root)
    original.chmod(0o666)
    locked = root / "outbox" / CLIENT
    locked.mkdir()
    locked.chmod(0o555)  # r-x: no new year folder can be made inside
    _, (result,), _ = run(root, prefix=prefix)
    assert "Permission denied" in result["reason"] or "权限" in result["reason"], result
    _retried_once(root, result, original, digest)
    locked.chmod(0o777)
    _archived(root, digest)


# --------------------------------------------------------------------------- disk full

_SMALL_OUTBOX = """
mount -t tmpfs -o size=16k tmpfs "$OUTBOX" || exit 97
"$@"; code=$?
find "$OUTBOX" -type f > "$LISTING"
exit $code
"""


def _namespace() -> tuple[str, ...] | None:
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    with tempfile.TemporaryDirectory() as probe:
        for flags in (("--mount",), ("--user", "--map-root-user", "--mount")):
            prefix = (unshare, *flags, "--propagation", "private")
            ok = subprocess.run([*prefix, "sh", "-c", f"mount -t tmpfs -o size=16k tmpfs {probe}"],
                                capture_output=True).returncode == 0
            if ok:
                return prefix
    return None


def test_a_full_disk_leaves_no_partial_output_and_the_input_safe(root: Path, tmp_path: Path) -> None:
    namespace = _namespace()
    if namespace is None:
        pytest.skip("cannot mount a small tmpfs here (no unshare/mount permission)")
    original, digest = _drop(root)
    listing = tmp_path / "outbox-files.txt"
    env = {"OUTBOX": str(root / "outbox"), "LISTING": str(listing)}
    # The docx (~11 KB) and the report fit in 16 KB; the source copy then does not.
    _, (result,), _ = run(root, env=env, prefix=(*namespace, "sh", "-c", _SMALL_OUTBOX, "sh"))
    assert "No space left" in result["reason"] or "空间" in result["reason"], result
    assert listing.read_text() == ""  # what was placed before the failure was taken back
    _retried_once(root, result, original, digest)
    _archived(root, digest)  # the disk has room again


# --------------------------------------------------------------------------- ledger locked

_HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


def _hold_ledger(path: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_locked_ledger_is_waited_for(root: Path) -> None:
    Ledger(root / "ledger.sqlite").close()  # the ledger exists, as after a first run
    _, digest = _drop(root)
    holder = _hold_ledger(root / "ledger.sqlite", 4)
    start = time.monotonic()
    try:
        _, (result,), _ = run(root, timeout=60)
    finally:
        holder.wait(timeout=30)
    assert result["status"] == "archived", result
    assert time.monotonic() - start >= 3.5  # it waited for the lock, then went on
    assert any(sha256(root / o) == digest for o in result["outputs"])
    with sqlite3.connect(root / "ledger.sqlite") as db:
        assert db.execute("SELECT status FROM inputs").fetchall() == [("archived",)]


def test_a_ledger_locked_past_the_timeout_means_retry(root: Path) -> None:
    """In-process, with a short timeout (the CLI waits 60 s): the file goes back, nothing is filed."""
    from automator.pipeline import load_context, process_path
    from automator.settings import Settings

    settings = Settings.from_root(root)
    Ledger(settings.ledger).close()
    original, digest = _drop(root)
    ctx = load_context(settings, lint=False)
    holder = _hold_ledger(settings.ledger, 4)
    try:
        ctx.ledger = Ledger(settings.ledger, timeout=0.5)
        result = process_path(ctx, original)
    finally:
        holder.wait(timeout=30)
        if ctx.ledger is not None:
            ctx.ledger.close()
    assert result is not None and result.status == "retry", result
    assert "台账" in (result.reason or "")
    assert sha256(original) == digest
    assert not [p for p in (root / "outbox").rglob("*") if p.is_file()]


# --------------------------------------------------------------------------- templates

@pytest.mark.parametrize("damage", ["missing", "not a zip", "broken tag"])
def test_a_broken_template_stops_the_run_at_startup_naming_it(root: Path, damage: str) -> None:
    template = root / "templates" / "agenda.docx"
    if damage == "missing":
        template.unlink()
    elif damage == "not a zip":
        template.write_bytes(b"PK\x03\x04 truncated by a failed copy")
    else:
        broken = CORPUS / "docx" / "docxtpl__template_error_tpl.docx"
        if not broken.exists():
            pytest.skip("corpus not found")
        shutil.copy(broken, template)
    for name in (AGENDA, "创意简报-星河暖酸奶.xlsx"):
        _drop(root, name)
    before = sorted(p.name for p in (root / "inbox").iterdir())
    proc = automator("run", "--root", str(root), "--json", cwd=root)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "templates/agenda.docx" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == ""  # no per-document failures were reported
    assert sorted(p.name for p in (root / "inbox").iterdir()) == before  # nothing was touched
    assert not [p for p in (root / "outbox").rglob("*") if p.is_file()]
    assert not (root / "processing").exists() or not any((root / "processing").iterdir())
