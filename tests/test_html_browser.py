"""The HTML report in a real headless browser (Debian's chromium + chromium-driver, via selenium).

The page loads without console errors, the filters change what is shown, and a screenshot of the
first screen is taken (``SOPCHECK_SCREENSHOT=docs/report-screenshot.png`` also saves it there).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

import sopcheck
from sopcheck.report import html
from sopcheck.sample import EXPECTED, generate

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900", "--hide-scrollbars")  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    batch = generate(root / "batch", photo_size=(320, 240))
    result = sopcheck.check(batch, as_of="2025-01-01", jobs=1)
    return html.write(result, root / "out")


@pytest.fixture(scope="module")
def driver():
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="sopcheck-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=opts, service=Service(DRIVER))
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _visible(drv) -> list[str]:
    return drv.execute_script(
        "return Array.from(document.querySelectorAll('article.card'))"
        ".filter(c => c.offsetParent !== null).map(c => c.dataset.status);"
    )


def test_loads_without_console_errors(driver, report, tmp_path):
    driver.get(report.as_uri())
    assert driver.title.startswith("Laporan Audit sopcheck")
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    shot = tmp_path / "first-screen.png"
    assert driver.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) < 300_000
    target = os.environ.get("SOPCHECK_SCREENSHOT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_bytes(data)


def test_filters_change_what_is_shown(driver, report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(report.as_uri())
    form = driver.find_element(By.ID, "filters")
    assert form.is_displayed()  # the script un-hides the filters
    total = len(_visible(driver))
    assert total == len(EXPECTED)
    Select(driver.find_element(By.ID, "f-status")).select_by_value("fail")
    shown = _visible(driver)
    assert 0 < len(shown) < total and set(shown) == {"fail"}
    assert driver.find_element(By.ID, "shown").text == str(len(shown))
    Select(driver.find_element(By.ID, "f-status")).select_by_value("")
    Select(driver.find_element(By.ID, "f-rule")).select_by_value("KLP-03")
    assert len(_visible(driver)) == 1
    Select(driver.find_element(By.ID, "f-rule")).select_by_value("")
    box = driver.find_element(By.ID, "f-q")
    box.send_keys("foto-ganda")
    assert len(_visible(driver)) == 1
    box.clear()
    box.send_keys("x")  # an input event after clear
    box.clear()
    driver.execute_script(
        "document.getElementById('f-q').dispatchEvent(new Event('input', {bubbles: true}))"
    )
    assert len(_visible(driver)) == total


def test_everything_shown_without_script(driver, report, tmp_path):
    page = report.read_text(encoding="utf-8")
    noscript = tmp_path / "noscript.html"
    noscript.write_text(page.replace(f"<script>{html.JS}</script>", ""), encoding="utf-8")
    driver.get(noscript.as_uri())
    assert len(_visible(driver)) == len(EXPECTED)
    from selenium.webdriver.common.by import By

    assert not driver.find_element(By.ID, "filters").is_displayed()
