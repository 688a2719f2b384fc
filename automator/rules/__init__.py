"""The rules language: rule files in `rules/` declare document types, their
fields, tables, checks, template and archive place. Code here reads them."""

from automator.rules.loader import RuleSet, load_rules
from automator.rules.model import ColumnSpec, FieldSpec, Rule, TableSpec

__all__ = ["ColumnSpec", "FieldSpec", "Rule", "RuleSet", "TableSpec", "load_rules"]
