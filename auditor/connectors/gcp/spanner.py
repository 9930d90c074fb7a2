"""Spanner instances: the regions of their instance configuration, the databases' CMEK.

``instances.list`` answers each instance's ``config`` (``projects/P/instanceConfigs/regional-europe-west9``,
``…/eur3``, ``…/nam6``, or a custom configuration) and ``labels``; ``instanceConfigs.get`` answers the
configuration's ``replicas[]`` (``location``, ``type`` READ_WRITE/READ_ONLY/WITNESS,
``defaultLeaderLocation``): every replica's region holds the data, so no region is guessed from the
configuration's name (https://cloud.google.com/spanner/docs/reference/rest/v1/projects.instanceConfigs,
checked 2026-12-07). ``databases.list`` answers each database's ``encryptionConfig.kmsKeyName``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from auditor.connectors.gcp import iam
from auditor.connectors.gcp.service import Found, Service, listing_resource
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, Store
from auditor.connectors.terraform.resolve import Resolved
from auditor.model.inventory import DataLocation, GapAspect, KeyManager, KeyRef, LocationRole, Resource
from auditor.model.vocab import Kind, Via

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Project, Scan

NAME = "spanner"
ASSET = "spanner.googleapis.com/Instance"
OPERATIONS = {
    "spanner.projects.instances.list": "spanner.instances.list",
    "spanner.projects.instanceConfigs.get": "spanner.instanceConfigs.get",
    "spanner.projects.instances.databases.list": "spanner.databases.list",
}


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def config_region(config: str) -> str:
    """``…/instanceConfigs/regional-europe-west9`` -> ``europe-west9``; ``…/eur3`` -> ``eur3``."""
    short = config.rsplit("/", 1)[-1].lower()
    return short.removeprefix("regional-")


def _found(scan: Scan, project: str, data: Mapping[str, Any], evidence: str) -> Found:
    name = str(data.get("name") or "").rsplit("/", 1)[-1]
    config = str(data.get("config") or "")
    return Found(id=f"//spanner.{scan.session.endpoints.universe}/projects/{project}/instances/{name}", service=NAME,
                 kind=Kind.DATABASE, native_type=ASSET, name=name, project=project,
                 region=scan.region(config_region(config)) if config else "unknown", labels=_labels(data.get("labels")),
                 evidence=(evidence,), facts={"config": config})


def _instances(scan: Scan, project: str) -> dict[str, dict[str, Any]] | None:
    def listing() -> dict[str, dict[str, Any]] | None:
        items = scan.pages(NAME, "spanner.projects.instances.list", f"/v1/projects/{project}/instances", "instances",
                           project=project)
        return None if items is None else {str(i.get("name") or "").rsplit("/", 1)[-1]: i for i in items}

    return scan.once((NAME, project), listing)


def from_asset(scan: Scan, row: Mapping[str, Any]) -> Found | None:
    parts = str(row.get("name") or "").split("/")
    if len(parts) < 4 or parts[-2] != "instances":
        return None
    data = (_instances(scan, parts[-3]) or {}).get(parts[-1])
    if data is None:
        return Found(id=f"//spanner.{scan.session.endpoints.universe}/projects/{parts[-3]}/instances/{parts[-1]}",
                     service=NAME, kind=Kind.DATABASE, native_type=ASSET, name=parts[-1], project=parts[-3],
                     region=scan.region(row.get("location")), labels=_labels(row.get("labels")),
                     evidence=("cloudasset.searchAllResources",))
    return _found(scan, parts[-3], data, "cloudasset.searchAllResources")


def discover(scan: Scan, project: Project) -> list[Found]:
    return [_found(scan, project.id, d, "spanner.projects.instances.list")
            for d in (_instances(scan, project.id) or {}).values()]


def read(scan: Scan, found: Found, deep: bool) -> Resource:
    base = listing_resource(scan, found)
    config = str(found.facts.get("config") or "")
    if not deep or not config:
        return base
    cfg = scan.once(("spanner-config", config), lambda: scan.get(
        NAME, "spanner.projects.instanceConfigs.get", f"/v1/{config}", project=found.project, resource=found.id,
        aspect=GapAspect.LOCATION))
    evidence = [*found.evidence]
    locations = list(base.locations)
    region = found.region
    if cfg is not None:
        evidence.append("spanner.projects.instanceConfigs.get")
        replicas = [r for r in cfg.get("replicas") or () if isinstance(r, Mapping) and r.get("location")]
        leader = next((r for r in replicas if r.get("defaultLeaderLocation")), replicas[0] if replicas else None)
        if leader is not None:
            region = scan.region(leader.get("location"))
            locations = [DataLocation(region, LocationRole.PRIMARY)]
        for replica in replicas:
            if replica is not leader and replica.get("type") != "WITNESS":
                locations.append(DataLocation(scan.region(replica.get("location")), LocationRole.REPLICA,
                                              Via.SPANNER_REPLICA, via_detail=str(replica.get("type") or "")))
    key = _key(scan, found, region, evidence)
    return replace(base, region=region, locations=tuple(dict.fromkeys(locations)), encryption=key,
                   evidence=tuple(evidence), attributes={"depth": "deep", "instance_config": config})


def _key(scan: Scan, found: Found, region: str, evidence: list[str]) -> KeyRef | None:
    path = f"/v1/projects/{found.project}/instances/{found.name}/databases"
    databases = scan.pages(NAME, "spanner.projects.instances.databases.list", path, "databases",
                           project=found.project, resource=found.id, aspect=GapAspect.KEY)
    if databases is None:
        return None
    evidence.append("spanner.projects.instances.databases.list")
    keys = sorted({str((d.get("encryptionConfig") or {}).get("kmsKeyName") or "") for d in databases})
    custom = [k for k in keys if k]
    if custom and len(keys) == 1:
        return iam.key_ref(custom[0], scan.region, region)
    if custom:  # some databases use a customer key, others Google's: the weaker one decides
        return KeyRef(manager=KeyManager.PROVIDER, region=region, origin="google-managed (some databases)")
    return iam.key_ref(None, scan.region, region)


def instance(change: Change) -> Iterator[Fact]:
    config = change.text("config")
    region = Resolved(config_region(config), change.path("config")) if config else Resolved(
        "unknown", f"{change.path('config')} (unknown until apply)")
    yield Store(kind=Kind.DATABASE, service=NAME, name=change.planned_name("name"), region=region,
                evidence=(change.path("config"),))


SERVICE = Service(
    name=NAME, operations=OPERATIONS,
    types=(TypeSpec(Kind.DATABASE, ASSET, ("google_spanner_instance",)),),
    plan={"google_spanner_instance": instance},
    from_asset=from_asset, discover=discover, read=read,
)
