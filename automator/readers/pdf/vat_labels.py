"""The printed labels of the national VAT invoice forms, by what they stand for.

The same vocabulary is printed by every issuer's software (航信/Aisino, 百望, the 数电
platform): the national form fixes the words, not the positions. Keys:

- header facts: `invoice_code` 发票代码, `number` 发票号码, `doc_date` 开票日期, `check_code` 校验码;
- party facts (whose, by the 购买方/销售方 block they sit in): `name`, `tax_id`, `address`, `bank`;
- block markers: `buyer`, `seller`, `cipher` (密码区), `remark` (备注);
- totals: `sum_row` 合计, `sub_row` 小计, `capital` 价税合计(大写), `figure` (小写);
- `stop`: labels that are no field but end the value before them.
"""

from __future__ import annotations

from automator.readers.pdf.layout import fold

HEADER = {
    "发票代码": "invoice_code", "发票号码": "number", "发票号": "number", "开票日期": "doc_date",
    "校验码": "check_code", "机器编号": "stop",
}
PARTY = {
    "名称": "name", "纳税人识别号": "tax_id", "统一社会信用代码/纳税人识别号": "tax_id", "统一社会信用代码": "tax_id",
    "纳税人识别号/统一社会信用代码": "tax_id", "地址、电话": "address", "地址电话": "address", "地址、电话、": "address",
    "开户行及账号": "bank", "开户银行及账号": "bank", "开户行及帐号": "bank",
}
# Labels that already say whose fact they are (some templates print 购买方名称：…).
OWNED = {
    "购买方名称": ("buyer", "name"), "购方名称": ("buyer", "name"), "购买方纳税人识别号": ("buyer", "tax_id"),
    "销售方名称": ("seller", "name"), "销方名称": ("seller", "name"), "销售方纳税人识别号": ("seller", "tax_id"),
}
BLOCKS = {
    "购买方信息": "buyer", "购买方": "buyer", "购货单位": "buyer", "购方": "buyer", "买方": "buyer",
    "销售方信息": "seller", "销售方": "seller", "销货单位": "seller", "销方": "seller",
    "密码区": "cipher", "密码": "cipher", "备注": "remark",
}
TOTALS = {
    "价税合计(大写)": "capital", "价税合计": "capital", "(小写)": "figure", "小写": "figure",
    "合计": "sum_row", "小计": "sub_row", "总计": "sum_row",
}
FOOTER = {
    "收款人": "stop", "复核": "stop", "复核人": "stop", "开票人": "stop", "销售方(章)": "stop", "销售方:(章)": "stop",
}


def _folded(table: dict[str, str]) -> dict[str, str]:
    return {fold(k): v for k, v in table.items()}


ROW_LABELS = _folded({**HEADER, **PARTY, **BLOCKS, **TOTALS, **FOOTER, **{k: "owned" for k in OWNED}})
STACK_LABELS = _folded({k: v for k, v in BLOCKS.items() if len(k) >= 2})
OWNED_FOLDED = {fold(k): v for k, v in OWNED.items()}

# Words that make a titled page a VAT invoice rather than a receipt or a price list.
VAT_MARKS = ("价税合计", "开票日期")
# Titles of documents that look like invoices but are not VAT invoices to be checked here.
NOT_VAT = ("行程单", "收款凭证", "收据", "客票", "火车票", "车票", "定额发票", "通行费", "完税证明", "缴款书",
           "付款凭证", "回单", "收费票据", "财政票据", "医疗", "出租汽车", "机打发票")
