"""Claiming a dropped file: an atomic rename into `processing/<token>/`.

Two watchers (even on two machines sharing one folder) race for the rename;
exactly one wins. The claim folder also holds `origin.txt` (where the file
was dropped) and, while outputs are being placed, `placing.json`, so that a
process killed half-way can be finished or undone by the next start.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil

from automator import fsops
from automator.inbox import stamp
from automator.settings import Settings

log = logging.getLogger(__name__)
ORIGIN = "origin.txt"
OWNER = "owner.json"
PLACING = "placing.json"
STAMP = "stamp.json"  # (size, mtime) of the file as it was claimed: a change since means its writer went on
LEASE = "lease-"  # lease-<n>.json: who holds a queued claim now (automator/scale/lease.py)


def bookkeeping(name: str) -> bool:
    """A claim folder's own files, as opposed to the claimed file itself."""
    return name in (ORIGIN, OWNER, PLACING, STAMP) or name.startswith(LEASE)


def claimed_stamp(folder: Path) -> tuple[int, int] | None:
    """The claimed file's (size, mtime) when it was claimed, as kept in its claim folder."""
    try:
        size, mtime = json.loads((folder / STAMP).read_text("utf-8"))
        return int(size), int(mtime)
    except (OSError, ValueError, TypeError):
        return None


@dataclass
class Claim:
    dir: Path
    file: Path
    origin: str          # as the user dropped it, relative to the root ("inbox/客户A/x.xlsx")
    source: Path | None  # the inbox path to put the file back to on a retryable failure
    copied: bool = False  # True when the user's file stays where it was (run on a path outside inbox)
    attempts: int = 0     # how many processes died while holding this claim (a file that crashes its reader)
    stamp: tuple[int, int] | None = None  # (size, mtime) of the file as it was claimed

    def changed(self) -> bool:
        """Was the file written to after it was claimed (its writer still had it open)?"""
        return self.stamp is not None and stamp(self.file) not in (self.stamp, None)

    def release(self) -> None:
        """Give the file back (a retryable failure): move it to where it came from."""
        if os.path.lexists(self.file) and self.source is not None and not self.copied:
            fsops.makedirs(self.source.parent)
            fsops.rename(self.file, self.source)
        shutil.rmtree(self.dir, ignore_errors=True)

    def finish(self) -> None:
        """Done with the file: its claim folder goes — unless the file changed after it was claimed,
        which means its writer was still writing: then it goes back to the inbox, never deleted."""
        if self.changed() and self.source is not None and not self.copied:
            log.warning("%s 在处理期间仍被写入，已放回收件箱，写完后会重新处理", self.origin)
            self.release()
            return
        shutil.rmtree(self.dir, ignore_errors=True)

    def note_placing(self, outputs: list[Path]) -> None:
        (self.dir / PLACING).write_text(json.dumps([str(p) for p in outputs], ensure_ascii=False), "utf-8")


def _fresh(settings: Settings) -> Path:
    settings.processing.mkdir(parents=True, exist_ok=True)
    return settings.processing / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"


def _own(path: Path, attempts: int = 0) -> None:
    (path / OWNER).write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                                          "at": time.time(), "attempts": attempts}), "utf-8")


def _new_dir(settings: Settings) -> Path:
    # Made under a hidden name and renamed, so a recovering process never sees a claim
    # folder without its owner (and takes it for abandoned).
    draft = settings.processing / f".new-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex}"
    settings.processing.mkdir(parents=True, exist_ok=True)
    draft.mkdir()
    _own(draft)
    path = _fresh(settings)
    os.rename(draft, path)
    return path


def entry_path(path: Path) -> Path:
    """`path` made absolute with its folders resolved but not its last component: a link stays
    the link (to be rejected), never becomes its target."""
    try:
        return path.parent.resolve() / path.name
    except (OSError, RuntimeError):  # a folder chain too long or looping: use it as given
        return Path(os.path.abspath(path))


def claim(settings: Settings, path: Path) -> Claim | None:
    """Take `path` for processing. None if someone else took it first (or it vanished)."""
    path = entry_path(path)
    origin = settings.rel(path)
    in_inbox = path.is_relative_to(settings.inbox.resolve())
    folder = _new_dir(settings)
    target = folder / path.name
    try:
        if in_inbox:
            fsops.rename(path, target)  # atomic: the claim (a link is moved as the link itself)
        else:
            shutil.copyfile(path, target)  # a file named on the command line stays where it is
    except FileNotFoundError:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    (folder / ORIGIN).write_text(origin, "utf-8", errors="surrogateescape")
    taken = stamp(target)
    (folder / STAMP).write_text(json.dumps(taken), "utf-8")  # for a worker or a recovery that takes it over
    return Claim(folder, target, origin, path if in_inbox else None, copied=not in_inbox, stamp=taken)


def owner_alive(owner: dict[str, object]) -> bool:
    """Is the process that owns a claim (host, pid, at) still at work?"""
    if owner.get("host") != socket.gethostname():
        return time.time() - float(owner.get("at", 0)) < 600  # another machine: give it 10 minutes
    pid = int(owner.get("pid", 0))
    if pid == os.getpid():
        return False  # recovery runs at start-up, before this process claims anything
    return pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """Is process `pid` (on this machine) still running? A killed process not yet reaped
    (a zombie) is not."""
    if pid <= 0:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # it exists, owned by someone else


def abandoned(settings: Settings) -> list[Claim]:
    """Claims whose owner died (kill -9, power loss): to be finished by this process.

    Each is re-owned by renaming its folder, so two recovering processes never
    take the same one.
    """
    if not settings.processing.is_dir():
        return []
    out = []
    for folder in sorted(settings.processing.iterdir()):
        if folder.name.startswith(".new-") and _unfinished_by_the_dead(folder):
            shutil.rmtree(folder, ignore_errors=True)  # a claim folder a killed process never finished making
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            owner = json.loads((folder / OWNER).read_text("utf-8"))
        except (OSError, ValueError):
            owner = {}
        if owner and owner_alive(owner):
            continue
        mine = _fresh(settings)
        try:
            os.rename(folder, mine)  # the re-claim: only one recovering process wins it
        except OSError:
            continue
        attempts = int(owner.get("attempts", 0)) + 1
        _own(mine, attempts)  # written before any work: a file that kills every reader is counted
        files = [p for p in mine.iterdir() if not bookkeeping(p.name)]
        if not files:
            shutil.rmtree(mine, ignore_errors=True)
            continue
        origin = (mine / ORIGIN).read_text("utf-8", errors="surrogateescape") if (mine / ORIGIN).exists() else f"inbox/{files[0].name}"
        source = settings.root / origin if origin.startswith("inbox/") else None
        out.append(Claim(mine, files[0], origin, source, copied=source is None, attempts=attempts,
                         stamp=claimed_stamp(mine)))
    return out


def _unfinished_by_the_dead(draft: Path) -> bool:
    """A claim folder still under its draft name (`.new-<host>-<pid>-<id>`) whose maker died —
    killed, perhaps, before it could write its owner file — or that is an hour old."""
    host, _, rest = draft.name.removeprefix(".new-").rpartition("-")[0].rpartition("-")
    try:
        owner = {"host": host, "pid": int(rest), "at": _mtime(draft)}
    except ValueError:
        owner = {}
    if owner and owner["pid"] != os.getpid() and not owner_alive(owner):
        return True
    return time.time() - _mtime(draft) > 3600


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()


def placed_before_crash(claim: Claim) -> list[Path]:
    """Outputs a killed process had started to place (not committed to the ledger)."""
    try:
        return [Path(p) for p in json.loads((claim.dir / PLACING).read_text("utf-8"))]
    except (OSError, ValueError):
        return []
