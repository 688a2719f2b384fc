"""The floor: what a technical user would write instead of the service.

    python bench/floor.py INPUT_DIR OUT_DIR [TEMPLATE]

One process, no checks, no verification, no archive: for each workbook,
openpyxl `load_workbook`, pull the values into the same context the service
builds (same keys, same display texts for dates and money), render the same
docxtpl template with a fresh `DocxTemplate` (as docxtpl advises, and as such
a script would), save. Prints one JSON line: files, seconds (in-process).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
from docxtpl import DocxTemplate

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"文档类型": "doc_type", "客户": "client", "品牌": "brand", "会议主题": "meeting_title",
          "会议日期": "meeting_date", "地点": "venue", "报告日期": "report_date", "撰写人": "author",
          "抄送": "distribution"}
TABLES = {"参会人员": ("attendees", {"姓名": "name", "公司": "company", "职位": "title"}),
          "决议事项": ("decisions", {"序号": "no", "事项": "item", "决议": "decision"}),
          "行动事项": ("actions", {"序号": "no", "行动": "action", "负责人": "owner", "截止日期": "due",
                               "状态": "status"}),
          "预算": ("budget", {"项目": "item", "金额": "amount"})}
AGENCY = {"name": "华夏智联广告有限公司", "name_en": "Huaxia Zhilian Advertising Co., Ltd.",
          "address": "上海市静安区南京西路1266号恒隆广场二座35楼", "phone": "021-6288 8000"}


def text(value: object, key: str = "") -> str:
    """Display text the way the service shows it (so both render the same amount of text)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        day = f"{value.year}年{value.month}月{value.day}日"
        return day if value.time() == dt.time(0) else f"{day} {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if key == "amount" and isinstance(value, int | float):
        return f"¥{Decimal(value):,.2f}"
    return str(value).strip()


def context(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    ctx: dict[str, object] = {}
    form = wb.worksheets[0]
    for label, value in form.iter_rows(min_col=1, max_col=2, values_only=True):
        if label in FIELDS:
            ctx[FIELDS[label]] = text(value)
    for sheet, (key, columns) in TABLES.items():
        rows: list[dict[str, str]] = []
        total = {c: "" for c in columns.values()}
        if sheet in wb.sheetnames:
            grid = list(wb[sheet].iter_rows(values_only=True))
            keys = [columns.get(str(h)) for h in grid[0]]
            for values in grid[1:]:
                record = {k: text(v, k) for k, v in zip(keys, values, strict=False) if k}
                if values[0] == "合计":
                    total.update({k: v for k, v in record.items() if k != keys[0]})
                else:
                    rows.append(record)
        ctx[key], ctx[f"{key}_total"] = rows, total
    wb.close()
    ctx["doc"] = {"key": "contact_report", "zh": "客户会议报告", "en": "Contact report"}
    ctx["agency"] = AGENCY
    ctx["meta"] = {"source": path.name, "summary": "8 项检查全部通过", "generated": text(dt.date.today()),
                   "draft": False, "rule_version": ""}
    return ctx


def main() -> None:
    inputs, out = Path(sys.argv[1]), Path(sys.argv[2])
    template = Path(sys.argv[3]) if len(sys.argv) > 3 else ROOT / "templates" / "contact_report.docx"
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    files = sorted(inputs.glob("*.xlsx"))
    for path in files:
        tpl = DocxTemplate(template)
        tpl.render(context(path), autoescape=True)
        tpl.save(out / f"{path.stem}.docx")
    print(json.dumps({"files": len(files), "seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
