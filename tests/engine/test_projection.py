"""The CEL input a policy sees is what its parsed expressions read: every spelling of a read counts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.config import Config
from auditor.engine.celparse import parse
from auditor.engine.memo import stable_key
from auditor.engine.pack import load_pack
from auditor.engine.projection import Reads, reads
from auditor.model.findings import Status
from auditor.model.inventory import AccessGrant, DataLocation, GrantSource, Inventory, PrincipalKind, Resource
from auditor.pipeline import assess


@pytest.mark.parametrize(
    ("source", "fields", "keys"),
    [
        ('resource.access.exists(a, a["source"] == "acl")', {"access"}, {"source"}),
        ('resource["key"]["origin"] == "EXTERNAL"', {"key"}, {"origin"}),
        ("resource . key . origin == ''  // spaced out", {"key"}, {"origin"}),
        ('resource.access.exists(a, "condition" in a && has(a.home))', {"access"}, {"condition", "home"}),
        ("resource.access.exists(resource, resource.source == 'acl')", {"access"}, {"source"}),  # a shadowing name
        ("resource.jurisdiction.exposure.exists(q, resource.jurisdiction.qualification_gaps[q] != '')",
         {"jurisdiction"}, {"exposure", "qualification_gaps"}),  # a computed key on an untrimmed map
        ("resource.copies[0].region == ''", {"copies"}, {"region"}),
        # The word inside a string is not the variable: ACC-002 and ACC-004 were taken to read the whole
        # store (logging too), so a plan reported them "not assessable" for logging they never read.
        ('resource.access.exists(a, a.kind in ["foreign-resource"])', {"access"}, {"kind"}),
    ],
)
def test_reads_are_taken_from_the_tree(source: str, fields: set[str], keys: set[str]) -> None:
    assert reads(parse(source)) == Reads(frozenset(fields), frozenset(keys))


@pytest.mark.parametrize(
    ("source", "whole_resource", "any_key"),
    [
        ("size(resource) > 0", True, False),  # the resource passed whole
        ("resource[profile.id] == ''", True, False),  # a computed field
        ("resource.locations.exists(l, l[profile.id] == '')", False, True),  # a computed key on a trimmed map
    ],
)
def test_what_the_tree_cannot_name_keeps_everything(source: str, whole_resource: bool, any_key: bool) -> None:
    got = reads(parse(source))
    assert (got.fields is None) is whole_resource
    assert (got.keys is None) is any_key


def _policy(tmp_path: Path, condition: str) -> Path:
    (tmp_path / "XTR-010.yaml").write_text(f"""
id: XTR-010
category: access
title: {{en: t, fr: t}}
severity: high
scope: resource.health
condition: '{condition}'
message: {{en: m, fr: m}}
remediation: {{en: r, fr: r}}
examples:
  - {{name: a, expect: fail, resource: {{name: a, access: [{{principal: x, condition: c}}]}}}}
  - {{name: b, expect: pass, resource: {{name: b, access: []}}}}
""")
    return tmp_path


def _store(*conditions: str | None) -> Resource:
    return Resource(
        id=f"arn:aws:s3:::p-{len(conditions)}", provider="aws", account="111122223333", service="s3",
        kind="object-store", native_type="AWS::S3::Bucket", name=f"p-{len(conditions)}", region="eu-west-3",
        tags={"data-classification": "health"}, locations=(DataLocation("eu-west-3"),), logging=True,
        access=tuple(AccessGrant(f"arn:aws:iam::444455556666:role/r{i}", PrincipalKind.ROLE,
                                 source=GrantSource.BUCKET_POLICY, condition=c) for i, c in enumerate(conditions)))


@pytest.mark.parametrize("condition", ['resource.access.exists(a, a["condition"] != "")',
                                       'resource.access.exists(a, a.condition != "")',
                                       'resource.access.exists(a, "condition" in a && a["condition"] != "")'])
def test_index_syntax_decides_like_field_syntax(tmp_path: Path, condition: str) -> None:
    """No shipped policy reads a grant's ``condition``, so the input keeps it only if this policy's
    read is seen. ``a["condition"]`` used to be missed by the scan of the expression text: the key
    was trimmed away and the policy reported a false unknown. Every spelling now decides."""
    pack = load_pack([_policy(tmp_path, condition)])
    inv = Inventory(resources=(_store("aws:PrincipalOrgID=o-abc"), _store(None, None)))
    doc = assess(inv, Config(), pack=pack).doc
    got = {f.resource_id: f.status for f in doc.findings if f.policy_id == "XTR-010"}
    assert got == {"arn:aws:s3:::p-1": Status.FAIL}
    assert doc.passed["XTR-010"] == ("arn:aws:s3:::p-2",)


def test_the_memo_key_is_stable() -> None:
    """Equal content gives one key whatever order it was built in; different content never shares one."""
    a = {"region": "eu-west-3", "tags": {"x": "1", "y": "2"}, "access": [{"kind": "role", "home": ""}]}
    b = {"access": [{"home": "", "kind": "role"}], "tags": {"y": "2", "x": "1"}, "region": "eu-west-3"}
    assert stable_key(a) == stable_key(b)
    values = [1, True, "1", 1.0, None, "", [], {}, ["1"], {"1": 1}]
    assert len({stable_key({"v": v}) for v in values}) == len(values)
    assert stable_key({"v": "é"}) == '{"v":"é"}'  # no string is longer than the key (the input limits use it)


def test_a_rebuilt_store_shares_its_twins_verdict() -> None:
    one = _store("aws:SourceVpce=vpce-1")
    twin = replace(one, id="arn:aws:s3:::twin", name="twin")
    doc = assess(Inventory(resources=(one, twin)), Config()).doc
    by_store: dict[str, set[tuple[str, str]]] = {}
    for f in doc.findings:
        by_store.setdefault(f.resource_id, set()).add((f.policy_id, f.status.value))
    assert by_store.get(one.id) == by_store.get(twin.id)


_KEYS = st.sampled_from(["region", "role", "source", "condition", "home", "kind", "origin", "zone"])
_FIELDS = st.sampled_from(["locations", "copies", "access", "key", "primary", "tags", "network"])


@settings(max_examples=60, deadline=None)
@given(field=_FIELDS, keys=st.lists(_KEYS, min_size=1, max_size=4), spaces=st.sampled_from(["", " ", "\n  "]))
def test_dot_and_index_spellings_read_the_same(field: str, keys: list[str], spaces: str) -> None:
    dotted = " || ".join(f"resource{spaces}.{spaces}{field}.exists(x, x.{k} == '')" for k in keys)
    indexed = " || ".join(f'resource["{field}"].exists(x, x[{spaces}"{k}"] == "")' for k in keys)
    assert reads(parse(dotted)) == reads(parse(indexed)) == Reads(frozenset({field}), frozenset(keys))


_PLAIN = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                     max_size=3), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(value=st.dictionaries(st.text(max_size=4), _PLAIN, max_size=5))
def test_the_memo_key_ignores_the_order_maps_were_built_in(value: dict[str, object]) -> None:
    def reverse(v: object) -> object:
        if isinstance(v, dict):
            return {k: reverse(v[k]) for k in reversed(list(v))}
        if isinstance(v, list):
            return [reverse(i) for i in v]
        return v

    assert stable_key(value) == stable_key(reverse(value))  # type: ignore[arg-type]
