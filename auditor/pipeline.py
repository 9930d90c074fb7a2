"""The straight line: collect -> enrich -> evaluate -> write. Wires the stages, owns no logic.

    connectors ──► Inventory ──► geo + classify + trust ──► engine ──► FindingsDoc ──► render / gate
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.config import Config, ReportInfo
from auditor.connectors import connector
from auditor.connectors.base import Candidate, ScopeFilter, everything, shard_slice
from auditor.engine.pack import PolicyPack, load_pack
from auditor.errors import ConfigError, ConnectorError
from auditor.fsio import PRIVATE, Modes, check_out_folder, modes_for
from auditor.messages import credential_hint, say
from auditor.model.findings import FindingsDoc, Run
from auditor.model.inventory import CoverageGap, Inventory, Scope
from auditor.model.vocab import GapReason
from auditor.progress import Reporter

if TYPE_CHECKING:  # the rest is imported where used: a scan's first request waits for none of it
    from auditor.engine.waivers import WaiverSet
    from auditor.results.baseline import Baseline
    from auditor.results.gate import GateResult
    from auditor.results.history import RunRecord


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def scope_filter(config: Config) -> ScopeFilter:
    """Which stores the connectors read deeply: health data (by the classification rules) or all."""
    from auditor.classify import classify_one

    if config.scope == "all":
        return everything
    rules = config.classification

    def in_scope(c: Candidate) -> bool:
        return classify_one(c.provider, c.kind, c.native_type, c.name, c.tags, rules).health

    return in_scope


def enrich(inventory: Inventory, config: Config) -> Inventory:
    """Stage 2: places and zones, health classification, who is inside/trusted/outside."""
    from auditor.classify import classify
    from auditor.geo.resolve import resolve
    from auditor.trust import relate

    located = resolve(inventory)
    classified = classify(located, config.classification)
    trusted = (*config.trusted_aws_accounts, *config.trusted_azure_tenants, *config.trusted_gcp_domains)
    return relate(classified, trusted,
                  trusted_tenants=config.trusted_azure_tenants)


@dataclass(frozen=True, slots=True)
class Selection:
    """The providers a scan audits, and those it leaves out with the reason (shown to the user)."""

    providers: tuple[str, ...]
    skipped: tuple[str, ...] = ()


def _both(provider: str, english: str, name: str | None = None) -> dict[str, str]:
    """How to give ``provider`` a credential in both languages (for an error's hint), after ``name:`` if given."""
    french = credential_hint(provider, english, "fr")
    return {"en": f"{name}: {english}", "fr": f"{name} : {french}"} if name else {"en": english, "fr": french}


def select_providers(requested: str, config: Config) -> Selection:
    """``--provider``: one provider, or ``all``: the providers ``auditor.yaml`` configures (its ``aws:`` and
    ``azure:``/``gcp:`` sections), or, when it configures none, those with a credential in the environment.

    A provider asked for by name that has no credential at all (and no section in ``auditor.yaml``) is a
    setup error, raised before anything is read.
    """
    from auditor.connectors import CONNECTORS, CREDENTIAL_HINTS, PROVIDER_NAMES, credential_found

    known = sorted(CONNECTORS)
    if requested != "all":
        if requested not in CONNECTORS:
            raise ConfigError("cli.provider", requested=requested, known=", ".join(known))
        if requested not in config.providers and credential_found(requested) is None:
            raise ConfigError("cli.provider-no-credential", hint="hint.credential", requested=requested,
                              name=PROVIDER_NAMES[requested], how=_both(requested, CREDENTIAL_HINTS[requested]))
        return Selection((requested,))
    if config.providers:
        return Selection(tuple(p for p in known if p in config.providers),
                         tuple(say("not-configured", config.lang, provider=p, source=config.source)
                               for p in known if p not in config.providers))
    chosen: list[str] = []
    skipped: list[str] = []
    for p in known:
        if credential_found(p) is None:
            skipped.append(say("no-credential", config.lang, provider=p, name=PROVIDER_NAMES[p],
                               hint=credential_hint(p, CREDENTIAL_HINTS[p], config.lang)))
        else:
            chosen.append(p)
    if not chosen:
        raise ConfigError("cli.no-credential", hint="hint.credential",
                          how=[_both(p, CREDENTIAL_HINTS[p], PROVIDER_NAMES[p]) for p in known])
    return Selection(tuple(chosen), tuple(skipped))


UNREACHABLE = GapReason.PROVIDER_UNREACHABLE  # a whole provider could not be read


def collect(config: Config, providers: Sequence[str], reporter: Reporter) -> Inventory:
    """Stage 1 for each provider, merged into one inventory.

    A provider that cannot be read at all (credential refused or expired, endpoint unreachable) becomes one
    provider-level coverage gap, and the others' results are kept; only when every provider fails is the
    run abandoned (``ConnectorError``, exit 3).
    """
    in_scope = scope_filter(config)
    parts: list[Inventory] = []
    failed: list[ConnectorError] = []
    for p in providers:
        try:
            parts.append(shard_slice(connector(p)(config, reporter, in_scope), config.shard))
        except ConnectorError as exc:
            if len(providers) == 1:
                raise
            reporter.info(say("not-audited", config.lang, provider=p, error=exc.one_line(config.lang)))
            failed.append(exc)
            parts.append(unreachable(p, exc))
    if len(failed) == len(providers):
        raise ConnectorError("cloud.failed", failures=[exc.at(p) for p, exc in zip(providers, failed, strict=True)])
    return merge_inventories(parts)


def unreachable(provider: str, exc: ConnectorError) -> Inventory:
    """The inventory of a provider that could not be read at all: one gap saying why."""
    gap = CoverageGap(provider=provider, service="*", reason=UNREACHABLE, error=exc.one_line())
    return Inventory(coverage_gaps=(gap,), scope=Scope(providers=(provider,), source=provider))


def merge_inventories(parts: Sequence[Inventory]) -> Inventory:
    if len(parts) == 1:
        return parts[0]

    def union(values: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for vs in values for v in vs))

    return Inventory(
        resources=tuple(r for p in parts for r in p.resources),
        coverage_gaps=tuple(g for p in parts for g in p.coverage_gaps),
        scope=Scope(
            providers=union([p.scope.providers for p in parts]),
            accounts=union([p.scope.accounts for p in parts]),
            regions=union([p.scope.regions for p in parts]),
            organizations=union([p.scope.organizations for p in parts]),
            source="+".join(dict.fromkeys(p.scope.source for p in parts)),
            names={k: v for p in parts for k, v in p.scope.names.items()},
            account_keys={k: v for p in parts for k, v in p.scope.account_keys.items()},
        ),
        collected_at=max((p.collected_at or "" for p in parts), default="") or None,
    )


@dataclass(frozen=True, slots=True)
class Assessment:
    inventory: Inventory  # enriched
    doc: FindingsDoc


def assess(inventory: Inventory, config: Config, *, started: str | None = None, pack: PolicyPack | None = None,
           today: dt.date | None = None, waivers: WaiverSet | None = None) -> Assessment:
    """Stages 2-3: enrich a raw inventory and evaluate the policy pack under the configured profile."""
    from auditor.engine.evaluate import evaluate
    from auditor.engine.waivers import load_waivers
    from auditor.model.identity import identify
    from auditor.results import unclassified

    started = started or now()
    pack = pack or load_pack(config.policy_dirs)
    profile = pack.profile(config.profile).narrowed(config.allowed_countries, config.dpf)
    if waivers is None:
        waivers = load_waivers(config.waivers, today or dt.date.today(), config.waiver_max_days,
                               [p.id for p in pack.policies])
    enriched = enrich(inventory, config)
    result = evaluate(enriched, pack, profile, waivers)
    run = Run(
        tool_version=__version__,
        profile=profile.id,
        policy_digest=pack.digest,
        started=started,
        finished=now(),
        providers=enriched.scope.providers,
        accounts=enriched.scope.accounts,
        regions=enriched.scope.regions,
        source=enriched.scope.source,
        fail_on=config.fail_on,
        allowed_zones=profile.allowed_zones,
        allowed_countries=profile.allowed_countries,
        notices=result.notices,
        run_id=hashlib.sha256(f"{started}|{profile.id}|{pack.digest}".encode()).hexdigest()[:16],
        names=dict(sorted(enriched.scope.names.items())),
        organization_name=config.report.organization,
    )
    doc = FindingsDoc(run=run, resources=enriched.resources, findings=identify(result.findings, enriched.resources,
                                                                     enriched.scope.account_keys),
                      coverage_gaps=enriched.coverage_gaps, controls=pack.controls, passed=result.passed)
    return Assessment(enriched, unclassified.fold(doc))  # the inventory keeps every store


def load_inventory(path: Path) -> Inventory:
    from auditor.model.documents import read_inventory

    return read_inventory(path)


# auditor sign's manifest and signature (results/signature.py, not imported here: it loads cryptography):
# they describe one output set, so they leave with it when a new set is swapped in.
SIGNED_EVIDENCE = ("manifest.json", "manifest.json.p7s")


def write_outputs(doc: FindingsDoc, out: Path, formats: Sequence[str], lang: str,
                  inventory: Inventory | None = None, previous: FindingsDoc | None = None,
                  trend: Sequence[RunRecord] = (), report: ReportInfo | None = None, dpf: bool = False,
                  modes: Modes = PRIVATE, baseline: Baseline | None = None) -> list[Path]:
    """Render and write the set as a whole (:func:`auditor.fsio.write_set`: each file made while it is written
    into a staging folder, then swapped in): the folder holds the previous set or the new one, never a mix,
    even when the disk fills.

    ``previous`` (the last run) and ``trend`` (past runs, oldest first) feed "since last run" and the sparkline.
    """
    from auditor.fsio import Streamed
    from auditor.render import RENDERERS, RenderOptions, TrendPoint, jsonfmt, with_report, write_reports

    options = with_report(RenderOptions(lang=lang, generated_at=doc.run.finished, previous=previous,
                                        trend=tuple(TrendPoint(r.started, r.failing, r.unknown) for r in trend),
                                        baseline=baseline),
                          report or ReportInfo(), dpf=dpf)
    # the same text as dump_json(to_dict(inventory)), encoded into the file piece by piece
    extra = {"inventory.json": Streamed(lambda: jsonfmt.encode(inventory))} if inventory is not None else None
    owned = {r.filename for r in RENDERERS.values()} | {"inventory.json", *SIGNED_EVIDENCE}
    return write_reports(doc, ("json", *formats), out, options, extra=extra, modes=modes, owned=owned)


@dataclass(frozen=True, slots=True)
class Outcome:
    assessment: Assessment
    gate: GateResult
    files: tuple[Path, ...]


def audit(config: Config, source: Callable[[Config], Inventory], *, write_inventory: bool = True,
          baseline_path: Path | None = None) -> Outcome:
    """The main job: collect (``source``), assess, write every requested format, decide the gate.

    With ``baseline_path`` (a saved ``findings.json``), the gate counts only what the baseline does not know.
    """
    from auditor.engine.waivers import load_waivers
    from auditor.render import parse_formats

    started = now()
    accepted = None
    if baseline_path is not None:
        from auditor.results import baseline as baselines

        accepted = baselines.load(baseline_path)
    fail_on = config.fail_on
    pack = load_pack(config.policy_dirs)
    pack.profile(config.profile)  # fail fast on a bad profile, format or waivers file, before a long scan
    parse_formats(config.formats, "formats")
    waivers = load_waivers(config.waivers, dt.date.today(), config.waiver_max_days, [p.id for p in pack.policies])
    modes = modes_for(config.output_mode)
    check_out_folder(config.out, modes)  # a file, a read-only or unwritable folder: one line, before the scan
    if config.history is not None:
        from auditor.results import history

        history.open_history(config.history, modes=modes).close()  # fail fast on a bad history location too
    raw = source(config)
    from auditor.results.gate import gate  # after the source: a scan's first request waits for none of it
    from auditor.results.merge import mark_shard

    assessment = assess(raw, config, started=started, pack=pack, waivers=waivers)
    assessment = replace(assessment, doc=mark_shard(assessment.doc, config.shard))
    files = publish(assessment.doc, config, inventory=raw if write_inventory else None, baseline=accepted)
    if accepted is None:
        return Outcome(assessment, gate(assessment.doc, fail_on, config.allow_unknown), tuple(files))
    from auditor.results import baseline as baselines

    result = gate(baselines.new_only(assessment.doc, accepted), fail_on, config.allow_unknown)
    note = baselines.describe(accepted, assessment.doc, dt.datetime.now(dt.UTC).date())
    return Outcome(assessment, replace(result, summary=f"{result.summary} ({note})"), tuple(files))


def publish(doc: FindingsDoc, config: Config, inventory: Inventory | None = None,
            baseline: Baseline | None = None) -> list[Path]:
    """Write every requested format, with "since last run" and the trend, then record the run (``config.history``).

    Without a history (and for a shard, a partial run), "since last run" compares with the ``findings.json``
    already in the output folder.
    """
    from auditor.results import history

    formats = tuple(dict.fromkeys(("json", *config.formats)))
    modes = modes_for(config.output_mode)
    if config.history is None or config.shard is not None:
        previous = history.previous_file(config.out / "findings.json", doc.run)
        return write_outputs(doc, config.out, formats, config.lang, inventory, previous, report=config.report,
                             dpf=config.dpf, modes=modes, baseline=baseline)
    with history.opened(config.history, modes=modes) as store:
        files = write_outputs(doc, config.out, formats, config.lang, inventory, history.previous(store, doc.run),
                              history.trend(store, doc.run), report=config.report, dpf=config.dpf, modes=modes,
                              baseline=baseline)
        written = next(f for f in files if f.name == "findings.json")
        with written.open("rb") as f:  # in pieces: findings.json is tens of MB on a large estate
            store.record(doc, findings_sha256=hashlib.file_digest(f, "sha256").hexdigest())
    return files


def merge_runs(paths: Sequence[Path], config: Config, expect: int | None = None) -> tuple[Outcome, tuple[str, ...]]:
    """``auditor merge``: shard results -> one run, written, recorded and gated like a scan; plus the notices."""
    from auditor.model.documents import read_findings
    from auditor.render import parse_formats
    from auditor.results.gate import gate
    from auditor.results.merge import merge

    fail_on = config.fail_on
    if expect is not None and expect < 1:
        raise ConfigError("cli.expect", expect=expect)
    parse_formats(config.formats, "formats")
    check_out_folder(config.out, modes_for(config.output_mode))
    merged = merge([(str(p), read_findings(p)) for p in paths], expect)
    doc = merged.doc
    files = publish(doc, replace(config, shard=None))
    assessment = Assessment(Inventory(resources=doc.resources, coverage_gaps=doc.coverage_gaps), doc)
    return Outcome(assessment, gate(doc, fail_on, config.allow_unknown), tuple(files)), merged.notices
