"""The shared vocabulary: one set per name, listed by the schemas, and older files still read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import ConfigError, InputError
from auditor.model import legacy
from auditor.model.documents import read_findings, read_findings_for_comparison
from auditor.model.schema import derive
from auditor.model.vocab import GapReason, GrantSource, Kind, Lang, OutputFormat, Via, parse, parse_formats
from auditor.render import OPTIONAL, RENDERERS

GOLDEN = Path(__file__).resolve().parents[1] / "render" / "golden" / "findings.en.json"


def test_every_format_has_a_renderer_and_every_renderer_a_format() -> None:
    assert set(RENDERERS) == {f.value for f in OutputFormat}
    assert all(RENDERERS[name].name == name for name in RENDERERS)  # the lazy registry points at the right one
    assert {name for name in RENDERERS if RENDERERS[name].missing is not None} == OPTIONAL  # parse_formats checks


def test_options_are_checked_once_with_the_option_named() -> None:
    assert parse_formats("HTML, md,html") == (OutputFormat.HTML, OutputFormat.MD)
    assert parse_formats(["json", "sarif,csv"]) == ("json", "sarif", "csv")
    with pytest.raises(ConfigError, match="--format 'docx': expected one of html, json"):
        parse_formats("html,docx")
    with pytest.raises(ConfigError, match="no output format"):
        parse_formats(" , ")
    assert parse(Lang, "FR", "--lang") is Lang.FR
    with pytest.raises(ConfigError, match="--lang 'de': expected one of en, fr"):
        parse(Lang, "de", "--lang")


@pytest.mark.parametrize(("path", "enum"), [
    (("DataLocation", "via"), Via), (("Resource", "kind"), Kind), (("AccessGrant", "source"), GrantSource),
    (("CoverageGap", "reason"), GapReason),
])
@pytest.mark.parametrize("document", ["inventory", "findings"])
def test_the_schemas_list_the_values(document: str, path: tuple[str, str], enum: type) -> None:
    prop = derive(document)["$defs"][path[0]]["properties"][path[1]]
    values = prop["anyOf"][0]["enum"] if "anyOf" in prop else prop["enum"]
    assert values == [m.value for m in enum]


@pytest.mark.parametrize(("old", "via", "detail"), [
    ("s3-replication", Via.S3_REPLICATION, None),
    ("GRS pair", Via.STORAGE_GEO_REPLICATION, "GRS pair"),
    ("RA-GRS (custom secondary)", Via.STORAGE_GEO_REPLICATION, "RA-GRS (custom secondary)"),
    ("backup storage redundancy Geo (paired region)", Via.SQL_BACKUP_REDUNDANCY,
     "backup storage redundancy Geo (paired region)"),
    ("sql-failover-group fg-pmsi", Via.SQL_FAILOVER_GROUP, "sql-failover-group fg-pmsi"),
    ("cloudfront PriceClass_100", Via.CLOUDFRONT, "cloudfront PriceClass_100"),
    ("account_replication_type unknown until apply", Via.UNKNOWN, "account_replication_type unknown until apply"),
    ("carrier pigeon", Via.OTHER, "carrier pigeon"),
])
def test_a_version_1_mechanism_keeps_its_words(old: str, via: Via, detail: str | None) -> None:
    assert legacy.split_via(old) == (via, detail)


def _version_1(tmp_path: Path) -> Path:
    data = json.loads(GOLDEN.read_text("utf-8"))
    data["schema_version"] = 1
    data["run"]["fail_on"] = "high"
    for resource in data["resources"]:
        for loc in resource["locations"]:
            loc.pop("via_detail")
            if loc["via"] == "storage-geo-replication":
                loc["via"] = "GRS pair"
        for grant in resource["access"]:
            grant["source"] = "carrier-pigeon" if grant["source"] == "iam" else grant["source"]
    data["coverage_gaps"][0]["reason"] = "gremlins"
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_a_version_1_findings_file_still_reads(tmp_path: Path) -> None:
    doc = read_findings(_version_1(tmp_path))
    assert doc.schema_version == 2
    geo = [loc for r in doc.resources for loc in r.locations if loc.via is Via.STORAGE_GEO_REPLICATION]
    assert [(loc.region, loc.via_detail) for loc in geo] == [("francesouth", "GRS pair")]
    grants = [g for r in doc.resources for g in r.access if g.source is GrantSource.UNKNOWN]
    assert grants and all("source: carrier-pigeon" in (g.condition or "") for g in grants)
    assert doc.coverage_gaps[0].reason is GapReason.ERROR and doc.coverage_gaps[0].error.startswith("gremlins")
    light, ids = read_findings_for_comparison(_version_1(tmp_path))
    assert light.findings == doc.findings and ids == {r.id for r in doc.resources}


def test_an_unknown_value_in_a_version_2_file_is_refused_with_its_path(tmp_path: Path) -> None:
    data = json.loads(GOLDEN.read_text("utf-8"))
    data["resources"][0]["kind"] = "objectstore"
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(InputError, match=r"\$\.resources\[0\]\.kind") as caught:
        read_findings(path)
    assert str(path) in caught.value.one_line()
