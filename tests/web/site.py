"""A root that shows every kind of page: archived documents (one in two versions), a review
item with its 标注 workbook, a rejected file, the client 金麦 (a 2-character search), and a
client whose name is an HTML attack (it must arrive as text).

    python tests/web/site.py DIR     # the same root, to look at by hand (automator serve --root DIR)
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tools"), str(REPO / "tests")]

from conftest import example_data, run_cli  # noqa: E402
from make_examples import NAMES  # noqa: E402

from automator.init import init_root  # noqa: E402
from automator.rules import load_rules  # noqa: E402
from automator.sample import write_workbook  # noqa: E402

JINMAI = "金麦食品有限公司"
EVIL = "<script>alert(1)</script>"
EVIL_TITLE = '<img src=x onerror="alert(2)">春季沟通会'
REPORT_V2 = "outbox/金麦食品有限公司/2026/会议纪要/2026-11-24_客户会议报告_金麦春季新品沟通会_v2.docx"
REVIEW = "outbox/_待复核/2026-11-02_创意简报_金麦夏季推广"
MARKED = f"{REVIEW}/2026-11-02_创意简报_金麦夏季推广.标注.xlsx"
EXAMPLES = len(list((REPO / "examples").glob("*.xlsx")))  # each archives under 星河乳业(上海)有限公司
ARCHIVED = EXAMPLES + 3   # ledger rows: the examples, 金麦 (two versions), the script client
LATEST = EXAMPLES + 2     # documents (the newest version of each)


def maker() -> Callable[..., Path]:
    """make(folder, key, name, fields=…, rows=…): the shipped example of `key` with changes."""
    ruleset = load_rules(REPO / "rules")

    def make(folder: Path, key: str, name: str | None = None, *, fields: dict[str, Any] | None = None,
             rows: dict[str, dict[int, dict[str, Any]]] | None = None) -> Path:
        data = example_data(key)
        data["fields"].update(fields or {})
        for table, changes in (rows or {}).items():
            for index, change in changes.items():
                data["tables"][table][index].update(change)
        return write_workbook(ruleset.rules[key], folder / (name or NAMES[key]), **data)

    return make


def build_site(root: Path) -> Path:
    """Fill a new root through the real CLI (`automator run`, twice); returns it."""
    make = maker()
    init_root(root)
    inbox = root / "inbox"
    for path in sorted((REPO / "examples").glob("*.xlsx")):
        shutil.copyfile(path, inbox / path.name)
    make(inbox, "contact_report", "金麦-沟通会.xlsx",
         fields={"client": JINMAI, "brand": "金麦面包", "meeting_title": "金麦春季新品沟通会"})
    make(inbox, "agenda", "evil.xlsx", fields={"client": EVIL, "meeting_title": EVIL_TITLE})
    make(inbox, "creative_brief", "创意简报-有错.xlsx", fields={"client": JINMAI, "project": "金麦夏季推广"},
         rows={"deliverables": {0: {"amount": 99}}})
    (inbox / "坏文件.xlsx").write_bytes(b"this is not a workbook at all")
    code, _ = run_cli("run", root=root)
    assert code == 1, "the review item and the rejected file make exit 1"
    # a corrected version of the 金麦 report: the same document with new content -> 第 2 版
    make(inbox, "contact_report", "金麦-沟通会-改.xlsx",
         fields={"client": JINMAI, "brand": "金麦面包", "meeting_title": "金麦春季新品沟通会", "venue": "金麦上海办公室 5 楼"})
    code, _ = run_cli("run", root=root)
    assert code == 0
    assert (root / REPORT_V2).is_file() and (root / MARKED).is_file()
    return root


if __name__ == "__main__":
    build_site(Path(sys.argv[1]))
