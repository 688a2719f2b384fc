"""Spreadsheets laid out the way agencies receive them, made with openpyxl, each with a
`plant` switch for the mistake people leave in it. The clean version of each is correct."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet


def _put(ws: Worksheet, row: int, values: list[Any], start: int = 1) -> None:
    for i, value in enumerate(values):
        if value is not None:
            ws.cell(row, start + i, value)


def production_quote(path: Path, plant: str = "") -> Path:
    """A production house's quote: company and title banner, 客户/日期 block, 序号|项目|规格|数量|单价|金额,
    two groups with 小计, 合计, 税金 6%, 总计, 大写 in a merged line, notes and a signature line."""
    amounts = {"director": 20000, "script": 8000, "camera": 10000, "light": 15000}
    sub1, sub2 = 28000, 25000
    total, tax, grand, capital = 53000, 3180, 56180, "伍万陆仟壹佰捌拾元整"
    if plant == "amount":
        amounts["script"] = 7000           # F9: 1 × 8,000 is not 7,000 (and 小计 F10 no longer adds up)
    if plant == "subtotal":
        sub2 = 26000                       # F14 typed in wrong
    if plant == "total":
        total = 54000                      # F15
    if plant == "tax":
        tax = 3200                         # F16: 6% of 53,000 is 3,180
    if plant == "grand":
        grand = 56280                      # F17
    if plant == "capital":
        capital = "伍万陆仟壹佰元整"          # A18: 56,100
    wb = Workbook()
    ws = wb.active
    ws.title = "报价单"
    ws.merge_cells("A1:F1")
    ws["A1"] = "上海星光影视制作有限公司"
    ws["A1"].font = Font(size=16, bold=True)
    ws.merge_cells("A2:F2")
    ws["A2"] = "报 价 单"
    ws["A3"], ws["D3"] = "客户：唐都食品", "报价日期：2026-03-01"
    ws["A4"], ws["D4"] = "项目：春节TVC拍摄", "报价单号：XG-2026-018"
    _put(ws, 6, ["序号", "项目", "规格/说明", "数量", "单价", "金额"])
    ws.merge_cells("A7:F7")
    ws["A7"] = "一、前期制作"
    _put(ws, 8, [1, "导演", "含分镜", 1, 20000, amounts["director"]])
    _put(ws, 9, [2, "脚本", None, 1, 8000, amounts["script"]])
    _put(ws, 10, [None, "小计", None, None, None, sub1])
    ws.merge_cells("A11:F11")
    ws["A11"] = "二、拍摄"
    _put(ws, 12, [1, "摄影师", "2天", 2, 5000, amounts["camera"]])
    _put(ws, 13, [2, "灯光", None, 1, 15000, amounts["light"]])
    _put(ws, 14, [None, "小计", None, None, None, sub2])
    _put(ws, 15, [None, "合计", None, None, None, total])
    _put(ws, 16, [None, "税金（6%）", None, None, None, tax])
    _put(ws, 17, [None, "总计", None, None, None, grand])
    ws.merge_cells("A18:F18")
    ws["A18"] = f"合计人民币（大写）：{capital}"
    ws["A19"] = "备注：以上报价含6%增值税专用发票，有效期30天"
    ws["A20"], ws["D20"] = "报价人：张三", "电话：13800001111"
    wb.save(path)
    return path


def group_budget(path: Path, plant: str = "") -> Path:
    """A client's 预算表: title, 编制日期 and 客户 labels with values to their right, two groups (a blank
    row between them) whose 小计 rows add up to a 总计, an explanation column."""
    media = {"tv": 300000, "web": 200000}
    media_sub, make_sub, grand = 500000, 200000, 700000
    if plant == "subtotal":
        media_sub = 480000                   # C8
    if plant == "grand":
        grand = 720000                       # C14: the 小计s give 700,000
    if plant == "item":
        media["web"] = 180000                # C7: then 媒介小计 C8 no longer adds up
    wb = Workbook()
    ws = wb.active
    ws.title = "2026预算"
    ws["A1"] = "唐都食品 2026年度品牌推广预算表"
    _put(ws, 2, ["编制日期", "2026-01-15", "客户", "唐都食品"])
    _put(ws, 4, ["类别", "项目", "预算(元)", "说明"])
    _put(ws, 5, ["一、媒介投放"])
    _put(ws, 6, [None, "电视", media["tv"], "央视+卫视"])
    _put(ws, 7, [None, "网络", media["web"], "抖音、小红书"])
    _put(ws, 8, ["媒介小计", None, media_sub])
    _put(ws, 10, ["二、内容制作"])
    _put(ws, 11, [None, "TVC", 150000])
    _put(ws, 12, [None, "平面", 50000])
    _put(ws, 13, ["制作小计", None, make_sub])
    _put(ws, 14, ["总计", None, grand])
    return _save(wb, path)


def _save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def merged_subtotal_quote(path: Path, plant: str = "") -> Path:
    """A quote whose 小计 column has one cell merged down over each group's rows, and a 类别 column
    merged the same way."""
    shoot_sub = 45000
    if plant == "merged":
        shoot_sub = 46000                    # F6 (merged F6:F8)
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.merge_cells("A1:G1")
    ws["A1"] = "北京远景广告有限公司 活动执行报价"
    _put(ws, 3, ["类别", "项目", "数量", "单价", "金额", "小计", "备注"])
    rows = [("前期", "策划方案", 1, 15000, 15000), ("前期", "场地踩点", 2, 2500, 5000),
            ("执行", "舞台搭建", 1, 30000, 30000), ("执行", "灯光音响", 1, 12000, 12000), ("执行", "主持人", 1, 3000, 3000)]
    for i, (_, item, qty, price, amount) in enumerate(rows, start=4):
        _put(ws, i, [None, item, qty, price, amount], start=1)
    ws["A4"], ws["A6"] = "前期", "执行"
    ws.merge_cells("A4:A5")
    ws.merge_cells("A6:A8")
    ws["F4"], ws["F6"] = 20000, shoot_sub
    ws.merge_cells("F4:F5")
    ws.merge_cells("F6:F8")
    _put(ws, 9, ["合计", None, None, None, 65000, 65000])
    return _save(wb, path)


def text_amounts(path: Path, plant: str = "") -> Path:
    """A supplier list with amounts typed as text with units, and a typed-in 合计."""
    values = ["673元/年", "'2190.2 每年", "6825元", "¥1,200", "1.2万", "3k"]
    total = "25888.2元"
    if plant == "total":
        total = "26888.2元"                  # C10
    if plant == "unit":
        values[4] = "1.3万"                  # C8: then 合计 C10 is 1,000 short
    wb = Workbook()
    ws = wb.active
    ws.title = "供应商费用"
    _put(ws, 1, ["年度服务费用明细"])
    _put(ws, 3, ["序号", "供应商", "费用", "备注"])
    names = ["域名", "云服务器", "设计软件", "字体授权", "监测服务", "素材库"]
    for i, (name, value) in enumerate(zip(names, values, strict=True), start=4):
        _put(ws, i, [i - 3, name, value])
    _put(ws, 10, [None, "合计", total])
    return _save(wb, path)


def module_budget(path: Path, plant: str = "", *, indent: str = "style") -> Path:
    """Modules (parent rows with a figure) over their indented child rows; a 合计 of the modules.
    `indent`: "style" (Excel's 增加缩进量), "spaces" (leading blanks) or "numbers" (一、 over 1.)."""
    data = [("一、品牌策略", 60000, [("市场调研", 35000), ("策略方案", 25000)]),
            ("二、创意设计", 90000, [("主视觉", 40000), ("海报系列", 30000), ("包装延展", 20000)]),
            ("三、数字传播", 50000, [("社媒运营", 30000), ("KOL投放", 20000)])]
    if plant == "parent":
        data[1] = ("二、创意设计", 95000, data[1][2])         # B6: children give 90,000
    if plant == "child":
        data[2] = ("三、数字传播", 50000, [("社媒运营", 30000), ("KOL投放", 25000)])  # children now 55,000
    wb = Workbook()
    ws = wb.active
    ws.title = "项目预算"
    ws["A1"] = "2026春季整合传播项目预算"
    ws["A2"] = "客户：唐都食品"
    _put(ws, 3, ["模块/内容", "金额（元）", "负责人"])
    row = 4
    for name, figure, children in data:
        _put(ws, row, [name if indent == "numbers" else name.split("、", 1)[1], figure, "李娜"])
        row += 1
        for n, (child, value) in enumerate(children, start=1):
            label = {"spaces": "    " + child, "numbers": f"{n}. {child}"}.get(indent, child)
            ws.cell(row, 1, label)
            if indent == "style":
                ws.cell(row, 1).alignment = Alignment(indent=2)
            ws.cell(row, 2, value)
            row += 1
    _put(ws, row, ["合计", 200000])
    return _save(wb, path)


def with_cached(path: Path, values: dict[str, Any]) -> Path:
    """Give formula cells the cached results a spreadsheet program would have saved
    (openpyxl writes formulas without them): {"F10": 28000}."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    for coord, value in values.items():
        xml, n = re.subn(rf'(<c r="{coord}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(?:</v>)?', rf"\g<1>\g<2><v>{value}</v>", xml)
        assert n == 1, coord
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for part, data in parts.items():
            zout.writestr(part, data)
    return path


def formula_budget(path: Path, plant: str = "") -> Path:
    """A budget whose 小计 and 合计 are SUM formulas (as openpyxl writes them: no cached results).
    plant="typed": 合计 C9 typed in as a number that no longer matches; "text": one amount typed as
    text (C4 '6825元'), which Excel's SUM skips; "stale": the saved result of C9 is out of date."""
    wb = Workbook()
    ws = wb.active
    ws.title = "预算"
    _put(ws, 1, ["费用预算"])
    _put(ws, 3, ["项目", "说明", "金额"])
    _put(ws, 4, ["摄影", None, "6825元" if plant == "text" else 6825])
    _put(ws, 5, ["后期", None, 12000])
    _put(ws, 6, ["小计", None, "=SUM(C4:C4)" if plant == "range" else "=SUM(C4:C5)"])  # C6: leaves out 后期
    _put(ws, 7, ["物料", None, 3000])
    _put(ws, 8, ["小计", None, "=SUM(C7:C7)"])
    _put(ws, 9, ["合计", None, 21825 if plant == "typed-ok" else 22825 if plant == "typed" else "=C6+C8"])
    wb.save(path)
    if plant == "stale":
        with_cached(path, {"C6": 18825, "C8": 3000, "C9": 20825})  # C9 saved before a change, never recalculated
    return path


def side_by_side(path: Path, plant: str = "") -> Path:
    """Two tables side by side, an empty column between them, each with its own 合计."""
    wb = Workbook()
    ws = wb.active
    ws.title = "费用汇总"
    _put(ws, 1, ["线上费用", None, None, None, "线下费用"])
    _put(ws, 2, ["渠道", "金额", None, None, "项目", "金额"])
    for i, (a, b, c, d) in enumerate([("抖音", 50000, "路演", 80000), ("微信", 30000, "物料", 12000),
                                      ("小红书", 20000, "场地", 28000)], start=3):
        _put(ws, i, [a, b, None, None, c, d])
    _put(ws, 6, ["合计", 100000, None, None, "合计", 120000 if plant != "right" else 121000])
    return _save(wb, path)


def media_plan(path: Path, plant: str = "") -> Path:
    """A 媒体排期 with a figure per month and a 合计 column per row, and a 合计 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2026媒介排期"
    _put(ws, 1, ["媒体", "形式", "1月", "2月", "3月", "合计"])
    rows = [("分众", "电梯屏", 100000, 120000, 80000), ("抖音", "开屏", 50000, 50000, 60000),
            ("微博", "热搜", 20000, 0, 30000)]
    for i, (media, form, *months) in enumerate(rows, start=2):
        total = sum(months) + (10000 if plant == "row" and i == 3 else 0)   # F3
        _put(ws, i, [media, form, *months, total])
    _put(ws, 5, ["合计", None, 170000, 170000, 170000, 510000])
    return _save(wb, path)


def text_sums(path: Path, plant: str = "") -> Path:
    """Arithmetic typed as text in the amount column."""
    wb = Workbook()
    ws = wb.active
    _put(ws, 1, ["项目", "金额", "备注"])
    _put(ws, 2, ["设计费", "9000+2190=11190" if plant != "wrong" else "9000+2190=11290"])
    _put(ws, 3, ["印刷费", 3000])
    _put(ws, 4, ["合计", 14190 if plant != "wrong" else 14290])
    return _save(wb, path)


def days_quote(path: Path, plant: str = "") -> Path:
    """人数 × 天数 × 单价 = 金额, the way crews are quoted."""
    wb = Workbook()
    ws = wb.active
    ws.title = "拍摄报价"
    _put(ws, 1, ["岗位", "人数", "天数", "单价（元/人/天）", "金额"])
    crew = [("摄影", 2, 3, 3000), ("灯光", 3, 3, 1500), ("化妆", 1, 2, 1200), ("场务", 4, 3, 500)]
    for i, (job, people, days, price) in enumerate(crew, start=2):
        amount = people * days * price + (600 if plant == "amount" and i == 4 else 0)   # E4
        _put(ws, i, [job, people, days, price, amount])
    _put(ws, 6, ["合计", None, None, None, 39900 + (600 if plant == "amount" else 0)])
    return _save(wb, path)


def external_link(path: Path) -> Path:
    """A cell pulling a figure from another workbook (no cached result: openpyxl wrote it)."""
    wb = Workbook()
    ws = wb.active
    _put(ws, 1, ["项目", "金额"])
    _put(ws, 2, ["媒介", "=[1]预算!B2"])
    _put(ws, 3, ["制作", 5000])
    return _save(wb, path)


def one_sheet_contact_report(path: Path, plant: str = "") -> Path:
    """A 客户会议报告 typed on one sheet: label：value lines, then 参会人员, 行动事项 and 预算 tables."""
    wb = Workbook()
    ws = wb.active
    ws.title = "会议报告"
    ws["A1"] = "客户会议报告"
    ws["A2"], ws["C2"] = "客户：唐都食品", "品牌：唐都速冻"
    ws["A3"] = "会议主题：春节TVC创意提案会"
    ws["A4"], ws["C4"] = "会议日期：2026-01-10 14:00", "地点：客户总部3楼会议室"
    ws["A5"], ws["C5"] = "报告日期", "2026-01-13" if plant == "late" else "2026-01-11"   # D5 (value right of its label)
    ws["C5"], ws["D5"] = "撰写人", "李娜"
    ws["B5"] = "2026-01-13" if plant == "late" else "2026-01-11"
    ws["A6"] = "抄送：全体与会人员；客户市场部"
    ws["A8"] = "参会人员"
    _put(ws, 9, ["姓名", "公司", "职位"])
    _put(ws, 10, ["张伟", "唐都食品", "市场总监"])
    _put(ws, 11, ["李娜", "华夏智联", "客户总监"])
    ws["A13"] = "行动事项"
    _put(ws, 14, ["序号", "行动", "负责人", "截止日期", "状态"])
    _put(ws, 15, [1, "提交修改稿", "李娜", "2026-01-17", "进行中"])
    _put(ws, 16, [2, "确认媒介排期", "张伟", "2026-01-20", "未开始"])
    ws["A18"] = "预算"
    _put(ws, 19, ["项目", "金额"])
    _put(ws, 20, ["视频拍摄", 120000])
    _put(ws, 21, ["平面设计", 80000])
    _put(ws, 22, ["合计", 210000 if plant == "budget" else 200000])    # B22
    return _save(wb, path)


def unmarked_modules(path: Path, plant: str = "") -> Path:
    """Module rows with a figure over their lines, told apart only by bold type (not read), and a 合计
    of the modules. Nothing marks the levels, so nothing may be called wrong on a correct sheet."""
    wb = Workbook()
    ws = wb.active
    _put(ws, 1, ["内容", "费用"])
    rows = [("前期制作", 28000), ("导演", 20000), ("脚本", 8000), ("拍摄", 25000), ("摄影", 10000), ("灯光", 15000)]
    for i, (name, value) in enumerate(rows, start=2):
        _put(ws, i, [name, value])
        if name in ("前期制作", "拍摄"):
            ws.cell(i, 1).font = Font(bold=True)
    _put(ws, 8, ["合计", 53000 if plant != "total" else 54000])   # B8
    return _save(wb, path)


def chapter_budget(path: Path, plant: str = "") -> Path:
    """一、二、 numbered chapters with a figure over unnumbered lines; the 合计 adds the chapters."""
    wb = Workbook()
    ws = wb.active
    ws.title = "预算"
    _put(ws, 1, ["项目", "金额", "备注"])
    _put(ws, 2, ["一、线上推广", 80000 if plant != "parent" else 85000])   # B2
    _put(ws, 3, ["抖音信息流", 50000])
    _put(ws, 4, ["小红书达人", 30000])
    _put(ws, 5, ["二、线下活动", 120000])
    _put(ws, 6, ["商场快闪", 90000])
    _put(ws, 7, ["物料制作", 30000])
    _put(ws, 8, ["合计", 200000])
    return _save(wb, path)


def payment_schedule(path: Path, plant: str = "") -> Path:
    """A 回款 schedule: 应收 and 已收 per instalment, a running 余额 (a state, not something to add up)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "回款计划"
    _put(ws, 1, ["期数", "应收金额", "已收金额", "余额"])
    _put(ws, 2, ["首付款", 100000, 100000, 200000])
    _put(ws, 3, ["中期款", 100000, 60000, 140000 if plant != "balance" else 150000])
    _put(ws, 4, ["尾款", 100000, 0, 140000])
    _put(ws, 5, ["合计", 300000, 160000 if plant != "paid" else 170000, 140000])   # C5
    return _save(wb, path)


def day_schedule(path: Path, plant: str = "") -> Path:
    """A media schedule: a header row of day numbers under the month, spots per day, a 合计 column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "12月排期"
    _put(ws, 1, ["媒体", "位置", "12月"])
    ws.merge_cells("C1:I1")
    _put(ws, 2, [None, None, 1, 2, 3, 4, 5, 6, 7, "合计"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    spots = [("分众", "写字楼", [2, 2, 2, 2, 2, 0, 0]), ("地铁", "2号线", [1, 1, 1, 1, 1, 1, 1])]
    for i, (media, place, days) in enumerate(spots, start=3):
        _put(ws, i, [media, place, *days, sum(days) + (1 if plant == "row" and i == 4 else 0)])   # J4
    _put(ws, 5, ["合计", None, 3, 3, 3, 3, 3, 1, 1, 17 + (1 if plant == "row" else 0)])
    return _save(wb, path)


def estimate_with_tbd(path: Path) -> Path:
    """One amount still 待定 (to be decided) and a 合计 that already counts an estimate for it."""
    wb = Workbook()
    ws = wb.active
    _put(ws, 1, ["项目", "金额"])
    _put(ws, 2, ["场地", 30000])
    _put(ws, 3, ["搭建", "待定"])
    _put(ws, 4, ["合计", 50000])
    return _save(wb, path)


def formatted_to_xfd(path: Path) -> Path:
    """Formatting applied to whole rows: the sheet says its used range is A1:XFD40."""
    wb = Workbook()
    ws = wb.active
    _put(ws, 1, ["项目", "金额"])
    for r in range(2, 40):
        _put(ws, r, [f"项目{r}", 100])
        ws.cell(r, 16384).font = Font(bold=True)
    _put(ws, 40, ["合计", 3800])
    ws.cell(40, 16384).font = Font(bold=True)
    return _save(wb, path)


def discount_quote(path: Path, plant: str = "") -> Path:
    """数量 | 单价 | 折扣 | 金额, the discount typed as 0.8, 80% or 8折; the 大写 and the 总计 on one line."""
    wb = Workbook()
    ws = wb.active
    ws.title = "媒体报价"
    _put(ws, 1, ["媒体", "数量", "单价", "折扣", "金额"])
    _put(ws, 2, ["分众电梯", 10, 1000, 0.8, 8000])
    _put(ws, 3, ["地铁灯箱", 4, 2500, "80%", 8000 if plant != "amount" else 10000])   # E3
    _put(ws, 4, ["公交车身", 2, 3000, "8折", 4800])
    total = 20800 if plant != "amount" else 22800
    _put(ws, 5, ["合计（大写）：贰万零捌佰元整" if plant != "amount" else "合计（大写）：贰万贰仟捌佰元整", None, None, None,
                 total])
    return _save(wb, path)


def two_row_header_quote(path: Path, plant: str = "") -> Path:
    """A two-row header: 费用（元）merged over 单价 | 总价; the totals zone labelled in the column left of
    the amounts (小计： | 服务费（10%）： | 税金（6%）： | 总计：)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "活动报价"
    ws["A1"] = "活动执行费用报价"
    _put(ws, 3, ["序号", "项目", "数量", "费用（元）"])
    ws.merge_cells("D3:E3")
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:C4")
    _put(ws, 4, [None, None, None, "单价", "总价"])
    _put(ws, 5, [1, "主持人", 1, 5000, 5000])
    _put(ws, 6, [2, "礼仪", 4, 800, 3200])
    _put(ws, 7, [3, "摄像", 2, 1900, 3800])
    fee, tax = 1200, 792
    if plant == "fee":
        fee = 1000                                  # E9: 10% of 12,000 is 1,200
    _put(ws, 8, [None, None, None, "小计：", 12000])
    _put(ws, 9, [None, None, None, "服务费（10%）：", fee])
    _put(ws, 10, [None, None, None, "税金（6%）：", tax])
    _put(ws, 11, [None, None, None, "总计：", 12000 + fee + tax])
    return _save(wb, path)


def one_sheet_brief(path: Path, plant: str = "") -> Path:
    """A 创意简报 on one sheet: labels in column A with their values in B (some merged across), then
    the 交付物 table under its title, its amounts adding up to 预算总额."""
    wb = Workbook()
    ws = wb.active
    ws.title = "简报"
    ws["A1"] = "创意简报 Creative Brief"
    lines = [("客户", "唐都食品"), ("品牌", "唐都速冻"), ("项目名称", "春节团圆饭TVC"), ("简报日期", "2026-01-05"),
             ("客户执行", "李娜"), ("背景", "春节是速冻水饺旺季，竞品投放加大"), ("传播目标", "春节档销量同比增长20%"),
             ("目标受众", "25–40岁一二线城市家庭主理人"), ("核心诉求", "在家也能吃上团圆的味道"),
             ("预算总额", 350000), ("首次提案日期", "2026-01-12"), ("最终交付日期", "2026-01-25")]
    for r, (label, value) in enumerate(lines, start=3):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
    ws["A16"] = "交付物"
    _put(ws, 17, ["项目", "规格", "数量", "单价", "金额", "交付日期"])
    _put(ws, 18, ["30秒TVC", "1080P", 1, 200000, 200000, "2026-01-22"])
    _put(ws, 19, ["平面KV", "A0", 3, 50000 if plant != "amount" else 45000, 150000, "2026-01-20"])   # E19
    return _save(wb, path)


def discounted_quote(path: Path, plant: str = "") -> Path:
    """A vendor's 报价单 with 合计, an 优惠 line, 服务费 8%, 税金 6% and a 总计: more lines under the table than a
    quote's 小计 + 税额 = 总计 knows; read as a quote all the same, and never wrong for it."""
    wb = Workbook()
    ws = wb.active
    ws.title = "报价"
    ws["A1"], ws["A2"] = "杭州青禾文化传媒有限公司", "报价单"
    ws["A3"], ws["C3"] = "致：唐都食品", "日期：2026-04-08"
    _put(ws, 5, ["序号", "项目", "数量", "单价", "金额"])
    _put(ws, 6, [1, "短视频拍摄", 3, 12000, 36000])
    _put(ws, 7, [2, "剪辑包装", 3, 4000, 12000])
    _put(ws, 8, [None, "合计", None, None, 48000])
    _put(ws, 9, [None, "优惠", None, None, -3000])
    _put(ws, 10, [None, "服务费（8%）", None, None, 3600])                        # 8% of 45,000
    _put(ws, 11, [None, "税金（6%）", None, None, 2916 if plant != "tax" else 2900])  # E11: 6% of 48,600
    _put(ws, 12, [None, "总计", None, None, 51516 if plant != "tax" else 51500])
    ws["A13"] = "大写：伍万壹仟伍佰壹拾陆元整" if plant != "tax" else "大写：伍万壹仟伍佰元整"
    return _save(wb, path)


def merged_label_quote(path: Path, plant: str = "") -> Path:
    """Group totals merged down beside their lines under a blank header, the word 小计 merged the same
    way in the column before them."""
    wb = Workbook()
    ws = wb.active
    _put(ws, 1, ["分类", "项目", "金额", None, None])
    ws.merge_cells("C1:E1")
    rows = [("前期", "导演", 20000), (None, "脚本", 8000), ("拍摄", "摄影", 10000), (None, "灯光", 15000), (None, "美术", 5000)]
    for i, (group, item, amount) in enumerate(rows, start=2):
        _put(ws, i, [group, item, amount])
    ws["D2"], ws["E2"] = "小计", 28000
    ws["D4"], ws["E4"] = "小计", 30000 if plant != "merged" else 31000      # E4
    for rng in ("A2:A3", "A4:A6", "D2:D3", "E2:E3", "D4:D6", "E4:E6"):
        ws.merge_cells(rng)
    _put(ws, 7, ["合计", None, 58000, None, 58000])
    return _save(wb, path)
