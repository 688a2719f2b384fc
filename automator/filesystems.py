"""Is a path on a network file system? SQLite's WAL mode needs shared memory between
the processes using the database, which SMB and NFS cannot provide: on such a mount the
ledger uses the rollback journal instead. Mounts come from psutil (Linux, macOS, Windows)."""

from __future__ import annotations

import os
from pathlib import Path

import psutil

NETWORK_TYPES = {"cifs", "smb3", "smbfs", "smb2", "nfs", "nfs4", "afs", "ncpfs", "9p", "fuse.sshfs",
                 "fuse.rclone", "fuse.s3fs", "davfs", "fuse.davfs2", "glusterfs", "ceph", "lustre"}


def _unescape(field: str) -> str:
    # /proc/mounts writes blanks, tabs and backslashes in paths as octal escapes.
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")


def _mounts(mounts: str | None) -> list[tuple[str, str, str]]:
    """(mount point, type, options) of every mount; `mounts` is a /proc/mounts text (tests)."""
    if mounts is None:
        return [(p.mountpoint, p.fstype, p.opts) for p in psutil.disk_partitions(all=True)]
    out = []
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            out.append((_unescape(fields[1]), fields[2], fields[3]))
    return out


def _mount_of(path: Path, mounts: str | None) -> tuple[str, str, str] | None:
    target = str(path)
    best: tuple[str, str, str] | None = None
    for point, kind, opts in _mounts(mounts):
        inside = target == point or target.startswith(point.rstrip("/\\") + os.sep) or point in ("/", "\\")
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, kind, opts)
    return best


def fs_type(path: Path, mounts: str | None = None) -> str | None:
    """The file-system type of the mount holding `path`, or None when it cannot be told."""
    found = _mount_of(path, mounts)
    return found[1] if found else None


def on_network(path: Path, mounts: str | None = None) -> bool:
    resolved = path.resolve() if mounts is None else path
    if str(resolved).startswith("\\\\"):
        return True  # a Windows UNC path: \\server\share
    found = _mount_of(resolved, mounts)
    return found is not None and (found[1].lower() in NETWORK_TYPES or "remote" in found[2].split(","))
