"""Build the docxtpl templates in `templates/` with python-docx.

    python tools/make_templates.py [OUT_DIR]

The templates are ordinary Word files: the agency may edit them in Word or WPS
afterwards (`automator lint` then checks the edits). This script is how the
shipped versions are made, so the layout lives in code and can be reviewed.

Variables used (see automator/outputs/render/context.py: build_context): every field key,
every table key (rows of column → text), `<table>_total`, `doc`, `agency`, `meta`.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

# --------------------------------------------------------------------------- look

SERIF_CJK, SANS_CJK = "宋体", "黑体"
LATIN, LATIN_HEAD = "Calibri", "Arial"
NAVY, GREY, LINE, LABEL_FILL, RED = "1F3864", "595959", "BFBFBF", "EEF2F8", "C00000"
PAGE_W, PAGE_H = 11906, 16838          # A4 in twips
MARGIN_LR, TEXT_W_MM = Mm(18), 174     # 210 mm − 2 × 18 mm
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # reproducible bytes → stable template hashes


def _set_fonts(rpr, east_asia: str, latin: str) -> None:
    """Explicit fonts on an rPr: eastAsia matters for Chinese (pitfall 2.1); theme fonts dropped."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)


def _child(parent, tag: str, **attrs: str):
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _setup_styles(doc) -> None:
    styles = doc.styles
    root = styles.element
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, SERIF_CJK, LATIN)
    _child(rpr, "w:sz", val="21")
    _child(rpr, "w:szCs", val="21")
    _child(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _child(ppr, "w:spacing", after="0", line="300", lineRule="auto")

    def para_style(name: str, *, base: str = "Normal", size: float, cjk: str = SERIF_CJK,
                   latin: str = LATIN, bold: bool = False, color: str | None = None,
                   before: float = 0, after: float = 0, align=None, keep_next: bool = False):
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
        if name != "Normal":
            style.base_style = styles[base]
        style.font.size = Pt(size)
        style.font.bold = bold
        if color:
            style.font.color.rgb = RGBColor.from_string(color)
        _set_fonts(style.element.get_or_add_rPr(), cjk, latin)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        if align is not None:
            fmt.alignment = align
        fmt.keep_with_next = keep_next
        style.quick_style = True
        return style

    para_style("Normal", size=10.5)
    para_style("Title", size=22, cjk=SANS_CJK, latin=LATIN_HEAD, bold=True, color=NAVY,
               before=6, after=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    sub = para_style("Subtitle", size=9, latin=LATIN_HEAD, color=GREY, after=10,
                     align=WD_ALIGN_PARAGRAPH.CENTER)
    sub.font.all_caps = True
    _child(sub.element.get_or_add_rPr(), "w:spacing", val="40")
    para_style("Headline", size=14, cjk=SANS_CJK, latin=LATIN_HEAD, bold=True, after=10,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    h1 = para_style("Heading 1", size=12.5, cjk=SANS_CJK, latin=LATIN_HEAD, bold=True, color=NAVY,
                    before=16, after=6, keep_next=True)
    _border(h1.element.get_or_add_pPr(), "bottom", NAVY, 6, space=2)
    para_style("Body Text", size=10.5, after=6)
    para_style("Note", size=9.5, color=GREY, before=12)
    text = para_style("Table Text", size=9)
    # No extra gap between Chinese and digits in cells: keeps 2026年12月31日 on one line.
    _child(text.element.get_or_add_pPr(), "w:autoSpaceDN", val="0")
    para_style("Table Label", size=9, cjk=SANS_CJK, latin=LATIN_HEAD, color="1F1F1F")
    para_style("Table Head", size=9, cjk=SANS_CJK, latin=LATIN_HEAD, bold=True, color="FFFFFF",
               align=WD_ALIGN_PARAGRAPH.CENTER)
    para_style("Draft Banner", size=12, cjk=SANS_CJK, latin=LATIN_HEAD, bold=True, color=RED,
               before=2, after=8, align=WD_ALIGN_PARAGRAPH.CENTER)
    for name, size in (("Header", 8.5), ("Footer", 8)):
        style = para_style(name, size=size, color=GREY)
        # The stock styles carry Letter-size centre/right tabs; one right tab at the text edge.
        style.paragraph_format.tab_stops.clear_all()
        style.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_W_MM), WD_TAB_ALIGNMENT.RIGHT)
    _prune_styles(doc)
    # Every style left carries an explicit East-Asian font (pitfall 2.2).
    for style in root.findall(qn("w:style")):
        heading = style.get(qn("w:styleId"), "").startswith(("Heading", "Title"))
        rpr = style.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            style.append(rpr)
        if rpr.find(qn("w:rFonts")) is None or rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) is None:
            _set_fonts(rpr, SANS_CJK if heading else SERIF_CJK, LATIN_HEAD if heading else LATIN)
    _child(doc.settings.element, "w:themeFontLang", val="en-US", eastAsia="zh-CN")


KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Title",
               "Subtitle", "Headline", "Heading1", "BodyText", "Note", "TableText", "TableLabel",
               "TableHead", "DraftBanner", "Header", "Footer"}


DROP_RELS = ("stylesWithEffects", "customXml", "numbering", "metadata/thumbnail", "webSettings")


def _slim_package(doc) -> None:
    """Drop parts the documents never use (a 440 KB stylesWithEffects, a stock thumbnail…).

    Every render loads and saves the whole package, so every byte left out is time saved.
    """
    for owner in (doc.part, doc.part.package):
        for rid, rel in list(owner.rels.items()):
            if rel.reltype.endswith(DROP_RELS):
                del owner.rels[rid]


def _prune_styles(doc) -> None:
    """Drop the ~150 unused built-in styles: a smaller styles.xml loads faster on every render."""
    root = doc.styles.element
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in KEEP_STYLES:
            root.remove(style)
        else:
            for tag in ("w:link", "w:next"):
                el = style.find(qn(tag))
                if el is not None and el.get(qn("w:val")) not in KEEP_STYLES:
                    style.remove(el)
    latent = root.find(qn("w:latentStyles"))
    if latent is not None:
        root.remove(latent)


# --------------------------------------------------------------------------- low-level XML


def _border(ppr, side: str, color: str, size: int, space: int = 1) -> None:
    bdr = _child(ppr, "w:pBdr")
    _child(bdr, f"w:{side}", val="single", sz=str(size), space=str(space), color=color)


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    _child(tcpr, "w:shd", val="clear", color="auto", fill=fill)


def _valign(cell: _Cell, where: str = "center") -> None:
    _child(cell._tc.get_or_add_tcPr(), "w:vAlign", val=where)


def _table_frame(table: Table, widths_mm: list[float]) -> None:
    """Fixed layout, exact column widths (so nothing overflows the page), thin grey grid."""
    tbl = table._tbl
    tblpr = tbl.tblPr
    if sum(widths_mm) > TEXT_W_MM + 0.01:
        raise ValueError(f"table is {sum(widths_mm)} mm wide; the text area is {TEXT_W_MM} mm")
    twips = [round(w * 56.6929) for w in widths_mm]
    _child(tblpr, "w:tblW", w=str(sum(twips)), type="dxa")
    _child(tblpr, "w:tblLayout", type="fixed")
    borders = _child(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _child(borders, f"w:{side}", val="single", sz="4", space="0", color=LINE)
    margins = _child(tblpr, "w:tblCellMar")
    for side, value in (("top", 45), ("left", 85), ("bottom", 45), ("right", 85)):
        _child(margins, f"w:{side}", w=str(value), type="dxa")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), twips, strict=True):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, twips, strict=False):
            _child(cell._tc.get_or_add_tcPr(), "w:tcW", w=str(width), type="dxa")


def _row_flags(row: _Row, *, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    _child(trpr, "w:cantSplit")
    if header:
        _child(trpr, "w:tblHeader")


def _write(cell: _Cell, text: str, style: str = "Table Text", *, align=None, bold: bool = False,
           color: str | None = None) -> Paragraph:
    """Put `text` in the cell; `\\n` starts a new paragraph inside the cell."""
    first = True
    para = cell.paragraphs[0]
    for line in text.split("\n"):
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        para.style = style
        if align is not None:
            para.alignment = align
        run = para.add_run(line)
        run.bold = bold or None
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
    return para


def _merge(row: _Row, start: int, count: int) -> _Cell:
    cells = row.cells
    return cells[start].merge(cells[start + count - 1]) if count > 1 else cells[start]


def _field(para: Paragraph, instr: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin/instr/separate/result/end runs."""
    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("text", shown), ("end", None)):
        run = para.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
            run._r.append(el)
        elif kind == "text":
            run.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)


# --------------------------------------------------------------------------- building blocks

LEFT, CENTER, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


@dataclass(frozen=True)
class Col:
    head: str          # header text
    cell: str          # cell text with tags; `\n` = a second paragraph in the cell
    width: float       # mm
    align: WD_ALIGN_PARAGRAPH = LEFT
    total: str | None = None  # text in the totals row, if any


class Builder:
    def __init__(self, title: str, subtitle: str) -> None:
        self.doc = Document()
        _setup_styles(self.doc)
        _slim_package(self.doc)
        self._page()
        self._letterhead()
        self._footer()
        self.doc.add_paragraph(title, style="Title")
        self.doc.add_paragraph(subtitle, style="Subtitle")
        self.sections = 0

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = MARGIN_LR
        section.top_margin, section.bottom_margin = Mm(30), Mm(25)
        section.header_distance, section.footer_distance = Mm(12), Mm(10)
        sect = section._sectPr
        sect.find(qn("w:pgSz")).set(qn("w:w"), str(PAGE_W))
        sect.find(qn("w:pgSz")).set(qn("w:h"), str(PAGE_H))
        grid = sect.find(qn("w:docGrid"))
        if grid is not None:  # a line grid would stretch CJK lines in Word
            sect.remove(grid)

    def _letterhead(self) -> None:
        header = self.doc.sections[0].header
        first = header.paragraphs[0]
        first.style = "Header"
        name = first.add_run("{{ agency.name }}")
        name.bold, name.font.size = True, Pt(14)
        name.font.color.rgb = RGBColor.from_string(NAVY)
        _set_fonts(name._r.get_or_add_rPr(), SANS_CJK, LATIN_HEAD)
        first.add_run("\t{{ agency.address }}")
        second = header.add_paragraph(style="Header")
        english = second.add_run("{{ agency.name_en }}")
        english.font.size = Pt(8.5)
        second.add_run("\t电话 Tel：{{ agency.phone }}")
        _border(second._p.get_or_add_pPr(), "bottom", NAVY, 12, space=4)

    def _footer(self) -> None:
        footer = self.doc.sections[0].footer
        first = footer.paragraphs[0]
        first.style = "Footer"
        _border(first._p.get_or_add_pPr(), "top", LINE, 4, space=4)
        first.add_run("来源 Source：{{ meta.source }}\t第 ")
        _field(first, "PAGE", "1")
        first.add_run(" 页 / 共 ")
        _field(first, "NUMPAGES", "1")
        first.add_run(" 页")
        second = footer.add_paragraph(style="Footer")
        second.add_run("检查 Checks：{{ meta.summary }}　·　生成 Generated：{{ meta.generated }}")

    # -- body blocks

    def para(self, text: str, style: str = "Body Text") -> Paragraph:
        return self.doc.add_paragraph(text, style=style)

    def headline(self, expr: str) -> None:
        self.para(expr, "Headline")

    def draft_banner(self) -> None:
        """Shown only for documents that failed a check (they go to review, never to the client)."""
        self.para("{%p if meta.draft %}", "Normal")
        banner = self.para("草稿 — 未通过检查，请勿发出　DRAFT – NOT FOR RELEASE", "Draft Banner")
        ppr = banner._p.get_or_add_pPr()
        for side in ("top", "bottom"):
            _border(ppr, side, RED, 8, space=3)
        _child(ppr, "w:shd", val="clear", color="auto", fill="FCE4E4")
        self.para("{%p endif %}", "Normal")

    def heading(self, text: str) -> None:
        numerals = "一二三四五六七八九十"
        self.doc.add_paragraph(f"{numerals[self.sections]}、{text}", style="Heading 1")
        self.sections += 1

    def facts(self, rows: list[tuple[tuple[str, str], ...]]) -> None:
        """Key facts: label | value | label | value; a row with one pair spans the full width."""
        table = self.doc.add_table(rows=len(rows), cols=4)
        table.style = self.doc.styles["Table Grid"]
        _table_frame(table, [24, 63, 24, 63])
        for row, pairs in zip(table.rows, rows, strict=True):
            _row_flags(row)
            cells = row.cells
            (label, value), *rest = pairs
            _write(cells[0], label, "Table Label")
            _shade(cells[0], LABEL_FILL)
            if rest:
                _write(cells[1], value)
                _write(cells[2], rest[0][0], "Table Label")
                _shade(cells[2], LABEL_FILL)
                _write(cells[3], rest[0][1])
            else:
                _write(_merge(row, 1, 3), value)
            for cell in row.cells:
                _valign(cell)

    def form(self, rows: list[tuple[str, str]], label_width: float = 30) -> None:
        """A two-column form for longer texts: shaded label | value."""
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.style = self.doc.styles["Table Grid"]
        _table_frame(table, [label_width, TEXT_W_MM - label_width])
        for row, (label, value) in zip(table.rows, rows, strict=True):
            _row_flags(row)
            _write(row.cells[0], label, "Table Label")
            _shade(row.cells[0], LABEL_FILL)
            _valign(row.cells[0])
            _write(row.cells[1], value)

    def table(self, key: str, cols: list[Col], *, total_label: str = "合计", total_span: int = 0) -> None:
        """A data table: header row, one row per record, （无） when empty, optional totals row.

        `total_span` columns on the left are merged into the totals row's label cell.
        """
        has_total = total_span > 0
        n = len(cols)
        table = self.doc.add_table(rows=6 + (3 if has_total else 0), cols=n)
        table.style = self.doc.styles["Table Grid"]
        _table_frame(table, [c.width for c in cols])
        rows = table.rows
        for cell, col in zip(rows[0].cells, cols, strict=True):
            _write(cell, col.head, "Table Head")
            _shade(cell, NAVY)
            _valign(cell)
        _row_flags(rows[0], header=True)
        _write(_merge(rows[1], 0, n), f"{{%tr for r in {key} %}}")
        for cell, col in zip(rows[2].cells, cols, strict=True):
            _write(cell, col.cell, align=col.align)
            _valign(cell)
        _row_flags(rows[2])
        _write(_merge(rows[3], 0, n), "{%tr else %}")
        _write(_merge(rows[4], 0, n), "（无）", align=CENTER, color=GREY)
        _write(_merge(rows[5], 0, n), "{%tr endfor %}")
        if has_total:
            self._totals(table, key, cols, total_label, total_span)

    def _totals(self, table: Table, key: str, cols: list[Col], label: str, span: int) -> None:
        n = len(cols)
        rows = table.rows
        _write(_merge(rows[6], 0, n), f"{{%tr if {key} %}}")
        total = rows[7]
        _row_flags(total)
        label_cell = _merge(total, 0, span)
        _write(label_cell, label, "Table Label", align=RIGHT, bold=True)
        cells = total.cells
        for index, col in enumerate(cols[span:], start=span):
            _write(cells[index], col.total or "", align=col.align, bold=True)
        for cell in total.cells:
            _shade(cell, LABEL_FILL)
            _valign(cell)
        _write(_merge(rows[8], 0, n), "{%tr endif %}")

    def signoff(self, roles: list[str]) -> None:
        table = self.doc.add_table(rows=3, cols=len(roles))
        table.style = self.doc.styles["Table Grid"]
        _table_frame(table, [TEXT_W_MM / len(roles)] * len(roles))
        for cell, role in zip(table.rows[0].cells, roles, strict=True):
            _write(cell, role, "Table Head")
            _shade(cell, NAVY)
        for cell in table.rows[1].cells:
            _write(cell, "签字：")
            cell.paragraphs[0].paragraph_format.space_before = Pt(16)
        for cell in table.rows[2].cells:
            _write(cell, "日期：")
        for row in table.rows:
            _row_flags(row)
        # Keep the block on one page: a lone 日期 row on the next page looks broken.
        for row in table.rows[:-1]:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True

    def save(self, path: Path, title: str) -> None:
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by = title, "automator", "automator"
        props.subject = props.keywords = props.comments = ""
        props.revision = 1
        import datetime as dt
        props.created = props.modified = dt.datetime(2026, 1, 1)
        buf = io.BytesIO()
        self.doc.save(buf)
        _write_reproducible(buf.getvalue(), path)


def _write_reproducible(data: bytes, path: Path) -> None:
    """Same content → same bytes (fixed zip timestamps), so the ledger's template hash is stable."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, zin.read(item.filename))
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------- the documents

NUM = "{{ r.no }}"
ATTENDEES = [Col("姓名", "{{ r.name }}", 40), Col("公司", "{{ r.company }}", 78), Col("职位", "{{ r.title }}", 56)]


def agenda(b: Builder) -> None:
    b.headline("{{ meeting_title }}")
    b.draft_banner()
    b.facts([
        (("客户", "{{ client }}"), ("品牌", "{{ brand }}")),
        (("会议日期", "{{ meeting_date }}"), ("会议时间", "{{ start_time }} – {{ end_time }}")),
        (("地点", "{{ venue }}"),),
        (("主持人", "{{ chair }}"), ("制表人", "{{ prepared_by }}")),
        (("发送时间", "{{ sent_at }}"),),
    ])
    b.heading("议程")
    b.table("items", [
        Col("序号", NUM, 14, CENTER),
        Col("议题", "{{ r.topic }}", 90),
        Col("负责人", "{{ r.presenter }}", 40, CENTER),
        Col("时长（分钟）", "{{ r.minutes }}", 30, CENTER, total="{{ items_total.minutes }}"),
    ], total_label="合计时长", total_span=3)
    b.heading("参会人员")
    b.table("attendees", ATTENDEES)
    b.para("请与会人员准时出席。如需调整议程，请于会前与我们联系。", "Note")


def contact_report(b: Builder) -> None:
    b.headline("{{ meeting_title }}")
    b.draft_banner()
    b.facts([
        (("客户", "{{ client }}"), ("品牌", "{{ brand }}")),
        (("会议时间", "{{ meeting_date }}"), ("地点", "{{ venue }}")),
        (("撰写人", "{{ author }}"), ("报告日期", "{{ report_date }}")),
        (("抄送", "{{ distribution }}"),),
    ])
    b.heading("参会人员")
    b.table("attendees", ATTENDEES)
    b.heading("决议事项")
    b.table("decisions", [Col("序号", NUM, 14, CENTER), Col("事项", "{{ r.item }}", 56),
                          Col("决议", "{{ r.decision }}", 104)])
    b.heading("后续行动")
    b.table("actions", [
        Col("序号", NUM, 14, CENTER), Col("行动", "{{ r.action }}", 72),
        Col("负责人", "{{ r.owner }}", 26, CENTER), Col("截止日期", "{{ r.due }}", 34, CENTER),
        Col("状态", "{{ r.status }}", 28, CENTER),
    ])
    b.para("{%p if budget %}", "Normal")
    b.heading("预算")
    b.table("budget", [Col("项目", "{{ r.item }}", 124),
                       Col("金额", "{{ r.amount }}", 50, RIGHT, total="{{ budget_total.amount }}")],
            total_span=1)
    b.para("{%p endif %}", "Normal")
    b.para("以上为本次会议记录。如有遗漏或出入，请于收到后24小时内告知撰写人；逾期视为确认。", "Note")


def creative_brief(b: Builder) -> None:
    b.headline("{{ project }}")
    b.draft_banner()
    b.facts([
        (("客户", "{{ client }}"), ("品牌", "{{ brand }}")),
        (("简报日期", "{{ brief_date }}"), ("客户执行", "{{ ae }}")),
        (("首次提案", "{{ first_review }}"), ("最终交付", "{{ final_deadline }}")),
        (("预算总额", "{{ budget_total }}"),),
    ])
    b.heading("简报内容")
    b.form([
        ("项目背景", "{{ background }}"), ("传播目标", "{{ objective }}"),
        ("目标受众", "{{ target_audience }}"), ("消费者洞察", "{{ insight }}"),
        ("核心诉求", "{{ proposition }}"), ("支持点", "{{ support }}"),
        ("语气风格", "{{ tone }}"), ("必备元素", "{{ mandatories }}"),
    ])
    b.heading("交付物")
    b.table("deliverables", [
        Col("项目", "{{ r.item }}", 38), Col("规格", "{{ r.spec }}", 32),
        Col("数量", "{{ r.qty }}", 13, CENTER), Col("单价", "{{ r.unit_price }}", 28, RIGHT),
        Col("金额", "{{ r.amount }}", 31, RIGHT, total="{{ deliverables_total.amount }}"),
        Col("交付日期", "{{ r.due }}", 32, CENTER),
    ], total_span=4)
    b.heading("审批")
    b.signoff(["客户执行", "客户总监", "创意总监", "客户确认"])


def media_brief(b: Builder) -> None:
    b.headline("{{ campaign }}")
    b.draft_banner()
    b.facts([
        (("客户", "{{ client }}"), ("品牌", "{{ brand }}")),
        (("简报日期", "{{ brief_date }}"), ("预算总额", "{{ budget_total }}")),
        (("投放开始", "{{ campaign_start }}"), ("投放结束", "{{ campaign_end }}")),
    ])
    b.heading("媒介策略")
    b.form([("目标受众", "{{ target_audience }}"), ("媒介目标", "{{ objectives }}"),
            ("考核指标", "{{ kpi }}")])
    b.heading("媒介排期")
    b.table("plan", [
        Col("媒体", "{{ r.media }}", 22), Col("形式", "{{ r.format }}", 18),
        Col("投放期", "{{ r.start }}\n{% if r.end %}至{{ r.end }}{% endif %}", 38, CENTER),
        Col("次数", "{{ r.spots }}", 11, CENTER, total="{{ plan_total.spots }}"),
        Col("单价", "{{ r.unit_price }}", 27, RIGHT), Col("折扣", "{{ r.discount }}", 14, CENTER),
        Col("净额", "{{ r.net }}", 30, RIGHT, total="{{ plan_total.net }}"),
        Col("占比", "{{ r.share }}", 14, CENTER, total="{{ plan_total.share }}"),
    ], total_span=3)
    b.para("注：净额 = 次数 × 单价 × 折扣；金额单位为人民币元（含税价以媒体合同为准）。", "Note")
    b.heading("审批")
    b.signoff(["客户执行", "媒介经理", "客户总监", "客户确认"])


def followup(b: Builder) -> None:
    b.headline("{{ client }}")
    b.draft_banner()
    b.facts([
        (("客户", "{{ client }}"), ("品牌", "{{ brand }}")),
        (("回访日期", "{{ visit_date }}"), ("回访方式", "{{ method }}")),
        (("回访人", "{{ visitor }}"), ("客户联系人", "{{ contact }}")),
    ])
    b.heading("回访摘要")
    b.para("{{ summary }}")
    b.heading("问题清单")
    b.table("problems", [
        Col("序号", NUM, 12, CENTER), Col("问题", "{{ r.problem }}", 62),
        Col("紧急程度", "{{ r.urgency }}", 20, CENTER), Col("负责部门", "{{ r.department }}", 22, CENTER),
        Col("处理期限", "{{ r.deadline }}", 36, CENTER), Col("状态", "{{ r.status }}", 22, CENTER),
    ])
    b.para("紧急问题须在回访后3天内处理完毕；负责部门处理后请告知客户执行，以便回复客户。", "Note")
    b.heading("确认")
    b.signoff(["回访人", "客户经理", "负责部门"])


DOCUMENTS: dict[str, tuple[str, str, Callable[[Builder], None]]] = {
    "agenda.docx": ("会议议程", "Meeting Agenda", agenda),
    "contact_report.docx": ("客户会议报告", "Contact Report", contact_report),
    "creative_brief.docx": ("创意简报", "Creative Brief", creative_brief),
    "media_brief.docx": ("媒介简报", "Media Brief", media_brief),
    "followup.docx": ("客户回访记录", "Client Follow-up Record", followup),
}


def build(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (zh, _en, fill) in DOCUMENTS.items():
        builder = Builder("{{ doc.zh }}", "{{ doc.en }}")
        fill(builder)
        builder.save(out_dir / name, zh)
        written.append(out_dir / name)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "templates"
    for path in build(target):
        sys.stdout.write(f"{path}\n")
