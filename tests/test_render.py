"""Render the four shipped templates from Documents built in code, then read the .docx back."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from automator import formatting
from automator.errors import TemplateError
from automator.document import CellRef, Document, Row, Table, Value
from automator.rules.loader import load_rules
from automator.lint import used_names
from automator.outputs.render import build_context, expected_values, render_document
from automator.outputs.verify import verify_docx
from automator.values import parse_value
from conftest import tracked_insertion

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"


FOUR = ("agenda", "contact_report", "creative_brief", "media_brief")


def load_four(folder: Path):
    """The shipped rules for the four documents this module renders (other rule files may be mid-edit)."""
    import shutil

    for name in ("_common", "words", *FOUR):
        shutil.copy(ROOT / "rules" / f"{name}.yaml", folder / f"{name}.yaml")
    return load_rules(folder)


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    return load_four(tmp_path_factory.mktemp("rules"))


# --------------------------------------------------------------------------- sample documents

COMMON = {"client": "星河乳业（上海）有限公司", "brand": "星河酸奶"}
SAMPLES: dict[str, dict] = {
    "agenda": {
        "fields": {**COMMON, "meeting_title": "冬季新品上市创意提案会", "meeting_date": "2026-11-20",
                   "start_time": "14:00", "end_time": "16:00", "venue": "客户总部3楼大会议室",
                   "chair": "王磊", "prepared_by": "李娜", "sent_at": "2026-11-20 10:00"},
        "tables": {
            "items": [{"no": 1, "topic": "品牌现状与冬季市场回顾", "presenter": "张伟", "minutes": 20},
                      {"no": 2, "topic": "创意策略与核心诉求", "presenter": "李娜", "minutes": 30},
                      {"no": 3, "topic": "主视觉与TVC脚本提案（方案A / 方案B）", "presenter": "陈晨", "minutes": 45},
                      {"no": 4, "topic": "媒介排期初步建议", "presenter": "赵敏", "minutes": 15},
                      {"no": 5, "topic": "讨论与下一步安排", "presenter": "王磊", "minutes": 10}],
            "attendees": [{"name": "王磊", "company": "星河乳业（上海）有限公司", "title": "市场总监"},
                          {"name": "周婷", "company": "星河乳业（上海）有限公司", "title": "品牌经理"},
                          {"name": "李娜", "company": "华夏智联广告有限公司", "title": "客户总监"},
                          {"name": "陈晨", "company": "华夏智联广告有限公司", "title": "创意总监"}],
        },
    },
    "contact_report": {
        "fields": {**COMMON, "meeting_title": "冬季新品上市创意提案会", "meeting_date": "2026-11-20 14:00",
                   "venue": "客户总部3楼大会议室", "report_date": "2026-11-21", "author": "李娜",
                   "distribution": "全体与会人员；客户市场部；项目组"},
        "tables": {
            "attendees": [{"name": "王磊", "company": "星河乳业（上海）有限公司", "title": "市场总监"},
                          {"name": "李娜", "company": "华夏智联广告有限公司", "title": "客户总监"}],
            "decisions": [{"no": 1, "item": "主视觉方向", "decision": "采用方案B“暖冬一杯”，色调改为暖橙"},
                          {"no": 2, "item": "TVC时长", "decision": "15秒与30秒各一版，30秒版用于线上"}],
            "actions": [{"no": 1, "action": "根据意见修改主视觉并提交第二稿", "owner": "陈晨",
                         "due": "2026-11-27", "status": "进行中"},
                        {"no": 2, "action": "提交TVC分镜脚本", "owner": "李娜", "due": "2026-12-02",
                         "status": "未开始"}],
            "budget": [{"item": "TVC拍摄制作", "amount": "180000"}, {"item": "平面设计与修图", "amount": "¥45,000"},
                       {"item": "KOL合作", "amount": "12.5万"}],
            "budget_totals": {"item": "合计", "amount": "350000"},
        },
    },
    "creative_brief": {
        "fields": {**COMMON, "project": "星河酸奶冬季新品上市", "brief_date": "2026-11-02", "ae": "李娜",
                   "background": "冬季是酸奶消费淡季，消费者担心“凉”。\n新品采用耐温菌种，可温热饮用。",
                   "objective": "三个月内新品认知度达到30%，试饮转化率10%",
                   "target_audience": "25–35岁一线城市白领女性", "insight": "冬天也想吃点清爽的，但怕凉",
                   "proposition": "温热也好喝的酸奶", "support": "专利菌种耐温45℃，活菌数不减",
                   "tone": "温暖、轻松、有生活感", "mandatories": "品牌标识、产品包装、“温热饮用”字样",
                   "budget_total": "350000", "first_review": "2026-11-16", "final_deadline": "2026-12-15"},
        "tables": {
            "deliverables": [
                {"item": "15秒TVC", "spec": "1920×1080，MP4", "qty": "1", "unit_price": "180000",
                 "amount": "180000", "due": "2026-12-10"},
                {"item": "主视觉海报", "spec": "A1 / 竖版 / 横版", "qty": "3", "unit_price": "15000",
                 "amount": "45000", "due": "2026-12-01"},
                {"item": "社交媒体短视频", "spec": "9:16，30秒", "qty": "5", "unit_price": "25000",
                 "amount": "125000", "due": "2026-12-12"}],
        },
    },
    "media_brief": {
        "fields": {**COMMON, "campaign": "星河酸奶冬季新品上市", "brief_date": "2026-11-02",
                   "campaign_start": "2026-12-01", "campaign_end": "2027-01-31", "budget_total": "1200000",
                   "target_audience": "25–35岁一线城市白领女性", "objectives": "覆盖目标人群60%以上，平均频次3次",
                   "kpi": "曝光量8000万次；点击率0.8%"},
        "tables": {
            "plan": [
                {"media": "分众电梯屏", "format": "15秒视频", "start": "2026-12-01", "end": "2026-12-31",
                 "spots": "300", "unit_price": "2000", "discount": "8折", "net": "480000", "share": "40%"},
                {"media": "抖音信息流", "format": "竖版视频", "start": "2026-12-01", "end": "2027-01-31",
                 "spots": "1200", "unit_price": "500", "discount": "0.6", "net": "360000", "share": "30%"},
                {"media": "小红书KOL", "format": "图文笔记", "start": "2026-12-10", "end": "2027-01-20",
                 "spots": "20", "unit_price": "22500", "discount": "8折", "net": "360000", "share": "30%"}],
        },
    },
}


def _value(key: str, raw, type_: str, ref: CellRef) -> Value:
    value, problem = parse_value(raw, type_)
    return Value(key=key, raw=raw, value=value, ref=ref, type=type_, problem=problem)


def make_document(rule, data: dict) -> Document:
    """A Document as the reader would produce it, values parsed by the real parser."""
    doc = Document(source=Path(f"{rule.zh}.xlsx"), doc_type=rule.key)
    for i, (key, raw) in enumerate(data.get("fields", {}).items(), start=2):
        spec = rule.field(key)
        doc.fields[key] = _value(key, raw, spec.type if spec else "text", CellRef("基本信息", f"B{i}"))
    for spec in rule.tables:
        rows = data.get("tables", {}).get(spec.key)
        if rows is None:
            continue
        letters = {col.key: chr(ord("A") + i) for i, col in enumerate(spec.columns)}
        table = Table(key=spec.key, sheet=spec.zh, header_row=1, column_letters=letters)
        types = {col.key: col.type for col in spec.columns}
        for n, record in enumerate(rows, start=2):
            table.rows.append(Row(n, {k: _value(k, v, types[k], CellRef(spec.zh, f"{letters[k]}{n}"))
                                      for k, v in record.items()}))
        totals = data["tables"].get(f"{spec.key}_totals")
        if totals:
            n = len(rows) + 2
            table.totals = Row(n, {k: _value(k, v, types[k], CellRef(spec.zh, f"{letters[k]}{n}"))
                                   for k, v in totals.items()})
        doc.tables[spec.key] = table
    return doc


def render_sample(ruleset, key: str, out: Path, data: dict | None = None, **meta) -> dict:
    rule = ruleset.rules[key]
    doc = make_document(rule, data or SAMPLES[key])
    ctx = build_context(doc, rule, ruleset, source_name=meta.get("source", f"{rule.zh}_示例.xlsx"),
                        summary=meta.get("summary", "9项检查全部通过"), draft=meta.get("draft", False))
    render_document(TEMPLATES / rule.template, ctx, out)
    return ctx


def all_text(path: Path) -> str:
    """Body paragraphs, every table cell, header and footer — as python-docx sees them."""
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in d.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def table_rows(path: Path, index: int) -> list[list[str]]:
    table = docx.Document(str(path)).tables[index]
    return [[cell.text for cell in row.cells] for row in table.rows]


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(("value", "type_", "text"), [
    (dt.date(2026, 11, 20), "date", "2026年11月20日"),
    (dt.datetime(2026, 11, 20, 14, 0), "datetime", "2026年11月20日 14:00"),
    (dt.datetime(2026, 11, 20, 0, 0), "datetime", "2026年11月20日"),
    (dt.date(2026, 11, 20), "datetime", "2026年11月20日"),
    (dt.time(14, 0), "time", "14:00"),
    (Decimal("12800"), "money", "¥12,800.00"),
    (Decimal("-1200.5"), "money", "-¥1,200.50"),
    (Decimal("0.005"), "money", "¥0.01"),
    (Decimal("0.4"), "percent", "40%"),
    (Decimal("0.125"), "percent", "12.5%"),
    (Decimal("0.8"), "discount", "8折"),
    (Decimal("0.85"), "discount", "85折"),
    (Decimal("1"), "discount", "无折扣"),
    (Decimal("3.0"), "number", "3"),
    (Decimal("1500"), "number", "1,500"),
    (Decimal("2.50"), "number", "2.5"),
    (7, "int", "7"),
    (20, "minutes", "20"),
    (None, "text", ""),
    (float("nan"), "number", ""),
    ("第一行\r\n第二行\r第三行", "text", "第一行\n第二行\n第三行"),
    ("A\x0bB\x01C\ufffe", "text", "ABC"),
])
def test_display_formats(value, type_, text):
    assert formatting.display(value, type_) == text


# --------------------------------------------------------------------------- context


def test_context_has_every_key_as_display_text(ruleset):
    rule = ruleset.rules["media_brief"]
    ctx = build_context(make_document(rule, SAMPLES["media_brief"]), rule, ruleset,
                        source_name="媒介简报.xlsx", summary="全部通过")
    assert {f.key for f in rule.fields} <= ctx.keys()
    assert ctx["budget_total"] == "¥1,200,000.00"
    assert ctx["campaign_start"] == "2026年12月1日"
    assert ctx["plan"][0] == {"media": "分众电梯屏", "format": "15秒视频", "start": "2026年12月1日",
                              "end": "2026年12月31日", "spots": "300", "unit_price": "¥2,000.00",
                              "discount": "8折", "net": "¥480,000.00", "share": "40%"}
    assert ctx["plan"][1]["discount"] == "6折"
    # No totals row in the workbook: the sums of the rows.
    assert ctx["plan_total"]["net"] == "¥1,200,000.00"
    assert ctx["plan_total"]["share"] == "100%"
    assert ctx["doc"] == {"key": "media_brief", "zh": "媒介简报", "en": "Media brief"}
    assert ctx["agency"]["name"] == "华夏智联广告有限公司"
    assert ctx["meta"]["source"] == "媒介简报.xlsx" and ctx["meta"]["draft"] is False
    assert ctx["meta"]["generated"] == formatting.date_zh(dt.date.today())
    assert ctx["meta"]["rule_version"] == ruleset.versions["media_brief"]


def test_context_blank_and_missing_values_are_empty_strings(ruleset):
    rule = ruleset.rules["agenda"]
    data = {"fields": {"client": "某客户", "venue": None, "chair": float("nan")}, "tables": {}}
    ctx = build_context(make_document(rule, data), rule, ruleset, source_name="a.xlsx", summary="")
    assert ctx["venue"] == "" and ctx["chair"] == "" and ctx["brand"] == ""
    assert ctx["items"] == [] and ctx["items_total"] == {"no": "", "topic": "", "presenter": "", "minutes": ""}


def test_context_uses_declared_totals_row(ruleset):
    rule = ruleset.rules["contact_report"]
    ctx = build_context(make_document(rule, SAMPLES["contact_report"]), rule, ruleset,
                        source_name="r.xlsx", summary="")
    assert ctx["budget_total"]["amount"] == "¥350,000.00"
    assert [r["amount"] for r in ctx["budget"]] == ["¥180,000.00", "¥45,000.00", "¥125,000.00"]


def test_unparseable_value_shows_as_typed(ruleset):
    rule = ruleset.rules["creative_brief"]
    data = {"fields": {"budget_total": "大约三十万"}, "tables": {}}
    ctx = build_context(make_document(rule, data), rule, ruleset, source_name="b.xlsx", summary="")
    assert ctx["budget_total"] == "大约三十万"


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("key", list(SAMPLES))
def test_each_template_renders_the_data(ruleset, tmp_path, key):
    out = tmp_path / f"{key}.docx"
    ctx = render_sample(ruleset, key, out)
    text = all_text(out)
    expected = expected_values(ctx, used=used_names(TEMPLATES / ruleset.rules[key].template))
    assert verify_docx(out, expected) == []
    assert ruleset.rules[key].zh in text
    assert "华夏智联广告有限公司" in text and "021-6288 8000" in text
    assert f"{ruleset.rules[key].zh}_示例.xlsx" in text and "9项检查全部通过" in text
    assert "草稿" not in text
    for value in expected.values():
        assert value in text
    # Every field the rule declares is shown.
    assert {f.key for f in ruleset.rules[key].fields} - {"doc_type"} <= expected.keys()
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml")
    assert b'w:w="11906"' in body and b'w:h="16838"' in body


def test_agenda_tables(ruleset, tmp_path):
    out = tmp_path / "agenda.docx"
    render_sample(ruleset, "agenda", out)
    items = table_rows(out, 1)
    assert items[0] == ["序号", "议题", "负责人", "时长（分钟）"]
    assert items[1] == ["1", "品牌现状与冬季市场回顾", "张伟", "20"]
    assert len(items) == 1 + 5 + 1
    assert items[-1][-1] == "120"  # total minutes
    assert table_rows(out, 0)[1] == ["会议日期", "2026年11月20日", "会议时间", "14:00 – 16:00"]
    assert table_rows(out, 2)[4] == ["陈晨", "华夏智联广告有限公司", "创意总监"]


def test_media_plan_table_and_totals(ruleset, tmp_path):
    out = tmp_path / "media.docx"
    render_sample(ruleset, "media_brief", out)
    plan = table_rows(out, 2)
    assert plan[1] == ["分众电梯屏", "15秒视频", "2026年12月1日\n至2026年12月31日", "300", "¥2,000.00",
                       "8折", "¥480,000.00", "40%"]
    assert plan[-1][-2:] == ["¥1,200,000.00", "100%"]
    assert len(plan) == 1 + 3 + 1


def test_creative_brief_multiline_value(ruleset, tmp_path):
    out = tmp_path / "brief.docx"
    render_sample(ruleset, "creative_brief", out)
    assert table_rows(out, 1)[0] == ["项目背景", "冬季是酸奶消费淡季，消费者担心“凉”。\n新品采用耐温菌种，可温热饮用。"]
    deliverables = table_rows(out, 2)
    assert deliverables[-1][-2] == "¥350,000.00"


@pytest.mark.parametrize("count", [0, 1, 50])
def test_row_counts_and_empty_table(ruleset, tmp_path, count):
    data = {"fields": SAMPLES["creative_brief"]["fields"], "tables": {"deliverables": [
        {"item": f"物料{i}", "qty": "2", "unit_price": "100.05", "amount": "200.10"} for i in range(count)]}}
    out = tmp_path / "brief.docx"
    render_sample(ruleset, "creative_brief", out, data)
    rows = table_rows(out, 2)
    if count == 0:
        assert rows == [["项目", "规格", "数量", "单价", "金额", "交付日期"], ["（无）"] * 6]
    else:
        assert len(rows) == 1 + count + 1
        assert rows[-1][-2] == formatting.money(Decimal("200.10") * count)
    assert verify_docx(out) == []


def test_optional_budget_section_is_left_out_when_empty(ruleset, tmp_path):
    data = {**SAMPLES["contact_report"], "tables": {
        k: v for k, v in SAMPLES["contact_report"]["tables"].items() if not k.startswith("budget")}}
    out = tmp_path / "report.docx"
    render_sample(ruleset, "contact_report", out, data)
    text = all_text(out)
    assert "四、预算" not in text and "合计" not in text
    assert "三、后续行动" in text
    assert verify_docx(out) == []


def test_draft_banner(ruleset, tmp_path):
    out = tmp_path / "draft.docx"
    render_sample(ruleset, "contact_report", out, draft=True, summary="1项错误：预算合计不符")
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert any(p.startswith("草稿 — 未通过检查，请勿发出") for p in paragraphs)
    assert "1项错误：预算合计不符" in all_text(out)


def test_special_characters_come_out_exactly_as_typed(ruleset, tmp_path):
    tricky = "R&D <Team> & \"合伙人\" 'x' {{ 7*7 }} {% if x %} {_{ y }_}"
    data = {"fields": {**SAMPLES["agenda"]["fields"], "client": tricky, "venue": "A\x0bB会议室"},
            "tables": {"items": [{"no": 1, "topic": tricky, "presenter": "张伟", "minutes": 20}]}}
    out = tmp_path / "tricky.docx"
    ctx = render_sample(ruleset, "agenda", out, data, source="R&D <源>.xlsx")
    text = all_text(out)
    assert text.count(tricky) == 2
    assert "49" not in text
    assert "AB会议室" in text and "\x0b" not in text
    assert "R&D <源>.xlsx" in text
    assert verify_docx(out, expected_values(ctx)) == []


def test_crlf_becomes_one_line_break(ruleset, tmp_path):
    data = {"fields": {**SAMPLES["creative_brief"]["fields"], "background": "第一行\r\n第二行\r第三行"},
            "tables": SAMPLES["creative_brief"]["tables"]}
    out = tmp_path / "crlf.docx"
    render_sample(ruleset, "creative_brief", out, data)
    assert table_rows(out, 1)[0][1] == "第一行\n第二行\n第三行"


def _template_with(tmp_path: Path, *paragraphs: str) -> Path:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    path = tmp_path / "custom.docx"
    d.save(str(path))
    return path


def test_missing_variable_raises_template_error(tmp_path):
    template = _template_with(tmp_path, "客户：{{ client }}", "预算：{{ budget }}")
    with pytest.raises(TemplateError) as err:
        render_document(template, {"client": "星河"}, tmp_path / "out.docx")
    assert "missing variable budget (template custom.docx)" in str(err.value)
    assert not (tmp_path / "out.docx").exists()


def test_missing_attribute_raises_template_error(tmp_path):
    template = _template_with(tmp_path, "{% for r in rows %}{{ r.amout }}{% endfor %}")
    with pytest.raises(TemplateError, match="amout"):
        render_document(template, {"rows": [{"amount": "1"}]}, tmp_path / "out.docx")


def test_sandbox_blocks_dunder_access(tmp_path):
    template = _template_with(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__()|length }}")
    with pytest.raises(TemplateError):
        render_document(template, {}, tmp_path / "out.docx")


def test_template_edited_on_disk_is_reloaded(tmp_path):
    template = _template_with(tmp_path, "第一版 {{ x }}")
    render_document(template, {"x": "甲"}, tmp_path / "a.docx")
    time.sleep(0.01)
    d = docx.Document()
    d.add_paragraph("第二版 {{ x }} 内容更长")
    d.save(str(template))
    render_document(template, {"x": "乙"}, tmp_path / "b.docx")
    assert "第一版 甲" in all_text(tmp_path / "a.docx")
    assert "第二版 乙 内容更长" in all_text(tmp_path / "b.docx")


def test_not_a_docx_template_raises_template_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="bad.docx"):
        render_document(bad, {}, tmp_path / "out.docx")
    with pytest.raises(TemplateError, match="找不到模板"):
        render_document(tmp_path / "nope.docx", {}, tmp_path / "out.docx")


def test_templates_set_east_asian_fonts_and_a4():
    for path in sorted(TEMPLATES.glob("*.docx")):
        with zipfile.ZipFile(path) as z:
            styles = z.read("word/styles.xml").decode()
            settings = z.read("word/settings.xml").decode()
        d = docx.Document(str(path))
        root = d.styles.element
        defaults = root.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
        assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
        for style in root.findall(qn("w:style")):
            fonts = style.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")), (path.name, style.get(qn("w:styleId")))
        assert "eastAsiaTheme" not in styles
        assert 'w:eastAsia="zh-CN"' in settings
        section = d.sections[0]
        assert (section.page_width, section.page_height) == (11906 * 635, 16838 * 635)


def test_outputs_do_not_share_state(ruleset, tmp_path):
    """Each render has its own DocxTemplate: no data from one job leaks into the next."""
    for client in ("甲公司", "乙公司"):
        data = {**SAMPLES["agenda"], "fields": {**SAMPLES["agenda"]["fields"], "client": client}}
        render_sample(ruleset, "agenda", tmp_path / f"{client}.docx", data)
    assert "乙公司" not in all_text(tmp_path / "甲公司.docx")
    assert "甲公司" not in all_text(tmp_path / "乙公司.docx")
    with zipfile.ZipFile(io.BytesIO((tmp_path / "乙公司.docx").read_bytes())) as z:
        names = z.namelist()
    assert len(names) == len(set(names))


# --------------------------------------------------------------------------- verify


def _a4_template(tmp_path: Path, *paragraphs: str, name: str = "broken.docx") -> Path:
    from docx.shared import Mm

    d = docx.Document()
    d.sections[0].page_width, d.sections[0].page_height = Mm(210), Mm(297)
    for text in paragraphs:
        d.add_paragraph(text)
    path = tmp_path / name
    d.save(str(path))
    return path


def test_verify_catches_leftover_lookalike_tag(tmp_path):
    template = _a4_template(tmp_path, "客户：{{ client }}", "品牌：｛｛ brand ｝｝")
    out = tmp_path / "out.docx"
    render_document(template, {"client": "星河乳业"}, out)
    problems = verify_docx(out, {"client": "星河乳业"})
    assert problems == ["正文中残留模板标签「｛｛」：品牌：｛｛ brand ｝｝"]


def test_verify_catches_tag_split_by_tracked_change(tmp_path):
    """Pitfall 1.5: the second half of a tag inside <w:ins> makes docxtpl drop the rest of the body."""
    from docx.shared import Mm

    d = docx.Document()
    d.sections[0].page_width, d.sections[0].page_height = Mm(210), Mm(297)
    p = d.add_paragraph("项目: {{ pro")
    tracked_insertion(p, "ject }}")
    d.add_paragraph("下一段")
    template = tmp_path / "ins.docx"
    d.save(str(template))
    out = tmp_path / "out.docx"
    render_document(template, {"project": "双十一"}, out)
    assert verify_docx(out, {"project": "双十一"}) == ["缺少页面设置（w:sectPr）：模板中的标签可能被拆开，导致后面的内容被删掉"]


def test_verify_flags_none_and_nan_unless_typed_by_the_user(tmp_path):
    template = _a4_template(tmp_path, "{{ a }}", "{{ b }}")
    out = tmp_path / "out.docx"
    render_document(template, {"a": "None", "b": "nan"}, out)
    assert len(verify_docx(out)) == 2
    assert verify_docx(out, {"a": "None", "b": "nan"}) == []
    render_document(template, {"a": None, "b": float("nan")}, out)
    assert verify_docx(out) == []


def test_verify_flags_missing_value_and_non_a4(tmp_path):
    template = _template_with(tmp_path, "客户：{{ client }}")  # python-docx default: US Letter
    out = tmp_path / "out.docx"
    render_document(template, {"client": "星河"}, out)
    problems = verify_docx(out, {"client": "星河", "brand": "星河酸奶"})
    assert "第1节的纸张不是 A4（12240×15840，应为 11906×16838）" in problems
    assert "文档中找不到「brand」的内容「星河酸奶」" in problems


def test_verify_damaged_output(tmp_path):
    out = tmp_path / "out.docx"
    out.write_bytes(b"PK\x03\x04 not really")
    assert verify_docx(out)[0].startswith("输出文件无法作为 .docx 打开")
    good = _a4_template(tmp_path, "正文")
    broken = tmp_path / "broken_xml.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data.replace(b"</w:body>", b"") if item.filename == "word/document.xml" else data)
    assert any(p.startswith("word/document.xml 不是有效的 XML") for p in verify_docx(broken))


# --------------------------------------------------------------------------- fast path


def _docxtpl_reference(template: Path, ctx: dict) -> bytes:
    """The plain docxtpl way: a fresh DocxTemplate, rendered and saved by python-docx."""
    from docxtpl import DocxTemplate

    from automator.outputs.render import environment

    tpl = DocxTemplate(str(template))
    tpl.render(ctx, jinja_env=environment())
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert len(names) == len(set(names))
        return {name: z.read(name) for name in names}


TRICKY = "R&D <Team> & \"合伙人\" 'x' {{ 7*7 }} {% if x %} {_{ y }_} 第一行\n第二行\r\n第三行\t制表 A\x0bB\x01C"


def _variants(rule, key: str):
    base = SAMPLES[key]
    yield base
    fields = {k: TRICKY for k in ("client", "brand", "venue", "background", "campaign", "project")
              if k in base["fields"]}
    yield {"fields": {**base["fields"], **fields}, "tables": base["tables"]}
    yield {"fields": base["fields"], "tables": {spec.key: [] for spec in rule.tables}}
    many = {}
    for name, rows in base["tables"].items():
        if isinstance(rows, list) and rows:
            many[name] = [dict(rows[i % len(rows)]) for i in range(50)]
            text_key = next(k for k in ("topic", "name", "decision", "action", "item", "media") if k in rows[0])
            many[name][3][text_key] = TRICKY
    yield {"fields": base["fields"], "tables": many}


@pytest.mark.parametrize("key", FOUR)
def test_fast_path_writes_what_docxtpl_writes(ruleset, tmp_path, key):
    """Every zip member (body, headers, footers, properties, styles…) equals plain docxtpl's output."""
    rule = ruleset.rules[key]
    template = TEMPLATES / rule.template
    for i, data in enumerate(_variants(rule, key)):
        ctx = build_context(make_document(rule, data), rule, ruleset, source_name="R&D <源>.xlsx",
                            summary="9项检查全部通过", draft=bool(i % 2))
        out = tmp_path / f"{key}{i}.docx"
        render_document(template, ctx, out)
        ours, theirs = _members(out.read_bytes()), _members(_docxtpl_reference(template, ctx))
        assert list(ours) == list(theirs)
        assert [name for name in ours if ours[name] != theirs[name]] == []
        docx.Document(str(out))
        assert verify_docx(out, expected_values(ctx, used=used_names(template))) == []


def test_tags_in_core_properties_still_render(tmp_path):
    """docxtpl renders the core properties too; such a template takes the full path."""
    d = docx.Document()
    d.add_paragraph("客户：{{ client }}")
    d.core_properties.title = "报告 {{ client }}"
    template = tmp_path / "props.docx"
    d.save(str(template))
    render_document(template, {"client": "星河乳业"}, tmp_path / "out.docx")
    out = docx.Document(str(tmp_path / "out.docx"))
    assert out.core_properties.title == "报告 星河乳业"
    assert "客户：星河乳业" in all_text(tmp_path / "out.docx")


def test_missing_variable_in_footer_names_it_and_writes_nothing(tmp_path):
    d = docx.Document()
    d.add_paragraph("客户：{{ client }}")
    d.sections[0].footer.paragraphs[0].text = "第 {{ page_no }} 页"
    template = tmp_path / "footer.docx"
    d.save(str(template))
    with pytest.raises(TemplateError, match="missing variable page_no"):
        render_document(template, {"client": "星河"}, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_verify_still_parses_a_changed_part_after_a_good_one(tmp_path):
    """Parts seen good are skipped only when byte-identical; a damaged styles.xml is still caught."""
    template = _a4_template(tmp_path, "客户：{{ client }}", name="good.docx")
    out = tmp_path / "out.docx"
    render_document(template, {"client": "星河"}, out)
    assert verify_docx(out, {"client": "星河"}) == []
    broken = tmp_path / "broken_styles.docx"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data[:-20] if item.filename == "word/styles.xml" else data)
    assert any(p.startswith("word/styles.xml 不是有效的 XML") for p in verify_docx(broken, {"client": "星河"}))
    assert verify_docx(out, {"client": "星河"}) == []
