"""`words`: no text field or cell contains a listed word (sensitive words…)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from pydantic import Field, PrivateAttr

from automator.checks.base import Check, CheckContext
from automator.checks.common import refs, walk
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule

# Chinese names of the lists the agency ships; other lists are named by their key.
LIST_NAMES = {"sensitive": "敏感字样"}


def fold(text: str) -> str:
    """Compare form: full-width → half-width, case-folded (ＣＯＮＦＩＤＥＮＴＩＡＬ = confidential)."""
    return unicodedata.normalize("NFKC", text).casefold()


def matches(text: str, words: tuple[str, ...]) -> list[str]:
    """The listed words found in `text`, without those inside a longer match (内部 in 内部资料)."""
    folded = fold(text)
    found = [w for w in words if fold(w) and fold(w) in folded]
    return [w for w in found if not any(w != o and fold(w) in fold(o) for o in found)]


class Words(Check):
    """No text field or table cell contains a word from a list in `rules/words.yaml`.

    YAML keys:

    - `list` — the name of a list in `rules/words.yaml` (e.g. `sensitive`);
      the agency edits the words there, no code change needed;
    - `severity`, `why`, `message`.

    Every text value is scanned — form fields, table cells, totals rows and
    extra columns — ignoring case and full-/half-width differences. One finding
    per cell, naming every listed word in it (a word inside a longer listed
    word is named once: 「内部资料」, not also 「内部」).
    Finding cell: the cell holding the text.

    Message placeholders: `{where}` (e.g. 行动事项第3行「行动」), `{words}`
    (「机密」「内部资料」), `{list}` (敏感字样 for `sensitive`, else 词表「key」中的字样).
    Default: "「抄送」含有敏感字样「内部资料」，请删除或改写".
    """

    name = "words"
    placeholders = ("where", "words", "list")
    default_why = "文件不应出现所列字样"

    check: Literal["words"]
    list_: str = Field(alias="list")
    _words: tuple[str, ...] = PrivateAttr(default=())

    model_config = {**Check.model_config, "populate_by_name": True}

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        if self.list_ not in words:
            known = ", ".join(sorted(words)) or "(none: rules/words.yaml is missing or empty)"
            return [("list", f"no word list '{self.list_}' in rules/words.yaml (lists: {known})")]
        return []

    def bind(self, words: dict[str, tuple[str, ...]]) -> None:
        self._words = words.get(self.list_, ())

    def title(self, rule: Rule) -> str:
        return "不含" + LIST_NAMES.get(self.list_, f"词表「{self.list_}」中的字样")

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        listed = LIST_NAMES.get(self.list_, f"词表「{self.list_}」中的字样")
        for where, v in walk(doc, rule):
            if not isinstance(v.value, str):
                continue
            found = matches(v.value, self._words)
            if found:
                yield self.finding("{where}含有{list}{words}，请删除或改写", refs(v.ref),
                                   where=where, words="".join(f"「{w}」" for w in found), list=listed)
