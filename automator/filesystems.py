"""Is a path on a network file system? SQLite's WAL mode needs shared memory
between the processes using the database, which SMB and NFS cannot provide:
on such a mount the ledger uses the rollback journal instead."""

from __future__ import annotations

import os
from pathlib import Path

NETWORK_TYPES = {"cifs", "smb3", "smbfs", "smb2", "nfs", "nfs4", "afs", "ncpfs", "9p", "fuse.sshfs",
                 "fuse.rclone", "fuse.s3fs", "davfs", "fuse.davfs2", "glusterfs", "ceph", "lustre"}


def _unescape(field: str) -> str:
    # /proc/mounts writes blanks, tabs and backslashes in paths as octal escapes.
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")


def fs_type(path: Path, mounts: str | None = None) -> str | None:
    """The file-system type of the mount holding `path`, from /proc/mounts (Linux); None elsewhere."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text("utf-8", "replace")
        except OSError:
            return None
    target = str(path)
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def on_network(path: Path, mounts: str | None = None) -> bool:
    if os.name == "nt":
        return _windows_remote(path)
    return (fs_type(path.resolve(), mounts) or "") in NETWORK_TYPES


def _windows_remote(path: Path) -> bool:
    import ctypes

    anchor = str(path.resolve().anchor)
    if anchor.startswith("\\\\"):
        return True  # a UNC path: \\server\share
    return ctypes.windll.kernel32.GetDriveTypeW(anchor) == 4  # type: ignore[attr-defined]  # DRIVE_REMOTE
