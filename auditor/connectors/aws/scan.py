"""One AWS scan, start to end: accounts -> cheap listing -> scope -> deep reads -> keys.

1. who we are (``GetCallerIdentity``), the organisation, the accounts (``AssumeRole``) and their
   enabled regions;
2. every service module's ``discover``: names, regions, tags;
3. ``in_scope`` (built by the pipeline from the classification rules) picks the stores read
   deeply; the others keep their listing facts only;
4. deep reads on the bounded pool; stores holding copies of in-scope data (replica
   destinations) are read deeply as well, until no new one appears;
5. links: what one module knows about another's stores (edge caches, backup copies);
6. the KMS keys those stores name, once each, in their own region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from auditor import memory
from auditor.config import Config
from auditor.connectors.aws import accounts, calls, config_fast, kms
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Link, Read, Service, apply_links
from auditor.connectors.aws.session import Clients
from auditor.connectors.aws.workers import Pool
from auditor.connectors.base import ScopeFilter
from auditor.model.inventory import Inventory, Resource, Scope
from auditor.progress import Reporter, detail


def declared(services: Sequence[Service]) -> dict[str, str]:
    """Every operation the registry declares, with its IAM action."""
    out: dict[str, str] = {}
    for svc in services:
        out.update(svc.operations)
    return dict(sorted(out.items()))


def run(config: Config, reporter: Reporter, in_scope: ScopeFilter, services: Sequence[Service]) -> Inventory:
    counter = calls.start_scan()
    workers = config.aws.max_workers
    memory.share_arenas()  # before the threads: they share two malloc arenas
    with Pool(workers, "aws") as pool:
        scan = Scan(config, Clients(declared(services), counter, workers), pool)
        scan.backed_up = frozenset(svc.name for svc in services if svc.backup)
        base = accounts.identify(scan)
        scan.partition = base.partition
        scan.organization = accounts.organization(scan, base)
        scan.accounts = accounts.open_accounts(scan, base)
        found = _discover_all(scan, services)
        readers = {svc.name: svc for svc in services if svc.read is not None}
        reads = _read_all(scan, reporter, readers, found, in_scope)
        found.clear()  # every listing fact is in a resource now: the listing's own objects go before the end
        reads = _linked(scan, services, reads)
        resources = _with_keys(scan, reads)
    detail(reporter, calls.summary(counter.snapshot(), config.lang))  # --verbose only
    return Inventory(
        resources=tuple(sorted(resources, key=lambda r: (r.account, r.service, r.id))),
        coverage_gaps=scan.gaps(),
        scope=Scope(
            providers=("aws",),
            accounts=tuple(a.id for a in scan.accounts),
            regions=tuple(sorted({r for a in scan.accounts for r in a.regions}
                                 | {r.region for r in resources if r.region != "unknown"})),
            organizations=(scan.organization,) if scan.organization else (),
            source="aws",
            names={a.id: a.name for a in scan.accounts if a.name},  # Organizations ListAccounts names
            account_keys=accounts.account_keys(scan, scan.accounts),  # emails, when ids are an emulator's
        ),
        collected_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    )


def _discover_all(scan: Scan, services: Sequence[Service]) -> list[Found]:
    """Every module's listing at the same time, in the registry's order in the result.

    Each ``discover`` runs on its own orchestrating thread (never on the worker pool, which its
    ``scan.map`` calls fill), after the modules named in its ``after``: one service's listing waits
    for no unrelated one, and the pool stays busy from the first listing to the last.
    """
    listing = [svc for svc in services if svc.discover is not None]
    done: dict[str, Future[list[Found]]] = {svc.name: Future() for svc in listing}

    def one(svc: Service) -> None:
        try:
            for name in svc.after:
                if name in done:
                    done[name].exception()  # waits; a failed listing fails the scan below, once
            assert svc.discover is not None
            done[svc.name].set_result(svc.discover(scan))
        except BaseException as exc:
            done[svc.name].set_exception(exc)

    with ThreadPoolExecutor(max_workers=len(listing) or 1, thread_name_prefix="aws-list") as orchestrators:
        list(orchestrators.map(one, listing))
    return [f for svc in listing for f in done[svc.name].result()]


def _read_all(scan: Scan, reporter: Reporter, readers: dict[str, Service], found: list[Found],
              in_scope: ScopeFilter) -> dict[str, Read]:
    by_arn = {f.arn: f for f in found}
    deep = {f.arn for f in found if in_scope(f.candidate())}
    config_fast.prefetch(scan, reporter, [by_arn[a] for a in sorted(deep)])  # off unless aws.config_aggregator
    tasks = {a.id: reporter.task(f"AWS {a.id}" + (f" ({a.name})" if a.name else ""),
                                 total=sum(1 for f in found if f.account == a.id and f.arn in deep))
             for a in scan.accounts}

    counted = set(deep)

    def read(f: Found, is_deep: bool) -> Read:
        reader = readers[f.service].read
        assert reader is not None
        result = reader(scan, f, is_deep)
        if f.arn in counted and f.account in tasks:
            reporter.advance(tasks[f.account])
        return result

    reads = {f.arn: read(f, False) for f in found if f.arn not in deep}
    batch = [by_arn[a] for a in deep]
    copy_of: dict[str, set[str]] = {}
    while batch:
        for f, result in zip(batch, scan.map(lambda f: read(f, True), batch), strict=True):
            reads[f.arn] = result
            for target in result.copies:
                copy_of.setdefault(target, set()).add(f.arn)
        new = sorted({t for r in (reads[f.arn] for f in batch) for t in r.copies if t in by_arn} - deep)
        deep.update(new)  # out of scope themselves, but they hold copies of in-scope bytes
        batch = [by_arn[a] for a in new]
    for task in tasks.values():
        reporter.done(task)
    for target, sources in copy_of.items():
        if target in reads:
            res = reads[target].resource
            attrs = {**res.attributes, "copy_of": sorted(sources)}
            reads[target] = replace(reads[target], resource=replace(res, attributes=attrs))
    return reads


def _linked(scan: Scan, services: Sequence[Service], reads: dict[str, Read]) -> dict[str, Read]:
    """Each module's links, in registry order, applied to the stores they name."""
    for svc in services:
        if svc.link is None:
            continue
        links: dict[str, list[Link]] = {}
        for lk in svc.link(scan, {arn: r.resource for arn, r in reads.items()}):
            if lk.target in reads:
                links.setdefault(lk.target, []).append(lk)
        for arn, found in links.items():
            reads[arn] = replace(reads[arn], resource=apply_links(reads[arn].resource, found))
    return reads


def _with_keys(scan: Scan, reads: dict[str, Read]) -> list[Resource]:
    """Resolve each named KMS key once and put it on the stores; add customer keys as resources."""
    resolved = kms.resolve(scan, [r.key for r in reads.values() if r.key is not None])
    users: dict[str, list[str]] = {}
    resources: dict[str, Resource] = {}
    for arn, r in reads.items():
        res = r.resource
        if r.key is not None:
            key = resolved[r.key]
            res = replace(res, encryption=key.key)
            if key.resource is not None:
                users.setdefault(key.resource.id, []).append(arn)
        resources[arn] = res
    for key in resolved.values():
        if key.resource is not None:
            withuse = kms.protecting(key, users.get(key.resource.id, []))
            assert withuse.resource is not None
            resources[withuse.resource.id] = withuse.resource
    return list(resources.values())
