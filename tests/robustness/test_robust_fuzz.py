"""Fuzzing the reader (issue 6, part 5): mutated copies of examples/*.xlsx —
bytes flipped inside zip members, the file truncated or its raw bytes
damaged, parts dropped, XML corrupted on purpose — go through intake, read,
classify, bind and the checks. Only a Document or an InputError may come
out. A fixed budget (hypothesis, 60 examples, no deadline) keeps it short;
every crash it found is pinned below as a named regression test.
"""

from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust import EXAMPLES

from automator.init import init_root
from automator.pipeline import Context, check_file, load_context
from automator.settings import Settings

pytestmark = pytest.mark.slow  # real subprocesses / the whole corpus: not in the quick loop

FILES = sorted(EXAMPLES.glob("*.xlsx"))
BLOBS = {p.name: p.read_bytes() for p in FILES}

# Targeted damage to SpreadsheetML: each is (pattern, replacement), applied once.
XML_DAMAGE = [
    (rb'r="([A-Z]+)(\d+)"', b'r="XFD1048576"'),          # a cell flung to the far corner
    (rb'r="([A-Z]+)(\d+)"', b'r="1A"'),                  # a reference that is not one
    (rb'r="([A-Z]+)(\d+)"', b'r="AAAA0"'),
    (rb'r="([A-Z]+)(\d+)"', b'r="ZZZZZZ1"'),            # past the last column: calamine aborts
    (rb'r="([A-Z]+)(\d+)"', b'r="A99999999999"'),       # past the last row
    (rb'<row r="\d+"', b'<row r="99999999999"'),
    (rb"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'),
    (rb"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="B2:A1"/></mergeCells>'),
    (rb"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="nonsense"/></mergeCells>'),
    (rb't="inlineStr"', b't="s"'),                       # a shared string that does not exist
    (rb't="inlineStr"', b't="d"'),                       # an ISO date that is text
    (rb't="inlineStr"', b't="e"'),
    (rb"<v>[^<]*</v>", b"<v>not a number</v>"),
    (rb"<v>[^<]*</v>", b"<v>1e999999</v>"),
    (rb"<v>[^<]*</v>", b"<v>NaN</v>"),
    (rb"</row>", b""),                                    # unbalanced tags
    (rb"<sheetData>", b"<sheetData><row r=\"0\"><c r=\"A0\"><v>1</v></c></row>"),
    (rb'name="[^"]*"', b'name=""'),                       # a sheet with no name
    (rb'name="[^"]*"', 'name="基本信息"'.encode()),      # two sheets with one name
    (rb'sheetId="\d+"', b'sheetId="-1"'),
    (rb'r:id="[^"]*"', b'r:id="rId999"'),                 # a relationship that goes nowhere
    (rb'Target="[^"]*"', b'Target="../../../../etc/passwd"'),
    (rb'<f>[^<]*</f>', b"<f>SUM(A1:XFD1048576)</f>"),
    (rb"<t>", b"<t>=IMPORTXML(\"http://x\")"),
    (rb"<t>", b"<t>\xff\xfe"),                            # not UTF-8
    (rb"\?>", b"?><!-- " + b"x" * 70000 + b" -->"),      # a long prolog
    (rb'xmlns="[^"]*"', b'xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"'),  # Strict namespace
]


def _rezip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicated part is one of the mutations
        for name, data in entries:
            zf.writestr(name, data)
    return out.getvalue()


def _entries(blob: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


@st.composite
def mutated(draw: Callable[..., object]) -> tuple[str, str, bytes]:
    name = draw(st.sampled_from(sorted(BLOBS)))
    blob = BLOBS[name]
    entries = _entries(blob)
    kind = draw(st.sampled_from(["flip-member", "flip-file", "truncate", "drop-part", "xml-damage", "slice-xml",
                                 "duplicate-part"]))
    if kind == "flip-file":
        data = bytearray(blob)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return name, kind, bytes(data)
    if kind == "truncate":
        return name, kind, blob[:draw(st.integers(0, len(blob) - 1))]
    if kind == "xml-damage":
        pattern, replacement = draw(st.sampled_from(XML_DAMAGE))
        targets = [i for i, (_, d) in enumerate(entries) if re.search(pattern, d)] or list(range(len(entries)))
        index = draw(st.sampled_from(targets))
        part, data = entries[index]
        entries[index] = (part, re.sub(pattern, lambda _: replacement, data, count=draw(st.integers(1, 3))))
        return name, f"{kind}:{part}:{replacement[:20]!r}", _rezip(entries)
    index = draw(st.integers(0, len(entries) - 1))
    part, data = entries[index]
    if kind == "drop-part":
        del entries[index]
    elif kind == "duplicate-part":
        entries.append((part, draw(st.sampled_from([b"", data[: len(data) // 2], b"<x/>"]))))
    elif kind == "flip-member":
        changed = bytearray(data)
        for _ in range(draw(st.integers(1, 10))):
            if changed:
                changed[draw(st.integers(0, len(changed) - 1))] = draw(st.integers(0, 255))
        entries[index] = (part, bytes(changed))
    else:  # slice-xml: cut a random piece out of a part
        start = draw(st.integers(0, max(0, len(data) - 1)))
        end = draw(st.integers(start, len(data)))
        entries[index] = (part, data[:start] + data[end:])
    return name, f"{kind}:{part}", _rezip(entries)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    root = tmp_path_factory.mktemp("fuzz") / "root"
    init_root(root)
    return load_context(Settings.from_root(root), lint=False)


def read_and_check(ctx: Context, path: Path, name: str) -> str:
    """'document' or 'rejected: …'; anything else propagates and fails the test."""
    job = check_file(ctx, path.rename(path.with_name(name)) if path.name != name else path)
    if job.reading is None:
        assert job.reason and "Traceback" not in job.reason
        return f"rejected: {job.reason}"
    return "document"


@settings(max_examples=int(os.environ.get("AUTOMATOR_FUZZ_EXAMPLES", "60")), deadline=None,
          derandomize=os.environ.get("AUTOMATOR_FUZZ_EXAMPLES") is None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_a_mutated_workbook_reads_or_is_rejected(ctx: Context, tmp_path_factory: pytest.TempPathFactory,
                                                 case: tuple[str, str, bytes]) -> None:
    name, how, data = case
    path = tmp_path_factory.getbasetemp() / "fuzz-case.xlsx"
    path.write_bytes(data)
    read_and_check(ctx, path, name)


# --------------------------------------------------------------------------- regressions found by the fuzz

def _damage(tmp: Path, example: str, part: str, pattern: bytes, replacement: bytes) -> Path:
    entries = [(n, re.sub(pattern, lambda _: replacement, d, count=1) if n == part else d)
               for n, d in _entries(BLOBS[example])]
    path = tmp / example
    path.write_bytes(_rezip(entries))
    return path


@pytest.mark.parametrize("example", sorted(BLOBS))
def test_every_example_reads_unmutated(ctx: Context, example: str) -> None:
    assert read_and_check(ctx, EXAMPLES / example, example) == "document"


def _patch_headers(blob: bytes, member: str, *, local: dict[int, bytes] | None = None,
                   central: dict[int, bytes] | None = None) -> bytes:
    """Overwrite fields (offset → bytes) of one member's local and central zip headers."""
    data = bytearray(blob)
    name = member.encode()
    for signature, name_len_at, name_at, fields in ((b"PK\x03\x04", 26, 30, local or {}),
                                                    (b"PK\x01\x02", 28, 46, central or {})):
        at = data.find(signature)
        while at != -1:
            length = int.from_bytes(data[at + name_len_at:at + name_len_at + 2], "little")
            if data[at + name_at:at + name_at + length] == name:
                for offset, value in fields.items():
                    data[at + offset:at + offset + len(value)] = value
            at = data.find(signature, at + 4)
    return bytes(data)


# Found by the fuzz: zipfile raises NotImplementedError / RuntimeError, not BadZipFile, for zip
# features Office never writes; intake let them through as crashes.
ZIP_FEATURES = {
    "version-6.4-needed": ({}, {6: (64).to_bytes(2, "little")}, "损坏"),              # central: version needed
    "patched-data-flag": ({6: (1 << 5).to_bytes(2, "little")}, {8: (1 << 5).to_bytes(2, "little")}, "损坏"),
    "unknown-compression": ({8: (99).to_bytes(2, "little")}, {10: (99).to_bytes(2, "little")}, "损坏"),
    "zip-password-flag": ({6: (1).to_bytes(2, "little")}, {8: (1).to_bytes(2, "little")}, "密码"),
}


@pytest.mark.parametrize("feature", sorted(ZIP_FEATURES))
def test_zip_features_office_never_writes_are_rejected(ctx: Context, tmp_path: Path, feature: str) -> None:
    local, central, word = ZIP_FEATURES[feature]
    example = "创意简报-星河暖酸奶.xlsx"
    path = tmp_path / example
    path.write_bytes(_patch_headers(BLOBS[example], "docProps/app.xml", local=local, central=central))
    outcome = read_and_check(ctx, path, example)
    assert outcome.startswith("rejected") and word in outcome, outcome
