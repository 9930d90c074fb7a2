"""``auditor policies test``: run every policy on its own pass/fail examples.

An example's ``resource`` is a partial resource (the fields that matter for the policy);
the rest gets neutral defaults (an AWS S3 bucket of account 111111111111, classified as
health data by the example itself). It goes through the same stage-2 enrichment as real
inventories (geography and trust), then the policy is run alone under the example's
profile (``hds`` when not given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.engine.evaluate import evaluate_one
from auditor.engine.pack import PolicyPack
from auditor.engine.policy import Example, Policy
from auditor.errors import AuditorError, PolicyError
from auditor.geo.resolve import resolve
from auditor.model.codec import from_dict
from auditor.model.inventory import CoverageGap, Inventory, Resource
from auditor.trust import relate

DEFAULT_PROFILE = "hds"

_DEFAULTS: dict[str, Any] = {
    "id": "arn:aws:s3:::example",
    "provider": "aws",
    "account": "111111111111",
    "service": "s3",
    "kind": "object-store",
    "native_type": "AWS::S3::Bucket",
    "name": "example",
    "region": "eu-west-3",
    "classification": {"label": "health", "health": True, "rule": "example"},
}


@dataclass(frozen=True, slots=True)
class ExampleResult:
    policy: str
    example: str
    expected: str
    actual: str
    location: str

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


def _resource(data: Mapping[str, Any], location: str) -> Resource:
    merged = {**_DEFAULTS, **data}
    if "locations" not in data:
        merged["locations"] = [{"region": merged["region"], "role": "primary"}]
    if "id" not in data:
        merged["id"] = f"example:{merged['name']}"
    try:
        return from_dict(Resource, merged, "resource")
    except AuditorError as exc:
        raise PolicyError("policy.example-resource", location=location, error=exc) from None


def run_example(pack: PolicyPack, policy: Policy, example: Example) -> ExampleResult:
    profile = pack.profile(example.profile or DEFAULT_PROFILE)
    resources: tuple[Resource, ...] = ()
    gaps: tuple[CoverageGap, ...] = ()
    if example.resource is not None:
        resources = (_resource(example.resource, example.location),)
    if example.gap is not None:
        try:
            gaps = (from_dict(CoverageGap, dict(example.gap), "gap"),)
        except AuditorError as exc:
            raise PolicyError("policy.example-gap", location=example.location, error=exc) from None
    inventory = relate(resolve(Inventory(resources=resources, coverage_gaps=gaps)))
    result = evaluate_one(inventory.resources, inventory.coverage_gaps, pack, profile, policy)
    statuses = {f.status.value for f in result.findings} | ({"pass"} if result.passed else set())
    actual = "skip" if not statuses else "fail" if "fail" in statuses else "unknown" if "unknown" in statuses \
        else "pass"
    return ExampleResult(policy.id, example.name, example.expect, actual, example.location)


def run_examples(pack: PolicyPack, policy_ids: set[str] | None = None) -> list[ExampleResult]:
    results: list[ExampleResult] = []
    for policy in pack.policies:
        if policy_ids is not None and policy.id not in policy_ids:
            continue
        results.extend(run_example(pack, policy, example) for example in policy.examples)
    return results
