FIELDS = {"check": "required", "fields": ["client", "meeting_title", "author"], "severity": "error"}
OWNERS = {"check": "required", "table": "actions", "columns": ["owner", "due"], "severity": "error"}


def test_blank_and_missing_fields(rules, make_doc, check):
    import datetime as dt
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"client": "星河乳业", "meeting_title": "  ", "meeting_date": dt.date(2026, 1, 1)})
    assert check(rule, doc, FIELDS) == [
        ("required", "error", "必填项「会议主题」为空", ("基本信息!B2",)),
        ("required", "error", "缺少必填项「撰写人」：表中没有这一行，请补上", ())]


def test_filled_fields(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"client": "星河乳业", "meeting_title": "提案会", "author": "李娜"})
    assert check(rule, doc, FIELDS) == []


def test_unreadable_field_is_left_to_the_unreadable_check(rules, make_doc, check, bad):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"client": "星河乳业", "meeting_title": "提案会", "author": bad("#REF!")})
    assert check(rule, doc, FIELDS) == []


def test_action_without_owner_points_at_the_empty_cell(rules, make_doc, check):
    import datetime as dt
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"actions": [
        {"action": "提交修改稿", "owner": "李娜", "due": dt.date(2026, 11, 27)},
        {"action": "确认排期", "due": dt.date(2026, 11, 28)},            # owner cell absent: never typed
        {"action": "回复客户", "owner": "张伟", "due": None}]})           # due cell present but blank
    assert check(rule, doc, OWNERS) == [
        ("required", "error", "行动事项第3行「负责人」为空", ("行动事项!C3",)),
        ("required", "error", "行动事项第4行「截止日期」为空", ("行动事项!D4",))]


def test_every_action_complete(rules, make_doc, check):
    import datetime as dt
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"actions": [{"action": "a", "owner": "李娜", "due": dt.date(2026, 11, 27)}]})
    assert check(rule, doc, OWNERS) == []
    assert check(rule, make_doc(rule), OWNERS) == []  # no actions table: nothing to hold to account


def test_missing_column(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, tables={"actions": [{"action": "a", "due": None}]})
    table = doc.tables["actions"]
    del table.column_letters["owner"], table.columns["owner"]
    out = check(rule, doc, {**OWNERS, "columns": ["owner"]})
    assert out == [("required", "error", "「行动事项」表缺少「负责人」列", ("行动事项!A1",))]


def test_table_needs_a_row(rules, make_doc, check):
    rule = rules["agenda"]
    spec = {"check": "required", "table": "items", "severity": "error"}
    assert check(rule, make_doc(rule), spec) == [("required", "error", "「议程」表没有任何记录", ())]
    assert check(rule, make_doc(rule, tables={"items": [{"topic": "开场"}]}), spec) == []


def test_compile_errors(rules, compile_error):
    rule = rules["contact_report"]
    assert compile_error(rule, {"check": "required", "severity": "error"}) == [
        (("checks", 0), "give either `fields: [...]` or `table:` (with `columns: [...]`)")]
    assert compile_error(rule, {"check": "required", "fields": ["owner"], "severity": "error"}) == [
        (("checks", 0, "fields"), "'owner' is not one of this rule's fields (fields: doc_type, client, brand, "
                                  "meeting_title, meeting_date, venue, report_date, author, distribution)")]
    assert compile_error(rule, {"check": "required", "table": "actions", "columns": ["who"], "severity": "error"}) == [
        (("checks", 0, "columns"), "'who' is not a column of table 'actions' (columns: no, action, owner, due, status)")]
