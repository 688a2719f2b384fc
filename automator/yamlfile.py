"""YAML files people edit (rules, the root's automator.yaml): read with YAML 1.2-ish
resolvers, and every validation error located as `file:line: where: what`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from automator.errors import ConfigError


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


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
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


def where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None, bytes]:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        return yaml.load(text, Loader=_FastLoader), yaml.compose(text, Loader=_FastLoader), raw
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})",
                          hint="save the file as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{line}: YAML syntax error: {problem}",
                          hint="check indentation and quoting on that line") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file: {exc.strerror}") from exc


def located_errors(path: Path, node: yaml.Node | None, errors: list[Any]) -> list[str]:
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        line = line_of(node, loc)
        got = err.get("input")
        shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{path}{f':{line}' if line else ''}: {where(loc)}: {msg}{shown}")
    return out
