"""The GitLab Code Quality report validates against the documented format, on a plan and on a cloud scan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from auditor.config import Config
from auditor.connectors.terraform import read_plan
from auditor.model.findings import FindingsDoc
from auditor.pipeline import assess
from auditor.render import RENDERERS, RenderOptions

SCHEMA = json.loads((Path(__file__).parent / "schema" / "gitlab-codequality.schema.json").read_text())
FIXTURES = Path(__file__).parents[1] / "terraform" / "fixtures"


def issues(doc: FindingsDoc) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(RENDERERS["codequality"].render(doc, RenderOptions()))
    jsonschema.Draft7Validator(SCHEMA).validate(data)
    return data


@pytest.mark.parametrize("name", ["aws_flows", "azure_locations"])
def test_a_plan_report_is_valid_and_points_at_the_line_to_change(name: str) -> None:
    root = FIXTURES / name
    doc = assess(read_plan(root / "plan.json", repo_root=root, source_base=root), Config()).doc
    found = issues(doc)
    listed = [f for f in doc.findings if f.status.value in ("fail", "unknown")]
    assert len(found) == len(listed)
    assert len({i["fingerprint"] for i in found}) == len(found)  # GitLab shows only one issue per fingerprint
    for issue in found:
        path = root / issue["location"]["path"]
        assert path.is_file(), issue["location"]
        assert issue["location"]["lines"]["begin"] <= len(path.read_text().splitlines())
    if name == "aws_flows":
        replica = next(i for i in found
                       if i["check_name"] == "RES-001" and "aws_s3_bucket.replica_us" in i["description"])
        assert replica["severity"] == "blocker"
        assert replica["location"] == {"path": "main.tf", "lines": {"begin": 8}}
        assert 'Fix: set `region = "eu-central-1"` on provider `aws.virginia` (main.tf:8)' in replica["description"]


def test_a_cloud_scan_report_is_valid(doc: FindingsDoc) -> None:
    found = issues(doc)
    assert found and all(i["location"]["path"] == "findings.json" for i in found)
    assert {i["severity"] for i in found} <= {"blocker", "critical", "major", "minor", "info"}


def test_the_schema_rejects_what_gitlab_rejects() -> None:
    good = {"description": "d", "check_name": "c", "fingerprint": "f", "severity": "major",
            "location": {"path": "main.tf", "lines": {"begin": 1}}}
    jsonschema.validate([good], SCHEMA)
    for bad in ({**good, "severity": "high"}, {**good, "location": {"path": "./main.tf", "lines": {"begin": 1}}},
                {k: v for k, v in good.items() if k != "fingerprint"}, {**good, "location": {"path": "main.tf"}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([bad], SCHEMA)
