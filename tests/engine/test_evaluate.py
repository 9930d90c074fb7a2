"""The evaluation loop: unknown is never a pass, memoised verdicts never leak between stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import Config
from auditor.engine.pack import load_pack
from auditor.errors import PolicyError
from auditor.model.findings import Status
from auditor.model.inventory import CoverageGap, DataLocation, Inventory, LocationRole, Resource
from auditor.pipeline import assess


def bucket(name: str, region: str, *copies: str, tags: dict[str, str] | None = None) -> Resource:
    return Resource(
        id=f"arn:aws:s3:::{name}", provider="aws", account="111122223333", service="s3", kind="object-store",
        native_type="AWS::S3::Bucket", name=name, region=region, tags=tags or {"data-classification": "health"},
        locations=(DataLocation(region),
                   *(DataLocation(c, LocationRole.REPLICA, via="s3-replication") for c in copies)),
        logging=True,
    )


def findings_of(*resources: Resource, gaps: tuple[CoverageGap, ...] = (), profile: str = "hds"):
    doc = assess(Inventory(resources=resources, coverage_gaps=gaps), Config(profile=profile)).doc
    return doc


def test_alike_stores_share_verdicts_but_keep_their_own_names() -> None:
    doc = findings_of(bucket("patients-a", "eu-west-3", "us-east-1"), bucket("patients-b", "eu-west-3", "us-east-1"),
                      bucket("patients-c", "eu-west-3", "eu-west-1"))
    res002 = {f.resource_id: f for f in doc.findings if f.policy_id == "RES-002"}
    assert set(res002) == {"arn:aws:s3:::patients-a", "arn:aws:s3:::patients-b"}
    assert "patients-b" in res002["arn:aws:s3:::patients-b"].message["en"]
    assert "us-east-1" in res002["arn:aws:s3:::patients-a"].message["en"]
    assert "arn:aws:s3:::patients-c" in doc.passed["RES-002"]


def test_every_gap_becomes_an_unknown_finding() -> None:
    gap = CoverageGap("aws", "s3", "access-denied", "AccessDenied", account="111122223333", region="eu-west-3")
    doc = findings_of(gaps=(gap,))
    (finding,) = [f for f in doc.findings if f.policy_id == "COV-001"]
    assert finding.status is Status.UNKNOWN
    assert "access-denied" in finding.message["en"]


def test_an_erroring_condition_is_unknown_not_pass(tmp_path: Path) -> None:
    (tmp_path / "X-001.yaml").write_text("""
id: XTR-001
category: residency
title: {en: t, fr: t}
severity: high
scope: resource.health
condition: resource.attributes.missing_key == "x"
message: {en: m, fr: m}
remediation: {en: r, fr: r}
examples:
  - {name: a, expect: unknown, resource: {name: a}}
  - {name: b, expect: pass, resource: {name: b, attributes: {missing_key: "y"}}}
""")
    pack = load_pack([tmp_path])
    doc = assess(Inventory(resources=(bucket("patients", "eu-west-3"),)), Config(), pack=pack).doc
    (finding,) = [f for f in doc.findings if f.policy_id == "XTR-001"]
    assert finding.status is Status.UNKNOWN
    assert any("could not be evaluated" in e for e in finding.evidence)


@pytest.mark.parametrize(
    ("condition", "what"),
    [
        ("resource.(", "does not compile"),
        ("secret.value", "unknown variable"),
        ("resource.access.exists(a, resource.access.exists(b, resource.access.exists(c, true)))", "may cost up to"),
        ("x" * 5000, "is too long"),
    ],
)
def test_runaway_or_broken_cel_is_refused_at_load(tmp_path: Path, condition: str, what: str) -> None:
    (tmp_path / "bad.yaml").write_text(f"""id: XTR-002
category: residency
title: {{en: t, fr: t}}
severity: high
condition: '{condition}'
message: {{en: m, fr: m}}
remediation: {{en: r, fr: r}}
examples:
  - {{name: a, expect: fail}}
  - {{name: b, expect: pass}}
""")
    with pytest.raises(PolicyError) as err:
        load_pack([tmp_path])
    assert what in err.value.one_line()
    assert str(tmp_path / "bad.yaml") in err.value.one_line()


def test_a_store_named_by_a_gap_passes_nothing() -> None:
    store = bucket("patients", "eu-west-3")
    gap = CoverageGap("aws", "s3", "throttled", "s3:GetBucketReplication: SlowDown", account="111122223333",
                      region="eu-west-3", resource_id=store.id)
    doc = findings_of(store, bucket("patients-ok", "eu-west-3"), gaps=(gap,))
    assert not [pid for pid, ids in doc.passed.items() if store.id in ids]
    res002 = next(f for f in doc.findings if f.policy_id == "RES-002" and f.resource_id == store.id)
    assert res002.status is Status.UNKNOWN
    assert "arn:aws:s3:::patients-ok" in doc.passed["RES-002"]
