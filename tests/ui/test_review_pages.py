"""The review's HTML pages as people see them: written by a real ``okr-es review`` from
the demo organisation, opened from disk in headless Chromium with every host but
127.0.0.1 unreachable, as on a closed network. Each test checks that the page logged no
console error and asked for nothing but itself. Under CI=true a missing Chromium fails
the tests."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from okr_es.application import OKRApplication
from okr_es.demo import seed_demo
from okr_es.settings import Settings
from support.cli_process import okr_es

TODAY = "2026-11-23"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The portfolio page of the demo's 2026 Q3 and one unit's review page."""
    folder = tmp_path_factory.mktemp("review-pages")
    settings = Settings(data_dir=str(folder / "var"))
    with OKRApplication(settings) as app:
        seed_demo(app, today=date.fromisoformat(TODAY))
    written = {"portfolio": folder / "portfolio.html", "unit": folder / "unit.html"}
    for which, name in ((("--all",), "portfolio"), (("--unit", "Team Platform"), "unit")):
        run = okr_es(
            settings, "review", *which, "--cycle", "2026 Q3", "--format", "html",
            "--today", TODAY, "--output", str(written[name]),
        )  # fmt: skip
        assert run.code == 0, run.err
    return written


@pytest.fixture(scope="module")
def chromium() -> Iterator[webdriver.Chrome]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        message = "needs headless Chromium: apt-get install chromium chromium-driver"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)  # allowed outside CI only
    options = Options()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        # A closed network: every host fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    # Given both paths, selenium looks nothing up online (no driver manager).
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield chrome
    finally:
        chrome.quit()


def open_page(chromium: webdriver.Chrome, page: Path) -> None:
    chromium.get_log("performance")  # forget what earlier pages asked for
    chromium.get_log("browser")
    chromium.get(page.as_uri())


def test_the_portfolio_renders_a_row_and_a_section_per_unit(
    pages: dict[str, Path], chromium: webdriver.Chrome
) -> None:
    open_page(chromium, pages["portfolio"])

    rows = chromium.find_elements(By.CSS_SELECTOR, "#portfolio tbody tr")
    units = [row.get_attribute("data-unit") for row in rows]
    assert {"Team Saksbehandling", "Team Selvbetjening", "Team Platform"} <= set(units)
    for row in rows:
        link = row.find_element(By.CSS_SELECTOR, "td a").get_attribute("href") or ""
        section = chromium.find_element(By.ID, link.rsplit("#", 1)[1])
        assert row.get_attribute("data-unit") in section.find_element(By.TAG_NAME, "h2").text
        sparkline = row.find_element(By.CSS_SELECTOR, "svg.sparkline")
        assert sparkline.size["width"] > 0 and sparkline.get_attribute("aria-label")
    assert_clean(chromium, pages["portfolio"])


def test_every_chart_draws_its_value_against_its_target_or_threshold(
    pages: dict[str, Path], chromium: webdriver.Chrome
) -> None:
    open_page(chromium, pages["portfolio"])
    charts: list[dict[str, Any]] = chromium.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart')).map(svg => {"
        "  const box = svg.getBoundingClientRect();"
        "  const series = Array.from(svg.querySelectorAll('[data-series]'))"
        "    .map(e => e.getAttribute('data-series'));"
        "  return {metric: svg.dataset.metric, series: series, width: box.width,"
        "          height: box.height, title: svg.querySelector('title').textContent,"
        "          label: svg.getAttribute('aria-label')};"
        "});"
    )

    assert len(charts) >= 10
    kinds = {c["metric"] for c in charts}
    assert {"increase", "decrease", "stay_above"} <= kinds
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 150, chart
        assert chart["title"] and chart["title"] == chart["label"]
        series = set(chart["series"])
        if chart["metric"] in ("stay_above", "stay_below"):
            assert "threshold" in series and "pace" not in series, chart
        elif chart["metric"] in ("increase", "decrease"):
            assert {"target", "pace"} <= series, chart
        if "check-in" in series:
            assert "value" in series, chart
    assert_clean(chromium, pages["portfolio"])


def test_the_hockey_stick_team_s_silence_is_marked_on_its_charts(
    pages: dict[str, Path], chromium: webdriver.Chrome
) -> None:
    open_page(chromium, pages["portfolio"])
    section = chromium.find_element(
        By.XPATH, "//section[@class='review'][.//h2[contains(., 'Team Saksbehandling')]]"
    )
    # The review's longest gap between check-ins, drawn where it happened.
    longest = json.loads(
        chromium.execute_script(
            "return JSON.stringify(Array.from(arguments[0].querySelectorAll("
            "'[data-series=silence]')).map(g => [g.dataset.days, g.textContent]));",
            section,
        )
    )
    gap = int(
        section.find_element(By.XPATH, ".//li[contains(., 'lengste opphold')]").text.split()[-2]
    )
    assert [str(gap), f"ingen innsjekk på {gap} dager"] in longest
    assert gap >= 60
    badges = section.find_elements(By.CSS_SELECTOR, ".kr .badge")
    assert badges and all(b.is_displayed() for b in badges)
    assert_clean(chromium, pages["portfolio"])


def test_the_portfolio_table_sorts_when_a_header_is_clicked(
    pages: dict[str, Path], chromium: webdriver.Chrome
) -> None:
    open_page(chromium, pages["portfolio"])
    headers = chromium.find_elements(By.CSS_SELECTOR, "#portfolio thead th")
    progress = next(
        h
        for h in headers
        if h.text.startswith("Fremdrift") and h.find_elements(By.TAG_NAME, "button")
    )
    column = headers.index(progress)

    def shown() -> list[float]:
        cells = chromium.find_elements(
            By.CSS_SELECTOR, f"#portfolio tbody tr td:nth-child({column + 1})"
        )
        return [float(c.get_attribute("data-sort") or "nan") for c in cells]

    before = shown()
    progress.find_element(By.TAG_NAME, "button").click()
    assert shown() == sorted(before) and progress.get_attribute("aria-sort") == "ascending"
    progress.find_element(By.TAG_NAME, "button").click()
    assert shown() == sorted(before, reverse=True)
    assert progress.get_attribute("aria-sort") == "descending"

    team = headers[0]
    team.find_element(By.TAG_NAME, "button").click()
    names = [
        r.get_attribute("data-unit") or ""
        for r in chromium.find_elements(By.CSS_SELECTOR, "#portfolio tbody tr")
    ]
    assert names == sorted(names, key=str.casefold)
    assert progress.get_attribute("aria-sort") is None
    assert_clean(chromium, pages["portfolio"])


def test_one_unit_s_review_page_renders_without_a_script(
    pages: dict[str, Path], chromium: webdriver.Chrome
) -> None:
    open_page(chromium, pages["unit"])
    assert chromium.find_elements(By.TAG_NAME, "script") == []
    assert len(chromium.find_elements(By.CSS_SELECTOR, "svg.chart [data-series=value]")) >= 1
    assert chromium.find_element(By.TAG_NAME, "h1").text.startswith("Learning review")
    assert_clean(chromium, pages["unit"])


def assert_clean(chromium: webdriver.Chrome, page: Path) -> None:
    """Since the page was opened: no console errors, and no request but the page itself."""
    errors = [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    requested: list[str] = []
    for entry in chromium.get_log("performance"):
        event = json.loads(entry["message"])["message"]
        if event["method"] == "Network.requestWillBeSent":
            requested.append(event["params"]["request"]["url"])
        elif event["method"] == "Network.webSocketCreated":
            requested.append(event["params"]["url"])
    assert [u for u in requested if u != page.as_uri() and not u.startswith("data:")] == []
