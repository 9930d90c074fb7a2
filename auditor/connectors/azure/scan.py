"""The Azure scan, start to end; the service modules hold the per-provider knowledge.

1. subscriptions (listed, configured or under a management group) and whether each is readable;
2. the tenant's EU Data Boundary and the cloud's region pairs;
3. one paged Resource Graph listing → ``Candidate``s → ``in_scope`` decides what is read deeply;
4. deep reads of in-scope resources (and of the stores they point at), in a bounded pool;
5. links across resources (backup vaults, CDN origins), who can reach each resource (role
   assignments, Lighthouse, then Microsoft Graph for guests and foreign apps).

Every failure along the way is a coverage gap; only "no credential" or "no endpoint" (nothing
at all can be read) raises ``ConnectorError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from auditor import memory
from auditor.config import Config
from auditor.connectors.azure import authorization, credentials, databoundary, graph, resourcegraph, subscriptions
from auditor.connectors.azure.context import Index, Row, Scan, base
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Link, Service, apply_links, namespace
from auditor.connectors.azure.session import CREDENTIAL, Session
from auditor.connectors.base import Candidate, ScopeFilter, in_shard
from auditor.connectors.spec import TypeSpec
from auditor.errors import ConnectorError
from auditor.model.inventory import Inventory, Resource, Scope
from auditor.model.vocab import GapReason
from auditor.progress import Reporter


def run(session: Session, config: Config, reporter: Reporter, in_scope: ScopeFilter,
        services: Sequence[Service], environ: Mapping[str, str] | None = None) -> Inventory:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    by_type = readers(services)
    scan = Scan(session=session, tenant=(config.azure.tenant or "").lower() or None, index=Index(()), pairs={})
    try:
        subs = [s for s in subscriptions.discover(session, config.azure, scan)
                if in_shard(s.id, config.shard)]  # --shard I/N: this runner's slice
    except ReadError as err:
        raise _fatal(err, session, environ) from None
    if not subs:  # nothing to read is not "nothing wrong": the run must say it saw nothing
        scan.unresolved(subscriptions.NAMESPACE, GapReason.NOT_READ,
                        "the credential sees no Azure subscription to audit")
        return Inventory(coverage_gaps=tuple(scan.gaps), collected_at=started,
                         scope=Scope(providers=("azure",), source="azure"))
    scan.tenant = scan.tenant or subs[0].tenant
    memory.share_arenas()  # before the threads: they share two malloc arenas
    with ThreadPoolExecutor(max_workers=config.azure.max_workers, thread_name_prefix="azure") as pool:
        boundary = pool.submit(databoundary.read, scan)
        pairs = pool.submit(subscriptions.pairs, session, subs[0], scan)
        open_subs = [s for s, ok in zip(subs, pool.map(lambda s: subscriptions.readable(session, s, scan), subs),
                                        strict=True) if ok]
        scan.pairs = pairs.result()
        listed = {*by_type, *(t.lower() for s in services for t in s.index)}
        scan.index = Index(resourcegraph.rows(session, scan, [s.id for s in open_subs], listed))
        access_jobs = {s.id: pool.submit(authorization.prepare, scan, s.id, s.managed_by) for s in open_subs}
        chosen = [row for row in scan.index.rows if _wanted(row, by_type, scan.index, in_scope)]
        resources = _read_all(scan, pool, reporter, chosen, by_type, open_subs)

        def read_row(row: Row) -> Resource:
            return _read_one(scan, row, by_type[row.type])

        for service in services:  # in order: a later module sees the holders an earlier one added
            if service.link is not None:
                resources = linked(resources, service.link(scan, resources, read_row, pool.map))
        accesses = {sub: job.result() for sub, job in access_jobs.items()}
        resources = {key: _with_access(scan, accesses.get(resource.account), resource)
                     for key, resource in resources.items()}
        resources = graph.enrich(scan, resources, pool.map)
        data_boundary = boundary.result()
    tenants = {s.id: s.tenant or scan.tenant for s in subs}  # a delegated subscription keeps its own tenant
    final = tuple(replace(r, organization=tenants.get(r.account, r.organization),
                          attributes={**r.attributes, "eu_data_boundary": data_boundary})
                  for r in sorted(resources.values(), key=lambda r: r.id.lower()))
    return Inventory(
        resources=final, coverage_gaps=tuple(scan.gaps), collected_at=started,
        scope=Scope(providers=("azure",), accounts=tuple(s.id for s in subs),
                    regions=tuple(sorted({r.region for r in final})),
                    organizations=(scan.tenant,) if scan.tenant else (), source="azure",
                    names={**subscriptions.tenant_names(session), **{s.id: s.name for s in subs if s.name}}),
    )


Reading = tuple[Service, TypeSpec]


def readers(services: Sequence[Service]) -> dict[str, Reading]:
    """Lower-case ARM type -> the service that reads it and its declaration (one service per type)."""
    by_type: dict[str, Reading] = {}
    for service in services:
        for spec in service.types:
            key = spec.native.lower()
            if service.read is None:
                raise ValueError(f"{service.name} declares {spec.native} but has no read")
            if key in by_type:
                raise ValueError(f"{spec.native} is declared by {by_type[key][0].name} and {service.name}")
            by_type[key] = (service, spec)
    return by_type


def linked(resources: Mapping[str, Resource], links: Sequence[Link]) -> dict[str, Resource]:
    """``resources`` with the links applied to their targets and the copies' holders added."""
    out = dict(resources)
    for link in links:
        if link.holder is not None:
            out.setdefault(link.holder.id.lower(), link.holder)
    by_target: dict[str, list[Link]] = {}
    for link in links:
        by_target.setdefault(link.target, []).append(link)
    for key, group in by_target.items():
        if key in out:
            out[key] = apply_links(out[key], group)
    return out


def _with_access(scan: Scan, access: authorization.Access | None, resource: Resource) -> Resource:
    if access is None:
        return resource
    return replace(resource, access=resource.access + authorization.grants(scan, access, resource),
                   evidence=resource.evidence + authorization.OPERATIONS[:3])


def _fatal(err: ReadError, session: Session, environ: Mapping[str, str] | None = None) -> ConnectorError:
    """Nothing could be read: say why, naming the real cause (a sign-in refused or unreachable is not
    "no credential")."""
    if err.reason == CREDENTIAL:
        refused = f": {err.message}" if "tokens are only asked of" in err.message else ""  # the origin rule said no
        given = credentials.found(environ)
        if given is None or refused:
            return ConnectorError("cloud.azure-no-credential", hint="hint.azure-sign-in", refused=refused)
        return ConnectorError("cloud.azure-sign-in", hint="hint.azure-authority", given=given,
                              cause=_cause(err.text()))
    return ConnectorError("cloud.azure-unreachable", hint="hint.azure-arm", endpoint=session.endpoints.arm,
                          error=err.text())


def _cause(text: str) -> str:
    """The SDK's message boiled down to its first informative line (it appends troubleshooting links)."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and "aka.ms" not in line]
    return " ".join(lines[:3])[:400] or "no detail given"


def _wanted(row: Row, by_type: Mapping[str, Reading], index: Index, in_scope: ScopeFilter) -> bool:
    reading = by_type.get(row.type)
    if reading is None:
        return False
    service, spec = reading
    if service.skip is not None and service.skip(row):
        return False
    tags = service.tags(row, index) if service.tags is not None else row.tags
    return in_scope(Candidate(provider="azure", kind=spec.kind, native_type=row.type, name=row.name, tags=tags))


def _read_one(scan: Scan, row: Row, reading: Reading) -> Resource:
    service, spec = reading
    if service.read is None:  # readers() refuses such a declaration: never reached
        raise TypeError(f"{service.name} declares {spec.native} but has no read")
    try:
        return service.read(scan, row)
    except ReadError as err:
        scan.failed(namespace(spec.native), err, account=row.subscription, region=row.location, resource_id=row.id)
        return base(row, namespace(spec.native), spec.kind, scan.tenant)


def _read_all(scan: Scan, pool: ThreadPoolExecutor, reporter: Reporter, rows: list[Row],
              by_type: Mapping[str, Reading], subs: Sequence[Any]) -> dict[str, Resource]:
    tasks = {s.id: reporter.task(f"azure {s.name or s.id}", total=sum(r.subscription == s.id for r in rows))
             for s in subs}

    def one(row: Row) -> Resource:
        resource = _read_one(scan, row, by_type[row.type])
        if row.subscription in tasks:
            reporter.advance(tasks[row.subscription])
        return resource

    resources = {r.id.lower(): r for r in pool.map(one, rows)}
    pointed = [scan.index.by_id[i] for i in sorted(scan.wanted) if i not in resources and i in scan.index.by_id
               and scan.index.by_id[i].type in by_type]
    resources.update({r.id.lower(): r for r in pool.map(one, pointed)})
    for task in tasks.values():
        reporter.done(task)
    return resources
