"""What a finding is about, when a resource's id does not last: its logical identity.

Some stores are re-created under a new id while staying the same thing: an EBS snapshot rotated
every night by a lifecycle policy, a data store re-created by its template. A finding on them must
keep its identity, or every rotation reads as "one new, one resolved" and people stop reading the
alerts. :func:`subject` names the logical thing (a snapshot by the volume it copies and whom it is
shared with; a health data store by its account, region and name); ``""`` means the resource id
already is the identity. :attr:`auditor.model.findings.Finding.key` uses it when set.

An account whose id does not last (an emulator makes up new member account ids on every start;
the AWS connector says so in ``Scope.account_keys``) is named by its Organizations email instead,
wherever its id appears in the resource's identity.

Backup copies need nothing here: they are ``backup`` locations of their source store, named by
their destination vault, not resources of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from auditor.model.findings import Finding
from auditor.model.inventory import Resource

_NO_VOLUME = "vol-ffffffff"  # what EC2 reports for a snapshot copied from another snapshot


def _snapshot(r: Resource) -> str:
    volume = str(r.attributes.get("volume_id") or "")
    if not volume or volume == _NO_VOLUME:
        volume = f"name={r.name}"
    shared = ",".join(sorted(str(p) for p in (r.attributes.get("create_volume_permissions") or ())))
    return f"aws:{r.account}:{r.region}:ebs-snapshot:{volume}:shared-with={shared or 'none'}"


def _by_name(r: Resource) -> str:
    return f"{r.provider}:{r.account}:{r.region}:{r.native_type}:{r.name}"


RULES: Mapping[str, Callable[[Resource], str]] = {
    "AWS::EC2::Snapshot": _snapshot,
    "AWS::HealthLake::FHIRDatastore": _by_name,  # its id is generated at creation; its name is chosen
    "AWS::HealthImaging::Datastore": _by_name,
    "AWS::Bedrock::ApplicationInferenceProfile": _by_name,  # its id is generated at creation; its name is chosen
}


def subject(resource: Resource) -> str:
    """The logical identity of ``resource``, or ``""`` when its id is one."""
    rule = RULES.get(resource.native_type)
    return rule(resource) if rule is not None else ""


def _renamed(identity: str, account_keys: Mapping[str, str]) -> str:
    for account, key in account_keys.items():
        if account and account in identity:
            identity = identity.replace(account, key)
    return identity


def identify(findings: Iterable[Finding], resources: Iterable[Resource],
             account_keys: Mapping[str, str] | None = None) -> tuple[Finding, ...]:
    """``findings`` with the logical identity of the resource each one is about.

    ``account_keys``: account id -> its lasting name (``Scope.account_keys``), put in place of the id.
    """
    keys = {k: v for k, v in (account_keys or {}).items() if k and v}
    subjects = {r.id: s for r in resources if (s := subject(r))}
    out: list[Finding] = []
    for f in findings:
        logical = subjects.get(f.resource_id, "")
        if keys:
            renamed = _renamed(logical or f.resource_id, keys)
            logical = renamed if renamed != f.resource_id else logical
        out.append(replace(f, subject=logical) if logical else f)
    return tuple(out)
