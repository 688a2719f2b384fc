"""Downloads come from outbox/ and nowhere else: every way out is a 404, in-process and
against the real server (whose URL decoding is what a browser or a script meets)."""

from __future__ import annotations

import http.client
import os
import shutil
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from starlette.testclient import TestClient

from automator.settings import Settings
from automator.web.files import content_disposition, outbox_file

from .conftest import app_client
from .site import MARKED, REPORT_V2

# Each names ledger.sqlite or automator.log (in the root, beside outbox/) or a file outside the root.
ESCAPES = ["/files/%2e%2e/ledger.sqlite", "/files/..%2fledger.sqlite", "/files/%2e%2e%2fledger.sqlite",
           "/files/_%E5%BE%85%E5%A4%8D%E6%A0%B8/..%2f..%2fledger.sqlite", "/files/..%5cledger.sqlite",
           "/files/%5c..%5cledger.sqlite", "/files/..%252fledger.sqlite", "/files/%2E%2E/automator.log",
           "/files/ledger.sqlite%00.docx", "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/files/",
           "/files/%EF%BC%8E%EF%BC%8E/ledger.sqlite", "/files/.%2e/ledger.sqlite"]
RAW_ONLY = ["/files/../ledger.sqlite", "/files/../../../../etc/passwd", "/files/..\\ledger.sqlite",
            "/files/_%E5%BE%85%E5%A4%8D%E6%A0%B8/../../automator.log", "/files/./../ledger.sqlite"]


def _files_root(site: Path, tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(site, root, symlinks=True)
    assert (root / "ledger.sqlite").is_file() and (root / "automator.log").is_file()
    outbox = root / "outbox"
    os.symlink(root / "ledger.sqlite", outbox / "link.xlsx")             # a file out of outbox
    os.symlink(root, outbox / "linkdir")                                  # a folder out of outbox
    os.symlink(root / REPORT_V2, outbox / "inside.docx")                  # inside: allowed
    (outbox / ".hidden.docx").write_bytes(b"temp")
    return root


def test_every_escape_is_a_404(site: Path, tmp_path: Path) -> None:
    client = app_client(_files_root(site, tmp_path))
    for url in [*ESCAPES, "/files/link.xlsx", "/files/linkdir/ledger.sqlite", "/files/.hidden.docx",
                "/files/_%E5%BE%85%E5%A4%8D%E6%A0%B8", "/files/..\\ledger.sqlite"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"SQLite" not in response.content
    assert client.get("/files/inside.docx").status_code == 200


def test_the_path_rules_themselves(site: Path) -> None:
    settings = Settings.from_root(site)
    good = MARKED.removeprefix("outbox/")
    assert outbox_file(settings, good, quote(f"/files/{good}").encode()) == (site / MARKED).resolve()
    for path in ["../ledger.sqlite", "a/../../ledger.sqlite", "", "/etc/passwd", "a\\..\\b", "x\x00y", ".", "a//b",
                 "_待复核/.", "../outbox/" + good]:
        assert outbox_file(settings, path, None) is None, path
    assert outbox_file(settings, good, b"/files/%2e%2e/" + good.encode()) is None  # an encoded dot in the raw URL


def test_download_headers_name_the_chinese_file(client: TestClient, site: Path) -> None:
    response = client.get("/files/" + quote(MARKED.removeprefix("outbox/")))
    assert response.status_code == 200
    assert response.content == (site / MARKED).read_bytes()
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    star = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(star) == MARKED.rsplit("/", 1)[-1]
    assert response.headers["content-security-policy"].startswith("sandbox")
    report = client.get("/files/" + quote(REPORT_V2.removeprefix("outbox/").replace(".docx", ".检查报告.md")))
    assert report.headers["content-type"] == "text/markdown; charset=utf-8"


def test_content_disposition_keeps_quotes_and_semicolons_out_of_the_fallback() -> None:
    assert content_disposition('a";b\\c 报价.xlsx') == (
        "attachment; filename=\"a__b_c___.xlsx\"; filename*=UTF-8''a%22%3Bb%5Cc%20%E6%8A%A5%E4%BB%B7.xlsx")


@pytest.mark.slow
def test_the_real_server_refuses_every_escape(site: Path, tmp_path: Path) -> None:
    from .conftest import free_port, start, stop

    root = _files_root(site, tmp_path)
    port = free_port()
    proc = start("serve", "--root", str(root), "--port", str(port), cwd=root, port=port)
    try:
        for url in [*ESCAPES, *RAW_ONLY, "/files/link.xlsx", "/files/linkdir/ledger.sqlite"]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.putrequest("GET", url, skip_accept_encoding=True)  # sent exactly as written, no normalising
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()
            assert response.status == 404, (url, response.status)
            assert b"SQLite" not in body and b"root:" not in body, url
            conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/files/" + quote(MARKED.removeprefix("outbox/")))
        ok = conn.getresponse()
        assert ok.status == 200 and ok.read() == (root / MARKED).read_bytes()
    finally:
        stop(proc)
