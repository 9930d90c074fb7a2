"""Unclassified stores are counted per provider/account/service/region: one finding per group listing the
ids, instead of one resource and one finding each; health stores and anything else said stay as they were."""

from __future__ import annotations

from dataclasses import replace

from auditor.model.findings import Finding, FindingsDoc, Run, Severity, Status, WaiverRef
from auditor.model.inventory import Classification, DataLocation, LocationRole, Resource
from auditor.results.unclassified import fold, is_group

NONE = Classification("unclassified", False, "no rule matched")
HEALTH = Classification("health", True, "tag data-classification=health")


def store(name: str, *, region: str = "eu-west-3", account: str = "111122223333", service: str = "ec2",
          kind: str = "snapshot", classification: Classification = NONE) -> Resource:
    return Resource(id=f"arn:aws:{service}:{region}:{account}:{kind}/{name}", provider="aws", account=account,
                    service=service, kind=kind, native_type="AWS::EC2::Snapshot", name=name,  # type: ignore[arg-type]
                    region=region, locations=(DataLocation(region, LocationRole.PRIMARY),),
                    classification=classification)


def finding(policy: str, r: Resource, severity: Severity = Severity.INFO, **kw: object) -> Finding:
    return Finding(policy, {"en": policy, "fr": policy}, severity, Status.FAIL, r.id, "aws", account=r.account,
                   region=r.region, message={"en": f"{r.name} says {policy}", "fr": f"{r.name} dit {policy}"},
                   category="accountability", **kw)  # type: ignore[arg-type]


def estate() -> FindingsDoc:
    snaps = [store(f"snap-{i}") for i in range(5)]
    other_region = store("snap-x", region="eu-central-1")
    rds = store("db-snap", service="rds")
    public = store("exports-public", service="s3", kind="object-store")
    waived = store("waived-snap")
    health = store("patients", service="s3", kind="object-store", classification=HEALTH)
    resources = (*snaps, other_region, rds, public, waived, health)
    findings = (
        *(finding("CLS-001", r) for r in (*snaps, other_region, rds, public)),
        finding("ACC-001", public, Severity.CRITICAL),
        finding("CLS-001", waived, waiver=WaiverRef("W-1", "known", "dpo@example", "2027-01-01")),
        finding("RES-001", health, Severity.HIGH),
    )
    run = Run("0.1.0", "hds", "sha256:x", "2026-12-07T00:00:00Z", "2026-12-07T00:01:00Z")
    passed = {"KEY-001": tuple(r.id for r in resources)}
    return FindingsDoc(run, resources, findings, (), (), passed)


def test_unclassified_stores_become_one_finding_per_account_service_region() -> None:
    before = estate()
    after = fold(before)
    groups = {f.resource_id: f for f in after.findings if is_group(f)}
    assert set(groups) == {f"unclassified:aws/111122223333/{where}"
                           for where in ("ec2/eu-west-3", "ec2/eu-central-1", "rds/eu-west-3")}
    paris = groups["unclassified:aws/111122223333/ec2/eu-west-3"]
    assert paris.evidence == tuple(sorted(f"arn:aws:ec2:eu-west-3:111122223333:snapshot/snap-{i}" for i in range(5)))
    assert paris.message["en"] == ("5 ec2 data store(s) in eu-west-3 carry no classification: they may hold "
                                   "health data nobody labelled")
    assert paris.message["fr"].startswith("5 stockage(s) ec2 en eu-west-3 ne portent aucune classification")
    assert (paris.severity, paris.status, paris.account, paris.region) == (Severity.INFO, Status.FAIL,
                                                                             "111122223333", "eu-west-3")
    folded = {i for f in groups.values() for i in f.evidence}
    assert not folded & {r.id for r in after.resources}  # out of findings.json (still in inventory.json)
    assert not folded & set(after.passed["KEY-001"])


def test_health_stores_and_anything_else_said_are_unchanged() -> None:
    before = estate()
    after = fold(before)
    kept = [f for f in after.findings if not is_group(f)]
    names = {r.name for r in after.resources}
    assert {"patients", "exports-public", "waived-snap"} <= names
    # the public unclassified bucket keeps both its findings; the waived one keeps its waiver; health unchanged
    assert [f for f in before.findings if f.resource_id in {r.id for r in after.resources}] == kept
    assert len(after.resources) == 3 and len(after.findings) == len(kept) + 3


def test_nothing_to_fold_is_the_same_document() -> None:
    doc = estate()
    only_health = replace(doc, resources=doc.resources[-1:], findings=doc.findings[-1:])
    assert fold(only_health) is only_health


def test_a_planned_store_keeps_its_finding_pointing_at_the_line_to_tag() -> None:
    doc = estate()
    planned = tuple(replace(r, source_file="main.tf:12") if r.name == "snap-0" else r for r in doc.resources)
    after = fold(replace(doc, resources=planned))
    assert any(f.resource_id.endswith("snap-0") and not is_group(f) for f in after.findings)
    paris = next(f for f in after.findings if f.resource_id == "unclassified:aws/111122223333/ec2/eu-west-3")
    assert len(paris.evidence) == 4


def test_the_same_group_from_two_overlapping_shards_keeps_every_id_once() -> None:
    from auditor.results.unclassified import combine

    doc = fold(estate())
    paris = next(f for f in doc.findings if f.resource_id == "unclassified:aws/111122223333/ec2/eu-west-3")
    other = replace(paris, evidence=(*paris.evidence[:2], "arn:aws:ec2:eu-west-3:111122223333:snapshot/snap-9"))
    both = combine(paris, other)
    assert len(both.evidence) == 6 and both.message["en"].startswith("6 ec2 data store(s)")
