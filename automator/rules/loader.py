"""Load `rules/*.yaml` into typed `Rule`s, reporting every mistake as `file:line: where: what`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from automator.errors import ConfigError, ConfigErrorList
from automator.rules.model import FieldSpec, Rule, norm_label
from automator.yamlfile import line_of, located_errors, read_yaml, where

COMMON = "_common.yaml"   # fields every document type has (doc_type, client, brand)
WORDS = "words.yaml"      # word lists the `words` check uses (sensitive words…)


@dataclass
class RuleSet:
    rules: dict[str, Rule]
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    agency: dict[str, str] = field(default_factory=dict)  # letterhead: name, name_en, address…
    versions: dict[str, str] = field(default_factory=dict)  # rule key -> sha256 of its file(s)
    files: dict[str, Path] = field(default_factory=dict)    # rule key -> rule file
    checks: dict[str, list[Any]] = field(default_factory=dict)  # rule key -> compiled checks

    def by_name(self, name: Any) -> Rule | None:
        wanted = norm_label(name)
        return next((r for r in self.rules.values() if wanted in r.names()), None)

    def describe(self) -> str:
        return "、".join(f"{r.zh}（{r.en} / {r.key}）" for r in self.rules.values())


def load_rules(folder: Path) -> RuleSet:
    """Load every rule in `folder`. Raises one ConfigError listing all problems found."""
    if not folder.is_dir():
        raise ConfigError(f"rules folder not found: {folder}",
                          hint="run `automator init` to lay out a working root")
    problems: list[str] = []
    common, common_bytes, agency = _common(folder, problems)
    ruleset = RuleSet(rules={}, words=_words(folder, problems), agency=agency)
    for path in sorted(folder.glob("*.yaml")):
        if path.name not in (COMMON, WORDS):
            _add_rule(ruleset, path, common, common_bytes, problems)
    if problems:
        raise ConfigError(f"{len(problems)} problem(s) in the rules:\n  " + "\n  ".join(problems),
                          hint="fix the rule files above, then `automator check-rules`")
    if not ruleset.rules:
        raise ConfigError(f"no rule files (*.yaml) in {folder}",
                          hint="run `automator init` to get the default rules")
    return ruleset


def _common(folder: Path, problems: list[str]) -> tuple[tuple[FieldSpec, ...], bytes, dict[str, str]]:
    """_common.yaml: the fields every type has, and the letterhead."""
    if not (folder / COMMON).exists():
        return (), b"", {}
    data, node, raw = read_yaml(folder / COMMON)
    agency = {str(k): str(v) for k, v in ((data or {}).get("agency") or {}).items()}
    try:
        return tuple(FieldSpec.model_validate(f) for f in (data or {}).get("fields", [])), raw, agency
    except ValidationError as exc:
        problems += located_errors(folder / COMMON, node, exc.errors())
        return (), raw, agency


def _words(folder: Path, problems: list[str]) -> dict[str, tuple[str, ...]]:
    """words.yaml: the word lists the `words` check uses."""
    if not (folder / WORDS).exists():
        return {}
    data, _, _ = read_yaml(folder / WORDS)
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        problems.append(f"{folder / WORDS}:1: expected lists of words, e.g. `sensitive: [机密, 保密]`")
        return {}
    return {k: tuple(str(w) for w in v if str(w).strip()) for k, v in data.items()}


def _add_rule(ruleset: RuleSet, path: Path, common: tuple[FieldSpec, ...], common_bytes: bytes,
              problems: list[str]) -> None:
    # Imported here: the checks package imports the rules model.
    from automator.checks import compile_checks

    data, node, raw = read_yaml(path)
    if not isinstance(data, dict):
        problems.append(f"{path}:1: a rule file must be a mapping with key, zh, en, fields…")
        return
    data = {**data, "fields": [*[f.model_dump() for f in common], *(data.get("fields") or [])]}
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        # Locations inside `fields` are shifted by the common fields; map them back.
        problems += located_errors(path, node, _shift(exc.errors(), len(common)))
        return
    if rule.key in ruleset.rules:
        problems.append(f"{path}: key '{rule.key}' is also used by {ruleset.files[rule.key]}")
        return
    try:
        ruleset.checks[rule.key] = compile_checks(rule, ruleset.words)
    except ConfigErrorList as exc:
        problems += [f"{path}{f':{line_of(node, loc)}' if line_of(node, loc) else ''}: "
                     f"{where(loc)}: {msg}" for loc, msg in exc.items]
        return
    ruleset.rules[rule.key] = rule
    ruleset.files[rule.key] = path
    ruleset.versions[rule.key] = hashlib.sha256(common_bytes + raw).hexdigest()[:12]


def _shift(errors: list[Any], offset: int) -> list[Any]:
    """Map `fields[i]` locations back to the rule file (common fields come first)."""
    out = []
    for err in errors:
        loc = list(err["loc"])
        if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
            loc[1] = loc[1] - offset if loc[1] >= offset else f"{COMMON}#{loc[1]}"
        out.append({**err, "loc": tuple(loc)})
    return out
