"""The names a template shows (`client`, `items.topic`…), for verify to expect only those."""

from __future__ import annotations

from pathlib import Path

from automator.lint.jinja import parse_parts, patched_sources, references
from automator.lint.parts import open_parts, paragraphs
from automator.lint.problem import LintProblem

_USED: dict[Path, tuple[tuple[int, int], set[str] | None]] = {}


def used_names(path: Path) -> set[str] | None:
    """What a template shows: `client`, `items.topic`, `items_total.minutes`… (None if unreadable).
    Cached per process until the file changes."""
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _USED.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, _used_names(path))
        _USED[path] = cached
    return cached[1]


def _used_names(path: Path) -> set[str] | None:
    from automator.outputs.render import environment

    problems: list[LintProblem] = []
    parts = open_parts(Path(path), problems)
    if parts is None:
        return None
    trees, syntax = parse_parts(patched_sources(parts), paragraphs(parts), environment())
    if syntax:
        return None
    out: set[str] = set()
    for tree in trees.values():
        names, pairs = references(tree)
        out |= names
        out |= {f"{owner.removesuffix('[]')}.{attr}" for owner, attr in pairs}
    return out
