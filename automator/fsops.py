"""File operations that also work on paths longer than PATH_MAX (deep folders on a share
that Windows users made): when the kernel refuses a path as too long, the same operation is
done relative to a directory file descriptor reached one component at a time."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _parent_fd(path: Path) -> Iterator[int]:
    """An fd for `path.parent`, opened component by component (no component follows a link)."""
    parts = path.parent.parts
    fd = os.open(parts[0], os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[1:]:
            nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nxt
        yield fd
    finally:
        os.close(fd)


def _too_long(exc: OSError) -> bool:
    return exc.errno == errno.ENAMETOOLONG


def lstat(path: Path) -> os.stat_result:
    try:
        return os.lstat(path)
    except OSError as exc:
        if not _too_long(exc):
            raise
    with _parent_fd(path) as fd:
        return os.stat(path.name, dir_fd=fd, follow_symlinks=False)


def rename(src: Path, dst: Path) -> None:
    """os.rename, for a source or a destination however deep."""
    try:
        os.rename(src, dst)
        return
    except OSError as exc:
        if not _too_long(exc):
            raise
    with _parent_fd(src) as sfd, _parent_fd(dst) as dfd:
        os.rename(src.name, dst.name, src_dir_fd=sfd, dst_dir_fd=dfd)


def makedirs(path: Path) -> None:
    """mkdir -p, however deep (to put a file back where it was dropped)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        return
    except OSError as exc:
        if not _too_long(exc):
            raise
    fd = os.open(path.parts[0], os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in path.parts[1:]:
            try:
                os.mkdir(part, dir_fd=fd)
            except FileExistsError:
                pass
            nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nxt
    finally:
        os.close(fd)
