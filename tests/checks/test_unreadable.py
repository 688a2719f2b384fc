from decimal import Decimal

SPEC = {"check": "unreadable", "severity": "error"}


def test_unreadable_field_cell_and_uncached_formula(rules, make_doc, check, bad):
    rule = rules["creative_brief"]
    doc = make_doc(rule, fields={"project": "冬季新品", "brief_date": bad("下周三", "不是日期")},
                   tables={"deliverables": [{"item": "TVC", "amount": Decimal(1)},
                                            {"item": "KV", "amount": bad("=C3*D3", "公式 =C3*D3 没有保存计算结果")}]})
    assert check(rule, doc, SPEC) == [
        ("unreadable", "error", "「简报日期」无法读取：不是日期（单元格内容「下周三」）", ("基本信息!B2",)),
        ("unreadable", "error", "交付物第3行「金额」无法读取：公式 =C3*D3 没有保存计算结果", ("交付物!E3",))]


def test_readable_document(rules, make_doc, check):
    rule = rules["creative_brief"]
    doc = make_doc(rule, fields={"project": "冬季新品", "brief_date": None},
                   tables={"deliverables": [{"item": "TVC", "amount": Decimal(1)}]})
    assert check(rule, doc, SPEC) == []
