"""The words that tell a table's parts apart: 合计/小计 rows, 税金 lines, 金额/单价/数量 headers.

They are data, in `rules/words.yaml` (the agency edits them); a root whose words.yaml
predates a list gets the packaged one. Labels are compared in one folded form: NFKC,
case-folded, blanks removed, bracketed notes (`（元）`, `(6%)`, `(必填*)`) and a trailing
colon dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LISTS = ("subtotal_labels", "total_labels", "grand_labels", "tax_labels", "fee_labels", "discount_labels",
         "capital_labels", "of_which_labels", "amount_headers", "price_headers", "qty_headers", "discount_headers",
         "not_additive_headers", "sequence_headers", "note_labels", "company_words")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+|\d+(?:\.\d+)*|[a-z])[、.．)）]\s*")


def fold(text: Any) -> str:
    """The compared form of a label: 'ＴＯＴＡＬ（元）：' → 'total'."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    s = "".join(s.split())
    return s.rstrip(":：")


def bare(text: Any) -> str:
    """`fold` without bracketed notes and a leading 一、/1. numbering: '二、小计（元）' → '小计'."""
    s = _BRACKETS.sub("", fold(text))
    return _NUMBERING.sub("", s).rstrip(":：") or s


@lru_cache(maxsize=1)
def _packaged() -> dict[str, tuple[str, ...]]:
    text = (resources.files("automator.defaults") / "rules" / "words.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    return {k: tuple(str(w) for w in v) for k, v in data.items() if isinstance(v, list)}


def _ending(words: frozenset[str]) -> re.Pattern[str]:
    """'前期制作小计': a short group name before a listed word (at most 8 characters, not a figure)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if len(w) >= 2)
    return re.compile(rf"^(?!\d).{{0,8}}(?:{alternatives})$" if alternatives else r"(?!)")


@dataclass(frozen=True)
class Vocabulary:
    lists: dict[str, frozenset[str]]
    endings: dict[str, re.Pattern[str]]
    capital_inside: re.Pattern[str]
    last_chars: frozenset[str]  # the last character of every row label word: a quick "cannot be one"

    @classmethod
    def from_words(cls, words: dict[str, tuple[str, ...]] | None) -> Vocabulary:
        words = words or {}
        packaged = _packaged()
        lists = {name: frozenset(bare(w) for w in (words.get(name) or packaged.get(name, ())) if bare(w))
                 for name in LISTS}
        endings = {kind: _ending(lists[f"{kind}_labels"]) for kind in ("subtotal", "total", "grand")}
        capital = "|".join(re.escape(w) for w in sorted(lists["capital_labels"], key=len, reverse=True) if len(w) >= 2)
        labels = [w for k in ("subtotal", "total", "grand", "tax", "fee", "discount", "capital")
                  for w in lists[f"{k}_labels"]]
        last = frozenset(w[-1] for w in labels) | frozenset("0123456789%)）]】")
        return cls(lists, endings, re.compile(capital or r"(?!)"), last)

    def is_label(self, text: Any, *names: str) -> bool:
        """`text` is one of the labels in the lists `names` (after `bare`)."""
        b = bare(text)
        return any(b in self.lists[n] for n in names)

    def label_kind(self, text: Any) -> str | None:
        """subtotal / total / grand / tax / fee / discount / capital for a row label, else None.

        A group's own total counts too: '前期制作小计', '媒介费用合计' (a short name before the word)."""
        raw = str(text).rstrip().rstrip(":：").rstrip()
        if not raw or len(raw) > 40 or (raw[-1].casefold() not in self.last_chars and "大写" not in raw):
            return None  # most item names: no label word can end like that
        b = bare(text)
        if not b or len(b) > 16:
            return None
        for kind in ("capital", "subtotal", "grand", "total", "tax", "fee", "discount"):
            if b in self.lists[f"{kind}_labels"]:
                return kind
        if self.capital_inside.search(b):
            return "capital"
        for kind in ("subtotal", "total", "grand"):
            if self.endings[kind].match(b):
                return kind
        for kind in ("tax", "fee"):  # 税金6% / 服务费10%: the rate stays in the label
            head = re.sub(r"[\d.]+%?$", "", b)
            if head != b and head in self.lists[f"{kind}_labels"]:
                return kind
        return None

    def is_note(self, text: Any) -> bool:
        """A line under a table that ends it: 备注：…, 报价人：…, 以上报价含税…"""
        b = fold(text)
        return any(b.startswith(w) for w in self.lists["note_labels"] if w)

    def names_company(self, text: Any) -> bool:
        """A line naming a company (the vendor's name above its quote)."""
        b = fold(text)
        return any(w in b for w in self.lists["company_words"])

    def header_role(self, text: Any) -> tuple[str, bool]:
        """(role, total-like) of a column header: role is seq / price / discount / rate / qty / amount / other."""
        b = bare(text)
        total_like = any(b in self.lists[f"{k}_labels"] for k in ("subtotal", "total", "grand"))
        if not b:
            return "other", False
        if b in self.lists["sequence_headers"]:
            return "seq", False
        for role, name in (("price", "price_headers"), ("discount", "discount_headers")):
            if self._matches(b, name):
                return role, False
        if self._matches(b, "not_additive_headers") and not total_like:
            return "rate", False
        if self._matches(b, "qty_headers"):
            return "qty", total_like
        if self._matches(b, "amount_headers") or total_like:
            return "amount", total_like
        return "other", False

    def _matches(self, b: str, name: str) -> bool:
        words = self.lists[name]
        if b in words:
            return True
        # a longer header holding a listed word: 含税单价, 投放金额(元)…; one-character words only as the ending
        return any((len(w) >= 2 and w in b) or (len(w) == 1 and b.endswith(w) and len(b) <= 4) for w in words)
