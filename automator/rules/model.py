"""Typed models of a rule file. Unknown keys are errors, so typos surface at startup."""

from __future__ import annotations

import string
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ValueType = Literal["text", "int", "number", "money", "date", "datetime", "time",
                    "percent", "discount", "minutes"]


def norm_label(text: Any) -> str:
    """The form a label is compared in: case-folded, no blanks, no trailing colon."""
    import unicodedata

    s = unicodedata.normalize("NFKC", str(text)).strip().rstrip(":：").strip()
    return "".join(s.split()).casefold()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """A single-value field (a row of the form sheet) or a table column."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    type: ValueType = "text"
    required: bool = False
    help: str = ""      # shown as a comment in `automator sample` workbooks
    example: str = ""   # ditto

    def labels(self) -> set[str]:
        return {norm_label(x) for x in (self.key, self.zh, self.en, *self.aliases)}


ColumnSpec = FieldSpec


class TableSpec(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    columns: tuple[FieldSpec, ...]

    def labels(self) -> set[str]:
        return {norm_label(x) for x in (self.key, self.zh, self.en, *self.aliases)}


class MatchSpec(_Strict):
    """How a workbook without a 文档类型 field is recognised: file name first, then sheets.

    `any_workbook: true` makes this the type of a workbook no other type matches (通用表格):
    it is then checked, not rejected."""

    filename: tuple[str, ...] = ()
    sheets: tuple[str, ...] = ()
    any_workbook: bool = False


class Rule(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    input: Literal["workbook", "pdf"] = "workbook"
    # Other inputs this type is also read from: a PDF type (quote) from a vendor's Excel sheet.
    also_input: tuple[Literal["workbook", "pdf"], ...] = ()
    match: MatchSpec = MatchSpec()
    template: str | None = None
    category: str
    date_field: str
    title_field: str | None = None
    output_name: str
    fields: tuple[FieldSpec, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    options: dict[str, Any] = Field(default_factory=dict)  # type-specific knobs (e.g. PDF tolerances)

    def names(self) -> set[str]:
        return {norm_label(x) for x in (self.key, self.zh, self.en, *self.aliases)}

    def reads(self, kind: str) -> bool:
        """Whether a document of this type may arrive as `kind` ("workbook" or "pdf")."""
        return kind == self.input or kind in self.also_input

    def field(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.key == key), None)

    def table(self, key: str) -> TableSpec | None:
        return next((t for t in self.tables if t.key == key), None)

    @field_validator("output_name")
    @classmethod
    def _pattern_is_format(cls, v: str) -> str:
        list(string.Formatter().parse(v))  # raises ValueError on a broken pattern
        return v

    @model_validator(mode="after")
    def _references_exist(self) -> Rule:
        keys = {f.key for f in self.fields}
        dupes = sorted({k for k in keys if sum(f.key == k for f in self.fields) > 1})
        if dupes:
            raise ValueError(f"field declared twice: {', '.join(dupes)}")
        for name in (self.date_field, self.title_field):
            if name and name not in keys:
                raise ValueError(f"'{name}' is not one of this rule's fields")
        for _, name, _, _ in string.Formatter().parse(self.output_name):
            if name and name not in keys | {"doc_type", "doc_zh", "doc_en"}:
                raise ValueError(f"output_name uses '{{{name}}}', which is not a field")
        return self
