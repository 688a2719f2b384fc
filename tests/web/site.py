"""A root that shows every kind of page: archived documents (one in two versions), a review
item with its 标注 workbook, a rejected file, the client 金麦 (a 2-character search), and a
client whose name is an HTML attack (it must arrive as text)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from make_examples import NAMES  # noqa: E402

from automator.init import init_root  # noqa: E402

JINMAI = "金麦食品有限公司"
EVIL = "<script>alert(1)</script>"
EVIL_TITLE = '<img src=x onerror="alert(2)">春季沟通会'


def build_site(root: Path, make_workbook, run_cli) -> Path:  # type: ignore[no-untyped-def]
    """Fill `root` (made by init) through the real CLI; returns it."""
    init_root(root)
    inbox = root / "inbox"
    for path in sorted((REPO / "examples").glob("*.xlsx")):
        shutil.copyfile(path, inbox / path.name)
    make_workbook(inbox, "contact_report", "金麦-沟通会.xlsx",
                  fields={"client": JINMAI, "brand": "金麦面包", "meeting_title": "金麦春季新品沟通会"})
    make_workbook(inbox, "agenda", "evil.xlsx", fields={"client": EVIL, "meeting_title": EVIL_TITLE})
    make_workbook(inbox, "creative_brief", "创意简报-有错.xlsx",
                  fields={"client": JINMAI, "project": "金麦夏季推广"}, rows={"deliverables": {0: {"amount": 99}}})
    (inbox / "坏文件.xlsx").write_bytes(b"this is not a workbook at all")
    code, _ = run_cli("run", root=root)
    assert code == 1, "the review item and the rejected file make exit 1"
    # a corrected version of the 金麦 report: same document, new content -> 第 2 版
    make_workbook(inbox, "contact_report", "金麦-沟通会-改.xlsx",
                  fields={"client": JINMAI, "brand": "金麦面包", "meeting_title": "金麦春季新品沟通会",
                          "venue": "金麦上海办公室 5 楼"})
    code, _ = run_cli("run", root=root)
    assert code == 0
    return root


def main() -> None:  # python tests/web/site.py DIR: a root to look at by hand
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import example_data, run_cli

    from automator.rules import load_rules
    from automator.sample import write_workbook

    ruleset = load_rules(REPO / "rules")

    def make(folder, key, name=None, *, fields=None, rows=None):  # type: ignore[no-untyped-def]
        data = example_data(key)
        data["fields"].update(fields or {})
        for table, changes in (rows or {}).items():
            for index, change in changes.items():
                data["tables"][table][index].update(change)
        return write_workbook(ruleset.rules[key], folder / (name or NAMES[key]), **data)

    build_site(Path(sys.argv[1]), make, run_cli)


if __name__ == "__main__":
    main()
