"""The report's view-model, built once from a FindingsDoc and shared by the HTML and Markdown renderers.

Everything a reader sees is decided here (order, grouping, verdict, what is outside the zone); the
templates only lay it out. Strings from the cloud stay plain ``str``: the templates escape them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from auditor.engine.waivers import WaiverUse, coverage
from auditor.geo.factsheet import oldest_fact_check
from auditor.model.findings import Finding, FindingsDoc, Run, Severity, Status
from auditor.model.inventory import DataLocation, KeyRef, Relation, Resource
from auditor.model.registers import Registers
from auditor.render import dates, geomap, registers, summary
from auditor.render.base import RenderOptions, account_label, finding_order, framework_of, passes, pick
from auditor.render.frameworks import FrameworkView, RefView, build_frameworks, references
from auditor.render.trend import SinceView, TrendView, build_since, build_trend, changes
from auditor.results.gate import counts as gate_counts
from auditor.results.gate import verdict as gate_verdict


@dataclass(frozen=True, slots=True)
class FindingView:
    anchor: str
    f: Finding
    title: str
    message: str
    remediation: str
    resource_name: str
    country_name: str
    dataset: str | None  # anchor of the dataset card, when the resource has one
    fw: str  # space-separated framework names, for the filters
    refs: tuple[RefView, ...]
    new: bool  # not open in the previous run (only when a previous run was given)


@dataclass(frozen=True, slots=True)
class PolicyGroup:
    policy_id: str
    title: str
    severity: Severity
    remediation: str  # shown once when every finding of the group shares it
    refs: tuple[RefView, ...]
    rows: tuple[FindingView, ...]


@dataclass(frozen=True, slots=True)
class LocationView:
    role: str
    region: str
    country: str
    country_name: str
    zone: str
    via: str
    target: str
    account: str
    outside: bool
    via_detail: str = ""


@dataclass(frozen=True, slots=True)
class KeyView:
    manager: str
    key_id: str
    origin: str
    locations: tuple[LocationView, ...]
    outside: bool


@dataclass(frozen=True, slots=True)
class GrantView:
    principal: str
    kind: str
    relation: str
    permission: str
    source: str
    condition: str
    home: str
    concern: bool  # public, or outside the organisation and the trusted list, or unknown
    name: str = ""  # the principal's display name (Entra displayName, IAM role or user name), when known


@dataclass(frozen=True, slots=True)
class DatasetView:
    anchor: str
    r: Resource
    health: bool
    label: str
    rule: str
    locations: tuple[LocationView, ...]
    key: KeyView | None
    grants: tuple[GrantView, ...]
    findings: tuple[FindingView, ...]  # fail, unknown, waived
    passed: int
    worst: str  # worst severity among failing/unknown findings, "" when none
    rank: int  # its rank (critical 4 … info 0), -1 when none: for sorting
    sevs: str  # space-separated severities of its open findings, for the filters
    fw: str
    state: str = "compliant"  # noncompliant | unassessed | review | compliant (see render/summary.py)
    todo: tuple[tuple[int, str], ...] = ()  # (number of the page-one action, 0 if none; remediation), worst first
    laws: tuple[tuple[str, tuple[str, ...]], ...] = ()  # legal references of its failing findings, by framework
    account: str = ""  # its account/subscription id with the display name, when known


@dataclass(frozen=True, slots=True)
class Counts:
    failing: Mapping[str, int]  # severity -> failing findings
    failed: int
    unknown: int
    waived: int
    passed: int
    gaps: int


@dataclass(frozen=True, slots=True)
class MetaView:
    """Who audited what, when: the printed report's header, method section and signature block."""

    organization: str
    scope_statement: str
    author: str
    approver: str
    started: str  # in the reader's time zone and language
    finished: str


@dataclass(frozen=True, slots=True)
class ReportView:
    lang: str
    verdict: str  # compliant | non-compliant | incomplete
    incomplete: bool  # unknown findings or coverage gaps (also shown when non-compliant)
    counts: Counts
    score: int | None  # percent; the template prints the formula next to it
    run: Run
    date: str
    scope: Mapping[str, tuple[str, ...]]  # providers, accounts, regions
    datasets: tuple[DatasetView, ...]  # health datasets, worst first
    others: tuple[DatasetView, ...]  # other data stores
    groups: tuple[PolicyGroup, ...]  # failing findings by severity, grouped by policy
    passes: tuple[tuple[str, str, int], ...]  # (policy id, title, resources passing)
    waived: tuple[FindingView, ...]
    unknown: tuple[FindingView, ...]
    unknown_groups: tuple[PolicyGroup, ...]  # the same, grouped by policy
    gaps: tuple[Mapping[str, str], ...]
    frameworks: tuple[FrameworkView, ...]
    map: geomap.MapView
    since: SinceView | None
    trend: TrendView | None
    findings_sha256: str | None
    catalog_checked: str  # oldest check day of the qualification and adequacy catalog (Method section)
    catalog_age_days: int | None  # days between that check and the report's date
    providers: tuple[str, ...]
    framework_names: tuple[str, ...]
    total: int  # findings in the document
    summary: summary.SummaryView
    noncompliant: tuple[DatasetView, ...]  # health datasets with a blocking failure: one sheet each
    annex: tuple[DatasetView, ...]  # the other health datasets: one annex row each
    timezone: str
    meta: MetaView
    registers: Registers
    waivers: tuple[WaiverUse, ...] = ()  # each waiver that applied, with how many findings it covers

    def label(self, ident: str | None) -> str:
        """An account, subscription or tenant id with its display name: ``123456789012 (loire-production)``."""
        return account_label(ident, self.run.names)


def principal_name(grant_name: str | None, principal: str) -> str:
    """The display name read from the directory, else an IAM role or user's name from its ARN."""
    if grant_name:
        return grant_name
    if principal.startswith("arn:") and ":iam::" in principal:
        kind, _, rest = principal.rsplit(":", 1)[-1].partition("/")
        if kind in ("role", "user", "group", "assumed-role") and rest:
            return rest.rsplit("/", 1)[-1] if kind != "assumed-role" else rest
    return ""


def is_outside(zone: str, country: str, run: Run) -> bool:
    """Outside what the profile allows; an unknown place is always outside (never compliant)."""
    if zone == "unknown" or not zone:
        return True
    if run.allowed_countries:
        return country.upper() not in {c.upper() for c in run.allowed_countries}
    if run.allowed_zones:
        return zone not in run.allowed_zones
    return zone == "third"


def _location(loc: DataLocation, run: Run, lang: str) -> LocationView:
    zone = loc.zone.value if loc.zone else "unknown"
    country = loc.country or ""
    return LocationView(loc.role.value, loc.region, country, geomap.country_name(country, lang), zone,
                        loc.via or "", loc.target or "", loc.account or "", is_outside(zone, country, run),
                        loc.via_detail or "")


def _key(key: KeyRef, run: Run, lang: str) -> KeyView:
    if key.locations:
        locs = tuple(_location(loc, run, lang) for loc in key.locations)
    elif key.region:
        zone = key.zone.value if key.zone else "unknown"
        country = key.country or ""
        locs = (LocationView("primary", key.region, country, geomap.country_name(country, lang), zone, "", "", "",
                             is_outside(zone, country, run)),)
    else:
        locs = ()
    return KeyView(key.manager.value, key.key_id or "", key.origin or "", locs, any(x.outside for x in locs))


def _grants(r: Resource, names: Mapping[str, str] | None = None) -> tuple[GrantView, ...]:
    """Who can reach ``r``; ``names``: account/tenant id -> its name (``run.names``), shown next to a home."""
    out = []
    for g in r.access:
        relation = g.relation.value if g.relation else "unknown"
        concern = g.relation in (None, Relation.PUBLIC, Relation.EXTERNAL, Relation.UNKNOWN) or (
            g.principal_kind.value in ("public", "any-authenticated"))
        out.append(GrantView(g.principal, g.principal_kind.value, relation, g.permission.value, g.source,
                             g.condition or "", account_label(g.home, names or {}), concern,
                             principal_name(g.name, g.principal)))
    order = {"public": 0, "external": 1, "unknown": 2, "trusted": 3, "internal": 4}
    return tuple(sorted(out, key=lambda g: (order.get(g.relation, 5), g.principal, g.source)))


@cache
def _fw(refs: tuple[str, ...]) -> str:
    """Framework names of some refs, space-separated (findings of one policy share their refs: cached)."""
    return " ".join(sorted({framework_of(r) for r in refs}))


def build(doc: FindingsDoc, options: RenderOptions) -> ReportView:
    lang, run = options.lang, doc.run
    names = {r.id: r.name or r.id for r in doc.resources}
    ordered = sorted(doc.findings, key=finding_order)
    health_first = sorted(doc.resources, key=lambda r: (not _health(r), r.name, r.id))
    by_resource: dict[str, list[Finding]] = defaultdict(list)
    for f in ordered:
        by_resource[f.resource_id].append(f)
    anchors = {r.id: f"d{i}" for i, r in enumerate(health_first)}
    change = changes(options.previous, doc)
    new_keys = {f.key for f in change.new_findings} if change is not None else set()
    legal = references(doc.controls, lang)
    passed_by_resource: Counter[str] = Counter(rid for _, rid in passes(doc))

    refs: dict[tuple[str, ...], tuple[RefView, ...]] = {}  # findings of one policy share their refs
    views: dict[int, FindingView] = {}
    for i, f in enumerate(ordered):
        if f.frameworks not in refs:
            refs[f.frameworks] = tuple(legal.get(ref, RefView(ref, "", "")) for ref in f.frameworks)
        views[id(f)] = FindingView(
            f"f{i}", f, pick(f.title, lang), pick(f.message, lang), pick(f.remediation, lang),
            names.get(f.resource_id, f.resource_id), geomap.country_name(f.country, lang), anchors.get(f.resource_id),
            _fw(f.frameworks), refs[f.frameworks],
            f.key in new_keys)

    datasets = []
    for r in health_first:
        fs = by_resource.get(r.id, [])
        open_ = [views[id(f)] for f in fs if f.status is not Status.PASS]
        worst = next((f.severity.value for f in fs if f.status in (Status.FAIL, Status.UNKNOWN)), "")
        cls = r.classification
        datasets.append(DatasetView(
            anchors[r.id], r, _health(r), cls.label if cls else "", cls.rule if cls else "",
            tuple(_location(loc, run, lang) for loc in r.locations),
            _key(r.encryption, run, lang) if r.encryption else None, _grants(r, run.names), tuple(open_),
            passed_by_resource[r.id], worst, Severity(worst).rank if worst else -1,
            " ".join(sorted({v.f.severity.value for v in open_})),
            " ".join(sorted({name for v in open_ for name in v.fw.split()})),
            account=account_label(r.account, run.names)))
    sheet = summary.build([_state_of(d) for d in datasets if d.health], run.fail_on)
    states = {a: k for k, anchors in (("noncompliant", sheet.noncompliant), ("unassessed", sheet.unassessed),
                                      ("review", sheet.review)) for a in anchors}
    actions = {a.remediation: i for i, a in reversed(list(enumerate(sheet.plan, start=1)))}
    datasets = [_finish(d, states.get(d.anchor, "compliant"), actions) for d in datasets]
    worst_first = sorted(datasets, key=lambda d: (not d.health, _rank(d.worst), d.r.name, d.r.id))

    failing, unknown_n, waived_n = gate_counts(ordered)
    passed = sum(passed_by_resource.values())
    evaluated = passed + sum(failing.values()) + unknown_n
    counts = Counts(failing, sum(failing.values()), unknown_n, waived_n, passed, len(doc.coverage_gaps))
    incomplete = bool(unknown_n or doc.coverage_gaps)

    catalog_checked = oldest_fact_check()
    return ReportView(
        lang=lang,
        verdict=gate_verdict(doc).value,
        incomplete=incomplete,
        counts=counts,
        score=round(100 * passed / evaluated) if evaluated else None,
        run=run,
        date=dates.long(options.generated_at or run.finished or run.started, lang, options.timezone),
        scope=_scope(doc),
        datasets=tuple(d for d in worst_first if d.health),
        others=tuple(d for d in worst_first if not d.health),
        groups=_groups(views[id(f)] for f in ordered if f.status is Status.FAIL),
        passes=_passes(doc, lang),
        waived=tuple(views[id(f)] for f in ordered if f.status is Status.WAIVED),
        waivers=coverage(ordered),
        unknown=tuple(views[id(f)] for f in ordered if f.status is Status.UNKNOWN),
        unknown_groups=_groups(views[id(f)] for f in ordered if f.status is Status.UNKNOWN),
        gaps=tuple(_gap_row(g) for g in sorted(doc.coverage_gaps, key=lambda g: (
            g.provider, g.account or "", g.region or "", g.service, g.resource_id or "", g.reason))),
        frameworks=build_frameworks(doc.controls, ordered, Counter(pid for pid, _ in passes(doc)), lang),
        map=geomap.build(_placements(worst_first, run), lang),
        since=build_since(change, [views[id(f)] for f in ordered], lang),
        trend=build_trend(options.trend, failing, unknown_n, run),
        findings_sha256=options.findings_sha256,
        catalog_checked=catalog_checked,
        catalog_age_days=_age_days(catalog_checked, options.generated_at or run.finished or run.started),
        providers=tuple(sorted({r.provider for r in doc.resources} | {f.provider for f in doc.findings})),
        framework_names=tuple(sorted({framework_of(x) for f in doc.findings for x in f.frameworks})),
        total=len(doc.findings),
        summary=sheet,
        noncompliant=tuple(d for d in worst_first if d.health and d.state == "noncompliant"),
        annex=tuple(d for d in worst_first if d.health and d.state != "noncompliant"),
        timezone=options.timezone,
        registers=registers.build(doc, options),
        meta=MetaView(options.organization or run.organization_name or "", options.scope_statement or "",
                      options.author or "",
                      options.approver or "", dates.long(run.started, lang, options.timezone),
                      dates.long(run.finished, lang, options.timezone)),
    )


def _age_days(checked: str, when: str | None) -> int | None:
    """Whole days from the catalog's oldest check to the report's date (``None`` when either is unreadable)."""
    try:
        return (date.fromisoformat((when or "")[:10]) - date.fromisoformat(checked)).days
    except ValueError:
        return None


def _state_of(d: DatasetView) -> summary.DatasetState:
    return summary.DatasetState(d.anchor, d.r.name or d.r.id, d.r.provider, d.r.tags,
                                [(v.f.policy_id, v.f.status, v.f.severity, v.title, v.remediation) for v in d.findings])


# Vendor control cross-walks (AWS Control Tower, Azure sovereignty policies): how a finding maps to a
# provider's own controls, not a legal text. A dataset sheet's "legal basis" and the printed framework
# matrix show the legal frameworks; the cross-walks stay on screen and in findings.json.
CROSSWALKS = frozenset({"AWS-CT", "Azure-Sovereignty"})


def _finish(d: DatasetView, state: str, actions: Mapping[str, int]) -> DatasetView:
    failing = [v for v in d.findings if v.f.status is Status.FAIL]
    laws: dict[str, set[str]] = defaultdict(set)
    for ref in {ref.ref for v in failing for ref in v.refs}:
        name, _, control = ref.partition(":")
        if name not in CROSSWALKS:
            laws[name].add(control or name)
    todo = tuple((actions.get(r, 0), r) for r in dict.fromkeys(v.remediation for v in failing if v.remediation))
    return replace(d, state=state, todo=todo, laws=tuple((k, tuple(sorted(laws[k]))) for k in sorted(laws)))


def _health(r: Resource) -> bool:
    return bool(r.classification and r.classification.health)


def _rank(sev: str) -> int:
    return -Severity(sev).rank if sev else 1


def _scope(doc: FindingsDoc) -> dict[str, tuple[str, ...]]:
    run = doc.run
    return {
        "providers": run.providers or tuple(sorted({r.provider for r in doc.resources})),
        "accounts": tuple(account_label(a, run.names)
                          for a in (run.accounts or tuple(sorted({r.account for r in doc.resources})))),
        "regions": run.regions or tuple(sorted({r.region for r in doc.resources})),
    }


def _groups(rows: Iterable[FindingView]) -> tuple[PolicyGroup, ...]:
    grouped: dict[tuple[int, str], list[FindingView]] = defaultdict(list)
    for v in rows:
        grouped[(-v.f.severity.rank, v.f.policy_id)].append(v)
    out = []
    for (_, policy_id), members in sorted(grouped.items()):
        remediations = {m.remediation for m in members}
        refs = {ref.ref: ref for m in members for ref in m.refs}
        out.append(PolicyGroup(policy_id, members[0].title, members[0].f.severity,
                               remediations.pop() if len(remediations) == 1 else "",
                               tuple(refs[k] for k in sorted(refs)), tuple(members)))
    return tuple(out)


def _passes(doc: FindingsDoc, lang: str) -> tuple[tuple[str, str, int], ...]:
    counted: Counter[str] = Counter(pid for pid, _ in passes(doc))
    titles: dict[str, str] = {}
    for f in sorted(doc.findings, key=finding_order):
        titles.setdefault(f.policy_id, pick(f.title, lang))
    return tuple((pid, titles.get(pid, ""), n) for pid, n in sorted(counted.items()))


def _gap_row(g: object) -> dict[str, str]:
    fields = ("provider", "account", "region", "service", "resource_id", "reason", "error")
    return {name: str(getattr(g, name) or "") for name in fields}


def _placements(datasets: Iterable[DatasetView], run: Run) -> list[geomap.Placement]:
    chosen = [d for d in datasets if d.health]
    out = []
    for d in chosen:
        primary = next((loc.country for loc in d.locations if loc.role == "primary" and loc.country), None)
        primary = primary or next((loc.country for loc in d.locations if loc.country), None)
        for loc in d.locations:
            out.append(geomap.Placement(d.r.id, loc.role, loc.country or None, loc.zone, loc.outside, primary))
        if d.key is not None:
            for loc in d.key.locations:
                out.append(geomap.Placement(d.r.id, "key", loc.country or None, loc.zone, loc.outside, primary))
    return out
