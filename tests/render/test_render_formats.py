"""The machine formats: what a CI system or a spreadsheet user gets, and that cloud strings stay inert."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from auditor.errors import ConfigError, InputError
from auditor.model import codec
from auditor.model.documents import read_findings as load_findings
from auditor.model.findings import Finding, FindingsDoc, Severity, Status
from auditor.render import RENDERERS, RenderOptions, parse_formats, render_files, render_to
from auditor.render.csvfmt import COLUMNS
from auditor.render.markdown import MAX_CHARS

SARIF_SCHEMA = Path(__file__).parent / "schema" / "sarif-2.1.0-rtm.5.json"


def render(fmt: str, doc: FindingsDoc, **kw: Any) -> str:
    return RENDERERS[fmt].render(doc, RenderOptions(**kw))


# --- SARIF -------------------------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema(doc: FindingsDoc) -> None:
    data = json.loads(render("sarif", doc))
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(data)
    assert data["version"] == "2.1.0"


def test_sarif_results_rules_and_suppressions(doc: FindingsDoc) -> None:
    run = json.loads(render("sarif", doc))["runs"][0]
    results = run["results"]
    expected = [f for f in doc.findings if f.status is not Status.PASS]
    assert len(results) == len(expected)  # passes are not results
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    for r in results:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["partialFingerprints"]["auditorFindingKey/v1"]
        assert r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    res002 = rules["RES-002"]
    assert {"GDPR:Art.44", "HDS:5.2", "GDPR", "security", "critical"} <= set(res002["properties"]["tags"])
    assert res002["properties"]["security-severity"] == "9.5"
    assert "Remediation" in res002["help"]["markdown"]
    waived = [r for r in results if r["properties"]["status"] == "waived"]
    assert len(waived) == 1
    assert waived[0]["suppressions"][0]["kind"] == "external"
    assert "dpo@hospital.example" in waived[0]["suppressions"][0]["justification"]
    assert all("suppressions" not in r for r in results if r["properties"]["status"] != "waived")
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["ACC-001"] == "error" and levels["LOG-001"] == "warning" and levels["CLS-001"] == "note"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == len(doc.coverage_gaps) and "access-denied" in notes[0]["message"]["text"]


def test_sarif_points_at_the_terraform_source_when_known(doc: FindingsDoc) -> None:
    target = doc.resources[0]
    planned = replace(doc, resources=(replace(target, source_file="modules/data/main.tf:42"), *doc.resources[1:]))
    results = json.loads(render("sarif", planned))["runs"][0]["results"]
    mine = [r for r in results if r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == target.id]
    assert mine
    for r in mine:
        physical = r["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "modules/data/main.tf"
        assert physical["region"]["startLine"] == 42
    others = [r for r in results if r not in mine]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "findings.json" for r in others)


# --- JUnit -------------------------------------------------------------------------------------------

def test_junit_parses_and_counts_match(doc: FindingsDoc) -> None:
    root = ET.fromstring(render("junit", doc).encode("utf-8"))
    suites = root.findall("testsuite")
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests", "-1")) == len(cases)
    assert int(root.get("failures", "-1")) == len(root.findall("testsuite/testcase/failure"))
    assert int(root.get("errors", "-1")) == len(root.findall("testsuite/testcase/error"))
    assert int(root.get("skipped", "-1")) == len(root.findall("testsuite/testcase/skipped"))
    for suite in suites:
        assert int(suite.get("tests", "-1")) == len(suite.findall("testcase"))
    by_policy = {s.get("name", "").split()[0]: s for s in suites}
    # one test case per policy x resource, passes included (RES-001 passed on three resources, failed on one)
    assert len(by_policy["RES-001"].findall("testcase")) == 4
    assert len(by_policy["RES-001"].findall("testcase/failure")) == 1
    assert len(by_policy["LOG-001"].findall("testcase")) == 2  # one fail, one pass kept compactly
    skipped = by_policy["KEY-001"].find("testcase/skipped")
    assert skipped is not None and "Migration planned" in skipped.get("message", "")
    assert by_policy["RES-003"].find("testcase/error") is not None  # unknown is an error, never a pass
    assert by_policy["coverage"].find("testcase/error") is not None


def test_junit_survives_characters_xml_cannot_carry(doc: FindingsDoc) -> None:
    nasty = "\x00\x01\x1b[31m ]]> <![CDATA[ & \ud800 \uffff end"
    f = replace(doc.findings[0], message={"en": nasty}, resource_id="r\x02</testcase>")
    text = render("junit", replace(doc, findings=(f,), passed={}))
    root = ET.fromstring(text.encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "]]> <![CDATA[ & " in failure.get("message", "")
    assert root.find("testsuite/testcase").get("name") == "r</testcase>"  # type: ignore[union-attr]


# --- CSV ---------------------------------------------------------------------------------------------

def test_csv_rows_columns_and_formula_escaping(doc: FindingsDoc) -> None:
    text = render("csv", doc)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 1 + len(doc.findings)
    for row in rows[1:]:
        assert len(row) == len(COLUMNS)
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    names = [r[COLUMNS.index("resource_name")] for r in rows[1:]]
    assert "'" + doc.resources[3].name in names  # the =HYPERLINK(...) bucket, neutralised


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_escapes_every_formula_start(doc: FindingsDoc, start: str) -> None:
    f = replace(doc.findings[0], message={"en": f"{start}cmd|' /C calc'!A0"}, status=Status.FAIL)
    rows = list(csv.reader(io.StringIO(render("csv", replace(doc, findings=(f,)))[1:], newline="")))
    assert rows[1][COLUMNS.index("message")] == f"'{start}cmd|' /C calc'!A0"


# --- Markdown ----------------------------------------------------------------------------------------

def _outside_code_spans(text: str) -> str:
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text)


def test_markdown_cloud_strings_are_inert(doc: FindingsDoc) -> None:
    text = render("md", doc, report_link="https://ci.example/report.html")
    prose = _outside_code_spans(text).replace("[Full report](https://ci.example/report.html)", "")
    assert "<" not in prose.replace("<sub>", "").replace("</sub>", "")  # no raw HTML from a cloud
    assert not re.search(r"(?<!\\)\]\(", prose) and "http://" not in prose  # no link, no autolink
    line = next(x for x in text.splitlines() if "is not in the catalog" in x)
    assert "\\[x\\]" in line and "http:\u200b//" in line and "&lt;/script&gt;&lt;svg onload" in line
    # identifiers sit in code spans, where Markdown and HTML render as text; names in prose are escaped
    assert "&lt;img src=x onerror=" in text and "`/subscriptions/" in text
    assert "[Full report](https://ci.example/report.html)" in text


def test_markdown_rejects_a_script_link(doc: FindingsDoc) -> None:
    text = render("md", doc, report_link="javascript:alert(1)")
    assert "javascript:" not in text


def _many(doc: FindingsDoc, n: int) -> FindingsDoc:
    base = doc.findings[0]
    long = "x" * 400
    findings = tuple(replace(base, resource_id=f"arn:aws:s3:::bucket-{i:05d}", message={"en": f"{long} {i}"},
                             location_key=str(i), status=Status.FAIL) for i in range(n))
    return replace(doc, findings=findings)


def test_markdown_stays_under_the_comment_limit(doc: FindingsDoc) -> None:
    big = _many(doc, 3000)
    text = render("md", big, report_link="https://ci.example/r.html")
    assert len(text) <= MAX_CHARS
    assert "more, see the full report" in text and "https://ci.example/r.html" in text
    assert "bucket-00000" in text


# --- JSON and files ------------------------------------------------------------------------------------

def test_json_round_trips_byte_for_byte(doc: FindingsDoc, tmp_path: Path) -> None:
    text = render("json", doc)
    path = tmp_path / "findings.json"
    path.write_text(text, encoding="utf-8")
    again = load_findings(path)
    assert again == doc
    assert render("json", again) == text
    assert json.loads(text) == codec.to_dict(doc)


def test_render_files_writes_every_format_with_the_digest(doc: FindingsDoc, tmp_path: Path) -> None:
    paths = render_files(doc, list(RENDERERS), tmp_path, RenderOptions())
    assert sorted(p.name for p in paths) == sorted(r.filename for r in RENDERERS.values())
    import hashlib

    digest = hashlib.sha256((tmp_path / "findings.json").read_bytes()).hexdigest()
    assert digest in (tmp_path / "report.html").read_text("utf-8")
    assert digest in (tmp_path / "summary.md").read_text("utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_render_to_a_single_file_and_errors(doc: FindingsDoc, tmp_path: Path) -> None:
    [path] = render_to(doc, ["md"], tmp_path / "summary-for-pr.md", RenderOptions())
    assert path.name == "summary-for-pr.md" and path.read_text("utf-8").startswith("## ")
    with pytest.raises(ConfigError):
        render_to(doc, ["md", "html"], tmp_path / "x.md", RenderOptions())
    with pytest.raises(ConfigError, match="--format 'docx'"):
        parse_formats("html,docx")
    assert parse_formats("html, md,html") == ("html", "md")


def test_load_findings_reports_file_and_path(tmp_path: Path) -> None:
    bad = tmp_path / "findings.json"
    bad.write_text('{"schema_version": 1, "run": {}}', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_findings(bad)
    assert str(bad) in err.value.one_line()


def test_findings_without_any_text_still_render(doc: FindingsDoc) -> None:
    bare = Finding("X-1", {}, Severity.HIGH, Status.FAIL, "id-1", "aws")
    small = replace(doc, findings=(bare,), passed={})
    for fmt in RENDERERS:
        assert render(fmt, small)


def test_sarif_keeps_within_githubs_result_limit(doc: FindingsDoc) -> None:
    from auditor.render import sarif

    assert sarif.MAX_RESULTS == 25_000
    base = doc.findings[0]
    many = tuple(replace(base, resource_id=f"r{i}", status=Status.FAIL) for i in range(13))
    run = json.loads(sarif.render(replace(doc, findings=many, passed={}), RenderOptions(), max_results=10))["runs"][0]
    assert len(run["results"]) == 10
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["descriptor"]["id"] == "results-truncated" and "3 less severe" in n["message"]["text"] for n in notes)
