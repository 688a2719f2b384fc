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
    characters replaced — NFKC turns the full-width ：into an illegal `:`. Invisible
    format characters (a right-to-left override makes `审\u202eexe.docx` read as `.exe`,
    zero-width spaces) and lone surrogates are dropped.
    """
    name = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cs"))
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


_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def safe_file_name(name: str) -> tuple[str, str]:
    """A dropped file's name made safe as (stem, extension): the extension only when it is a
    short plain one (`.xlsx`), so a 250-byte name with a dot in it cannot grow past the
    file system's limit when `_v2` is added."""
    match = _EXTENSION.search(name)
    suffix = match.group(0) if match else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    return safe_name(stem, fallback="未命名文件"), suffix
