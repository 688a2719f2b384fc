"""The xlsx package, written directly: the few SpreadsheetML parts a report needs, zipped (zipwrite.py).

    write(fh, parts, title=..., comments=...)     # parts: one `Part` (a rendered worksheet) each

Why our own writer and not XlsxWriter: the brand file of a client with 2,000 documents is
~100,000 cells; XlsxWriter spends 10–20 µs on each, every rebuild (1.3–2.9 s). Here a row is
rendered once into a template (cells.py) and a rebuild only places the kept rows and deflates
(bench/brandfile.py, docs/benchmark.md). The parts and their layout follow what XlsxWriter
writes — itself modelled on what Excel writes — with one difference: strings are inline
(`t="inlineStr"`, as Apache POI's streaming writer and Spout write them, which Excel, WPS and
LibreOffice read), because a shared-strings table would tie every cached row to one workbook's
string numbering. No theme part (no style refers to one); [Content_Types].xml comes first in the
zip (what MIME sniffers look for).

Each sheet: header row frozen and bold on a dark fill, column widths, an autofilter over the
rows, an optional conditional format (e.g. overdue and open → red), hyperlinks through the
sheet's relationships (external, relative), A4 landscape, one page wide, the header repeated on
every printed page, a footer with the sheet name and page numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import IO

from automator.followup import zipwrite
from automator.followup.cells import COLUMNS, STYLE, attribute, escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_HYPERLINK = f"{_REL}/hyperlink"
_SHEET_NAME = re.compile(r"[^\W\d]\w*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]?\d*")
MAX_LINKS = 65530   # Excel's limit per worksheet; later cells keep their text without the link


@dataclass
class Part:
    """One worksheet, rendered. A link is two elements: the sheet's `<hyperlink ref=… r:id=…/>` and the
    `<Relationship Id=…>` (its target) in the sheet's relationships; `links()` makes both."""

    name: str
    titles: list[str]
    widths: list[float]
    body: list[bytes] = field(default_factory=list)        # <row> elements from row 2 on, numbered
    hyperlinks: list[bytes] = field(default_factory=list)  # <hyperlink/> elements, at most MAX_LINKS
    rels: list[bytes] = field(default_factory=list)        # their <Relationship/> elements (several each)
    rows: int = 0                   # rows below the header
    filter_last: int | None = None  # the autofilter's last sheet row (None: no autofilter)
    alert: str | None = None        # a conditional-format formula for row 2 (without "=")


def hyperlink(ref: str, rel: str) -> bytes:
    return b'<hyperlink ref="%s" r:id="%s"/>' % (ref.encode(), rel.encode())


def relationship(rel: str, target: str) -> bytes:
    """A link's target (XML-escaped, see cells.link_target) under the relationship id `rel`."""
    return b'<Relationship Id="%s" Type="%s" Target="%s" TargetMode="External"/>' % (
        rel.encode(), _HYPERLINK.encode(), target.encode())


def _width(chars: float) -> float:
    """Excel's stored column width for `chars` characters of the default font (7 px digits, 5 px padding)."""
    return int((int(chars * 7 + 0.5) + 5) / 7 * 256) / 256


def _quoted(name: str) -> str:
    """A sheet name as a reference writes it (quoted when Excel would)."""
    if _SHEET_NAME.fullmatch(name) and not _CELL_LIKE.fullmatch(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _header(part: Part, index: int) -> str:
    last = COLUMNS[len(part.titles) - 1]
    cols = "".join(f'<col min="{i}" max="{i}" width="{_width(w)}" customWidth="1"/>'
                   for i, w in enumerate(part.widths, start=1))
    cells = "".join(f'<c r="{COLUMNS[i]}1" s="{STYLE["head"]}" t="inlineStr"><is><t>{escape(t)}</t></is></c>'
                    for i, t in enumerate(part.titles))
    selected = ' tabSelected="1"' if index == 0 else ""
    return (f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{last}{part.rows + 1}"/><sheetViews><sheetView{selected} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'<cols>{cols}</cols><sheetData><row r="1" spans="1:{len(part.titles)}" ht="20.25" customHeight="1">'
            f'{cells}</row>')


def _middle(part: Part) -> str:
    """What comes between the rows and the hyperlinks."""
    last = COLUMNS[len(part.titles) - 1]
    out = ["</sheetData>"]
    if part.filter_last is not None:
        out.append(f'<autoFilter ref="A1:{last}{part.filter_last}"/>')
    if part.alert:
        out.append(f'<conditionalFormatting sqref="A2:{last}{part.rows + 1}"><cfRule type="expression" dxfId="0" '
                   f'priority="1"><formula>{escape(part.alert)}</formula></cfRule></conditionalFormatting>')
    return "".join(out)


def _footer(part: Part) -> str:
    name = escape(part.name.replace("&", "&&"))   # & starts a code in a header/footer: && is one &
    return ('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
               '<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>'
            f'<headerFooter><oddFooter>&amp;L{name}&amp;R第 &amp;P 页 / 共 &amp;N 页</oddFooter></headerFooter>'
            '</worksheet>')


def _sheet(part: Part, index: int) -> bytes:
    links = [b"<hyperlinks>", *part.hyperlinks, b"</hyperlinks>"] if part.hyperlinks else []
    return b"".join([_header(part, index).encode(), *part.body, _middle(part).encode(), *links,
                     _footer(part).encode()])


def _sheet_rels(part: Part) -> bytes:
    return b"".join([f'{_HEAD}<Relationships xmlns="{_PKG}">'.encode(), *part.rels, b"</Relationships>"])


def _workbook(parts: list[Part]) -> bytes:
    sheets = "".join(f'<sheet name="{attribute(p.name)}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, p in enumerate(parts, start=1))
    names = [f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
             f'{escape(_quoted(p.name))}!$A$1:${COLUMNS[len(p.titles) - 1]}${p.filter_last}</definedName>'
             for i, p in enumerate(parts) if p.filter_last is not None]
    names += [f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{escape(_quoted(p.name))}!$1:$1'
              '</definedName>' for i, p in enumerate(parts)]
    return (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/><bookViews>'
            '<workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
            f'<sheets>{sheets}</sheets><definedNames>{"".join(names)}</definedNames>'
            '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>').encode()


def _workbook_rels(count: int) -> bytes:
    rels = [f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)]
    rels.append(f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>')
    return f'{_HEAD}<Relationships xmlns="{_PKG}">{"".join(rels)}</Relationships>'.encode()


def _content_types(count: int) -> bytes:
    ml = "application/vnd.openxmlformats-officedocument"
    over = [("/docProps/app.xml", f"{ml}.extended-properties+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            ("/xl/styles.xml", f"{ml}.spreadsheetml.styles+xml"),
            ("/xl/workbook.xml", f"{ml}.spreadsheetml.sheet.main+xml")]
    over += [(f"/xl/worksheets/sheet{i}.xml", f"{ml}.spreadsheetml.worksheet+xml") for i in range(1, count + 1)]
    return (f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in over) + "</Types>").encode()


def _package_rels() -> bytes:
    return (f'{_HEAD}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>').encode()


def _core(title: str, comments: str) -> bytes:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{escape(title)}</dc:title><dc:creator>automator</dc:creator>'
            f'<dc:description>{escape(comments)}</dc:description><cp:lastModifiedBy>automator</cp:lastModifiedBy>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>').encode()


def _app(parts: list[Part]) -> bytes:
    titles = [p.name for p in parts] + [f"{_quoted(p.name)}!Print_Titles" for p in parts]
    lpstr = "".join(f"<vt:lpstr>{escape(t)}</vt:lpstr>" for t in titles)
    return (f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            # Excel's name here, as XlsxWriter and openpyxl write it: some readers look for it.
            '<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>'
            '<HeadingPairs><vt:vector size="4" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr>'
            f'</vt:variant><vt:variant><vt:i4>{len(parts)}</vt:i4></vt:variant><vt:variant><vt:lpstr>Named Ranges'
            f'</vt:lpstr></vt:variant><vt:variant><vt:i4>{len(parts)}</vt:i4></vt:variant></vt:vector></HeadingPairs>'
            f'<TitlesOfParts><vt:vector size="{len(titles)}" baseType="lpstr">{lpstr}</vt:vector></TitlesOfParts>'
            '<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false'
            '</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>').encode()


def _xf(fmt: int, font: int, fill: int = 0, border: int = 0, align: str = "") -> str:
    flags = "".join(f' {name}="1"' for name, used in (("applyNumberFormat", fmt), ("applyFont", font),
                                                       ("applyFill", fill), ("applyBorder", border),
                                                       ("applyAlignment", align)) if used)
    body = f"><alignment {align}/></xf>" if align else "/>"
    return f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"{flags}{body}'


_TOP, _MID = 'vertical="top"', 'horizontal="center" vertical="top"'
_FONT = '<sz val="10"/><color rgb="FF{}"/><name val="等线"/><family val="2"/><charset val="134"/>'
# cellXfs in the order of cells.STYLE / cells.BOLD: 0 default, 1 text, 2 date, 3 datetime, 4 int,
# 5 money, 6 link, 7 header, 8 bold text, 9 bold money, 10 bold date, 11 (spare), 12 bold datetime, 13 grey.
_XFS = [_xf(0, 0), _xf(0, 1, align=f'{_TOP} wrapText="1"'), _xf(164, 1, align=_MID), _xf(166, 1, align=_MID),
        _xf(0, 1, align=_MID), _xf(165, 1, align=_TOP), _xf(0, 3, align=_TOP),
        _xf(0, 2, 2, 1, 'horizontal="center" vertical="center"'), _xf(0, 4, 3, align=_TOP),
        _xf(165, 4, 3, align=_TOP), _xf(164, 4, 3, align=_TOP), _xf(0, 4, 3, align=_TOP),
        _xf(166, 4, 3, align=_TOP), _xf(0, 5, align=_TOP)]
STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.00"/><numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="6"><font><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font>'
    f'<font>{_FONT.format("000000")}</font><font><b/>{_FONT.format("FFFFFF")}</font>'
    f'<font><u/>{_FONT.format("0563C1")}</font><font><b/>{_FONT.format("000000")}</font>'
    f'<font><i/>{_FONT.format("808080")}</font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF1F3864"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFEEF2F8"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    + "".join(f'<{s} style="thin"><color rgb="FFBFBFBF"/></{s}>' for s in ("left", "right", "top", "bottom"))
    + '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    f'</cellStyleXfs><cellXfs count="{len(_XFS)}">{"".join(_XFS)}</cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="1"><dxf><font>'
    '<color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFCE4E4"/></patternFill></fill></dxf></dxfs>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
    '</styleSheet>').encode()


def write(fh: IO[bytes], parts: list[Part], *, title: str, comments: str = "") -> None:
    """The whole package into `fh` (an open binary file)."""
    members = [("[Content_Types].xml", _content_types(len(parts))), ("_rels/.rels", _package_rels()),
               ("docProps/app.xml", _app(parts)), ("docProps/core.xml", _core(title, comments)),
               ("xl/workbook.xml", _workbook(parts)), ("xl/_rels/workbook.xml.rels", _workbook_rels(len(parts))),
               ("xl/styles.xml", STYLES)]
    for i, part in enumerate(parts, start=1):
        members.append((f"xl/worksheets/sheet{i}.xml", _sheet(part, i - 1)))
        if part.rels:
            members.append((f"xl/worksheets/_rels/sheet{i}.xml.rels", _sheet_rels(part)))
    zipwrite.write(fh, members)
