"""The inbox: which files wait there, which are never taken, and which are ready.

- `ignored(path)`: Office lock files, editor temp files, hidden files, unfinished downloads;
- `scan(settings)`: every entry waiting (sub-folders too), oldest first, walked with
  directory file descriptors (os.fwalk) so a path longer than PATH_MAX is still found,
  and the folders that could not be read (with why);
- `not_ready(path)`: why a regular file should not be taken yet (open in Excel/WPS, its
  zip directory or %%EOF not written yet), or None. Links and special files are ready
  at once: they are rejected without being opened.

Nothing here follows a symbolic link: a link is an entry to reject, never a way out of
the root.
"""

from __future__ import annotations

import os
import stat as stat_mode
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from automator import fsops
from automator.settings import Settings

IGNORED_PREFIXES = ("~$", ".~lock.", "~WRL", ".", "._")
IGNORED_SUFFIXES = (".tmp", ".crdownload", ".part", ".partial", ".download", "#")
IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
ZIP_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".docx")
OPEN_IN_OFFICE = "正在被 Excel/WPS/LibreOffice 打开（旁边有 ~$ 锁文件），关闭后处理"
PATH_MAX = 4000  # bytes; longer paths are reached through directory file descriptors


def ignored(path: Path) -> bool:
    """Office lock files, editor temp files, hidden files and unfinished downloads."""
    name = path.name
    lowered = name.lower()
    return (lowered in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES)
            or lowered.endswith(IGNORED_SUFFIXES))


@dataclass
class Scan:
    files: list[Path] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (folder, why)


def scan(folder: Path) -> Scan:
    """Every entry under `folder` that is not ignored — regular files, links, special files —
    oldest first; hidden folders skipped; a linked folder is an entry (rejected), not a way in."""
    out = Scan()
    entries: list[tuple[float, Path]] = []

    def failed(exc: OSError) -> None:
        out.unreadable.append((str(exc.filename or folder), exc.strerror or str(exc)))

    if not folder.is_dir():
        return out
    for dirpath, dirnames, filenames, dirfd in os.fwalk(folder, onerror=failed):
        kept = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            if _is_link(d, dirfd):
                filenames.append(d)  # a link to a folder: rejected like a link to a file
            else:
                kept.append(d)
        dirnames[:] = kept
        for name in filenames:
            if ignored(Path(name)):
                continue
            try:
                mtime = os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_mtime
            except OSError as exc:
                failed(exc)
                continue
            entries.append((mtime, Path(dirpath) / name))
    out.files = [path for _, path in sorted(entries, key=lambda e: (e[0], str(e[1])))]
    return out


def _is_link(name: str, dirfd: int) -> bool:
    try:
        return stat_mode.S_ISLNK(os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def waiting(settings: Settings) -> list[Path]:
    """Entries waiting in the inbox (sub-folders too), oldest first."""
    return scan(settings.inbox).files


def files_under(folder: Path) -> list[Path]:
    """Entries inside a folder that appeared in the inbox in one go (moved or copied in)."""
    return scan(folder).files


def open_in_office(path: Path) -> bool:
    """A lock file beside `path` says Excel, WPS or LibreOffice has it open.

    Excel and WPS write `~$` + the name; Word-style owner files replace the
    first two characters of long names; LibreOffice writes `.~lock.<name>#`.
    """
    name = path.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")
    return any(os.path.lexists(path.parent / c) for c in candidates)


def incomplete(path: Path) -> str | None:
    """Why the content looks unfinished, or None when it looks whole (or is not a regular file)."""
    suffix = path.suffix.lower()
    try:
        if not stat_mode.S_ISREG(os.lstat(path).st_mode):
            return None
        if suffix in ZIP_SUFFIXES:
            with zipfile.ZipFile(path) as archive:  # reads the central directory at the very end
                archive.infolist()
        elif suffix == ".pdf":
            with path.open("rb") as fh:
                fh.seek(max(0, os.fstat(fh.fileno()).st_size - 2048))
                if b"%%EOF" not in fh.read():
                    return "PDF 还没有写完（缺少 %%EOF）"
    except zipfile.BadZipFile:
        return "工作簿还没有写完（zip 目录不完整）"
    except (OSError, ValueError) as exc:
        if isinstance(exc, PermissionError):
            return None  # unreadable for good: taken, and rejected with that reason
        return f"暂时无法读取：{getattr(exc, 'strerror', None) or exc}"
    return None


def not_ready(path: Path) -> str | None:
    """Why `path` should wait (still open in Office, not completely written), or None."""
    if open_in_office(path):
        return OPEN_IN_OFFICE
    return incomplete(path)


def stamp(path: Path) -> tuple[int, int] | None:
    """(size, mtime) of the entry itself (a link is not followed), or None when it is gone."""
    try:
        st = fsops.lstat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


YOUNG = 5.0  # seconds: a file changed more recently than this may still have its writer


def held_open(paths: list[Path]) -> set[str]:
    """Which of `paths` a process on this machine has open (a writer that paused). Best effort:
    processes of other users may be invisible, and a writer on another machine always is."""
    import psutil

    wanted = {os.path.realpath(p) for p in paths}
    found: set[str] = set()
    for proc in psutil.process_iter():
        try:
            found |= {f.path for f in proc.open_files()} & wanted
        except (psutil.Error, OSError):
            continue
    return found


def ready(paths: list[Path], settings: Settings, *, settle: float = 0.5) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The watcher's readiness test, for `automator run` (cron, `cp x inbox/ && automator run`).

    Left where it is: a file open in Excel/WPS, and a recently changed one that a process on
    this machine still holds open (its writer paused) or whose size or time changes within
    `settle` seconds. A recent file nobody holds is taken when complete, or after `settle`
    seconds without change when not (then rejected as damaged). Files outside the inbox are
    copied, not taken, so they are always ready. Returns (ready, [(waiting, why)])."""
    import time

    inbox = settings.inbox.resolve()
    out: list[Path] = []
    later: list[tuple[Path, str]] = []
    young: list[tuple[Path, tuple[int, int]]] = []
    now = time.time()
    for path in paths:
        try:
            in_inbox = path.parent.resolve().is_relative_to(inbox)
        except (OSError, RuntimeError):
            in_inbox = True
        seen = stamp(path)
        if not in_inbox or seen is None or now - seen[1] / 1e9 > YOUNG:
            out.append(path)
        elif open_in_office(path):
            later.append((path, OPEN_IN_OFFICE))
        else:
            young.append((path, seen))
    held = held_open([p for p, _ in young]) if young else set()
    unsure = []
    for path, seen in young:
        if os.path.realpath(path) in held:
            later.append((path, "还在写入（写入程序还开着它）"))
        elif now - seen[1] / 1e9 >= settle or incomplete(path) is None:
            out.append(path)  # unchanged for the settle time and nobody holds it, or complete already
        else:
            unsure.append((path, seen))
    if unsure:
        time.sleep(settle)
        for path, seen in unsure:
            (out.append(path) if stamp(path) == seen else later.append((path, "还在写入（大小或修改时间仍在变化）")))
    return out, later
