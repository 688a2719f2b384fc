"""Write docs/checks.md from the check classes' docstrings and the shipped rules.

Run: python tools/make_docs.py   (tests/test_docs.py fails when the file is stale)
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automator.checks import KNOWN  # noqa: E402

HEADER = """# The check vocabulary

Checks are declared in each rule file's `checks:` list — no Python needed. Every check takes
`severity` (`error` sends the document to review; `warning` archives it with the warning in the
report), `why` (shown in the check report) and optionally `message` (a Chinese template that
overrides the default). This page is generated from the check classes by `tools/make_docs.py`.
"""


def examples(name: str) -> list[str]:
    out = []
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for check in data.get("checks") or []:
            if isinstance(check, dict) and check.get("check") == name:
                shown = {k: v for k, v in check.items() if k != "why"}
                out.append(f"{path.name}: {yaml.safe_dump(shown, allow_unicode=True, default_flow_style=True).strip()}")
    return out[:3]


def render() -> str:
    parts = [HEADER]
    for name, cls in KNOWN.items():
        doc = inspect.cleandoc(cls.__doc__ or "")
        title, _, body = doc.partition("\n")
        parts.append(f"\n## `{name}`\n\n{title}\n{body}\n")
        found = examples(name)
        if found:
            parts.append("\nIn the shipped rules:\n\n```yaml\n" + "\n".join(found) + "\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "checks.md").write_text(render(), "utf-8")
    print("docs/checks.md")
