SPEC = {"check": "words", "list": "sensitive", "severity": "error"}


def test_sensitive_words_in_a_field_and_a_cell(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"meeting_title": "新品上市提案会", "distribution": "仅限内部资料，不得外传"},
                   tables={"actions": [{"action": "提交修改稿", "owner": "李娜"},
                                       {"action": "整理客户机密报价", "owner": "张伟"}]})
    assert check(rule, doc, SPEC) == [
        ("words", "error", "「抄送」含有敏感字样「内部资料」「仅限内部」「不得外传」，请删除或改写", ("基本信息!B2",)),
        ("words", "error", "行动事项第3行「行动」含有敏感字样「机密」，请删除或改写", ("行动事项!B3",))]


def test_case_and_width_are_ignored(rules, make_doc, check):
    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"meeting_title": "Ｃｏｎｆｉｄｅｎｔｉａｌ briefing",
                                 "venue": "INTERNAL ONLY room"})
    assert [(m, c) for _, _, m, c in check(rule, doc, SPEC)] == [
        ("「会议主题」含有敏感字样「confidential」，请删除或改写", ("基本信息!B1",)),
        ("「地点」含有敏感字样「internal only」，请删除或改写", ("基本信息!B2",))]


def test_clean_text_and_non_text_values(rules, make_doc, check):
    import datetime as dt
    from decimal import Decimal

    rule = rules["contact_report"]
    doc = make_doc(rule, fields={"meeting_title": "新品上市提案会", "meeting_date": dt.datetime(2026, 11, 20, 14)},
                   tables={"budget": [{"item": "视频拍摄", "amount": Decimal(1)}]})
    assert check(rule, doc, SPEC) == []


def test_another_list(rules, make_doc, ruleset):
    from automator.checks import compile_checks, run_checks

    rule = rules["agenda"].model_copy(update={"checks": ({"check": "words", "list": "banned", "severity": "warning"},)})
    compiled = compile_checks(rule, {**ruleset.words, "banned": ("最好",)})
    doc = make_doc(rule, fields={"meeting_title": "全网最好的酸奶"})
    (result,) = run_checks(doc, rule, compiled)
    assert result.title == "不含词表「banned」中的字样"
    assert [f.message for f in result.findings] == ["「会议主题」含有词表「banned」中的字样「最好」，请删除或改写"]


def test_unknown_list(rules, compile_error):
    [(where, message)] = compile_error(rules["agenda"], {**SPEC, "list": "secret"})
    assert where == ("checks", 0, "list")
    assert message.startswith("no word list 'secret' in rules/words.yaml (lists: ") and "sensitive" in message
