"""The check report (Markdown, Chinese) and the one-line summary."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from automator.checks import run_checks
from automator.document import CellRef, CheckResult, Document, Finding, Row, Severity, Table, Value
from automator.outputs.report import summary, write_report
from automator.rules import load_rules

RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.fixture(scope="module")
def rule(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    for name in ("_common.yaml", "words.yaml", "contact_report.yaml"):
        shutil.copy(RULES / name, folder / name)
    return load_rules(folder)


def contact_report(total: Decimal, distribution: str) -> Document:
    doc = Document(Path("客户会议报告.xlsx"), "contact_report")
    info = [("client", "星河乳业（上海）有限公司"), ("meeting_title", "新品上市创意提案会"),
            ("meeting_date", dt.datetime(2026, 11, 20, 14, 0)), ("report_date", dt.date(2026, 11, 21)),
            ("author", "李娜"), ("distribution", distribution)]
    for n, (key, value) in enumerate(info, start=2):
        doc.fields[key] = Value(key, value, value, CellRef("基本信息", f"B{n}"))
    budget = Table("budget", "预算", 1, column_letters={"item": "A", "amount": "B"})
    budget.rows = [Row(2, {"amount": Value("amount", 1, Decimal(120000), CellRef("预算", "B2"), "money")}),
                   Row(3, {"amount": Value("amount", 1, Decimal(90000), CellRef("预算", "B3"), "money")})]
    budget.totals = Row(4, {"amount": Value("amount", total, total, CellRef("预算", "B4"), "money")})
    doc.tables["budget"] = budget
    return doc


def results_for(ruleset, doc):
    rule = ruleset.rules["contact_report"]
    return rule, run_checks(doc, rule, ruleset.checks["contact_report"])


def test_review_report(rule, tmp_path):
    ruleset = rule
    rule, results = results_for(ruleset, contact_report(Decimal(200000), "全体与会人员（机密）"))
    path = tmp_path / "检查报告.md"
    write_report(path, doc=contact_report(Decimal(200000), ""), rule=rule, results=results, status="review",
                 source_name="客户会议报告.xlsx",
                 outputs=["outbox/_复核/x/x.标注.xlsx", "outbox/_复核/x/x.草稿-未通过检查.docx"])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 检查报告：客户会议报告《新品上市创意提案会》（2026-11-20 14:00）\n")
    assert "| 结果 | **需修改：发现错误，文件未归档，已放入复核区** |" in text
    assert "| 检查 | 检查 8 项：2 项错误 |" in text
    assert "| 预算金额之和 = 合计行 | ✗ 错误（1） | 核算数字之和——预算明细必须与合计行一致 |" in text
    assert "| 会议日期 → 报告日期（不超过 24小时） | ✓ 通过 | " in text
    assert ("1. 预算合计 200,000.00 与金额明细之和 210,000.00 不符，相差 10,000.00  \n"
            "   单元格：`预算!B4`") in text
    assert "「抄送」含有敏感字样「机密」，请删除或改写  \n   单元格：`基本信息!B7`" in text
    assert "**未通过检查**" in text and "- `outbox/_复核/x/x.标注.xlsx`" in text


def test_archived_report_with_a_warning(rule, tmp_path):
    ruleset = rule
    rule, results = results_for(ruleset, contact_report(Decimal(210000), "全体与会人员"))
    results.append(CheckResult("unknown_label", "没有未识别的标签", Severity.WARNING,
                               [Finding("unknown_label", Severity.WARNING, "未识别的字段「备注|附件」", ("基本信息!A9",))],
                               why="不应悄悄忽略"))
    path = tmp_path / "r.md"
    write_report(path, doc=contact_report(Decimal(210000), ""), rule=rule, results=results, status="archived",
                 source_name="a.xlsx", outputs=[])
    text = path.read_text(encoding="utf-8")
    assert "| 结果 | **已归档（有 1 项提醒，请看下文）** |" in text
    assert "## 需要修改" not in text
    assert "## 提醒\n\n1. 未识别的字段「备注|附件」  \n   单元格：`基本信息!A9`" in text
    assert "| 没有未识别的标签 | ⚠ 提醒（1） | 不应悄悄忽略 |" in text


def test_clean_report(rule, tmp_path):
    ruleset = rule
    rule, results = results_for(ruleset, contact_report(Decimal(210000), "全体与会人员"))
    path = tmp_path / "r.md"
    write_report(path, doc=contact_report(Decimal(210000), ""), rule=rule, results=results, status="archived",
                 source_name="a.xlsx", outputs=["outbox/星河/2026/会议纪要/x.docx"])
    text = path.read_text(encoding="utf-8")
    assert "| 结果 | **已归档** |" in text and "全部检查通过。" in text and "✗" not in text


def test_summary():
    ok = CheckResult("sum", "t", Severity.ERROR)
    err = CheckResult("sum", "t", Severity.ERROR, [Finding("sum", Severity.ERROR, "x"), Finding("sum", Severity.ERROR, "y")])
    warn = CheckResult("words", "t", Severity.WARNING, [Finding("words", Severity.WARNING, "x")])
    assert summary([ok] * 9) == "检查 9 项：全部通过"
    assert summary([ok] * 6 + [err, err, warn]) == "检查 9 项：2 项错误，1 项提醒"
    assert summary([ok, warn]) == "检查 2 项：1 项提醒"
    assert summary([]) == "检查 0 项：全部通过"
