"""Every page and its JSON twin, in-process (Starlette's TestClient), on a root filled by the
real CLI: what an AE sees, and the same shapes as the CLI's --json."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

from starlette.testclient import TestClient

from automator.web.records import SLOTS

from conftest import run_json
from .conftest import app_client
from .site import ARCHIVED, EVIL, EVIL_TITLE, EXAMPLES, JINMAI, LATEST, MARKED, REPORT_V2, REVIEW

PAGES = ["/", "/archive", "/search", "/search?q=" + quote("金麦"), "/history", "/history?status=rejected",
         "/archive/" + quote(JINMAI), "/archive/" + quote(f"{JINMAI}/2026"), "/archive/" + quote(f"{JINMAI}/2026/会议纪要"),
         "/archive/" + quote(REPORT_V2.removeprefix("outbox/")), "/explain/" + quote(REPORT_V2.removeprefix("outbox/"))]


def test_every_page_answers_in_chinese_with_its_json_twin(client: TestClient) -> None:
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert '<html lang="zh-CN">' in page.text and "文档中心" in page.text
        twin = client.get("/api" + (url if url != "/" else "/overview"))
        assert twin.status_code == 200, url
        assert twin.headers["content-type"] == "application/json"
        assert isinstance(twin.json(), dict)


def test_overview_is_status_json_plus_the_review_queue_and_today(client: TestClient, site: Path) -> None:
    data = client.get("/api/overview").json()
    _, status = run_json("status", root=site)
    assert set(status) <= set(data)   # `automator status --json`, extended
    assert data["recent"] == status["recent"] and data["running"] is False
    [item] = data["review"]
    assert item["input"] == "inbox/创意简报-有错.xlsx" and item["client"] == JINMAI and item["person"] == "李娜"
    assert item["files"]["marked"] == MARKED and item["files"]["report"] == f"{REVIEW}/检查报告.md"
    assert any("交付物!E2" in e["cells"] for e in item["errors"])
    assert data["today"]["counts"] == {"archived": ARCHIVED, "review": 1, "rejected": 1}


def test_overview_page_shows_the_review_item_its_cells_and_the_empty_slots(client: TestClient) -> None:
    html = client.get("/").text
    assert "待复核" in html and "创意简报-有错.xlsx" in html and "<code>交付物!E2</code>" in html
    assert f'href="/files/{quote(MARKED.removeprefix("outbox/"))}"' in html
    assert "下载标注工作簿" in html and "检查报告" in html and "Word 草稿" in html
    for key, title in SLOTS:  # deliveries waiting and the due list: marked places, empty until those land
        assert f'id="{key}"' in html and title in html
    assert "监视服务未运行" in html
    assert '<meta http-equiv="refresh" content="30">' in html


def test_the_due_list_fills_its_slot_with_what_automator_due_says(site: Path) -> None:
    import time

    from automator.settings import Settings
    from automator.web.due import DueList

    assert DueList(Settings.from_root(site)).section().lines == ["正在计算到期事项，稍后刷新本页即可看到。"]
    client = app_client(site)
    assert client.get("/api/overview").json()["due"] is None  # the first page does not wait for it
    deadline = time.monotonic() + 30
    while (data := client.get("/api/overview").json())["due"] is None:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    _, cli = run_json("due", root=site)
    assert data["due"] == cli["due"] and cli["due"]
    html = client.get("/").text
    section = html[html.index('id="due"'):html.index('id="waiting"')]
    assert "<th>负责人</th>" in section and "行动事项" in section and "确认产品包装最终稿并提供高清图" in section
    assert EVIL not in section  # the agenda of the script client is late too: shown as text


def test_a_review_item_leaves_the_queue_when_its_folder_is_gone(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(site, root)
    shutil.rmtree(root / REVIEW)  # the AE fixed it and removed the folder
    data = app_client(root).get("/api/overview").json()
    assert data["review"] == []


def test_history_is_the_cli_history_and_shows_each_rejection_with_its_reason(client: TestClient, site: Path) -> None:
    _, cli = run_json("history", "-n", "20", root=site)
    assert client.get("/api/history?limit=20").json() == cli
    rejected = client.get("/api/history?status=rejected").json()["history"]
    assert [r["input"] for r in rejected] == ["inbox/坏文件.xlsx"] and rejected[0]["reason"]
    html = client.get("/history?status=rejected").text
    assert rejected[0]["reason"] in html and "坏文件.xlsx" in html and "evil.xlsx" not in html
    assert client.get("/api/history").json()["history"][0]["input"] == "inbox/金麦-沟通会-改.xlsx"  # newest first


def test_archive_goes_client_year_category_document(client: TestClient) -> None:
    clients = client.get("/api/archive").json()
    assert clients["level"] == "clients"
    assert {e["name"]: e["count"] for e in clients["entries"]} == {
        "星河乳业(上海)有限公司": EXAMPLES, JINMAI: 1, "_script_alert(1)__script_": 1}
    years = client.get("/api/archive/" + quote(JINMAI)).json()
    assert years["entries"] == [{"name": "2026", "count": 1}]
    docs = client.get("/api/archive/" + quote(f"{JINMAI}/2026/会议纪要")).json()
    assert [d["path"] for d in docs["entries"]] == [REPORT_V2]  # the newest version stands for the document
    html = client.get("/archive/" + quote(f"{JINMAI}/2026/会议纪要")).text
    assert f'href="/archive/{quote(REPORT_V2.removeprefix("outbox/"))}"' in html


def test_document_page_has_versions_downloads_and_the_report_as_html(client: TestClient, site: Path) -> None:
    url = "/archive/" + quote(REPORT_V2.removeprefix("outbox/"))
    data = client.get("/api" + url).json()
    assert data["document"]["version"] == 2 and data["latest"] is True
    assert [v["version"] for v in data["versions"]] == [2, 1]
    pdf = ["PDF"] if (site / REPORT_V2).with_suffix(".pdf").is_file() else []  # made when LibreOffice is here
    assert [f["label"] for f in data["files"]] == ["Word 文档", *pdf, "检查报告", "源工作簿"]
    html = client.get(url).text
    assert "<table>" in html and "<h1>检查报告：客户会议报告《金麦春季新品沟通会》" in html  # Markdown → HTML
    assert "与上一版相比的改动" in html and "金麦上海办公室 5 楼" in html
    for f in data["files"]:
        assert f'href="/files/{quote(f["path"].removeprefix("outbox/"))}"' in html
    old = client.get("/api/archive/" + quote(data["versions"][1]["path"].removeprefix("outbox/"))).json()
    assert old["latest"] is False and old["document"]["version"] == 1


def test_a_pdf_beside_the_document_is_offered_when_it_is_there(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(site, root)
    url = "/api/archive/" + quote(REPORT_V2.removeprefix("outbox/"))
    pdf = (root / REPORT_V2).with_suffix(".pdf")
    pdf.unlink(missing_ok=True)
    assert [f["label"] for f in app_client(root).get(url).json()["files"]] == ["Word 文档", "检查报告", "源工作簿"]
    pdf.write_bytes(b"%PDF-1.4 made after filing")
    assert [f["label"] for f in app_client(root).get(url).json()["files"]] == ["Word 文档", "PDF", "检查报告", "源工作簿"]


def test_explain_page_is_the_cli_explain(client: TestClient, site: Path) -> None:
    name = REPORT_V2.rsplit("/", 1)[-1]
    _, cli = run_json("explain", name, root=site)
    url = "/explain/" + quote(REPORT_V2.removeprefix("outbox/"))
    assert client.get("/api" + url).json() == cli
    html = client.get(url).text
    assert "为什么是这个类型" in html and "这是第 2 版" in html
    # and for a review item, from its reason file
    assert client.get("/api/explain/" + quote(f"{REVIEW}/原因.txt".removeprefix("outbox/"))).json()["status"] == "review"


def test_search_finds_a_two_character_name_and_links_to_the_document(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "金麦"}).json()
    assert [r["path"] for r in data["results"]] == [REPORT_V2]  # the review item is not archived: not found
    hit = data["results"][0]
    assert {k: hit[k] for k in ("client", "doc_type", "title", "date")} == {
        "client": JINMAI, "doc_type": "contact_report", "title": "金麦春季新品沟通会", "date": "2026-11-24"}
    html = client.get("/search", params={"q": "金麦"}).text
    assert f'href="/archive/{quote(REPORT_V2.removeprefix("outbox/"))}"' in html
    assert client.get("/api/search", params={"q": "金麦", "doc_type": "agenda"}).json()["results"] == []
    assert len(client.get("/api/search", params={"year": "2026"}).json()["results"]) == LATEST
    assert client.get("/api/search").json()["results"] == []


def test_unknown_things_are_404_pages(client: TestClient) -> None:
    for url in ["/archive/" + quote(f"{JINMAI}/2026/会议纪要/没有这个.docx"), "/explain/没有/这个.docx",
                "/archive/a/b/c/d/e", "/nothing-here", "/files/" + quote(f"{JINMAI}/2026")]:
        assert client.get(url).status_code == 404, url
        assert client.get(url).headers["content-type"].startswith("text/html")
    assert client.get("/api/archive/x/y/z/none.docx").json() == {"error": "not found"}
    assert client.post("/history").status_code == 405  # read-only: nothing takes a POST but /login, /logout


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"ok": True, "ledger": True, "index": True}


def test_an_empty_root_shows_empty_pages(root: Path) -> None:
    client = app_client(root)
    for url in ["/", "/archive", "/search?q=x", "/history", "/api/overview", "/healthz"]:
        assert client.get(url).status_code == 200, url
    assert "档案里还没有文档" in client.get("/archive").text
    assert client.get("/api/search?q=金麦").json() == {"results": []}


def test_every_value_is_escaped_the_script_client_renders_as_text(client: TestClient) -> None:
    evil_dir = "_script_alert(1)__script_/2026/会议纪要"
    [doc] = client.get("/api/archive/" + quote(evil_dir)).json()["entries"]
    urls = ["/", "/history", "/archive", "/archive/" + quote(evil_dir), "/search?q=" + quote("春季沟通会"),
            "/archive/" + quote(doc["path"].removeprefix("outbox/")), "/explain/" + quote(doc["path"].removeprefix("outbox/"))]
    for url in urls:
        html = client.get(url).text
        assert EVIL not in html and EVIL_TITLE not in html and "<img" not in html, url
        assert re.search(r"<script", html, re.I) is None, url
    document = client.get("/archive/" + quote(doc["path"].removeprefix("outbox/"))).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document  # shown, as text
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;春季沟通会" in document
    assert json.loads(client.get("/api/search?q=" + quote("春季沟通会")).text)["results"][0]["client"] == EVIL


def test_invisible_controls_in_values_are_shown_not_obeyed() -> None:
    from automator.web.render import templates

    html = templates.env.from_string("{{ v }}").render(v="审\u202eexe.docx\x1b[2J")
    assert html == "审\\u202eexe.docx\\x1b[2J"


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ["/", "/api/overview", "/static/app.css", "/nothing", "/files/" + quote(MARKED.removeprefix("outbox/"))]:
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "script-src" not in csp, url  # no script may run at all
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in csp or "sandbox" in csp
        assert headers["x-frame-options"] == "DENY"
    assert client.get("/").headers["cache-control"] == "no-store"


def test_without_access_control_only_local_host_names_are_served(site: Path) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the archive."""
    for base, code in [("http://127.0.0.1:8765", 200), ("http://localhost:8765", 200), ("http://[::1]:8765", 200),
                       ("http://evil.example:8765", 400), ("http://10.0.0.5:8765", 400)]:
        assert app_client(site, base_url=base).get("/api/overview").status_code == code, base


def test_a_damaged_ledger_is_said_in_words_not_a_traceback(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(site, root)
    for extra in root.glob("ledger.sqlite-*"):
        extra.unlink()
    (root / "ledger.sqlite").write_bytes(b"not a database" * 100)
    client = app_client(root, raise_server_exceptions=False)
    for url in ["/history", "/api/history", "/"]:
        response = client.get(url)
        assert response.status_code == 503, url
        assert "台账数据库出错" in response.text and "Traceback" not in response.text, url
    assert client.get("/search?q=" + quote("金麦")).status_code == 200  # the index still answers


def test_the_report_markdown_keeps_raw_html_and_script_links_as_text() -> None:
    from automator.web.archive import report_html

    html = str(report_html("| 客户 | <b>粗</b> |\n|---|---|\n| [点我](javascript:alert(1)) | <script>x</script> |\n"))
    assert "<table>" in html and "&lt;b&gt;粗&lt;/b&gt;" in html and "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("[点我](javascript:alert(1))", "") and "<a " not in html


def test_the_due_list_is_made_again_when_the_ledger_changes_at_most_once_a_minute(site: Path, tmp_path: Path) -> None:
    import os
    import time

    from automator.settings import Settings
    from automator.web.due import DueList

    root = tmp_path / "root"
    shutil.copytree(site, root)
    due = DueList(Settings.from_root(root))
    due.section()
    assert due.thread is not None
    due.thread.join(30)
    assert due.items and due.thread is None and due.section().data == due.items
    later = time.time() + 5
    os.utime(root / "ledger.sqlite", (later, later))   # a document was filed
    due.section()
    assert due.thread is None                          # within the minute: the last list stands
    due.started -= 61
    due.section()
    assert due.thread is not None                      # a minute on: made again
    due.thread.join(30)
