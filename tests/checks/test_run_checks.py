import datetime as dt
from typing import Literal

from automator.checks import MAX_FINDINGS, compile_checks, run_checks
from automator.checks.base import Check
from automator.document import Finding, Severity


class Broken(Check):
    """A check that crashes on purpose. YAML keys: none."""

    name = "broken"
    check: Literal["broken"]

    def run(self, doc, rule, ctx):
        yield from ()
        raise RuntimeError("boom")


def test_a_crashing_check_becomes_an_error_finding_and_the_others_still_run(rules, make_doc, ruleset):
    rule = rules["agenda"].model_copy(update={"checks": (
        {"check": "required", "fields": ["meeting_title"], "severity": "warning"},)})
    compiled = [Broken(check="broken", severity="warning"), *compile_checks(rule, ruleset.words)]
    out = run_checks(make_doc(rule, fields={"meeting_title": ""}), rule, compiled)
    assert [(r.check, [(f.severity, f.message) for f in r.findings]) for r in out] == [
        ("broken", [(Severity.ERROR, "本项检查（broken）因程序错误未能完成，请人工核对")]),
        ("required", [(Severity.WARNING, "必填项「会议主题」为空")])]


def test_findings_are_capped_per_check(rules, make_doc, results):
    rule = rules["contact_report"]
    actions = [{"action": f"事项{i}", "due": dt.date(2026, 1, 1)} for i in range(60)]
    (result,) = results(rule, make_doc(rule, tables={"actions": actions}),
                        {"check": "required", "table": "actions", "columns": ["owner"], "severity": "error"})
    assert len(result.findings) == MAX_FINDINGS + 1
    assert result.findings[-1] == Finding("required", Severity.ERROR, "另有 10 处同类问题未列出", ())


def test_reader_notes_come_first(rules, make_doc, results):
    rule = rules["agenda"]
    doc = make_doc(rule)
    note = Finding("unreadable", Severity.WARNING, "工作表「议程」有合并单元格，已按左上角读取", ("议程!A3",))
    doc.findings.append(note)
    out = results(rule, doc, {"check": "unknown_label", "severity": "warning"})
    assert [(r.check, r.title, r.severity, r.findings) for r in out] == [
        ("reader", "读取工作簿", Severity.WARNING, [note]),
        ("unknown_label", "没有未识别的标签、列或工作表", Severity.WARNING, [])]


def test_results_carry_title_severity_and_why(rules, make_doc, results):
    rule = rules["contact_report"]
    out = results(rule, make_doc(rule))
    assert [(r.check, r.title, str(r.severity), r.why) for r in out][:3] == [
        ("required", "必填项：客户、会议主题、会议日期、报告日期、撰写人", "error", "报告要写明客户、会议、日期和撰写人"),
        ("date_order", "会议日期 → 报告日期（不超过 24小时）", "error",
         "手册要求会后24小时内发出会议报告（只写日期时，次日视为24小时内）"),
        ("required", "行动事项每行必填：负责人、截止日期", "error", "手册要求每个后续行动都写明负责人和约定日期")]
    assert out[-1].why == "读不出的数值无法核对"  # no `why:` in the rule: the check's default
