"""The ledger's journal mode follows the file system: WAL locally, rollback journal on shares."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from automator.filesystems import fs_type, on_network
from automator.archive.ledger import Ledger

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
//nas/agency /mnt/agency cifs rw,vers=3.0 0 0
nas:/export /mnt/nfs\\040share nfs4 rw 0 0
tmpfs /mnt/agency/tmp tmpfs rw 0 0
"""


def test_the_longest_mount_point_decides() -> None:
    assert fs_type(Path("/srv/automator/ledger.sqlite"), MOUNTS) == "ext4"
    assert fs_type(Path("/mnt/agency/automator"), MOUNTS) == "cifs"
    assert fs_type(Path("/mnt/agency"), MOUNTS) == "cifs"
    assert fs_type(Path("/mnt/agencyx"), MOUNTS) == "ext4"  # a prefix of the name is not inside
    assert fs_type(Path("/mnt/agency/tmp/x"), MOUNTS) == "tmpfs"
    assert fs_type(Path("/mnt/nfs share/root"), MOUNTS) == "nfs4"  # \\040 is a blank


def test_shares_are_network_and_local_disks_are_not() -> None:
    assert on_network(Path("/mnt/agency/automator"), MOUNTS)
    assert on_network(Path("/mnt/nfs share/root"), MOUNTS)
    assert not on_network(Path("/srv/automator"), MOUNTS)


def test_a_local_ledger_uses_wal(tmp_path: Path) -> None:
    assert not on_network(tmp_path)
    Ledger(tmp_path / "ledger.sqlite").close()
    with sqlite3.connect(tmp_path / "ledger.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
