"""The DPO's deliverable: page one counts datasets, the registers are filled, dates and CSV follow the reader."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from auditor import config as cfg
from auditor.errors import ConfigError
from auditor.model.findings import FindingsDoc, Severity, Status
from auditor.model.schema import validate
from auditor.render import RENDERERS, RenderOptions, dates, summary
from auditor.render.registers import build as build_registers
from auditor.render.view import build as build_view

NAMES = {"paris": "patients-records-paris"}


def _state(anchor: str, *open_: tuple[str, Status, Severity], tags: dict[str, str] | None = None
           ) -> summary.DatasetState:
    return summary.DatasetState(anchor, anchor, "aws", tags or {},
                                [(pid, st, sev, f"title {pid}", f"fix {pid}") for pid, st, sev in open_])


def test_page_one_counts_datasets_by_the_gate_threshold() -> None:
    datasets = [
        _state("a", ("RES-001", Status.FAIL, Severity.CRITICAL), tags={"Owner": "équipe DPI", "deadline": "2027-03"}),
        _state("b", ("RES-001", Status.FAIL, Severity.CRITICAL), ("LOG-001", Status.FAIL, Severity.MEDIUM)),
        _state("c", ("RES-003", Status.UNKNOWN, Severity.HIGH)),
        _state("d", ("JUR-001", Status.FAIL, Severity.MEDIUM)),
        _state("e"),
    ]
    s = summary.build(datasets, "high")
    assert (s.noncompliant, s.unassessed, s.review, s.compliant) == (("a", "b"), ("c",), ("d",), ("e",))
    assert [(r.policy_id, r.datasets) for r in s.by_reason] == [("RES-001", 2)]
    first = s.actions[0]
    assert (first.policy_id, [a for _, a in first.datasets]) == ("RES-001", ["a", "b"])
    assert first.owners == ("équipe DPI",) and first.deadlines == ("2027-03",)
    # the threshold moves with --fail-on: at medium, d is non-compliant too
    assert summary.build(datasets, "medium").noncompliant == ("a", "b", "d")


def test_sheets_point_at_the_action_plan_and_cite_only_legal_texts(doc: FindingsDoc) -> None:
    v = build_view(doc, RenderOptions(lang="fr"))
    assert v.noncompliant and all(d.state == "noncompliant" for d in v.noncompliant)
    assert {d.anchor for d in v.noncompliant} | {d.anchor for d in v.annex} == {d.anchor for d in v.datasets}
    numbered = [k for d in v.noncompliant for k, _ in d.todo if k]
    assert numbered and max(numbered) <= len(v.summary.plan)
    frameworks = {name for d in v.noncompliant for name, _ in d.laws}
    assert frameworks and not frameworks & {"AWS-CT", "Azure-Sovereignty"}


def test_registers_name_each_third_country_and_its_legal_basis(doc: FindingsDoc) -> None:
    regs = build_registers(doc, RenderOptions())
    by_name = {e.dataset: e for e in regs.record}
    paris = by_name["patients-records-paris"]
    assert [(t.country, t.roles, t.basis) for t in paris.third_countries] == [("US", ("replica",), "none")]
    berlin = next(e for e in regs.record if e.resource_id.endswith(":db:lab-results"))
    bases = {t.country: (t.basis, t.reference) for t in berlin.third_countries}
    assert bases["GB"][0] == "adequacy" and "(EU) 2021/1772" in bases["GB"][1] and "2025-12-19" in bases["GB"][1]
    assert bases["US"][0] == "none"  # the key sits in the US
    declared = build_registers(doc, RenderOptions(transfer_bases={"US": "SCC (EU) 2021/914, module 3"}))
    paris = next(e for e in declared.record if e.dataset == "patients-records-paris")
    assert paris.third_countries[0].basis == "declared" and "2021/914" in paris.third_countries[0].reference
    dpf = build_registers(doc, RenderOptions(dpf=True))
    assert next(e for e in dpf.record if e.dataset == "patients-records-paris").third_countries[0].basis == "adequacy"
    hosts = {h.provider: h for h in regs.transfer_map}
    assert "US_CLOUD_ACT" in hosts["aws"].laws and "US" in hosts["aws"].access_countries


def test_registers_json_follows_its_published_schema_and_csv_uses_semicolons_in_french(doc: FindingsDoc) -> None:
    data = json.loads(RENDERERS["registers"].render(doc, RenderOptions()))
    validate("registers", data, "registers.json")
    for fmt in ("art30", "transfer-map", "csv"):
        french = RENDERERS[fmt].render(doc, RenderOptions(lang="fr"))
        assert french.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(french[1:], newline=""), delimiter=";"))
        assert len(rows) > 1 and len({len(r) for r in rows}) == 1 and len(rows[0]) > 5, fmt
        comma = RENDERERS[fmt].render(doc, RenderOptions(lang="fr", csv_separator=","))
        assert next(csv.reader(io.StringIO(comma[1:], newline=""))) == rows[0]


def test_dates_in_the_readers_time_zone_and_language() -> None:
    assert dates.long("2026-12-07T00:30:00Z", "fr", "Europe/Paris") == "7 décembre 2026 à 01:30"
    assert dates.long("2026-07-01T10:00:00Z", "fr", "Europe/Paris") == "1er juillet 2026 à 12:00"
    assert dates.long("2026-12-07T00:30:00Z", "en", "UTC") == "7 December 2026, 00:30 UTC"
    assert dates.long("not a date", "fr", "Europe/Paris") == "not a date"
    with pytest.raises(ConfigError):
        dates.long("2026-12-07T00:30:00Z", "fr", "Mars/Olympus")


def test_report_block_in_the_configuration(tmp_path: Path, doc: FindingsDoc) -> None:
    path = tmp_path / "auditor.yaml"
    path.write_text("report:\n  organization: CHU de Nantes\n  author: Claire Martin, DPO\n"
                    "  approver: Directeur général\n  scope: Comptes AWS et abonnements Azure du GHT\n"
                    "  timezone: Europe/Paris\n  transfer_bases: {US: 'SCC 2021/914'}\n", encoding="utf-8")
    report = cfg.load(path).report
    assert report.organization == "CHU de Nantes" and report.transfer_bases == {"US": "SCC 2021/914"}
    from auditor.render import with_report

    html = RENDERERS["html"].render(doc, with_report(RenderOptions(lang="fr"), report))
    assert "CHU de Nantes" in html and "Claire Martin, DPO" in html and "Directeur général" in html
    # the running header of the printed page carries the organisation (CSS-escaped, never markup)
    assert '@top-left{content:"CHU de Nantes' in html
    path.write_text("report:\n  timezone: Nowhere/Atlantis\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not an IANA time zone"):
        cfg.load(path)


def test_a_hostile_organisation_name_cannot_leave_the_print_stylesheet(doc: FindingsDoc) -> None:
    hostile = 'x"}</style><script>alert(1)</script>{'
    html = RENDERERS["html"].render(doc, RenderOptions(organization=hostile))
    head = html[:html.index("</head>")]
    assert "<script>alert(1)" not in head and head.count("</style>") == 2
    assert replace(RenderOptions(), organization=None).organization is None


def test_pdf_format_is_an_a4_document_that_fetches_nothing(doc: FindingsDoc, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    import subprocess

    from auditor.render import render_files

    options = RenderOptions(lang="fr", organization="CHU Exemple")
    (path,) = render_files(doc, ["pdf"], tmp_path, options)
    data = path.read_bytes()
    assert path.name == "report.pdf" and data.startswith(b"%PDF-")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
        assert "CHU Exemple" in text and "Page 1 /" in text
    # the report's hostile strings stay text: WeasyPrint is refused every fetch but data: URLs
    from auditor.render.pdf import _refuse

    with pytest.raises(ValueError):
        _refuse("file:///etc/passwd")
    with pytest.raises(ValueError):
        _refuse("http://169.254.169.254/latest/meta-data/")


def test_the_pdf_maps_carry_their_own_style(doc: FindingsDoc) -> None:
    """WeasyPrint does not apply the page's stylesheet to inline SVG (the maps were black boxes): each map
    carries the map rules itself, with the colours written out."""
    from auditor.render.pdf import printable

    page = printable(RENDERERS["html"].render(doc, RenderOptions(lang="fr")))
    svgs = re.findall(r"<svg\b[^>]*>(<style>.*?</style>)", page)
    assert svgs and page.count("<svg") == len(svgs)
    style = svgs[0]
    assert ".sea{fill:#eef4fb}" in style and ".land path.z-eu{fill:#c9dbf6}" in style
    assert ".mark.z-third circle{fill:#c0392b}" in style and "var(" not in style


@pytest.mark.slow
def test_the_live_french_demo_as_a_pdf_is_at_most_twenty_a4_pages(tmp_path: Path) -> None:
    """``auditor demo --format pdf``: the whole estate through the emulators, drawn by WeasyPrint."""
    pytest.importorskip("weasyprint")
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo not installed (apt-get install poppler-utils)")
    import subprocess
    import sys

    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "auditor", "demo", "--lang", "fr", "--format", "pdf", "--quiet",
                          "--out", str(out)], capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode in (1, 3), run.stderr
    info = subprocess.run(["pdfinfo", str(out / "report.pdf")], capture_output=True, check=True).stdout.decode()
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert 5 <= pages <= 20, pages


def test_pdf_format_without_weasyprint_is_refused_before_anything_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.render import parse_formats, pdf

    monkeypatch.setattr(pdf.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match="needs WeasyPrint"):
        parse_formats("html,pdf")
