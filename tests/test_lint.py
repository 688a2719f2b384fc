"""Template lint on small .docx files built here, on the shipped templates and on the corpus."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from automator.lint import LintProblem, lint_template, used_names
from conftest import CORPUS_ROOT, tracked_insertion
from automator.rules.loader import load_rules

ROOT = Path(__file__).resolve().parents[1]
CORPUS = CORPUS_ROOT / "docx"
FOUR = ("agenda", "contact_report", "creative_brief", "media_brief")


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    for name in ("_common", "words", *FOUR):
        shutil.copy(ROOT / "rules" / f"{name}.yaml", folder / f"{name}.yaml")
    return load_rules(folder)


def make_docx(path: Path, *paragraphs: str, table: list[list[str]] | None = None,
              header: str | None = None) -> docx.Document:
    d = docx.Document()
    d.sections[0].page_width, d.sections[0].page_height = Mm(210), Mm(297)
    for text in paragraphs:
        d.add_paragraph(text)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for row, texts in zip(t.rows, table, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
    if header is not None:
        d.sections[0].header.paragraphs[0].text = header
    d.save(str(path))
    return d


def runs(path: Path, *pieces: str, between: str = "") -> None:
    """One paragraph whose text is split over several runs, with `between` XML in each gap."""
    d = docx.Document()
    d.sections[0].page_width, d.sections[0].page_height = Mm(210), Mm(297)
    p = d.add_paragraph()
    for i, piece in enumerate(pieces):
        if i and between:
            p._p.append(docx.oxml.parse_xml(
                f'<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{between}</w:r>'
                if not between.startswith("<w:proofErr") else
                between.replace("<w:proofErr", '<w:proofErr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"')))
        p.add_run(piece)
    d.save(str(path))


def errors(problems: list[LintProblem]) -> list[LintProblem]:
    return [p for p in problems if p.severity == "error"]


def one(problems: list[LintProblem]) -> LintProblem:
    found = errors(problems)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


# --------------------------------------------------------------------------- file types


def test_shipped_templates_are_clean(ruleset):
    for key in FOUR:
        rule = ruleset.rules[key]
        assert lint_template(ROOT / "templates" / rule.template, rule, ruleset) == []


def test_not_a_zip(tmp_path):
    bad = tmp_path / "议程.docx"
    bad.write_bytes("这不是 Word 文件".encode())
    problem = one(lint_template(bad))
    assert problem.where == "文件" and "请另存为 Word .docx" in problem.message


@pytest.mark.parametrize("suffix", [".dotx", ".doc", ".odt"])
def test_other_word_formats_by_name(tmp_path, suffix):
    path = tmp_path / f"模板{suffix}"
    make_docx(path, "{{ client }}")
    assert "请另存为 Word .docx" in one(lint_template(path)).message


def test_old_doc_content_and_odt_content_with_docx_name(tmp_path):
    ole = tmp_path / "旧版.docx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "旧版 Word (.doc)" in one(lint_template(ole)).message
    odt = tmp_path / "开放格式.docx"
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    assert "OpenDocument" in one(lint_template(odt)).message


def test_dotx_content_renamed_docx(tmp_path):
    src = tmp_path / "a.docx"
    make_docx(src, "{{ client }}")
    out = tmp_path / "模板.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
            zout.writestr(item, data)
    assert "Word 模板 (.dotx)" in one(lint_template(out)).message


def test_damaged_document_part(tmp_path):
    src = tmp_path / "a.docx"
    make_docx(src, "{{ client }}")
    out = tmp_path / "坏了.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    problem = one(lint_template(out))
    assert "word/document.xml 已损坏" in problem.message


# --------------------------------------------------------------------------- tags


def test_jinja_syntax_error_names_the_paragraph(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "客户会议报告", "客户：{{ client }}", "预算：{{ budget | }}")
    problem = one(lint_template(path))
    assert problem.where == "第3段" and problem.tag == "{{ budget | }}"
    assert problem.message.startswith("模板语法错误")


def test_unclosed_block(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "标题", "{% if brand %}", "品牌：{{ brand }}")
    problem = one(lint_template(path))
    assert problem.where == "第2段" and "endif" in problem.message


def test_unpaired_tr_blocks(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "议程", table=[["序号", "议题"], ["{%tr for r in items %}", ""],
                                   ["{{ r.no }}", "{{ r.topic }}"], ["{% endfor %}", ""]])
    problem = one(lint_template(path))
    assert problem.where == "表格1 第4行第1列" and problem.tag == "{% endfor %}"
    assert "{%tr endfor %}" in problem.message

    make_docx(path, "议程", table=[["{%tr for r in items %}", ""], ["{{ r.no }}", "{{ r.topic }}"]])
    problem = one(lint_template(path))
    assert problem.where == "表格1 第1行第1列" and "{%tr endfor %}" in problem.message


def test_tr_tag_outside_a_table(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "{%tr for r in items %}", "{{ r.topic }}", "{%tr endfor %}")
    problems = errors(lint_template(path))
    assert {p.where for p in problems} == {"第1段", "第3段"}
    assert all("表格行" in p.message for p in problems)


def test_unpaired_p_blocks(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "{%p if brand %}", "品牌：{{ brand }}", "结束")
    assert "{%p endif %}" in one(lint_template(path)).message
    make_docx(path, "品牌：{{ brand }}", "{%p endif %}")
    assert one(lint_template(path)).message.startswith("没有对应的开始标签")
    make_docx(path, "{%p if a %}{%p if b %}", "x", "{%p endif %}", "{%p endif %}")
    assert any("只能有一个 {%p %}" in p.message for p in lint_template(path))


@pytest.mark.parametrize("text", ["客户：｛｛客户｝｝", "客户：{ { client } }", "{％ if client ％}有{％ endif ％}",
                                  "客户：{｛ client }}"])
def test_lookalike_braces(tmp_path, text):
    path = tmp_path / "t.docx"
    make_docx(path, "标题", text)
    found = errors(lint_template(path))
    assert found and all(p.where == "第2段" for p in found)
    assert "全角括号或括号之间有空格" in found[0].message


def test_tracked_changes(tmp_path):
    path = tmp_path / "t.docx"
    d = docx.Document()
    d.sections[0].page_width, d.sections[0].page_height = Mm(210), Mm(297)
    d.add_paragraph("第一段")
    p = d.add_paragraph("项目：{{ pro")
    tracked_insertion(p, "ject }}")
    d.save(str(path))
    problems = errors(lint_template(path))
    assert any(pr.where == "第2段" and "请先接受所有修订" in pr.message for pr in problems)


def test_split_runs_docxtpl_repairs_pass(tmp_path):
    path = tmp_path / "t.docx"
    runs(path, "客户：{{ cli", "ent }}", between='<w:proofErr w:type="spellStart"/>')
    assert errors(lint_template(path)) == []
    runs(path, "客户：{", "{ client }", "}")
    assert errors(lint_template(path)) == []


@pytest.mark.parametrize(("between", "name"), [
    ("<w:tab/>", "制表符"),
    ("<w:br/>", "换行"),
    ('<w:fldChar w:fldCharType="begin"/>', "域"),
])
def test_split_runs_docxtpl_cannot_repair(tmp_path, between, name):
    path = tmp_path / "t.docx"
    runs(path, "客户：{{ cli", "ent }}", between=between)
    problem = one(lint_template(path))
    assert problem.where == "第1段" and name in problem.message and "{{ client }}" == problem.tag


def test_tag_split_across_paragraphs(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "客户：{{ cli", "ent }}")
    problems = errors(lint_template(path))
    assert [p.where for p in problems][:2] == ["第1段", "第2段"]
    assert "同一段落" in problems[0].message


def test_dunder_access(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "正常 {{ client }}", "{{ client.__class__.__mro__ }}")
    problems = errors(lint_template(path))
    assert problems and all(p.where == "第2段" for p in problems)
    assert "下划线" in problems[0].message


def test_header_is_checked(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "{{ client }}", header="｛｛ agency.name ｝｝")
    assert one(lint_template(path)).where == "页眉"


# --------------------------------------------------------------------------- against the rule


def test_unknown_variable_and_column(tmp_path, ruleset):
    rule = ruleset.rules["agenda"]
    path = tmp_path / "议程.docx"
    make_docx(path, "{{ meeting_title }} {{ meeting_date }} {{ start_time }} {{ end_time }} {{ client }}",
              "预算：{{ budjet }}", "{{ doc.zh }} {{ meta.sourse }}",
              table=[["{%tr for r in items %}", ""], ["{{ r.topic }}", "{{ r.minuets }}"],
                     ["{%tr endfor %}", ""]])
    problems = errors(lint_template(path, rule, ruleset))
    by_tag = {p.tag: p for p in problems}
    assert by_tag["budjet"].where == "第2段" and "rules/agenda.yaml" in by_tag["budjet"].message
    assert by_tag["items.minuets"].where == "表格1 第2行第2列"
    assert "minutes" in by_tag["items.minuets"].message
    assert by_tag["meta.sourse"].where == "第3段"
    assert len(problems) == 3


def test_required_field_not_used(tmp_path, ruleset):
    rule = ruleset.rules["agenda"]
    path = tmp_path / "议程.docx"
    make_docx(path, "{{ meeting_title }} {{ client }} {{ start_time }} {{ end_time }}",
              table=[["{%tr for r in items %}"], ["{{ r.topic }}"], ["{%tr endfor %}"]])
    problem = one(lint_template(path, rule, ruleset))
    assert problem.where == "模板" and problem.tag == "{{ meeting_date }}"
    assert "必填项「会议日期」" in problem.message


def test_edited_template_with_all_names_passes_including_trial_render(tmp_path, ruleset):
    rule = ruleset.rules["contact_report"]
    path = tmp_path / "报告.docx"
    make_docx(path, "{{ agency.name }} {{ doc.zh }}",
              "{{ client }} {{ meeting_title }} {{ meeting_date }} {{ report_date }} {{ author }}",
              table=[["事项", "决议"], ["{%tr for r in decisions %}", ""], ["{{ r.item }}", "{{ r.decision }}"],
                     ["{%tr endfor %}", ""], ["合计", "{{ budget_total.amount }}"]],
              header="{{ meta.source }}")
    assert lint_template(path, rule, ruleset) == [LintProblem(
        "样式", "", lint_template(path)[0].message, severity="warning")]
    assert {"client", "decisions.item", "budget_total.amount", "meta.source"} <= used_names(path)


def test_letter_size_page_is_an_error(tmp_path):
    path = tmp_path / "t.docx"
    docx.Document().save(str(path))
    problem = one(lint_template(path))
    assert problem.where == "页面设置" and "12240×15840" in problem.message and "A4" in problem.message


def test_font_warning_is_a_warning_only(tmp_path):
    path = tmp_path / "t.docx"
    make_docx(path, "{{ client }}")
    problems = lint_template(path)
    assert [p.severity for p in problems] == ["warning"] and "w:eastAsia" in problems[0].message


def test_libreoffice_saved_template_still_lints_clean(tmp_path, ruleset):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    rule = ruleset.rules["agenda"]
    shutil.copy(ROOT / "templates" / "agenda.docx", tmp_path / "agenda.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"),
                    str(tmp_path / "agenda.docx")], check=True, capture_output=True, timeout=120)
    assert errors(lint_template(tmp_path / "out" / "agenda.docx", rule, ruleset)) == []


# --------------------------------------------------------------------------- the corpus

CORPUS_FILES = sorted(CORPUS.glob("*")) if CORPUS.is_dir() else []
EXPECTED = {
    "docxtpl__template_error_tpl.docx": "没有对应的开始标签",
    "mammoth__strict-format.docx": "Strict Open XML",
    "phpword__corrupted_main_document_part.docx": "已损坏",
    "phpword__reader.doc": "另存为",
    "phpword__reader.odt": "另存为",
    "phpword__reader-comments.docx": "请先接受所有修订",
    "poitl__config_chinese.docx": "模板语法错误",
}


@pytest.mark.skipif(not CORPUS_FILES, reason="corpus not available")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_files_get_a_pass_or_a_precise_message(path, ruleset):
    for rule in (None, ruleset.rules["agenda"]):
        problems = lint_template(path, rule, ruleset if rule else None)
        for problem in problems:
            assert problem.where and problem.message and problem.severity in ("error", "warning")
    if path.name in EXPECTED:
        assert any(EXPECTED[path.name] in p.message for p in errors(lint_template(path)))


def test_damaged_copies_never_raise(tmp_path, ruleset):
    """Truncated, bit-flipped and XML-mangled copies of a template: a message each, never a traceback."""
    import io
    import random

    from automator.errors import TemplateError
    from automator.outputs.render import example_context, render_document

    rule = ruleset.rules["agenda"]
    source = (ROOT / "templates" / "agenda.docx").read_bytes()
    rng = random.Random(20261120)
    for i in range(40):
        if i % 3 == 0:
            data = source[: rng.randrange(len(source))]
        elif i % 3 == 1:
            flipped = bytearray(source)
            for _ in range(4):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            data = bytes(flipped)
        else:
            out = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
                for item in zin.infolist():
                    part = zin.read(item.filename)
                    if item.filename.endswith((".xml", ".rels")) and rng.random() < 0.4:
                        k = rng.randrange(len(part))
                        part = part[:k] + rng.choice([b"<", b"{{", b"&", b"\xff", b"</w:p>", b"{%tr if x %}"]) + part[k + 3:]
                    zout.writestr(item, part)
            data = out.getvalue()
        path = tmp_path / f"damaged{i}.docx"
        path.write_bytes(data)
        problems = lint_template(path, rule, ruleset)
        assert all(p.where and p.message for p in problems)
        try:
            render_document(path, example_context(rule, ruleset), tmp_path / f"out{i}.docx")
        except TemplateError as exc:
            assert f"damaged{i}.docx" in exc.message
