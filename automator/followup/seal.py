"""Monthly seals (the manual files electronic copies monthly, on the 25th).

    automator seal --month 2026-11   → outbox/<客户>/2026/归档清单-2026-11.xlsx   (what was filed, readable)
                                       outbox/<客户>/2026/归档清单-2026-11.sha256 (`sha256sum -c` format)
    automator verify-seal            → every file changed or missing since its seal

The period is when a file was archived (the ledger's time), so a document dated October but
filed in November is in November's seal. A seal is never rewritten: sealing a month again
when more files were filed in it since adds `归档清单-2026-11_v2` beside the first. The
manifest's own SHA-256 is kept in the ledger, so an edited manifest is found too.
Archived files are never overwritten by the archive (a corrected document becomes `_v2`),
so a sealed month stays verifiable for good.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from automator.archive.backends import has_ledger
from automator.readers.sniff import content_hash
from automator.archive.place import free_stem, write_new
from automator.followup.records import Client, Doc, folder_key, load_all, relative
from automator.followup.sheets import Column, Link, Sheet, stage

if TYPE_CHECKING:
    from automator.archive.ledger import Ledger
    from automator.pipeline.context import Context

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STEM = "归档清单-{month}"


@dataclass
class Sealed:
    client: str
    month: str
    manifest: str | None          # root-relative .sha256 written (None: already sealed, nothing new)
    files: int
    missing: list[str] = field(default_factory=list)   # outputs the ledger names that were not on disk


def _files(ctx: Context, docs: list[Doc]) -> tuple[list[tuple[Doc, str]], list[str]]:
    found, missing = [], []
    for doc in docs:
        for out in doc.outputs:
            (found if (ctx.settings.root / out).is_file() else missing).append((doc, out))
    return found, [out for _, out in missing]


def _already(ledger: Ledger, ctx: Context, client: Client, month: str) -> set[str]:
    """The files the latest seal of this client and month holds (root-relative)."""
    held: set[str] = set()
    for seal in ledger.seals():
        if folder_key(seal["client"]) == client.folder.casefold() and seal["month"] == month:
            held = set(read_manifest(ctx.settings.root / seal["manifest"], ctx.settings.root))
    return held


def read_manifest(path: Path, root: Path) -> dict[str, str]:
    """A manifest's lines → {root-relative file: sha256}."""
    out = {}
    base = path.parent.resolve().relative_to(root.resolve()).as_posix()
    for line in path.read_text("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            out[posixpath.normpath(posixpath.join(base, name))] = digest.strip()
    return out


def _workbook(dest: Path, client: Client, month: str, rows: list[tuple[Doc, str, int, str]], base: str) -> Path:
    sheet = Sheet("归档清单", [Column("归档时间", 17, "datetime"), Column("类型", 14), Column("标题", 34),
                           Column("版本", 7, "int"), Column("文件", 50, "link"), Column("大小(字节)", 12, "int"),
                           Column("SHA-256", 68)])
    for doc, out, size, digest in rows:
        sheet.rows.append([doc.at, doc.zh, doc.title, doc.version, Link(out.rsplit("/", 1)[-1], relative(out, base)),
                           size, digest])
    return stage(dest, [sheet], title=f"归档清单 — {client.name} {month}",
                 comments=f"{len(rows)} 个文件；校验：automator verify-seal")


def seal_client(ctx: Context, ledger: Ledger, client: Client, month: str) -> Sealed | None:
    docs = [d for d in client.archived() if d.at.strftime("%Y-%m") == month]
    if not docs:
        return None
    found, missing = _files(ctx, docs)
    if {out for _, out in found} <= _already(ledger, ctx, client, month):
        return Sealed(client.name, month, None, len(found), missing)
    folder = ctx.settings.outbox / client.folder / month[:4]
    stem, _ = free_stem(folder, STEM.format(month=month), (".sha256", ".xlsx"))
    base = ctx.settings.rel(folder)
    rows = [(doc, out, (ctx.settings.root / out).stat().st_size, content_hash(ctx.settings.root / out))
            for doc, out in found]
    manifest = "".join(f"{digest}  {relative(out, base)}\n" for _, out, _, digest in rows).encode("utf-8")
    tmp = _workbook(folder / f"{stem}.xlsx", client, month, rows, base)
    try:
        write_new(folder / f"{stem}.xlsx", tmp.read_bytes())
    finally:
        tmp.unlink(missing_ok=True)
    path = write_new(folder / f"{stem}.sha256", manifest)
    ledger.record_seal(client=client.name, month=month, manifest=ctx.settings.rel(path),
                       sha256=hashlib.sha256(manifest).hexdigest(), files=len(rows))
    return Sealed(client.name, month, ctx.settings.rel(path), len(rows), missing)


def seal(ctx: Context, month: str, client: str | None = None) -> list[Sealed]:
    """Seal `month` (YYYY-MM) for every client (or one)."""
    ledger = ctx.open_ledger()
    out = []
    for key, c in sorted(load_all(ledger, ctx.ruleset).items()):
        if client is None or key == folder_key(client):
            if (done := seal_client(ctx, ledger, c, month)) is not None:
                out.append(done)
    return out


@dataclass
class Verified:
    manifest: str
    client: str
    month: str
    files: int
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problem: str | None = None     # the manifest itself: missing, edited, or not in the ledger

    @property
    def ok(self) -> bool:
        return not self.changed and not self.missing and self.problem is None


def _check(root: Path, manifest: str, recorded: str | None) -> Verified:
    path = root / manifest
    parts = Path(manifest).parts
    month = path.stem.removeprefix("归档清单-").split("_v")[0]
    result = Verified(manifest, parts[1] if len(parts) > 2 else "", month, 0)
    if not path.is_file():
        result.problem = "清单文件不见了"
        return result
    if recorded is None:
        result.problem = "台账中没有这份清单的记录（无法确认清单本身未被改动）"
    elif hashlib.sha256(path.read_bytes()).hexdigest() != recorded:
        result.problem = "清单文件本身被改动过"
    files = read_manifest(path, root)
    result.files = len(files)
    for name, digest in files.items():
        target = root / name
        if not target.is_file():
            result.missing.append(name)
        elif content_hash(target) != digest:
            result.changed.append(name)
    return result


def verify(ctx: Context) -> list[Verified]:
    """Every seal the ledger knows, plus any manifest found on disk that it does not."""
    root = ctx.settings.root
    recorded = {s["manifest"]: s["sha256"] for s in ctx.open_ledger().seals()} if has_ledger(ctx.settings) else {}
    on_disk = {ctx.settings.rel(p) for p in ctx.settings.outbox.glob("*/*/归档清单-*.sha256")}
    return [_check(root, m, recorded.get(m)) for m in sorted(set(recorded) | on_disk)]


def month_arg(text: str) -> str:
    """`2026-11` (also `2026/11`, `202611`, `2026-11-25`) → `2026-11`; ValueError otherwise."""
    t = text.strip().replace("/", "-").replace(".", "-")
    if re.fullmatch(r"\d{6}", t):
        t = f"{t[:4]}-{t[4:]}"
    t = t[:7]
    if not MONTH.match(t):
        raise ValueError(text)
    return t


def this_month(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y-%m")
