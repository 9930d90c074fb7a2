"""The pull-request comment (``--format md``) on the fixture plans: golden files, and what a developer needs.

Refresh the golden files with ``UPDATE_GOLDEN=1`` and review the diff: every failing resource shows its
Terraform address, file:line, what is wrong and the change, grouped by change; unknowns come separately
with what would decide them.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from plantools import FIXTURES

from auditor.config import Config
from auditor.connectors.terraform import read_plan
from auditor.model.findings import FindingsDoc
from auditor.pipeline import assess
from auditor.render import RENDERERS, RenderOptions

GOLDEN = Path(__file__).parent / "golden"
PLANS = ("aws_flows", "aws_regions", "azure_locations")


def doc_of(name: str) -> FindingsDoc:
    root = FIXTURES / name
    doc = assess(read_plan(root / "plan.json", repo_root=root, source_base=root), Config()).doc
    run = replace(doc.run, started="2026-12-07T08:00:00Z", finished="2026-12-07T08:00:05Z",
                  policy_digest="sha256:" + "0" * 64, run_id="golden")
    return replace(doc, run=run)


@pytest.fixture(scope="module")
def docs() -> dict[str, FindingsDoc]:
    return {name: doc_of(name) for name in PLANS}


def comment(doc: FindingsDoc, lang: str = "en") -> str:
    return RENDERERS["md"].render(doc, RenderOptions(lang=lang, generated_at=doc.run.finished))


@pytest.mark.parametrize(("name", "lang"), [(p, "en") for p in PLANS] + [("aws_flows", "fr")])
def test_golden(docs: dict[str, FindingsDoc], name: str, lang: str) -> None:
    text = comment(docs[name], lang)
    path = GOLDEN / f"pr-comment.{name}.{lang}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} missing: run with UPDATE_GOLDEN=1 once and review it"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs; if intended: UPDATE_GOLDEN=1, review"


def test_every_failing_resource_has_its_address_line_problem_and_change(docs: dict[str, FindingsDoc]) -> None:
    doc = docs["aws_flows"]
    text = comment(doc)
    fixes = text.split("### What to change", 1)[1].split("### Could not be decided", 1)[0]
    heading = '**1. set `region = "eu-central-1"` on provider `aws.virginia` (main.tf:8)**'
    assert heading in fixes  # one change fixes every store that lives, or is copied, in us-east-1
    group = fixes.split(heading, 1)[1].split("\n**2.", 1)[0]
    assert "`aws_s3_bucket.replica_us` (s3.tf:7) — `RES-001`" in group
    assert "`aws_s3_bucket.patients` (s3.tf:1) — `RES-002`" in group
    assert ("or point `rule[0].destination[0].bucket` of `aws_s3_bucket_replication_configuration.patients` "
            "(s3.tf:24) at a destination in the allowed zone") in group
    assert "remove the statement that grants access to `*` from `aws_s3_bucket_policy.patients` (s3.tf:107)" in fixes
    assert 'set `acl = "private"` on `aws_s3_bucket_acl.imaging` (s3.tf:116)' in fixes
    failing = {(f.resource_id, f.policy_id) for f in doc.findings if f.status.value == "fail"}
    for address, policy in failing:
        assert re.search(rf"`{re.escape(address)}` \([a-z0-9_./-]+\.tf:\d+\) — `{policy}`", fixes), (address, policy)


def test_unknowns_are_listed_apart_with_what_decides_them(docs: dict[str, FindingsDoc]) -> None:
    text = comment(docs["aws_regions"])
    undecided = text.split("### Could not be decided", 1)[1]
    assert "`aws_s3_bucket.imaging_ambient`" in undecided
    assert ("To decide it: add `region = \"eu-west-3\"` to provider `aws.ambient` (main.tf:35), or give the plan "
            "job's region with --aws-region") in undecided
    # eu-west-3: where most of the plan's stores already are
    assert "`aws_s3_bucket.imaging_ambient` (buckets.tf:14) — `RES-001`" not in text.split("### Could not be", 1)[0]


def test_the_comment_renders_as_intended(docs: dict[str, FindingsDoc]) -> None:
    """CommonMark (what GitHub and GitLab build on): fix headings bold, one list item per resource,
    the alternative change as a nested item, no raw HTML but the footer's <sub>."""
    html = MarkdownIt("commonmark").render(comment(docs["aws_flows"]))
    assert '<strong>1. set <code>region = &quot;eu-central-1&quot;</code> on provider <code>aws.virginia</code>' in html
    assert html.count("<li>") >= sum(1 for f in docs["aws_flows"].findings if f.status.value in ("fail", "unknown"))
    assert "<li>or point <code>rule[0].destination[0].bucket</code>" in html
    assert re.findall(r"<(?!/?(p|h2|h3|strong|code|ul|li|table|thead|tbody|tr|th|td|blockquote|sub)\b)[a-z]+", html) \
        == []


def test_the_footer_shows_the_version_once_and_plainly(docs: dict[str, FindingsDoc]) -> None:
    text = comment(docs["aws_flows"])
    assert "sovereign-auditor `0.1.0`" in text and "\\0" not in text
