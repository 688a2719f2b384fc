"""The three VAT invoice template families, drawn (see vat_pdfs.py for what each imitates)."""

from __future__ import annotations

from pathlib import Path

from vat_pdfs import CJK, MONO, Invoice, Pen, wrap

LABEL = (0.55, 0.25, 0.15)   # the brown the forms print their labels in
CIPHER = ["0372<5+-1>/8+*6<4>06/3*1>8<-+4", "9/>1+25<*68-93<</>*+61-/0+>24", "<+7*53/14-2>>6+9<8/0*1<3+5-6",
          "2-+*/0<>86431*9+/<75>-0/2*1<"]


def _goods(pen: Pen, inv: Invoice, cols: dict[str, tuple[float, str]], top: float, step: float,
           widths: dict[str, int], num_font: str = CJK, price_size: float = 9) -> None:
    """The goods lines from `top` down; a name or 规格型号 wraps onto the lines below."""
    for i, ln in enumerate(inv.lines):
        row = inv.row(i, ln)
        height = 1
        for key, (x, align) in cols.items():
            value = row[key]
            if key in ("item", "spec"):
                parts = wrap(value, inv.wrap or widths[key]) if key == "item" else wrap(value, widths[key])
                for k, part in enumerate(parts):
                    pen.text(x, top + k * step, part, 9, align=align)
                height = max(height, len(parts))
            elif key == "price" and value:  # long prices in a smaller font, as the issuers print them
                size = 9 if len(value) <= 10 else min(price_size, 2 * price_size * 8 / len(value))
                pen.text(x, top + 0.5, value, size, num_font, align=align)
            else:
                font = num_font if key != "unit" and value.isascii() else CJK
                size = 7 if key == "rate" and len(value) > 2 else 9  # 不征税 squeezed into its narrow column
                pen.text(x, top, value, size, font, align=align)
        top += step * height


# ---------------------------------------------------------------- 航信 / Aisino

def aisino(inv: Invoice, path: Path) -> None:
    pen = Pen(path, 609.44, 394.01, inv)
    kind = "专用" if "专用" in inv.title else "普通"
    title = inv.title or f"上海增值税电子{kind}发票"
    number = inv.number or "02948319"
    # The blank form first: every label (the text order real files have), then the values.
    pen.text(307.6, 23.6, title, 20, align="c", label=True, color=LABEL)
    pen.seal(307.6, 47, "全国统一发票监制章", "国家税务总局监制")
    for label, top in (("发票代码:", 12.9), ("发票号码:", 30.4), ("开票日期:", 47.6)):
        pen.text(434.9, top, label, 9, label=True, color=LABEL)
    pen.spaced(434.6, 65.3, "校验", 13.5, color=LABEL)
    pen.text(461.6, 65.3, "码:", 9, label=True, color=LABEL)
    pen.text(31.1, 65.1, "机器编号:", 9, label=True, color=LABEL)
    pen.rect(23.1, 84.5, 592.0, 348.4)
    for top in (144.0, 269.3, 292.6):
        pen.hline(23.3, 592.3, top)
    for x in (42.3, 349.0, 363.1):
        pen.vline(x, 84.5, 144.0)
    pen.vline(175.7, 143.8, 292.5)
    for x in (219.3, 253.9, 319.9, 391.3, 480.0, 503.7):
        pen.vline(x, 144.0, 269.2)
    for x in (45.1, 347.6, 362.6):
        pen.vline(x, 292.6, 348.1)
    _aisino_party_labels(pen, 86.8, 28.7, 93.5)
    _aisino_party_labels(pen, 295.3, 29.5, 302.1, seller=True)
    pen.stack(351.5, 89.9, "密码区", 19.5, color=LABEL)
    pen.stack(351.3, 302.1, "备注", 30.2, color=LABEL)
    pen.text(44.0, 147.7, "货物或应税劳务、服务名称", 9, label=True, color=LABEL)
    pen.text(180.4, 147.5, "规格型号", 9, label=True, color=LABEL)
    pen.text(226.7, 147.3, "单位", 9, label=True, color=LABEL)
    for x, word in ((275.3, "数量"), (343.9, "单价"), (423.4, "金额"), (536.8, "税额")):
        pen.spaced(x, 147.8, word, 13.5 if word in ("数量", "单价") else 18, color=LABEL)
    pen.text(483.6, 147.7, "税率", 9, label=True, color=LABEL)
    pen.spaced(61.2, 257.5, "合计", 40.5, color=LABEL)
    pen.text(61.4, 276.3, "价税合计(大写)", 9, label=True, color=LABEL)
    pen.text(448.4, 276.0, "(小写)", 9, label=True, color=LABEL)
    for x, word in ((32.9, "收款人:"), (191.9, "复核:"), (314.0, "开票人:"), (436.3, "销售方:(章)")):
        pen.text(x, 356.2, word, 9, label=True, color=LABEL)
    # Then the values, a point or two off their labels, in fonts of their own.
    pen.text(475.0, 12.1, inv.code, 9)
    pen.text(475.0, 30.1, number, 9)
    y, m, d = inv.date
    for x, top, s, font in ((477.0, 47.8, f"{y}", MONO), (500.5, 47.7, "年", CJK), (509.4, 47.8, f"{m:02d}", MONO),
                            (521.8, 46.6, "月", CJK), (531.0, 47.8, f"{d:02d}", MONO), (542.3, 47.5, "日", CJK)):
        pen.text(x, top, s, 9, font)
    for k, group in enumerate(("80200", "84691", "25304", "03376")):
        pen.text(475.0 + 24.5 * k, 65.1, group, 9)
    pen.text(75.0, 64.1, "661814586387", 9)
    for k, line in enumerate(CIPHER):
        pen.text(380.8, 86.3 + 15 * k, line, 10, MONO)
    _aisino_party_values(pen, 86.1, inv.buyer, inv.buyer_id, "上海市静安区南京西路1266号 021-62888000",
                         "招商银行上海分行 121900000010101")
    _aisino_party_values(pen, 295.1, inv.seller, inv.seller_id, "上海市徐汇区漕溪北路88号 021-54000000",
                         "中国银行上海徐汇支行 4533000000001")
    cols = {"item": (27.0, "l"), "spec": (178.0, "l"), "unit": (236.6, "c"), "qty": (319.0, "r"),
            "price": (390.0, "r"), "amount": (478.0, "r"), "rate": (502.0, "r"), "tax": (590.0, "r")}
    f = inv.figures()
    if inv.list_page:
        shown = Invoice([], plant={"amount:0": f["subtotal"].lstrip(inv.sign), "tax:0": f["tax"].lstrip(inv.sign)},
                        sign=inv.sign)
        shown.lines = [_see_list(inv)]
        _goods(pen, shown, cols, 161.1, 12.0, {"item": 16, "spec": 8}, price_size=8)
    else:
        _goods(pen, inv, cols, 161.1, 12.0, {"item": 16, "spec": 8}, price_size=8)
    pen.text(478.0, 259.1, f["subtotal"], 11, MONO, align="r")
    pen.text(590.0, 259.1, f["tax"], 11, MONO, align="r")
    pen.crossed(180.4, 278.1)
    pen.text(190.0, 276.1, f["capital"], 9)
    pen.text(474.0, 275.1, f["total"], 11, MONO)
    pen.text(370.0, 294.1, inv.remark, 9)
    pen.text(65.0, 356.1, "余杭", 9)
    pen.text(347.0, 356.1, "沈佳燕", 9)
    if inv.list_page:
        pen.new_page()
        _list_page(pen, inv, number)
    pen.save()


def _see_list(inv: Invoice):  # type: ignore[no-untyped-def]
    from vat_pdfs import Line

    return Line("(详见销货清单)", rate=inv.lines[0].rate, amount=inv.subtotal(), tax=inv.tax())


def _aisino_party_labels(pen: Pen, top: float, mx: float, mtop: float, *, seller: bool = False) -> None:
    pen.stack(mx, mtop, "销售方" if seller else "购买方", 15.6 if not seller else 14.2, color=LABEL)
    pen.spaced(48.3, top, "名", 45.0, color=LABEL)
    pen.text(93.3, top, "称:", 9, label=True, color=LABEL)
    pen.text(48.5, top + 15.1, "纳税人识别号:", 9, label=True, color=LABEL)
    pen.text(48.4, top + 30.2, "地", 9, label=True, color=LABEL)
    pen.text(61.9, top + 30.2, "址、电", 9, label=True, color=LABEL)
    pen.text(93.4, top + 30.2, "话:", 9, label=True, color=LABEL)
    pen.text(48.4, top + 45.3, "开户行及账号:", 9, label=True, color=LABEL)


def _aisino_party_values(pen: Pen, top: float, name: str, tax_id: str, address: str, bank: str) -> None:
    pen.text(108.0, top, name, 9)
    pen.text(108.0, top + 13.2, tax_id, 12, MONO)
    pen.text(108.0, top + 29.0, address, 9)
    pen.text(108.0, top + 43.0, bank, 9)


def _list_page(pen: Pen, inv: Invoice, number: str) -> None:
    """The 销货清单: the lines, a 小计 and a 总计 row."""
    pen.text(304.7, 20.0, "销售货物或者提供应税劳务、服务清单", 14, align="c", label=True)
    pen.text(40.0, 45.0, f"购买方名称：{inv.buyer}", 9)
    pen.text(40.0, 58.0, f"销售方名称：{inv.seller}", 9)
    pen.text(40.0, 71.0, f"所属增值税电子普通发票代码：{inv.code}    号码：{number}    共 1 页 第 1 页", 9)
    pen.rect(30.0, 85.0, 580.0, 300.0)
    heads = (("序号", 34.0), ("货物（劳务）名称", 70.0), ("规格型号", 200.0), ("单位", 262.0), ("数量", 296.0),
             ("单价", 352.0), ("金额", 420.0), ("税率", 476.0), ("税额", 530.0))
    for word, x in heads:
        pen.text(x, 90.0, word, 9, label=True)
    pen.hline(30.0, 580.0, 103.0)
    cols = {"item": (60.0, "l"), "spec": (200.0, "l"), "unit": (270.0, "c"), "qty": (330.0, "r"),
            "price": (400.0, "r"), "amount": (460.0, "r"), "rate": (500.0, "r"), "tax": (575.0, "r")}
    for k in range(len(inv.lines)):
        pen.text(36.0, 108.0 + 14 * k, str(k + 1), 9)
    _goods(pen, inv, cols, 108.0, 14.0, {"item": 12, "spec": 10})
    f = inv.figures()
    bottom = 108.0 + 14 * len(inv.lines) + 6
    pen.hline(30.0, 580.0, bottom)
    for word, top in (("小计", bottom + 4), ("总计", bottom + 18)):
        pen.text(70.0, top, word, 9, label=True)
        pen.text(460.0, top, f["subtotal"], 9, align="r")
        pen.text(575.0, top, f["tax"], 9, align="r")
    pen.text(40.0, 310.0, "备注：", 9, label=True)
    pen.text(40.0, 330.0, "销售方（章）：", 9, label=True)
    pen.text(300.0, 330.0, f"填开日期：{inv.date[0]}年{inv.date[1]:02d}月{inv.date[2]:02d}日", 9)


# ---------------------------------------------------------------- 百望

def baiwang(inv: Invoice, path: Path) -> None:
    pen = Pen(path, 595.3, 396.9, inv)
    kind = "专用" if "专用" in inv.title else "普通"
    title = inv.title or f"深圳增值税电子{kind}发票"
    number = inv.number or "31500218"
    y, m, d = inv.date
    pen.text(297.6, 20.0, title, 19, align="c", label=True, color=LABEL)
    pen.seal(297.6, 44, "全国统一发票监制章", "国家税务总局")
    for label, value, top in (("发票代码：", inv.code, 12.0), ("发票号码：", number, 27.0),
                              ("开票日期：", None, 42.0), ("校 验 码：", "1234 5678 9012 3456 7890", 57.0)):
        pen.text(420.0, top, label, 9, label=True, color=LABEL)
        if value:
            pen.text(466.0, top - 0.8, value, 9)
    # `2021 年 03 月 31 日` with the 月 a little high: text order reads `2021 年 03 31日`
    for x, top, s in ((466.0, 41.2, f"{y}"), (488.5, 41.2, "年"), (500.0, 41.2, f"{m:02d}"), (512.0, 40.0, "月"),
                      (523.5, 41.2, f"{d:02d}"), (535.0, 41.2, "日")):
        pen.text(x, top, s, 9)
    pen.rect(15.0, 72.0, 580.0, 350.0)
    for top in (132.0, 262.0, 283.0):
        pen.hline(15.0, 580.0, top)
    for x in (32.0, 340.0, 354.0):
        pen.vline(x, 72.0, 132.0)
    pen.vline(190.0, 132.0, 283.0)
    for x in (232.0, 262.0, 312.0, 392.0, 470.0, 498.0):
        pen.vline(x, 132.0, 262.0)
    for x in (32.0, 340.0, 354.0):
        pen.vline(x, 283.0, 350.0)
    for who, top in (("购买方", 76.0), ("销售方", 287.0)):
        pen.stack(19.0, top + 6, who, 17.0, color=LABEL)
        for k, label in enumerate(("名称：", "纳税人识别号：", "地址、电话：", "开户行及账号：")):
            pen.text(36.0, top + 14.0 * k, label, 9, label=True, color=LABEL)
    pen.stack(343.0, 78.0, "密码区", 17.0, color=LABEL)
    pen.stack(343.0, 295.0, "备注", 22.0, color=LABEL)
    for x, word in ((58.0, "货物或应税劳务、服务名称"), (196.0, "规格型号"), (238.0, "单 位"), (274.0, "数 量"),
                    (340.0, "单 价"), (420.0, "金 额"), (476.0, "税率"), (525.0, "税 额")):
        pen.text(x, 136.0, word, 9, label=True, color=LABEL)
    pen.text(80.0, 250.0, "合      计", 9, label=True, color=LABEL)
    pen.text(40.0, 268.0, "价税合计（大写）", 9, label=True, color=LABEL)
    pen.text(420.0, 268.0, "（小写）", 9, label=True, color=LABEL)
    for x, word in ((20.0, "收款人："), (170.0, "复核："), (300.0, "开票人："), (450.0, "销售方：（章）")):
        pen.text(x, 356.0, word, 9, label=True, color=LABEL)
    for k, (value, size) in enumerate(((inv.buyer, 9), (inv.buyer_id, 10), ("深圳市南山区科技园路1号 0755-8600000", 9),
                                       ("平安银行深圳分行 11014500000001", 9))):
        pen.text(104.0, 76.0 + 14.0 * k, value, size, MONO if size == 10 else CJK)
        pen.text(356.0, 76.0 + 14.0 * k, CIPHER[k], 9.5, MONO)  # the ciphertext on the same baselines
    cols = {"item": (18.0, "l"), "spec": (193.0, "l"), "unit": (247.0, "c"), "qty": (310.0, "r"),
            "price": (390.0, "r"), "amount": (468.0, "r"), "rate": (496.0, "r"), "tax": (576.0, "r")}
    _goods(pen, inv, cols, 148.0, 11.0, {"item": 18, "spec": 7}, num_font=MONO, price_size=7)
    f = inv.figures()
    pen.text(468.0, 250.0, f["subtotal"], 9, MONO, align="r")
    pen.text(576.0, 250.0, f["tax"], 9, MONO, align="r")
    pen.crossed(196.0, 268.5)
    pen.text(206.0, 268.0, f["capital"], 9)
    pen.text(462.0, 268.0, f["total"], 9, MONO)
    for k, (value, size) in enumerate(((inv.seller, 9), (inv.seller_id, 10), ("深圳市福田区深南大道6008号 0755-8300000", 9),
                                       ("工商银行深圳福田支行 4000020000000", 9))):
        pen.text(104.0, 287.0 + 14.0 * k, value, size, MONO if size == 10 else CJK)
    pen.text(360.0, 290.0, inv.remark, 9)
    pen.text(58.0, 356.0, "王芳", 9)
    pen.text(340.0, 356.0, "李明", 9)
    pen.save()


# ---------------------------------------------------------------- 数电

def digital(inv: Invoice, path: Path) -> None:
    pen = Pen(path, 595.28, 396.85, inv)
    title = inv.title or "电子发票（增值税专用发票）"
    number = inv.number or "24312000000045678901"
    y, m, d = inv.date
    pen.text(292.0, 22.7, title, 20, align="c", label=True, color=LABEL)
    pen.hline(185.7, 392.6, 51.0)
    pen.hline(185.7, 392.6, 53.9)
    pen.text(438.0, 31.7, "发票号码：", 9.4, label=True, color=LABEL)
    pen.text(438.0, 48.7, "开票日期：", 9.4, label=True, color=LABEL)
    pen.text(481.9, 31.8, number, 9)
    pen.text(481.9, 49.1, f"{y}年{m:02d}月{d:02d}日", 9)
    for top in (85.0, 147.4, 272.1, 294.8, 351.5):
        pen.hline(12.8, 582.5, top)
    for x in (12.8, 582.5):
        pen.vline(x, 85.0, 351.5)
    for x in (30.3, 298.2, 315.2):
        pen.vline(x, 85.0, 147.4)
    pen.vline(30.3, 294.8, 351.5)
    pen.vline(160.2, 272.1, 294.8)
    for x, who, name, tax_id in ((16.9, "购买方信息", inv.buyer, inv.buyer_id),
                                 (301.8, "销售方信息", inv.seller, inv.seller_id)):
        pen.stack(x, 92.9, who, 9.93, 9, color=LABEL)
        pen.text(x + 15.8, 95.8, "名称：", 9, label=True, color=LABEL)
        pen.text(x + 15.6, 125.5, "统一社会信用代码/纳税人识别号：", 8.1, label=True, color=LABEL)
        pen.text(x + 39.8, 95.8, name, 9)
        pen.text(x + 136.2, 125.0, tax_id, 12, MONO)
    for x, word in ((45.4, "项目名称"), (119.4, "规格型号"), (190.0, "单   位"), (263.7, "数   量"), (334.6, "单   价"),
                    (406.8, "金   额"), (446.5, "税率/征收率"), (551.4, "税   额")):
        pen.text(x, 151.0, word, 9, label=True, color=LABEL)
    cols = {"item": (12.8, "l"), "spec": (119.1, "l"), "unit": (202.6, "c"), "qty": (290.5, "r"),
            "price": (361.4, "r"), "amount": (433.7, "r"), "rate": (476.5, "r"), "tax": (582.5, "r")}
    _goods(pen, inv, cols, 160.9, 12.7, {"item": 10, "spec": 9}, price_size=8)
    f = inv.figures()
    if inv.subtotal_row:
        pen.text(58.2, 248.0, "小         计", 9, label=True, color=LABEL)
        pen.text(433.7, 247.0, f["subtotal"], 9, align="r")
        pen.text(582.5, 247.0, f["tax"], 9, align="r")
    pen.text(58.2, 261.6, "合         计", 9, label=True, color=LABEL)
    for x, value in ((433.7, f["subtotal"]), (582.5, f["tax"])):
        digits = value.lstrip(inv.sign) if inv.sign else value
        pen.text(x, 260.5, digits, 9, align="r")
        if inv.sign and value.startswith(inv.sign):  # the ¥ is a glyph of its own, in another font
            pen.text(x - pdfmetrics_width(digits) - 6.6, 260.5, inv.sign, 11, MONO if inv.sign == "¥" else CJK)
    pen.text(48.0, 280.0, "价税合计（大写）", 9, label=True, color=LABEL)
    pen.crossed(167.2, 277.9, 4.1)
    pen.text(178.4, 278.1, f["capital"], 9)
    if inv.small_label:
        pen.text(406.8, 280.0, "（小写）", 9, label=True, color=LABEL)
    pen.text(447.4, 276.8, f["total"], 9)
    pen.stack(17.1, 309.8, "备注", 17.0, color=LABEL)
    pen.text(31.5, 296.3, inv.remark or "购方开户银行:招商银行上海分行;    银行账号:121900000010101;", 9)
    pen.text(55.3, 367.9, "开票人：", 9, label=True, color=LABEL)
    pen.text(90.7, 368.2, "杨建清", 9)
    pen.save()


def pdfmetrics_width(s: str) -> float:
    from reportlab.pdfbase import pdfmetrics

    return float(pdfmetrics.stringWidth(s, CJK, 9))


LAYOUTS = {"aisino": aisino, "baiwang": baiwang, "digital": digital}
