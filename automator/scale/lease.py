"""Leases: who holds a queued claim now, decided on the shared folder itself.

A claim (processing/<name>/, made by the watcher's atomic rename) gets numbered lease
files, `lease-<n>.json`. Lease n + 1 is made with an exclusive create (a hard link of a
finished file, or O_EXCL where the share has no links), so of two processes that read
lease n and want the claim, exactly one gets it — the same guarantee the claim's rename
gives, without renaming the folder the queued task names. The newest lease says:

- `queued`: the claim waits in the queue (written by the watcher, or by a worker that
  gave it back for a retry); any worker that receives its task may take it;
- otherwise a worker (host, pid) holds it; once that process is dead (or, on another
  host, silent for 10 minutes) the claim may be taken again, with `attempts` + 1.

The claim folder is removed when the document is filed, so a task for a claim that no
longer exists is already done (a redelivery, a duplicate enqueue).
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automator.claim import LEASE, OWNER, owner_alive

_NAME = re.compile(re.escape(LEASE) + r"(\d{6})\.json")


@dataclass(frozen=True)
class Lease:
    number: int             # 0: no lease yet (the claim's owner.json speaks)
    queued: bool
    host: str
    pid: int
    at: float
    attempts: int           # processes that died holding this claim

    @property
    def age(self) -> float:
        return time.time() - self.at

    def alive(self) -> bool:
        """A worker is at it (a queued lease has no worker)."""
        return not self.queued and owner_alive({"host": self.host, "pid": self.pid, "at": self.at})


def _parse(data: dict[str, Any], number: int, fallback_at: float) -> Lease:
    return Lease(number, bool(data.get("queued", False)), str(data.get("host", "")), int(data.get("pid", 0)),
                 float(data.get("at", fallback_at)), int(data.get("attempts", 0)))


def current(folder: Path) -> Lease | None:
    """The newest lease of the claim in `folder` (its owner.json when it has none); None when it is gone."""
    try:
        names = [(int(m.group(1)), entry.name) for entry in os.scandir(folder)
                 if (m := _NAME.fullmatch(entry.name))]
    except OSError:
        return None
    number, name = max(names) if names else (0, OWNER)
    path = folder / name
    try:
        text, mtime = path.read_text("utf-8"), path.stat().st_mtime
    except OSError:
        return None if not folder.is_dir() else Lease(0, False, "", 0, time.time(), 0)
    try:
        return _parse(json.loads(text), number, mtime)
    except (ValueError, TypeError, AttributeError):
        # An O_EXCL lease being written this instant (or a damaged one): held by an unknown
        # process, which counts as alive for the 10 minutes another host's claim gets.
        return Lease(number, False, "?", 0, mtime, 0)


def _create(path: Path, data: dict[str, Any]) -> bool:
    """Make `path` with `data` unless it exists (atomic and exclusive); False when someone else made it."""
    body = json.dumps(data).encode()
    tmp = path.parent / f"{LEASE}tmp-{uuid.uuid4().hex}"
    try:
        tmp.write_bytes(body)
        try:
            os.link(tmp, path)
            return True
        except FileExistsError:
            return False
        except OSError:  # a share without hard links: O_EXCL, then the content
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                return False
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            return True
    except FileNotFoundError:
        return False  # the claim folder went away (filed, or taken back)
    finally:
        tmp.unlink(missing_ok=True)


def write(folder: Path, after: Lease, *, queued: bool, attempts: int) -> Lease | None:
    """Lease `after.number + 1` for this process (or queued); None when another process got there first."""
    data = {"queued": queued, "host": socket.gethostname(), "pid": os.getpid(), "at": time.time(),
            "attempts": attempts}
    number = after.number + 1
    if not _create(folder / f"{LEASE}{number:06d}.json", data):
        return None
    return _parse(data, number, data["at"])


def take(folder: Path) -> Lease | None:
    """Take the claim for this worker: from the queue, or from a worker that died. None: not ours to do."""
    now = current(folder)
    if now is None or now.alive():
        return None
    attempts = now.attempts if now.queued else now.attempts + 1
    return write(folder, now, queued=False, attempts=attempts)

