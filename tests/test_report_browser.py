"""The report in a real browser: headless Chromium opens it offline, logs no console
error, sorts the results table by a column, and a screenshot is saved (issue 12).

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them and sets
``MAMSETS_REQUIRE_BROWSER=1``, so CI fails rather than deselects when they are missing)
and ``selenium`` (test extra).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mamsets.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "run"
    assert main(["run", "-o", str(out), "--seed", "1", "--n-perm", "200", "--no-ora"]) == 0
    return out / "report.html"


@pytest.fixture(scope="module")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1300,2400"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                           options=opts)
    yield drv
    drv.quit()


def _column(drv, table, name: str) -> list[str]:
    from selenium.webdriver.common.by import By

    heads = [th.text.strip().split(" ")[0] for th in table.find_elements(By.TAG_NAME, "th")]
    j = heads.index(name)
    return [tr.find_elements(By.TAG_NAME, "td")[j].text for tr in table.find_elements(By.TAG_NAME, "tr")[1:]]


def test_report_opens_offline_sorts_and_is_screenshotted(report: Path, driver, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver.get(report.as_uri())
    assert "mamsets" in driver.title
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    # the answer first: the claims section comes before the results section
    sections = [s.get_attribute("id") for s in driver.find_elements(By.TAG_NAME, "section")]
    assert sections.index("claims") < sections.index("results")
    table = driver.find_element(By.CSS_SELECTOR, "section#results table.sortable")
    header = next(th for th in table.find_elements(By.TAG_NAME, "th") if th.text.strip() == "nes")
    header.click()
    nes = [float(v) for v in _column(driver, table, "nes") if v not in ("NA", "")]
    assert nes == sorted(nes) and len(nes) > 10
    header.click()
    nes = [float(v) for v in _column(driver, table, "nes") if v not in ("NA", "")]
    assert nes == sorted(nes, reverse=True)
    shot = tmp_path / "report.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
