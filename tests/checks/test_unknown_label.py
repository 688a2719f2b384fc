from automator.document import CellRef

SPEC = {"check": "unknown_label", "severity": "warning"}


def test_unknown_labels_columns_and_sheets(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, unknown=[("预算备注", CellRef("基本信息", "A9"), "字段"),
                                  ("备注", CellRef("行动事项", "F1"), "列"),
                                  ("草稿", CellRef("草稿", "A1"), "工作表"),
                                  ("Notes", CellRef("基本信息", "A10"), "label")])
    assert check(rule, doc, SPEC) == [
        ("unknown_label", "warning", "未识别的字段「预算备注」，其内容没有用到（名称请按模板填写）", ("基本信息!A9",)),
        ("unknown_label", "warning", "未识别的列「备注」，其内容没有用到（名称请按模板填写）", ("行动事项!F1",)),
        ("unknown_label", "warning", "未识别的工作表「草稿」，其内容没有用到（名称请按模板填写）", ("草稿!A1",)),
        ("unknown_label", "warning", "未识别的标签「Notes」，其内容没有用到（名称请按模板填写）", ("基本信息!A10",))]


def test_nothing_unknown(rules, make_doc, check):
    rule = rules["contact_report"]
    assert check(rule, make_doc(rule, fields={"client": "星河乳业"}), SPEC) == []


def test_takes_no_other_keys(rules, compile_error):
    assert compile_error(rules["agenda"], {**SPEC, "table": "items"}) == [
        (("checks", 0, "table"), "unknown key 'table' for check 'unknown_label'; allowed keys: check, severity, "
                                 "message, why")]


def test_the_summary_sheet_of_a_marked_copy_is_not_reported(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, unknown=[("检查结果", CellRef("检查结果", "A1"), "工作表")])
    assert check(rule, doc, SPEC) == []
