"""Cloud KMS keys: where the key ring is, how the key material is protected, which stores name it.

Each crypto key is a resource of its own (kind ``key``), found by Asset Inventory
(``cloudkms.googleapis.com/CryptoKey``) and, whatever the listing found, for every key a store
names (a key in another project, or when Asset Inventory could not be searched). Its place is its
key ring's location, which the key's name states (``projects/P/locations/L/keyRings/R/cryptoKeys/K``).

``cryptoKeys.get`` (https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys,
checked 2026-12-07) answers ``purpose``, ``primary`` (a ``CryptoKeyVersion`` with ``protectionLevel``
and ``state``), ``versionTemplate.protectionLevel``, ``cryptoKeyBackend`` and ``labels``.
Protection levels (https://cloud.google.com/kms/docs/reference/rest/v1/ProtectionLevel):
``SOFTWARE`` and ``HSM`` -> customer-managed (Cloud HSM is Google's shared, Google-operated HSM
service, not a dedicated one: the level is kept in ``attributes["protection_level"]``),
``EXTERNAL``/``EXTERNAL_VPC`` (Cloud External Key Manager: the material stays in a key manager
outside Google) -> external. The store's key reference takes
the key's manager, and the key lists the stores it protects (``attributes["protects"]``).
``cryptoKeys.getIamPolicy`` (a GET in Cloud KMS) answers who may use or manage the key: the grants
stay on the key (decrypting needs the data too), as for AWS KMS key policies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from auditor.connectors.gcp import iam
from auditor.connectors.gcp.service import Found, Service, listing_resource
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, KeyLink, Store
from auditor.connectors.terraform.resolve import Resolved
from auditor.model.inventory import GapAspect, KeyManager, KeyRef, Resource
from auditor.model.vocab import GrantSource, Kind

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Scan

NAME = "cloudkms"
ASSET = "cloudkms.googleapis.com/CryptoKey"
OPERATIONS = {
    "cloudkms.projects.locations.keyRings.cryptoKeys.get": "cloudkms.cryptoKeys.get",
    "cloudkms.projects.locations.keyRings.cryptoKeys.getIamPolicy": "cloudkms.cryptoKeys.getIamPolicy",
}
PROTECTION = {
    "SOFTWARE": KeyManager.CUSTOMER,
    "HSM": KeyManager.CUSTOMER,
    "EXTERNAL": KeyManager.EXTERNAL,
    "EXTERNAL_VPC": KeyManager.EXTERNAL,
}


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def key_path(name: str) -> str | None:
    """``//cloudkms.<universe>/projects/…/cryptoKeys/K[/cryptoKeyVersions/N]`` -> ``projects/…/cryptoKeys/K``."""
    parts = name.split("projects/", 1)
    if len(parts) != 2:
        return None
    path = "projects/" + parts[1].split("/cryptoKeyVersions")[0].rstrip("/")
    bits = path.split("/")
    if len(bits) != 8 or (bits[2], bits[4], bits[6]) != ("locations", "keyRings", "cryptoKeys"):
        return None
    return path


def _found(scan: Scan, path: str, labels: Mapping[str, str], evidence: str, project: str | None = None) -> Found:
    bits = path.split("/")
    return Found(id=f"//cloudkms.{scan.session.endpoints.universe}/{path}", service=NAME, kind=Kind.KEY,
                 native_type=ASSET, name=f"{bits[5]}/{bits[7]}", project=project or bits[1],
                 region=scan.region(bits[3]), labels=dict(labels), evidence=(evidence,),
                 facts={"key_ring": "/".join(bits[:6]), "key_ring_location": bits[3]})


def from_asset(scan: Scan, row: Mapping[str, Any]) -> Found | None:
    path = key_path(str(row.get("name") or ""))
    if path is None:
        return None
    return _found(scan, path, _labels(row.get("labels")), "cloudasset.searchAllResources",
                  scan.project_id(row.get("project")))


def read(scan: Scan, found: Found, deep: bool) -> Resource:
    base = listing_resource(scan, found, protects=[])
    if not deep:
        return base
    path = found.id.split("/", 3)[3]
    data = scan.get(NAME, "cloudkms.projects.locations.keyRings.cryptoKeys.get", f"/v1/{path}",
                    project=found.project, resource=found.id)
    if data is None:
        return replace(base, attributes={**base.attributes, "unreadable": True})
    evidence = [*found.evidence, "cloudkms.projects.locations.keyRings.cryptoKeys.get"]
    primary = data.get("primary") or {}
    level = str(primary.get("protectionLevel") or (data.get("versionTemplate") or {}).get("protectionLevel")
                or "SOFTWARE")
    access = []
    policy = scan.get(NAME, "cloudkms.projects.locations.keyRings.cryptoKeys.getIamPolicy", f"/v1/{path}:getIamPolicy",
                      project=found.project, resource=found.id, aspect=GapAspect.ACCESS)
    if policy is not None:
        evidence.append("cloudkms.projects.locations.keyRings.cryptoKeys.getIamPolicy")
        access = iam.policy_grants(policy, GrantSource.KEY_POLICY, scan.organization, scan.config.gcp.domains)
    manager = PROTECTION.get(level, KeyManager.UNKNOWN)
    return replace(
        base, access=tuple(access), evidence=tuple(evidence), tags=_labels(data.get("labels")) or dict(found.labels),
        encryption=KeyRef(manager, key_id=path, region=found.region, origin=f"cloudkms {level}"),
        attributes={
            "depth": "deep", **found.facts, "protection_level": level,
            "key_manager": str(manager), "purpose": data.get("purpose"),
            "primary_state": primary.get("state"), "backend": data.get("cryptoKeyBackend"),
            "rotation_period": data.get("rotationPeriod"), "protects": [],
        },
    )


def link(scan: Scan, resources: Sequence[Resource]) -> list[Resource]:
    """Read every key a store names (once), list on each key the stores it protects, and give each store's
    key reference its key's manager (HSM, external) and place."""
    named: dict[str, list[str]] = {}
    for r in resources:
        path = key_path(r.encryption.key_id or "") if r.encryption is not None and r.kind is not Kind.KEY else None
        if path is not None:
            named.setdefault(path, []).append(r.id)
    keys = {key_path(r.id) or r.id: r for r in resources if r.service == NAME}
    todo = [p for p in named if p not in keys or (keys[p].attributes.get("depth") != "deep"
                                                  and not keys[p].attributes.get("unreadable"))]
    for path, resource in zip(todo, scan.map(lambda p: read(scan, _found(scan, p, keys[p].tags if p in keys else {},
                                                                          "named by a store"), True), todo),
                              strict=True):
        keys[path] = resource
    out: list[Resource] = []
    for r in resources:
        if r.service == NAME:
            continue
        path = key_path(r.encryption.key_id or "") if r.encryption is not None else None
        key = keys.get(path) if path is not None and r.kind is not Kind.KEY else None
        manager = key.attributes.get("key_manager") if key is not None else None
        if key is not None and r.encryption is not None and manager:
            r = replace(r, encryption=replace(r.encryption, manager=KeyManager(manager),
                                              origin=f"cloudkms {key.attributes.get('protection_level')}"))
        out.append(r)
    for path, key in keys.items():
        out.append(replace(key, attributes={**key.attributes, "protects": sorted(named.get(path, ()))}))
    return out


# ---- plans -----------------------------------------------------------------------------------------


def key_ring(change: Change) -> Iterator[Fact]:
    name = change.text("name")
    yield Store(kind=Kind.KEY, service=NAME, name=change.planned_name("name"),
                key=KeyLink(KeyManager.CUSTOMER, key_id=name, evidence=change.path("name")),
                identities=(f"kms:{name}",) if name else (), evidence=(change.path("location"),))


def crypto_key(change: Change) -> Iterator[Fact]:
    """``google_kms_crypto_key``: where its key ring is (``key_ring`` =
    ``projects/P/locations/L/keyRings/R``, or a reference to a planned ring), its protection level."""
    ring = change.text("key_ring")
    refs = change.refs("key_ring")
    if ring and ring.count("/") == 5:
        region = Resolved(ring.split("/")[3].lower(), change.path("key_ring"))
    elif refs:
        region = change.region_of(refs[0])
    else:
        region = Resolved("unknown", f"{change.path('key_ring')} (unknown until apply)")
    name = change.text("name")
    planned_ring = change.other(refs[0]) if refs else None
    ring_name = ring.rsplit("/", 1)[-1] if ring else planned_ring.text("name") if planned_ring else None
    level = change.text("version_template", 0, "protection_level") or "SOFTWARE"
    manager = PROTECTION.get(level, KeyManager.UNKNOWN)
    key_id = f"{ring}/cryptoKeys/{name}" if ring and name else None
    shown = f"{ring_name}/{name}" if ring_name and name else change.planned_name("name")  # as a live scan names it
    yield Store(kind=Kind.KEY, service=NAME, name=shown, region=region,
                key=KeyLink(manager, key_id=key_id, evidence=change.path("version_template")),
                identities=(f"kms:{key_id}",) if key_id else (),
                attributes={"protection_level": level, "purpose": change.get("purpose"),
                            "key_ring": ring},
                evidence=(change.path("key_ring"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS,
    types=(TypeSpec(Kind.KEY, ASSET, ("google_kms_crypto_key", "google_kms_key_ring")),),
    plan={"google_kms_key_ring": key_ring, "google_kms_crypto_key": crypto_key},
    from_asset=from_asset, read=read, link=link,
)
