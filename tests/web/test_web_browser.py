"""The pages in a real browser: Debian's headless Chromium driven by Selenium against the real
server (`automator serve` on a free loopback port). Screenshots go to the test's tmp dir."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from .site import EVIL_TITLE, MARKED, REPORT_V2

pytestmark = pytest.mark.slow
CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    if not (CHROMIUM.exists() and DRIVER.exists()):
        pytest.skip("needs the Debian packages chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_path)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                 "--window-size=1200,1000", "--lang=zh-CN"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(5)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _screenshot(driver, path: Path) -> Path:  # type: ignore[no-untyped-def]
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(max(height, 600), 4000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1200, 1000)
    assert path.stat().st_size > 10_000
    return path


def _downloaded(folder: Path, name: str, timeout: float = 20.0) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (folder / name).is_file() and not list(folder.glob("*.crdownload")):
            return folder / name
        time.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded: {sorted(p.name for p in folder.iterdir())}")


def test_every_page_loads_and_the_review_item_downloads_its_marked_workbook(browser, server: str, site: Path,
                                                                            tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    for url, heading in [("/archive", "客户"), ("/search", "搜索"), ("/history", "历史"), ("/", "待复核")]:
        driver.get(server + url)
        assert "文档中心" in driver.title
        assert heading in driver.find_element(By.TAG_NAME, "body").text, url
    shot = _screenshot(driver, tmp_path / "overview.png")
    print(f"overview screenshot: {shot}")
    review = driver.find_element(By.CSS_SELECTOR, "#review article")
    assert "创意简报-有错.xlsx" in review.text and "交付物!E2" in review.text
    link = review.find_element(By.LINK_TEXT, "下载标注工作簿")
    assert unquote(link.get_attribute("href")).endswith(MARKED.removeprefix("outbox"))
    link.click()
    got = _downloaded(driver.downloads, MARKED.rsplit("/", 1)[-1])  # saved under its Chinese name
    assert got.read_bytes() == (site / MARKED).read_bytes()


def test_search_for_jinmai_and_open_the_hit(browser, server: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(server + "/")
    box = driver.find_element(By.CSS_SELECTOR, "header form.quick input[name=q]")
    box.send_keys("金麦", Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda d: "/search?q=" + quote("金麦") in d.current_url)
    hits = driver.find_elements(By.CSS_SELECTOR, "ol.hits li a")
    assert [h.text for h in hits] == ["金麦春季新品沟通会"]
    hits[0].click()
    WebDriverWait(driver, 20).until(lambda d: "/archive/" in d.current_url)
    assert unquote(driver.current_url) == server + "/archive/" + REPORT_V2.removeprefix("outbox/")
    assert driver.find_element(By.TAG_NAME, "h1").text == "金麦春季新品沟通会"
    report = driver.find_element(By.CSS_SELECTOR, "section.report")
    assert "检查报告：客户会议报告《金麦春季新品沟通会》" in report.text
    assert report.find_elements(By.TAG_NAME, "table")  # the Markdown report arrives as HTML tables
    print(f"document screenshot: {_screenshot(driver, tmp_path / 'document.png')}")


def test_the_script_client_is_text_and_runs_nothing(browser, server: str) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(server + "/archive/" + quote("_script_alert(1)__script_/2026/会议纪要"))
    link = driver.find_element(By.CSS_SELECTOR, "table a")
    assert link.text == EVIL_TITLE
    link.click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "dl.facts"))
    assert driver.find_element(By.TAG_NAME, "h1").text == EVIL_TITLE
    assert "<script>alert(1)</script>" in driver.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert driver.find_elements(By.CSS_SELECTOR, "main img, main script") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - no alert was raised


def test_it_fits_a_phone(browser, server: str, tmp_path: Path) -> None:
    driver = browser
    driver.set_window_size(390, 844)
    for url in ["/", "/archive/" + quote(REPORT_V2.removeprefix("outbox/")), "/search?q=" + quote("星河"), "/history"]:
        driver.get(server + url)
        width = driver.execute_script("return document.documentElement.clientWidth")
        overflow = driver.execute_script("return document.documentElement.scrollWidth")
        assert overflow <= width + 1, (url, overflow, width)  # no sideways scrolling of the page itself
    driver.save_screenshot(str(tmp_path / "phone.png"))


def test_signing_in_in_the_browser(browser, site: Path, tmp_path: Path) -> None:
    """With users configured the Secure session cookie still works on loopback (browsers treat it as secure)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from automator.web.access import hash_password

    from .conftest import free_port, start, stop

    root = tmp_path / "root"
    shutil.copytree(site, root)
    (root / "automator.yaml").write_text(
        f'web:\n  users:\n    - {{name: 李娜, password_hash: "{hash_password("correct horse")}"}}\n', "utf-8")
    port = free_port()
    proc = start("serve", "--root", str(root), "--port", str(port), cwd=root, port=port,
                 env={"AUTOMATOR_WEB_SECRET": "x" * 40})
    try:
        driver = browser
        driver.get(f"http://localhost:{port}/history")
        assert "/login?next=" in driver.current_url
        driver.find_element(By.NAME, "name").send_keys("李娜")
        driver.find_element(By.NAME, "password").send_keys("correct horse")
        driver.find_element(By.CSS_SELECTOR, "form.login button").click()
        WebDriverWait(driver, 20).until(lambda d: d.current_url == f"http://localhost:{port}/history")
        assert "李娜" in driver.find_element(By.CSS_SELECTOR, "form.who").text
        driver.find_element(By.CSS_SELECTOR, "form.who button").click()  # 退出
        WebDriverWait(driver, 20).until(lambda d: "/login" in d.current_url)
        driver.get(f"http://localhost:{port}/")
        assert "/login?next=" in driver.current_url
    finally:
        stop(proc)
