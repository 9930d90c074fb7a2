"""The command line: parse options, call the pipeline, turn AuditorError into one line + exit code.

No logic lives here: every command calls one pipeline or stage function and prints its result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from auditor import __version__
from auditor.commands import catalog, evidence
from auditor.errors import AuditorError, ConfigError
from auditor.safetext import for_terminal, one_line

app = typer.Typer(
    name="auditor",
    help=(
        "Where does each health dataset live (primary, replicas, backups, keys), under which jurisdiction, "
        "and who can reach it? Audits AWS, Azure and Terraform plans against GDPR, HDS and SecNumCloud "
        "profiles. Exit codes: 0 compliant at --fail-on, 1 findings, 2 bad input, 3 incomplete."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
policies_app = typer.Typer(help="List, explain, validate and test the policy pack.", no_args_is_help=True)
app.add_typer(policies_app, name="policies")
evidence.register(app)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="auditor.yaml (default: ./auditor.yaml if present).")
]
ProfileOpt = Annotated[str | None, typer.Option(help="Profile: gdpr, hds, fr-doctrine, eu-sovereign, or your own.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default: ./audit-out).")]
FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", help="Comma-separated: html,json,sarif,junit,csv,md,codequality.")]
FailOnOpt = Annotated[
    str | None, typer.Option(help="Exit 1 when a finding at or above this severity fails (default: high).")
]
AllowUnknownOpt = Annotated[
    bool, typer.Option("--allow-unknown", help="Do not fail (exit 3) when parts could not be read.")
]
LangOpt = Annotated[str | None, typer.Option(help="Report language: en or fr.")]
TimezoneOpt = Annotated[str | None, typer.Option(
    "--timezone", help="Show dates in this IANA time zone (default: report.timezone, else Europe/Paris).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress, one summary line.")]
HistoryOpt = Annotated[str | None, typer.Option(
    "--history", help="Record the run in this history: a SQLite file or a postgresql:// URL.")]
NoHistoryOpt = Annotated[bool, typer.Option("--no-history", help="Do not record the run in the history.")]
GroupOpt = Annotated[bool, typer.Option(
    "--group-readable", help="Outputs and history 0640, new folders 0750 (default 0600/0700; output_mode: group).")]


def _recording(cfg: Any, history: str | None, no_history: bool, *, default: bool) -> Any:
    """Where the run is recorded: --history, else (for scan and merge) history: or ./audit-history.db; or nowhere."""
    from dataclasses import replace

    from auditor.results.history import DEFAULT_PATH

    if no_history:
        return replace(cfg, history=None)
    if history:
        return replace(cfg, history=history)
    return replace(cfg, history=(cfg.history or DEFAULT_PATH) if default else None)


def _config(config: Path | None, *, profile: str | None, out: Path | None, fmt: str | None, fail_on: str | None,
            allow_unknown: bool, lang: str | None, timezone: str | None = None,
            group_readable: bool = False) -> Any:
    from dataclasses import replace

    from auditor import config as cfg
    from auditor.model.findings import Severity
    from auditor.model.vocab import Lang, parse
    from auditor.render import parse_formats
    from auditor.render.dates import zone

    loaded = cfg.load(config).with_overrides(
        profile=profile, out=out, formats=parse_formats(fmt) if fmt else None, allow_unknown=allow_unknown or None,
        fail_on=None if fail_on is None else parse(Severity, fail_on, "--fail-on"),
        lang=None if lang is None else parse(Lang, lang, "--lang"), output_mode="group" if group_readable else None)
    if timezone is not None:
        zone(timezone)  # refused here, before anything runs
        loaded = replace(loaded, report=replace(loaded.report, timezone=timezone))
    return loaded


def _reporter(quiet: bool) -> Any:
    from auditor.progress import LineReporter, NullReporter, RichReporter

    if quiet:
        return NullReporter()
    return RichReporter() if sys.stderr.isatty() else LineReporter()


def _finish(outcome: Any, quiet: bool) -> None:
    """Print the summary and exit with the gate's code."""
    gate = outcome.gate
    if quiet:
        typer.echo(gate.summary)
    else:
        doc = outcome.assessment.doc
        health = sum(1 for r in doc.resources if r.classification and r.classification.health)
        typer.echo(f"Audited {len(doc.resources)} data stores ({health} holding health data) "
                   f"under profile {doc.run.profile}.")
        typer.echo(f"Verdict: {gate.summary}")
        for path in outcome.files:
            typer.echo(f"  wrote {path}")
    raise typer.Exit(gate.exit_code)


def _audit(source: Callable[..., Any], config: Any, quiet: bool, baseline: Path | None = None) -> None:
    from auditor import pipeline

    reporter = _reporter(quiet)
    enter = getattr(reporter, "__enter__", None)
    if enter is not None:
        with reporter:
            outcome = pipeline.audit(config, lambda c: source(c, reporter), baseline_path=baseline)
    else:
        outcome = pipeline.audit(config, lambda c: source(c, reporter), baseline_path=baseline)
    _finish(outcome, quiet)


@app.command()
def demo(
    out: OutOpt = None, lang: LangOpt = None, profile: ProfileOpt = None, fmt: FormatOpt = None,
    timezone: TimezoneOpt = None,
    fail_on: FailOnOpt = None, allow_unknown: AllowUnknownOpt = False, quiet: QuietOpt = False,
    config: ConfigOpt = None, history: HistoryOpt = None, group_readable: GroupOpt = False,
    offline: Annotated[bool, typer.Option("--offline", help="Use the estate as a bundled inventory (no emulator).")]
    = False,
) -> None:
    """Audit the built-in demo estate (a fictional hospital group on AWS and Azure). No cloud account needed.

    The estate is served by local emulators and read by the real connectors; --offline uses it as a
    ready-made inventory instead."""
    from auditor.demo.run import demo_source, offline_source

    cfg = _config(config, profile=profile, out=out, fmt=fmt or "html,json,sarif,junit,csv,md", fail_on=fail_on,
                  allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    if out is None and cfg.lang != "en":  # the French demo goes next to the English one, not over it
        cfg = cfg.with_overrides(out=cfg.out / cfg.lang)
    cfg = _recording(cfg, history, False, default=False)
    _audit(offline_source if offline else demo_source, cfg, quiet)


@app.command()
def scan(
    provider: Annotated[str, typer.Option(help="aws, azure or all.")] = "all",
    config: ConfigOpt = None, profile: ProfileOpt = None, out: OutOpt = None, fmt: FormatOpt = None,
    fail_on: FailOnOpt = None, allow_unknown: AllowUnknownOpt = False, lang: LangOpt = None, quiet: QuietOpt = False,
    timezone: TimezoneOpt = None,
    shard: Annotated[str | None, typer.Option(
        help="Audit only slice I of N of the accounts/subscriptions (e.g. 2/5); combine with 'auditor merge'.")] = None,
    history: HistoryOpt = None, no_history: NoHistoryOpt = False, group_readable: GroupOpt = False,
    tenant: Annotated[str | None, typer.Option(help="Azure: the tenant (directory) id to sign in to.")] = None,
    subscription: Annotated[list[str] | None, typer.Option(
        help="Azure: audit this subscription (repeatable; default: every subscription the credential sees).")] = None,
    authority_host: Annotated[str | None, typer.Option(
        help="Azure: the Entra ID authority for sovereign clouds (e.g. login.sovcloud-identity.fr).")] = None,
    arm_endpoint: Annotated[str | None, typer.Option(
        help="Azure: the Resource Manager endpoint for sovereign clouds (default: management.azure.com).")] = None,
    region: Annotated[list[str] | None, typer.Option(
        help="AWS: audit this region (repeatable; default: every enabled region).")] = None,
) -> None:
    """Scan live clouds (read-only) with the standard credentials, then evaluate and report.

    AWS: the standard credential chain (environment, profiles, SSO, instance roles) and AWS_ENDPOINT_URL;
    set aws.organization in auditor.yaml to audit every account of the Organization. Azure:
    DefaultAzureCredential (AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, managed identity, az login)."""
    from dataclasses import replace

    from auditor import pipeline
    from auditor.connectors import CONNECTORS
    from auditor.connectors.base import parse_shard

    slice_ = parse_shard(shard) if shard is not None else None
    if slice_ is not None and history:
        raise ConfigError("--history with --shard: a shard is a partial run; record the merged run "
                          "('auditor merge … --history')")

    providers = sorted(CONNECTORS) if provider == "all" else [provider]
    if any(p not in CONNECTORS for p in providers):
        raise ConfigError(f"--provider {provider!r}: expected aws, azure or all")
    cfg = _config(config, profile=profile, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    cfg = replace(_recording(cfg, history, no_history, default=slice_ is None), shard=slice_)
    azure_changes = {k: v for k, v in {"tenant": tenant, "authority_host": authority_host,
                                       "arm_endpoint": arm_endpoint,
                                       "subscriptions": tuple(subscription) if subscription else None}.items()
                     if v is not None}
    cfg = replace(cfg, azure=replace(cfg.azure, **azure_changes))
    if region:
        cfg = replace(cfg, aws=replace(cfg.aws, regions=tuple(region)))
    _audit(lambda c, rep: pipeline.collect(c, providers, rep), cfg, quiet)


@app.command("plan")
def plan_cmd(
    plan: Annotated[Path, typer.Argument(help="The output of `terraform show -json PLANFILE`.")],
    aws_region: Annotated[str | None, typer.Option(
        help="The AWS_REGION the plan was made with, for AWS provider blocks that set none.")] = None,
    repo_root: Annotated[Path | None, typer.Option(help="The Terraform root module's folder: findings point at "
                                                        "the line to change.")] = None,
    git_root: Annotated[Path | None, typer.Option(help="Report paths are relative to it (default: .git above)")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", "--new-only", help="An accepted findings.json: "
                                                  "only findings absent from it fail.")] = None,
    include_unchanged: Annotated[bool, typer.Option(
        "--include-unchanged", help="Also judge stores the plan leaves untouched.")] = False,
    config: ConfigOpt = None, profile: ProfileOpt = None, out: OutOpt = None, fmt: FormatOpt = None,
    fail_on: FailOnOpt = None, allow_unknown: AllowUnknownOpt = False, lang: LangOpt = None, quiet: QuietOpt = False,
    timezone: TimezoneOpt = None,
    group_readable: GroupOpt = False,
) -> None:
    """Pre-deploy gate: judge a Terraform plan with the runtime policies, before any data moves."""
    from auditor.connectors.terraform import read_plan

    for name, folder in (("--repo-root", repo_root), ("--git-root", git_root)):
        if folder is not None and not folder.is_dir():
            raise ConfigError(f"{name} {folder}: not a directory")
    region = aws_region or None  # CI templates pass "${AWS_REGION:-}"
    cfg = _config(config, profile=profile, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    cfg = _recording(cfg, None, True, default=False)
    _audit(lambda c, rep: read_plan(plan, aws_region=region, repo_root=repo_root, source_base=git_root,
                                    include_unchanged=include_unchanged), cfg, quiet, baseline or None)


@app.command("evaluate")
def evaluate_cmd(
    inventory: Annotated[Path, typer.Argument(help="An inventory.json written by a previous scan.")],
    config: ConfigOpt = None, profile: ProfileOpt = None, out: OutOpt = None, fmt: FormatOpt = None,
    fail_on: FailOnOpt = None, allow_unknown: AllowUnknownOpt = False, lang: LangOpt = None, quiet: QuietOpt = False,
    timezone: TimezoneOpt = None,
    history: HistoryOpt = None, group_readable: GroupOpt = False,
) -> None:
    """Re-evaluate a saved inventory (another profile, new waivers, a newer policy pack)."""
    from auditor import pipeline

    cfg = _config(config, profile=profile, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    cfg = _recording(cfg, history, False, default=False)
    _audit(lambda c, rep: pipeline.load_inventory(inventory), cfg, quiet)


@policies_app.command("list")
def policies_list(
    framework: Annotated[str | None, typer.Option(help="Only policies mapped to this framework (e.g. HDS).")] = None,
    profile: Annotated[str | None, typer.Option(help="Show severities as this profile sets them.")] = None,
    config: ConfigOpt = None,
) -> None:
    """List every policy with its severity and framework references."""
    from auditor.commands import policies as describe

    typer.echo(describe.list_policies(_pack(config), framework=framework, profile=profile))


@policies_app.command("show")
def policies_show(
    policy_id: Annotated[str | None, typer.Argument(help="A policy id (RES-001).")] = None,
    profile: Annotated[str | None, typer.Option(help="Show this profile instead (hds, fr-doctrine…).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Explain one policy (or, with --profile, what a profile allows and how it changes severities)."""
    from auditor.commands import policies as describe

    if policy_id is None and profile is None:
        raise ConfigError("give a policy id (auditor policies show RES-001) or --profile NAME")
    pack = _pack(config)
    typer.echo(describe.show_profile(pack, profile) if profile else describe.show_policy(pack, str(policy_id)))


@policies_app.command("validate")
def policies_validate(
    path: Annotated[Path | None, typer.Argument(help="A policy folder to add to the shipped pack.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Validate policies, profiles and frameworks: schema and CEL compile, with file:line errors."""
    pack = _pack(config, path)
    typer.echo(f"ok: {len(pack.policies)} policies, {len(pack.profiles)} profiles, {len(pack.controls)} controls "
               f"({pack.digest})")


@policies_app.command("test")
def policies_test(
    path: Annotated[Path | None, typer.Argument(help="A policy folder to add to the shipped pack.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Run every policy on its embedded pass/fail examples."""
    from auditor.engine.examples import run_examples

    results = run_examples(_pack(config, path))
    for r in results:
        if not r.ok:
            typer.echo(f"FAIL {r.policy} {r.example!r}: expected {r.expected}, got {r.actual} ({r.location})")
    failed = sum(1 for r in results if not r.ok)
    typer.echo(f"{len(results) - failed} passed, {failed} failed")
    raise typer.Exit(1 if failed else 0)


def _pack(config: Path | None, extra: Path | None = None) -> Any:
    from auditor import config as cfg
    from auditor.engine.pack import load_pack

    dirs = list(cfg.load(config).policy_dirs) + ([extra] if extra else [])
    return load_pack(dirs)


@app.command()
def report(
    findings: Annotated[Path, typer.Argument(help="A findings.json written by a previous run.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: html,json,sarif,junit,csv,md.")] = "html",
    lang: LangOpt = None,
    timezone: TimezoneOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output folder, or a file name for one format (default: next to FINDINGS.json).")] = None,
    previous: Annotated[Path | None, typer.Option(
        help="An older findings.json: the report then shows what is new and what was resolved since.")] = None,
    link: Annotated[str | None, typer.Option(
        help="Where the full report will be published (for the md summary).")] = None,
    config: ConfigOpt = None, group_readable: GroupOpt = False,
) -> None:
    """Render a saved findings.json again, in any format and language. Reads no cloud."""
    from auditor.commands.report import report_command

    for path in report_command(findings, fmt, lang=lang, out=out, previous=previous, link=link, config=config,
                               timezone=timezone, group_readable=group_readable):
        typer.echo(f"wrote {path}")


@app.command()
def regions(
    provider: Annotated[str | None, typer.Option(help="Only this provider (aws, azure, gcp, ovhcloud, …).")] = None,
) -> None:
    """The geography catalog as the tool sees it: region, country, legal zone."""
    from auditor.commands.regions import format_catalog

    typer.echo(format_catalog(provider), nl=False)


app.command("catalog")(catalog.catalog_command)


# provider -> "module:function" returning the least-privilege role document (JSON-ready).
PERMISSIONS = {"aws": "auditor.connectors.aws.permissions:policy_document",
               "azure": "auditor.connectors.azure.permissions:role_definition"}


@app.command()
def permissions(provider: Annotated[str, typer.Argument(help="aws or azure.")], config: ConfigOpt = None) -> None:
    """Print the least-privilege role a scan needs, built from what the connectors declare they call.

    For AWS, ``sts:AssumeRole`` is granted only on the configured role (aws.role_name, with its path)
    and only when the configuration enters other accounts.
    """
    import importlib
    import json

    from auditor import config as cfg

    if provider not in PERMISSIONS:
        raise ConfigError(f"permissions {provider!r}: expected one of {', '.join(sorted(PERMISSIONS))}")
    module, _, func = PERMISSIONS[provider].partition(":")
    build = getattr(importlib.import_module(module), func)
    typer.echo(json.dumps(build(cfg.load(config).aws) if provider == "aws" else build(), indent=2))


DbOpt = Annotated[str | None, typer.Option(
    "--db", help="The run history: a SQLite file or a postgresql:// URL (default: history: in auditor.yaml, "
                 "else ./audit-history.db).")]


@app.command("history")
def history_cmd(
    last: Annotated[int | None, typer.Option(help="Only the last N runs.")] = None,
    db: DbOpt = None, config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """List recorded runs with their verdict and failing findings by severity."""
    from auditor import config as cfg
    from auditor.results.commands import history_text, store_target

    typer.echo(for_terminal(history_text(store_target(db, cfg.load(config).history), last, as_json)), nl=False)


@app.command("diff")
def diff_cmd(
    old: Annotated[str, typer.Argument(help="Older run: a findings.json, a run number or id, or 'previous'.")],
    new: Annotated[str, typer.Argument(help="Newer run: a findings.json, a run number or id, or 'latest'.")],
    fail_on: Annotated[str, typer.Option(
        help="Exit 1 when a new (or newly raised) open finding is at or above this severity.")] = "high",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, md (chat, CI summary) or json.")] = "text",
    limit: Annotated[int, typer.Option(help="Findings listed per section (0: all).")] = 20,
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """What changed between two runs: new, resolved, still open (with age), changed severity, new coverage gaps."""
    from auditor import config as cfg
    from auditor.results.commands import diff_command, store_target

    target = store_target(db, cfg.load(config).history)
    text, code = diff_command(old, new, target, fail_on, fmt, limit)
    typer.echo(for_terminal(text), nl=False)
    raise typer.Exit(code)


@app.command("merge")
def merge_cmd(
    results: Annotated[list[Path], typer.Argument(help="The findings.json of each shard.")],
    expect: Annotated[int | None, typer.Option(
        help="How many shard results there should be (a missing one becomes a coverage gap).")] = None,
    config: ConfigOpt = None, out: OutOpt = None, fmt: FormatOpt = None,
    fail_on: FailOnOpt = None, allow_unknown: AllowUnknownOpt = False, lang: LangOpt = None, quiet: QuietOpt = False,
    timezone: TimezoneOpt = None,
    history: HistoryOpt = None, no_history: NoHistoryOpt = False, group_readable: GroupOpt = False,
) -> None:
    """Combine shard results (auditor scan --shard I/N) into one run: written, recorded and gated like a scan."""
    from auditor import pipeline

    cfg = _config(config, profile=None, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    outcome, notices = pipeline.merge_runs(results, _recording(cfg, history, no_history, default=True), expect)
    for notice in notices:
        typer.echo(f"notice: {one_line(notice)}", err=True)
    _finish(outcome, quiet)


@app.command()
def version() -> None:
    """Print the tool version."""
    typer.echo(__version__)


def main() -> None:
    try:
        app()
    except AuditorError as exc:
        print(f"error: {one_line(exc.one_line())}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except OSError as exc:  # the operating system refused (full disk, read-only, permission): not findings
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {one_line(where + (exc.strerror or str(exc)))}", file=sys.stderr)
        sys.exit(2)
