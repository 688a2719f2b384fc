"""Intake: what kind of file is this? Decided by its bytes, never by its name.

Returns "workbook" or "pdf", or raises InputError with a plain-words reason
and what to do (save as .xlsx, remove the password…).
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from pathlib import Path

from automator.limits import MAX_RATIO, MAX_SHARED_STRINGS, MAX_SHEET_XML, MAX_UNPACKED
from automator.errors import InputError

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ole_kind(path: Path) -> str:
    """An OLE container is either an encrypted OOXML file or a legacy binary (.xls/.doc/.et)."""
    try:
        import msoffcrypto

        with path.open("rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            # msoffcrypto names legacy formats "xls97", "doc97", "ppt97"; OOXML is "ooxml".
            legacy = {"xls": "xls", "doc": "doc", "ppt": "ppt"}.get(getattr(office, "format", "")[:3], "ole")
            if office.is_encrypted():
                return "encrypted" if getattr(office, "format", "") == "ooxml" else "encrypted-legacy"
            return legacy
    except Exception:  # noqa: BLE001 - msoffcrypto raises many types for odd containers
        return "ole"


_DTD = (b"<!doctype", b"<!entity", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))
_PROLOG = 64 * 1024  # a DTD sits before the root element, in the first bytes of a part


def _declares_entities(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    """The first XML part that declares a DTD (entity bombs; Office never writes one), or None."""
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as fh:
            head = fh.read(_PROLOG)
        lowered = head.lower()
        if any(marker in lowered for marker in _DTD[:2]) or any(marker in head for marker in _DTD[2:]):
            return info.filename
    return None


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            unpacked = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            sheets = sum(i.file_size for i in infos if "worksheets/" in i.filename.replace("\\", "/"))
            strings = sum(i.file_size for i in infos if i.filename.replace("\\", "/").lower().endswith("sharedstrings.xml"))
            mimetype = zf.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in names else ""
            declares = _declares_entities(zf, infos) if unpacked <= MAX_UNPACKED else None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, zlib.error, NotImplementedError) as exc:
        # NotImplementedError: a zip feature Office never writes (version 6.x, patched data, AES, bzip2…)
        raise InputError("文件已损坏或不完整（不是有效的 zip/xlsx 压缩包），无法打开",
                         hint="请用 Excel 或 WPS 打开确认后重新另存为 .xlsx 再放入", code="damaged") from exc
    except RuntimeError as exc:  # zipfile: "File … is encrypted, password required for extraction"
        reason, hint = _REASONS["encrypted"]
        raise InputError(reason, hint=hint, code="encrypted") from exc
    if unpacked > MAX_UNPACKED or (unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_RATIO):
        raise InputError(f"文件解压后过大（{unpacked / 1e6:.0f} MB，压缩比 {unpacked / packed:.0f}:1），"
                         f"超出上限 {MAX_UNPACKED // 1024 // 1024} MB，疑似压缩炸弹，已拒收",
                         hint="一份文档的工作簿不应这么大；请检查文件来源", code="too-large")
    if declares:
        raise InputError(f"文件内部的 {declares} 含有 XML 实体声明（<!DOCTYPE>/<!ENTITY>），"
                         "Excel/WPS 保存的文件不会有这种内容，疑似 XML 炸弹，已拒收",
                         hint="请用 Excel 或 WPS 打开后重新另存为 .xlsx；若文件来源不明，请勿打开", code="xml-entities")
    if sheets > MAX_SHEET_XML:
        raise InputError(f"工作表数据过大（解压后 {sheets / 1e6:.0f} MB，上限 {MAX_SHEET_XML // 1024 // 1024} MB），"
                         "一份文档不应有这么多行", hint="请只保留本文档需要的行后另存", code="too-large")
    if strings > MAX_SHARED_STRINGS:
        raise InputError(f"工作簿的文字表过大（解压后 {strings / 1e6:.0f} MB，上限 {MAX_SHARED_STRINGS // 1024 // 1024} MB），"
                         "一份文档不会有这么多文字", hint="请只保留本文档需要的内容后另存", code="too-large")
    if "spreadsheet" in mimetype and "opendocument" in mimetype:
        return "ods"
    if "opendocument" in mimetype:
        return "odf"
    if any(n.endswith("workbook.bin") for n in names):
        return "xlsb"
    if any(n.endswith("workbook.xml") for n in names) or "[Content_Types].xml" in names and any(
            "sheet" in n for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("Index/") for n in names) or any(n.endswith(".iwa") for n in names):
        return "numbers"
    return "zip"


_SAVE_AS = "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (.xlsx)」后重新放入"
_REASONS = {
    "encrypted": ("文件设置了打开密码（已加密），无法读取", "请去掉密码（文件 → 信息 → 保护工作簿 → 用密码加密，清空）后另存再放入"),
    "encrypted-legacy": ("这是设置了打开密码的旧版 Office 文件（.xls/.doc 97-2003），无法读取",
                         "请去掉密码，并另存为「Excel 工作簿 (.xlsx)」后重新放入"),
    "xls": ("这是旧版 Excel 97-2003 或 WPS 工作簿（.xls/.et），不支持", _SAVE_AS),
    "ole": ("这是旧版 Office 二进制文件（.xls/.et/.doc），不支持", _SAVE_AS),
    "doc": ("这是 Word 97-2003 文档（.doc），不是工作簿", "请用文档类型对应的 Excel 工作簿填写"),
    "ppt": ("这是 PowerPoint 文件，不是工作簿", "请用文档类型对应的 Excel 工作簿填写"),
    "xlsb": ("这是 Excel 二进制工作簿（.xlsb），不支持", _SAVE_AS),
    "ods": ("这是 OpenDocument 电子表格（.ods），不支持", "请在 LibreOffice/WPS 中另存为「Excel 2007-365 (.xlsx)」后重新放入"),
    "odf": ("这是 OpenDocument 文件（.odt/.odp 等），不是工作簿", _SAVE_AS),
    "numbers": ("这是 Apple Numbers 文件，不支持", "请在 Numbers 中「导出为 → Excel (.xlsx)」后重新放入"),
    "docx": ("这是 Word 文档（.docx），不是工作簿", "请用 `automator sample` 生成的 Excel 模板填写"),
    "zip": ("这是一个普通压缩包，不是 Excel 工作簿", "请解压后放入其中的 .xlsx 文件"),
    "csv": ("这是 CSV/文本文件，不是 Excel 工作簿", _SAVE_AS),
    "empty": ("文件是空的（0 字节）", "可能复制未完成或保存失败，请重新保存后放入"),
    "unknown": ("既不是 Excel 工作簿（.xlsx）也不是 PDF，无法识别", "请放入 .xlsx 工作簿或供应商的 PDF 报价单/发票"),
}


def sniff(path: Path) -> str:
    """'workbook' or 'pdf'; anything else raises InputError saying what it is and what to do."""
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror}", code="unreadable") from exc
    if not head:
        kind = "empty"
    elif head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        kind = _zip_kind(path)
    elif head.startswith(OLE_MAGIC):
        kind = _ole_kind(path)
    elif head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08"):
        kind = "xls"  # a bare BIFF stream: Excel 2.x–4.x
    elif b"%PDF-" in head[:1024]:
        return "pdf"
    elif b"opendocument" in head.lower():
        kind = "ods"  # flat OpenDocument (.fods) is XML text
    elif _looks_like_text(head):
        kind = "csv"
    else:
        kind = "unknown"
    if kind == "xlsx":
        return "workbook"
    reason, hint = _REASONS[kind]
    raise InputError(reason, hint=hint, code=kind)


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\r\n\t" for ch in text[:500])
    return False
