"""The HTML report in a real headless Chromium: it shows, filters, sorts, prints, stays offline and inert.

Needs Debian's ``chromium`` and ``chromedriver`` (``.ci/run`` installs them); skipped with the reason
when they are absent.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.model.findings import FindingsDoc
from auditor.render import RENDERERS, RenderOptions
from auditor.render.i18n import catalog

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="auditor-chrome-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                "--disable-default-apps", f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _open(driver: Any, path: Path) -> list[str]:
    """Load the report; return every URL the page requested."""
    driver.get("about:blank")
    driver.get_log("performance")  # drop what happened before
    driver.get_log("browser")
    driver.get(path.as_uri())
    driver.execute_script("return document.readyState")
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _visible_rows(driver: Any) -> list[str]:
    return driver.execute_script(  # type: ignore[no-any-return]
        "return Array.from(document.querySelectorAll('tr.f')).filter(r => r.offsetParent !== null)"
        ".map(r => r.getAttribute('data-sev'))")


def _choose(driver: Any, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.CSS_SELECTOR, f"#filters select[name={name}]")).select_by_value(value)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_in_chromium(driver: Any, doc: FindingsDoc, make_options: Any, lang: str, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = tmp_path / f"report.{lang}.html"
    page.write_text(RENDERERS["html"].render(doc, make_options(doc, lang)), encoding="utf-8")
    urls = _open(driver, page)
    texts = catalog(lang)

    # nothing but the file itself (and inline data: URLs) was requested
    assert urls and all(u == page.as_uri() or u.startswith("data:") for u in urls), urls

    # the verdict shows first; the incomplete banner is there
    verdict = driver.find_element(By.ID, "verdict")
    assert verdict.is_displayed() and verdict.text == texts["verdict.non-compliant"]
    assert driver.find_element(By.CSS_SELECTOR, ".incomplete-banner").is_displayed()
    driver.save_screenshot(str(tmp_path / f"report-{lang}.png"))
    assert (tmp_path / f"report-{lang}.png").stat().st_size > 10_000

    # hostile cloud strings are text, never markup or script
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert.text
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    injected = "return document.querySelectorAll('img, iframe, object, embed, svg[onload], [onerror]').length"
    assert driver.execute_script(injected) == 0
    assert driver.execute_script("return document.scripts.length") == 2
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "<script>alert(1)</script>" in body and '"><img src=x onerror=' in body

    # filters: severity, provider, framework, free text; reset
    every = _visible_rows(driver)
    assert len(every) == 11  # 8 failing (one a group of unclassified stores) + 2 unknown + 1 waived
    _choose(driver, "sev", "critical")
    shown = _visible_rows(driver)
    assert shown == ["critical"] * 4
    cards = driver.execute_script("return Array.from(document.querySelectorAll('article.ds'))"
                                  ".filter(a => a.offsetParent !== null).length")
    assert cards == 3  # the health datasets with a critical finding
    _choose(driver, "sev", "")
    _choose(driver, "prov", "azure")
    assert len(_visible_rows(driver)) == 1
    _choose(driver, "prov", "")
    _choose(driver, "fw", "SecNumCloud")
    assert len(_visible_rows(driver)) == 4
    _choose(driver, "fw", "")
    driver.find_element(By.CSS_SELECTOR, "#filters input[name=q]").send_keys("HYPERLINK")
    assert len(_visible_rows(driver)) == 1
    driver.find_element(By.CSS_SELECTOR, "#filters button[type=reset]").click()
    WebDriverWait(driver, 5).until(lambda d: len(_visible_rows(d)) == 11)  # reset applies after the form clears

    # sorting: the map table by number of datasets, both ways
    header = driver.find_elements(By.CSS_SELECTOR, "#map-table thead th button.sort")[2]
    column = "return Array.from(document.querySelectorAll('#map-table tbody tr')).map(r => +r.cells[2].textContent)"
    header.click()
    ascending = driver.execute_script(column)
    assert ascending == sorted(ascending)
    header.click()
    descending = driver.execute_script(column)
    assert descending == sorted(ascending, reverse=True)

    # print: filters hidden, rows hidden by a filter shown again, collapsed sections expanded; the rule-by-rule
    # list of failing findings gives way to the dataset sheets (each sheet carries its own findings)
    _choose(driver, "sev", "critical")
    sheets = "return Array.from(document.querySelectorAll('#datasets article.ds')).filter(a => a.offsetParent).length"
    all_sheets = len(driver.find_elements(By.CSS_SELECTOR, "#datasets article.ds"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not driver.find_element(By.ID, "filters").is_displayed()
        assert not driver.find_element(By.ID, "findings").is_displayed()
        # the waived row, whatever the filter; the undecided checks are on their dataset sheets (their rule-by-rule
        # groups stay on screen)
        assert len(_visible_rows(driver)) == 1
        assert all_sheets and driver.execute_script(sheets) == all_sheets
        trend_cell = driver.find_element(By.CSS_SELECTOR, "#changes details:not([open]) table td")
        assert trend_cell.rect["height"] > 0
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = driver.print_page()
    assert len(pdf) > 10_000

    # the console stayed clean
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors


def test_report_without_javascript(driver: Any, doc: FindingsDoc, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    page = tmp_path / "report.html"
    page.write_text(RENDERERS["html"].render(doc, RenderOptions()), encoding="utf-8")
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        _open(driver, page)
        assert not driver.find_element(By.ID, "filters").is_displayed()  # useless without JS: hidden
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.f")
        assert len(rows) == 11 and all(r.is_displayed() for r in rows)
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def _print_pdf(driver: Any) -> bytes:
    """What "Print" gives: the page's own @page size (A4), its running header and page numbers."""
    import base64

    result = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    return base64.b64decode(result["data"])


def _pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (poppler's pdftotext; skipped when it is absent)."""
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_printed_report_is_a4_numbered_with_a_running_header(driver: Any, doc: FindingsDoc, make_options: Any,
                                                                  lang: str, tmp_path: Path) -> None:
    from dataclasses import replace

    page = tmp_path / f"report.{lang}.html"
    options = replace(make_options(doc, lang), organization="CHU Exemple", scope_statement="GHT Loire",
                      author="C. Martin", approver="Direction générale")
    page.write_text(RENDERERS["html"].render(doc, options), encoding="utf-8")
    _open(driver, page)
    pdf = _print_pdf(driver)
    import re

    boxes = {tuple(round(float(x)) for x in m.split()) for m in re.findall(rb"/MediaBox ?\[0 0 ([\d. ]+)\]", pdf)}
    assert boxes == {(595, 842)}  # A4 is 595 x 842 points
    pages = _pdf_pages(pdf)
    texts = catalog(lang)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"{texts['print.page']} {number} / {len(pages)}" in text  # page numbers on every page
        assert "CHU Exemple" in text and "GHT Loire" in text  # the running header
    # summary first: the verdict and the datasets count open page one, the signature block closes the document
    assert texts["verdict.non-compliant"] in pages[0] and texts["summary.title"] in pages[0]
    closing = "".join(pages[-2:])  # the signature block closes the document (the footer may take a last page)
    assert texts["signature.approver"] in closing and "Direction générale" in closing


@pytest.mark.slow
def test_the_live_french_demo_prints_on_twenty_a4_pages_at_most(driver: Any, tmp_path: Path) -> None:
    """The whole demo estate, scanned through the emulators, as the DPO would print it."""
    import subprocess
    import sys

    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "auditor", "demo", "--lang", "fr", "--out", str(out), "--quiet"],
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode in (1, 3), run.stderr
    _open(driver, out / "report.html")
    pages = _pdf_pages(_print_pdf(driver))
    assert 5 <= len(pages) <= 20, len(pages)
    assert all(f"Page {n} / {len(pages)}" in text for n, text in enumerate(pages, start=1))


def test_on_a_phone_nothing_is_cut_and_the_page_does_not_scroll_sideways(driver: Any, doc: FindingsDoc,
                                                                           make_options: Any, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(RENDERERS["html"].render(doc, make_options(doc, "fr")), encoding="utf-8")
    driver.set_window_size(390, 844)
    try:
        _open(driver, page)
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        # a table wider than the screen scrolls inside its own box; no box around it hides what overflows
        cut = driver.execute_script("""
            const out = [];
            for (const t of document.querySelectorAll('table')) {
              if (t.offsetParent === null) continue;
              for (let e = t; e && e !== document.body; e = e.parentElement) {
                const s = getComputedStyle(e);
                if (e.scrollWidth > e.clientWidth + 1 && (s.overflowX === 'hidden' || s.overflowX === 'clip'))
                  out.push(t.closest('section') ? t.closest('section').id : '?');
              }
            }
            return out;""")
        assert cut == []
    finally:
        driver.set_window_size(1280, 1000)
