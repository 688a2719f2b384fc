"""A1 column letters both ways, without importing openpyxl (120 ms with numpy behind it) on
the reading path: a workbook read by calamine needs neither openpyxl nor its start-up cost."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD (as openpyxl.utils.get_column_letter, for 1…18278)."""
    if not 1 <= index <= 18278:
        raise ValueError(f"invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27, XFD → 16384."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index
