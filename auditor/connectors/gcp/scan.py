"""One Google Cloud scan, start to end: projects -> Asset Inventory (or per-service listing) ->
scope -> deep reads -> the organisation's resource-location policy next to each store -> the grants
each store inherits from its organisation, folders and project -> what each custom role granted allows
-> whether Data Access audit logs record reads of each store -> the VPC Service Controls perimeters
around each.

Every failure is a coverage gap; only "no credential at all" or "nothing reachable" raises
``ConnectorError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from auditor import memory
from auditor.config import Config
from auditor.connectors.base import ScopeFilter, in_shard
from auditor.connectors.gcp import assets, auditlogs, inherited, projects, roles, vpcsc
from auditor.connectors.gcp.context import Scan
from auditor.connectors.gcp.service import Found, Service
from auditor.connectors.gcp.session import Session
from auditor.model.inventory import GapAspect, Inventory, Resource, Scope
from auditor.model.vocab import GapReason
from auditor.progress import Reporter, detail


def declared(services: Sequence[Service]) -> dict[str, str]:
    """Every REST method id the modules declare, with the IAM permission it needs."""
    out: dict[str, str] = {}
    for svc in (assets.SERVICE, inherited.SERVICE, projects.SERVICE, roles.SERVICE, auditlogs.SERVICE, vpcsc.SERVICE,
                *services):
        out.update(svc.operations)
    return dict(sorted(out.items()))


def run(session: Session, config: Config, reporter: Reporter, in_scope: ScopeFilter,
        services: Sequence[Service]) -> Inventory:
    started = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    memory.share_arenas()  # before the threads: they share two malloc arenas
    with ThreadPoolExecutor(max_workers=config.gcp.max_workers, thread_name_prefix="gcp") as pool:
        scan = Scan(config, session, pool)
        scan.projects = [p for p in projects.discover(scan) if in_shard(p.id, config.shard)]
        found = [f for f in assets.discover(scan, services) if in_shard(f.project, config.shard)]
        readers = {svc.name: svc for svc in services if svc.read is not None}
        task = reporter.task(f"{scan.provider} {len(scan.projects)} project(s)",
                             total=sum(1 for f in found if in_scope(f.candidate(scan.provider))))

        def read(f: Found) -> Resource:
            reader = readers[f.service].read
            assert reader is not None
            deep = in_scope(f.candidate(scan.provider))
            resource = reader(scan, f, deep)
            if deep:
                reporter.advance(task)
                allowed = projects.allowed_locations(scan, f.project)
                if allowed is not None:
                    resource = replace(resource, attributes={**resource.attributes, "allowed_locations": allowed})
            return resource

        resources = scan.map(read, found)
        reporter.done(task)
        for svc in services:
            if svc.link is not None:
                resources = svc.link(scan, resources)
        ancestors = inherited.read(scan)
        if ancestors is not None:
            resources = inherited.apply(scan, resources, ancestors)
        resources = roles.apply(scan, resources)
        resources = auditlogs.apply(scan, resources)
        resources = vpcsc.apply(scan, resources)
        missing = ("the organisation's, folders' and project's IAM policies could not be read: inherited grants are "
                   "unknown") if ancestors is None else None
        if missing is None and all(s.startswith("projects/") for s in assets.scopes(scan)):
            missing = ("projects scanned one by one: grants inherited from their folders and organisation are not "
                       "read (configure gcp.organization or gcp.folders instead of gcp.projects)")
        for r in resources if missing else ():  # each store read deeply lacks grants: its access checks cannot pass
            if r.attributes.get("depth") == "deep":
                scan.note(inherited.NAME, GapReason.NOT_READ, str(missing), project=r.account, resource=r.id,
                          aspect=GapAspect.ACCESS)
    detail(reporter, f"{scan.provider}: {sum(session.calls.values()):,} API calls "
                     f"({', '.join(f'{k} {v:,}' for k, v in sorted(session.calls.items()))})")
    return Inventory(
        resources=tuple(sorted(resources, key=lambda r: (r.account, r.service, r.id))),
        coverage_gaps=scan.gaps(),
        scope=Scope(providers=(scan.provider,), accounts=tuple(p.id for p in scan.projects),
                    regions=tuple(sorted({r.region for r in resources})),
                    organizations=(scan.organization,) if scan.organization else (), source=scan.provider,
                    names={p.id: p.name for p in scan.projects if p.name}),
        collected_at=started,
    )
