"""Placing files in the archive without ever showing a half-written file or overwriting one.

Every file is written under a temporary name in its target folder, then linked into
place (a link fails if the name is taken; a rename would overwrite).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import uuid
from pathlib import Path

from automator.errors import RouteError


def free_stem(folder: Path, stem: str, suffixes: tuple[str, ...], start: int = 1) -> tuple[str, int]:
    """The first of stem, stem_v2, stem_v3… for which none of the suffixes exist yet."""
    version = start
    while True:
        candidate = stem if version == 1 else f"{stem}_v{version}"
        # lexists: a dangling link at a name takes that name too (link() would find it).
        if not any(os.path.lexists(folder / f"{candidate}{s}") for s in suffixes):
            return candidate, version
        version += 1


def _tmp(folder: Path, name: str) -> Path:
    return folder / f".{uuid.uuid4().hex[:8]}.{name[-40:]}.tmp"


def discard_temporaries(dest: Path) -> None:
    """Remove the temporary files a killed process left while placing `dest` (see `_tmp`)."""
    pattern = re.compile(r"\.[0-9a-f]{8}\." + re.escape(dest.name[-40:]) + r"\.tmp")
    try:
        names = [p for p in dest.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return
    for path in names:
        path.unlink(missing_ok=True)


def place(src: Path, dest: Path, *, move: bool) -> Path:
    """Copy or move `src` to `dest` atomically, never overwriting; returns `dest`."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = _tmp(dest.parent, dest.name)
        try:
            if move:
                try:
                    os.replace(src, tmp)  # same file system: a rename
                except OSError as exc:
                    if exc.errno != errno.EXDEV:
                        raise
                    shutil.copyfile(src, tmp)
            else:
                shutil.copyfile(src, tmp)
            _link_into_place(tmp, dest)
        except BaseException:
            if tmp.exists():
                if move and not src.exists():
                    os.replace(tmp, src)  # put the input back where it was
                else:
                    tmp.unlink()
            raise
        if move and src.exists():
            src.unlink()  # the cross-device case: delete only once the copy is in place
    except FileExistsError as exc:
        raise _taken(dest) from exc
    except OSError as exc:
        raise _cannot_write(dest, exc) from exc
    return dest


def _taken(dest: Path) -> RouteError:
    return RouteError(f"无法写入 {dest}：这个名字已被占用（另一个进程刚写入，或是一个链接）",
                      hint="文件已放回 inbox，稍后重试时会换一个不冲突的名字")


_WHY = {errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "磁盘配额已用完", errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限", errno.EROFS: "磁盘是只读的", errno.ENOTDIR: "路径上有一个同名文件挡住了文件夹",
        errno.EISDIR: "目标是一个文件夹", errno.ENAMETOOLONG: "路径太长", errno.ENOENT: "文件夹不存在（共享盘可能已断开）",
        errno.EIO: "磁盘读写出错"}


def _cannot_write(dest: Path, exc: OSError) -> RouteError:
    why = _WHY.get(exc.errno or 0) or exc.strerror or str(exc)
    return RouteError(f"无法写入 {dest}：{why}",
                      hint="检查 outbox 所在磁盘的空间和写权限；文件已放回 inbox，会稍后重试，不会丢失")


def _link_into_place(tmp: Path, dest: Path) -> None:
    try:
        os.link(tmp, dest)
        tmp.unlink()
    except FileExistsError:
        raise
    except OSError:
        # Some SMB/FAT mounts have no hard links: check, then rename.
        if os.path.lexists(dest):
            raise FileExistsError(errno.EEXIST, "exists", str(dest)) from None
        os.replace(tmp, dest)


def write_new(dest: Path, data: bytes) -> Path:
    """Write bytes to a new file atomically (temp name, fsync, link into place)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = _tmp(dest.parent, dest.name)
        try:
            with tmp.open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _link_into_place(tmp, dest)
        finally:
            if tmp.exists():
                tmp.unlink()
    except FileExistsError as exc:
        raise _taken(dest) from exc
    except OSError as exc:
        raise _cannot_write(dest, exc) from exc
    return dest


def unplace(paths: list[Path]) -> None:
    """Remove the outputs a run placed before it failed, short of its ledger row."""
    for path in paths:
        path.unlink(missing_ok=True)
