"""Route: where a document's files go, and putting them there without ever
showing a half-written file or overwriting one.

Every file is written under a temporary name in its target folder, then
linked into place (link fails if the name is taken; rename would overwrite).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
import uuid
from pathlib import Path

from automator.errors import RouteError
from automator.document import Document
from automator.rules.model import Rule
from automator.safe_names import safe_name
from automator.settings import Settings


def _display(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def document_year(doc: Document, rule: Rule) -> str:
    date = doc.value(rule.date_field)
    return str(date.year) if isinstance(date, dt.date) else "未知年份"


def archive_folder(settings: Settings, doc: Document, rule: Rule) -> Path:
    client = safe_name(doc.value("client"), fallback="未填客户")
    folder = settings.outbox / client / document_year(doc, rule) / safe_name(rule.category)
    _inside(settings.outbox, folder)
    return folder


def base_name(doc: Document, rule: Rule) -> str:
    values = {key: _display(doc.value(key)) for key in (f.key for f in rule.fields)}
    values.update(doc_type=rule.key, doc_zh=rule.zh, doc_en=rule.en)
    # A blank field leaves its separator behind ("2026-11-20_星辰_"): fold those away.
    name = re.sub(r"([_\-])[_\-]+", r"\1", rule.output_name.format_map(values)).strip("_- ")
    return safe_name(name, fallback=rule.zh)


def _inside(parent: Path, child: Path) -> None:
    # safe_name already removes separators and dots; this is the belt to those braces.
    if not child.resolve().is_relative_to(parent.resolve()):
        raise RouteError(f"目标路径越出了 outbox：{child}")


def free_stem(folder: Path, stem: str, suffixes: tuple[str, ...], start: int = 1) -> tuple[str, int]:
    """The first of stem, stem_v2, stem_v3… for which none of the suffixes exist yet."""
    version = start
    while True:
        candidate = stem if version == 1 else f"{stem}_v{version}"
        if not any((folder / f"{candidate}{s}").exists() for s in suffixes):
            return candidate, version
        version += 1


def _tmp(folder: Path, name: str) -> Path:
    return folder / f".{uuid.uuid4().hex[:8]}.{name[-40:]}.tmp"


def discard_temporaries(dest: Path) -> None:
    """Remove the temporary files a killed process left while placing `dest` (see `_tmp`)."""
    pattern = re.compile(r"\.[0-9a-f]{8}\." + re.escape(dest.name[-40:]) + r"\.tmp")
    try:
        names = [p for p in dest.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return
    for path in names:
        path.unlink(missing_ok=True)


def place(src: Path, dest: Path, *, move: bool) -> Path:
    """Copy or move `src` to `dest` atomically, never overwriting; returns `dest`."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = _tmp(dest.parent, dest.name)
        try:
            if move:
                try:
                    os.replace(src, tmp)  # same file system: a rename
                except OSError as exc:
                    if exc.errno != errno.EXDEV:
                        raise
                    shutil.copyfile(src, tmp)
            else:
                shutil.copyfile(src, tmp)
            _link_into_place(tmp, dest)
        except BaseException:
            if tmp.exists():
                if move and not src.exists():
                    os.replace(tmp, src)  # put the input back where it was
                else:
                    tmp.unlink()
            raise
        if move and src.exists():
            src.unlink()  # the cross-device case: delete only once the copy is in place
    except FileExistsError:
        raise
    except OSError as exc:
        raise _cannot_write(dest, exc) from exc
    return dest


_WHY = {errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "磁盘配额已用完", errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限", errno.EROFS: "磁盘是只读的", errno.ENOTDIR: "路径上有一个同名文件挡住了文件夹",
        errno.EISDIR: "目标是一个文件夹", errno.ENAMETOOLONG: "路径太长", errno.ENOENT: "文件夹不存在（共享盘可能已断开）",
        errno.EIO: "磁盘读写出错"}


def _cannot_write(dest: Path, exc: OSError) -> RouteError:
    why = _WHY.get(exc.errno or 0) or exc.strerror or str(exc)
    return RouteError(f"无法写入 {dest}：{why}",
                      hint="检查 outbox 所在磁盘的空间和写权限；文件已放回 inbox，会稍后重试，不会丢失")


def _link_into_place(tmp: Path, dest: Path) -> None:
    try:
        os.link(tmp, dest)
        tmp.unlink()
    except FileExistsError:
        raise
    except OSError:
        # Some SMB/FAT mounts have no hard links: check, then rename.
        if dest.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(dest)) from None
        os.replace(tmp, dest)


def write_new(dest: Path, data: bytes) -> Path:
    """Write bytes to a new file atomically (temp name, fsync, link into place)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = _tmp(dest.parent, dest.name)
        try:
            with tmp.open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _link_into_place(tmp, dest)
        finally:
            if tmp.exists():
                tmp.unlink()
    except FileExistsError:
        raise
    except OSError as exc:
        raise _cannot_write(dest, exc) from exc
    return dest
