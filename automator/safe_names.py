"""File and folder names taken from data (client, title) made safe on Windows, SMB and Linux."""

from __future__ import annotations

import re
import unicodedata

_ILLEGAL = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
             "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
MAX_BYTES = 200  # leaves room under the 255-byte limit for suffixes like _v12.检查报告.md


def safe_name(text: object, *, fallback: str = "未命名", max_bytes: int = MAX_BYTES) -> str:
    """One path component: never empty, never `.`/`..`, never reserved, at most `max_bytes` UTF-8 bytes.

    NFKC first (so 某某（上海） and 某某(上海) file together), then illegal
    characters replaced — NFKC turns the full-width ：into an illegal `:`.
    """
    name = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    name = " ".join(name.split())  # newlines, tabs and runs of blanks become one blank
    name = _ILLEGAL.sub("_", name)
    name = name.strip(" .")
    encoded = name.encode("utf-8")[:max_bytes]
    name = encoded.decode("utf-8", "ignore").strip(" .")
    if not name or set(name) <= {"_"} and len(name) < 2:
        name = fallback
    if name.split(".")[0].strip().upper() in _RESERVED:
        name = "_" + name
    return name
