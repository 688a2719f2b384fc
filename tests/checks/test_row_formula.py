from decimal import Decimal as D

import pytest

QTY_PRICE = {"check": "row_formula", "table": "deliverables", "result": "amount", "expr": "qty * unit_price",
             "severity": "error"}
NET = {"check": "row_formula", "table": "plan", "result": "net", "expr": "spots * unit_price * discount",
       "severity": "error"}


def test_amount_not_qty_times_price(rules, make_doc, check):
    rule = rules["creative_brief"]
    doc = make_doc(rule, tables={"deliverables": [
        {"item": "15秒TVC", "qty": D(1), "unit_price": D("180000"), "amount": D("180000")},
        {"item": "海报", "qty": D(2), "unit_price": D("1000.10"), "amount": D("2000.00")}]})
    assert check(rule, doc, QTY_PRICE) == [
        ("row_formula", "error", "交付物第3行金额 2,000.00 与 数量 2 × 单价 1,000.10 = 2,000.20 不符，相差 0.20",
         ("交付物!E3",))]


@pytest.mark.parametrize(("amount", "ok"), [(D("24000.30"), True), (D("24000.31"), False), (24000.3, True)])
def test_exact_products_agree_to_the_cent(rules, make_doc, check, amount, ok):
    rule = rules["creative_brief"]
    doc = make_doc(rule, tables={"deliverables": [{"qty": D(3), "unit_price": 8000.1, "amount": amount}]})
    assert (check(rule, doc, QTY_PRICE) == []) is ok


def test_net_with_discount(rules, make_doc, check):
    rule = rules["media_brief"]
    doc = make_doc(rule, tables={"plan": [
        {"media": "分众电梯屏", "spots": D(300), "unit_price": D(2000), "discount": D("0.8"), "net": D(480000)},
        {"media": "抖音开屏", "spots": D(10), "unit_price": D(50000), "discount": D("0.9"), "net": D(500000)}]})
    assert check(rule, doc, NET) == [
        ("row_formula", "error",
         "媒介排期第3行净额 500,000.00 与 次数 10 × 单价 50,000.00 × 折扣 0.9 = 450,000.00 不符，相差 50,000.00",
         ("媒介排期!H3",))]


def test_discounted_unit_price_rounded_to_the_cent_is_accepted(rules, make_doc, check):
    # 1,333.33 × 0.85 = 1,133.3305 → an AE rounds to 1,133.33 × 300 = 339,999.00; exact is 339,999.15.
    rule = rules["media_brief"]
    doc = make_doc(rule, tables={"plan": [
        {"spots": D(300), "unit_price": D("1333.33"), "discount": D("0.85"), "net": D("339999.00")}]})
    assert check(rule, doc, NET) == []
    doc.tables["plan"].rows[0].cells["net"].value = D("339990.00")  # a typo is never that small
    assert [c for _, _, _, c in check(rule, doc, NET)] == [("媒介排期!H2",)]


def test_blank_operands_skip_the_row(rules, make_doc, check, bad):
    rule = rules["creative_brief"]
    doc = make_doc(rule, tables={"deliverables": [
        {"qty": None, "unit_price": D(5), "amount": D(7)},
        {"qty": D(1), "unit_price": bad("五百", "不是金额"), "amount": D(7)},
        {"qty": D(1), "unit_price": D(5)}]})
    assert check(rule, doc, QTY_PRICE) == []


def test_parentheses_and_constants(rules, make_doc, check):
    rule = rules["creative_brief"]
    spec = {**QTY_PRICE, "expr": "(qty + 1) * unit_price / 2"}
    doc = make_doc(rule, tables={"deliverables": [{"qty": D(3), "unit_price": D(10), "amount": D(20)},
                                                  {"qty": D(3), "unit_price": D(10), "amount": D(25)}]})
    out = check(rule, doc, spec)
    assert out == [("row_formula", "error",
                    "交付物第3行金额 25.00 与 (数量 3 + 1) × 单价 10.00 ÷ 2 = 20.00 不符，相差 5.00", ("交付物!E3",))]


def test_division_by_zero_skips_the_row(rules, make_doc, check):
    rule = rules["creative_brief"]
    spec = {**QTY_PRICE, "expr": "unit_price / qty"}
    doc = make_doc(rule, tables={"deliverables": [{"qty": D(0), "unit_price": D(10), "amount": D(20)}]})
    assert check(rule, doc, spec) == []


@pytest.mark.parametrize(("expr", "message"), [
    ("__import__('os').system('x')",
     "only column keys, numbers, + - * / and parentheses are allowed (found Call in \"__import__('os').system('x')\")"),
    ("qty ** 2", "only column keys, numbers, + - * / and parentheses are allowed (found Pow in 'qty ** 2')"),
    ("qty *", "cannot parse 'qty *': invalid syntax"),
    ("qty * price", "'price' is not a column of table 'deliverables' "
                    "(columns: item, spec, qty, unit_price, amount, due)"),
    ("qty * spec", "column 'deliverables.spec' has type text; this check needs "
                   "discount or int or minutes or money or number or percent"),
])
def test_compile_errors(rules, compile_error, expr, message):
    assert compile_error(rules["creative_brief"], {**QTY_PRICE, "expr": expr}) == [(("checks", 0, "expr"), message)]
