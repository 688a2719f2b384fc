"""Watcher status files: `watchers/<host>-<pid>.json` in the root.

Each running watcher rewrites its own file every few seconds (atomically),
so `automator status` can tell a running watcher from one that died, even
when several watchers on several machines share one root. A clean stop
removes the file; a dead watcher's file stays, marked stale, until a new
watcher on the same machine starts.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automator.claim import pid_alive
from automator.settings import Settings

FOLDER = "watchers"
BEAT = 2.0    # seconds between rewrites
STALE = 15.0  # no rewrite for this long: the watcher is not running


def folder(settings: Settings) -> Path:
    return settings.root / FOLDER


def own_file(settings: Settings) -> Path:
    return folder(settings) / f"{socket.gethostname()}-{os.getpid()}.json"


def write(path: Path, data: dict[str, Any]) -> bool:
    """Rewrite the status file; False when the root cannot be written (a share that is away)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
        os.replace(tmp, path)
    except OSError:
        return False
    return True


@dataclass
class Seen:
    path: Path
    data: dict[str, Any]
    age: float      # seconds since its last heartbeat
    alive: bool


def read_all(settings: Settings, now: float | None = None) -> list[Seen]:
    now = time.time() if now is None else now
    out = []
    try:
        files = sorted(folder(settings).glob("*.json"))
    except OSError:
        return []
    for path in files:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        age = now - float(data.get("heartbeat", 0))
        alive = age < STALE and data.get("state") != "stopped"
        if alive and data.get("host") == socket.gethostname():
            alive = pid_alive(int(data.get("pid", 0)))
        out.append(Seen(path, data, age, alive))
    return out


def others_alive(settings: Settings) -> list[Seen]:
    mine = own_file(settings)
    return [s for s in read_all(settings) if s.alive and s.path != mine]


def clear_dead(settings: Settings) -> None:
    """Remove status files of watchers on this machine that are no longer running."""
    for seen in read_all(settings):
        if not seen.alive and seen.data.get("host") == socket.gethostname():
            seen.path.unlink(missing_ok=True)
