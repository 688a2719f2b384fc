"""A zip file written in one go, deflated by ISA-L when it is installed (zlib otherwise).

    write(fh, [(name, data), ...])

Why not `zipfile`: it deflates with zlib only, and for the brand file's ~10 MB of sheet XML
zlib at its fastest level takes ~15 ms where ISA-L (the `isal` package, the same deflate
format) takes ~4 ms (docs/benchmark.md). The container itself is small: a local header before
each member, the central directory after them (ZIP 2.0, no zip64: a member stays far below
4 GiB), names in ASCII. The tests read every file back with `zipfile` (testzip), openpyxl,
python-calamine and LibreOffice.
"""

from __future__ import annotations

import struct
import zlib
from typing import IO

try:  # ~4x faster deflate; the output is ordinary deflate, read by anything that reads zip
    from isal import isal_zlib as _deflater
except ImportError:  # pragma: no cover - isal is a dependency; a platform without its wheel still works
    _deflater = zlib  # type: ignore[assignment]

LEVEL = 1            # zlib's and ISA-L's fastest ordinary level: the XML still shrinks ~10x
_DOS_DAY = 0x21      # 1980-01-01, as XlsxWriter dates its members (a file's own time is its mtime)
_MODE = 0o100644 << 16


def _deflate(data: bytes) -> bytes:
    packer = _deflater.compressobj(LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def write(fh: IO[bytes], members: list[tuple[str, bytes]]) -> None:
    """The members, in this order (an xlsx wants [Content_Types].xml first), as one zip file."""
    central, offset = [], 0
    for name, data in members:
        raw = name.encode("ascii")
        packed, crc = _deflate(data), _deflater.crc32(data)
        head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, _DOS_DAY, crc, len(packed), len(data),
                           len(raw), 0)
        fh.write(head + raw)
        fh.write(packed)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, 8, 0, _DOS_DAY, crc,
                                   len(packed), len(data), len(raw), 0, 0, 0, 0, _MODE, offset) + raw)
        offset += len(head) + len(raw) + len(packed)
    directory = b"".join(central)
    fh.write(directory)
    fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0))
