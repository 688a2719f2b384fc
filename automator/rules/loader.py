"""Load `rules/*.yaml` into typed `Rule`s, reporting every mistake as `file:line: where: what`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from automator.errors import ConfigError
from automator.rules.model import FieldSpec, Rule, norm_label

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


class _Loader(yaml.SafeLoader):
    """YAML 1.2-ish: `no`, `on`, `yes` stay strings and `2026-11-20` stays text.

    Rule authors write keys like `no` (序号) and example dates; YAML 1.1 would
    turn those into False and date objects.
    """


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers
         if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false|True|False|TRUE|FALSE)$"),
                              list("tTfF"))


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same resolvers on libyaml's parser: ten times faster, and start-up parses every rule file."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a line number."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None, bytes]:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        return yaml.load(text, Loader=_FastLoader), yaml.compose(text, Loader=_FastLoader), raw
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})",
                          hint="save the rule file as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{line}: YAML syntax error: {problem}",
                          hint="check indentation and quoting on that line") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read rule file: {exc.strerror}") from exc


def _errors(path: Path, node: yaml.Node | None, errors: list[Any]) -> list[str]:
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        line = _line_of(node, loc)
        got = err.get("input")
        shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{path}{f':{line}' if line else ''}: {_where(loc)}: {msg}{shown}")
    return out


def load_rules(folder: Path) -> RuleSet:
    """Load every rule in `folder`. Raises one ConfigError listing all problems found."""
    # Imported here: the checks package imports the rules model.
    from automator.checks import compile_checks

    if not folder.is_dir():
        raise ConfigError(f"rules folder not found: {folder}",
                          hint="run `automator init` to lay out a working root")
    problems: list[str] = []
    common: tuple[FieldSpec, ...] = ()
    common_bytes = b""
    agency: dict[str, str] = {}
    if (folder / COMMON).exists():
        data, node, common_bytes = _read_yaml(folder / COMMON)
        agency = {str(k): str(v) for k, v in ((data or {}).get("agency") or {}).items()}
        try:
            common = tuple(FieldSpec.model_validate(f) for f in (data or {}).get("fields", []))
        except ValidationError as exc:
            problems += _errors(folder / COMMON, node, exc.errors())
    words: dict[str, tuple[str, ...]] = {}
    if (folder / WORDS).exists():
        data, _, _ = _read_yaml(folder / WORDS)
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            problems.append(f"{folder / WORDS}:1: expected lists of words, e.g. `sensitive: [机密, 保密]`")
        else:
            words = {k: tuple(str(w) for w in v if str(w).strip()) for k, v in data.items()}

    ruleset = RuleSet(rules={}, words=words, agency=agency)
    for path in sorted(folder.glob("*.yaml")):
        if path.name in (COMMON, WORDS):
            continue
        data, node, raw = _read_yaml(path)
        if not isinstance(data, dict):
            problems.append(f"{path}:1: a rule file must be a mapping with key, zh, en, fields…")
            continue
        data = {**data, "fields": [*[f.model_dump() for f in common], *(data.get("fields") or [])]}
        try:
            rule = Rule.model_validate(data)
        except ValidationError as exc:
            # Locations inside `fields` are shifted by the common fields; map them back.
            problems += _errors(path, node, _shift(exc.errors(), len(common)))
            continue
        if rule.key in ruleset.rules:
            problems.append(f"{path}: key '{rule.key}' is also used by {ruleset.files[rule.key]}")
            continue
        try:
            ruleset.checks[rule.key] = compile_checks(rule, words)
        except ConfigErrorList as exc:
            problems += [f"{path}{f':{_line_of(node, loc)}' if _line_of(node, loc) else ''}: "
                         f"{_where(loc)}: {msg}" for loc, msg in exc.items]
            continue
        ruleset.rules[rule.key] = rule
        ruleset.files[rule.key] = path
        ruleset.versions[rule.key] = hashlib.sha256(common_bytes + raw).hexdigest()[:12]
    if problems:
        raise ConfigError(f"{len(problems)} problem(s) in the rules:\n  " + "\n  ".join(problems),
                          hint="fix the rule files above, then `automator check-rules`")
    if not ruleset.rules:
        raise ConfigError(f"no rule files (*.yaml) in {folder}",
                          hint="run `automator init` to get the default rules")
    return ruleset


class ConfigErrorList(Exception):
    """Raised by compile_checks: a list of (location, message) pairs inside one rule."""

    def __init__(self, items: list[tuple[tuple[Any, ...], str]]) -> None:
        super().__init__("; ".join(m for _, m in items))
        self.items = items


def _shift(errors: list[Any], offset: int) -> list[Any]:
    """Map `fields[i]` locations back to the rule file (common fields come first)."""
    out = []
    for err in errors:
        loc = list(err["loc"])
        if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
            loc[1] = loc[1] - offset if loc[1] >= offset else f"{COMMON}#{loc[1]}"
        out.append({**err, "loc": tuple(loc)})
    return out
