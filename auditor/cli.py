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
from auditor.cli_checks import check_region
from auditor.commands import catalog, evidence
from auditor.errors import AuditorError, ConfigError
from auditor.messages import say
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
    context_settings={"help_option_names": ["-h", "--help"]},
)
policies_app = typer.Typer(help="List, explain, validate and test the policy pack.", no_args_is_help=True,
                           context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(policies_app, name="policies")
evidence.register(app)

from auditor.cli_options import (  # noqa: E402 - shared option types
    AllowUnknownOpt,
    ConfigOpt,
    DbOpt,
    FailOnOpt,
    FormatOpt,
    GroupOpt,
    HistoryOpt,
    LangOpt,
    NoHistoryOpt,
    OutOpt,
    ProfileOpt,
    QuietOpt,
    TimezoneOpt,
    VerboseOpt,
    show_version,
)
from auditor.cli_options import recording as _recording  # noqa: E402
from auditor.cli_options import settings as _config  # noqa: E402


def _finish(outcome: Any, quiet: bool, seconds: float = 0.0, lang: str = "en") -> None:
    """Print the summary (in the run's language) and exit with the gate's code."""
    from auditor.console import summary
    from auditor.results.console import gate_summary

    doc, gate = outcome.assessment.doc, outcome.gate
    for line in [gate_summary(gate, lang)] if quiet else summary(doc, gate, outcome.files, seconds, lang):
        typer.echo(line)
    raise typer.Exit(outcome.gate.exit_code)


def _audit(source: Callable[..., Any], config: Any, quiet: bool, verbose: bool = False,
           baseline: Path | None = None) -> None:
    import time

    from auditor import pipeline
    from auditor.console import reporter_for

    start = time.monotonic()
    reporter = reporter_for(quiet, verbose, config.lang)
    enter = getattr(reporter, "__enter__", None)
    if enter is not None:
        with reporter:
            outcome = pipeline.audit(config, lambda c: source(c, reporter), baseline_path=baseline)
    else:
        outcome = pipeline.audit(config, lambda c: source(c, reporter), baseline_path=baseline)
    _finish(outcome, quiet, time.monotonic() - start, config.lang)


@app.command()
def demo(
    out: OutOpt = None, lang: LangOpt = None, profile: ProfileOpt = None, fmt: FormatOpt = None,
    timezone: TimezoneOpt = None,
    fail_on: FailOnOpt = None, allow_unknown: AllowUnknownOpt = False, quiet: QuietOpt = False,
    config: ConfigOpt = None, history: HistoryOpt = None, group_readable: GroupOpt = False,
    offline: Annotated[bool, typer.Option("--offline", help="The same estate, recorded (no emulator).")]
    = False, verbose: VerboseOpt = False,
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
    if cfg.report.organization is None:
        from dataclasses import replace

        cfg = replace(cfg, report=replace(cfg.report, organization="Hôpitaux de la Loire (demo)"))
    _audit(offline_source if offline else demo_source, cfg, quiet, verbose)


@app.command()
def scan(
    provider: Annotated[str, typer.Option(metavar="aws|azure|gcp|all", help=(
        "aws, azure, gcp, or all: the providers auditor.yaml configures, else those with a credential in the "
        "environment."))] = "all",
    config: ConfigOpt = None, profile: ProfileOpt = None, out: OutOpt = None, fmt: FormatOpt = None,
    fail_on: FailOnOpt = None, allow_unknown: AllowUnknownOpt = False, lang: LangOpt = None, quiet: QuietOpt = False,
    timezone: TimezoneOpt = None,
    shard: Annotated[str | None, typer.Option(metavar="I/N",
        help="Audit only slice I of N of the accounts/subscriptions (e.g. 2/5); combine with 'auditor merge'.")] = None,
    history: HistoryOpt = None, no_history: NoHistoryOpt = False, group_readable: GroupOpt = False,
    tenant: Annotated[str | None, typer.Option(
        metavar="TENANT_ID", help="Azure: the tenant (directory) id to sign in to.")] = None,
    subscription: Annotated[list[str] | None, typer.Option(metavar="SUBSCRIPTION_ID",
        help="Azure: audit this subscription (repeatable; default: every subscription the credential sees).")] = None,
    authority_host: Annotated[str | None, typer.Option(metavar="HOST",
        help="Azure: the Entra ID authority for sovereign clouds (e.g. login.sovcloud-identity.fr).")] = None,
    arm_endpoint: Annotated[str | None, typer.Option(metavar="URL",
        help="Azure: the Resource Manager endpoint for sovereign clouds (default: management.azure.com).")] = None,
    region: Annotated[list[str] | None, typer.Option(metavar="REGION",
        help="AWS: audit this region (repeatable; default: every enabled region).")] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Scan live clouds (read-only) with the standard credentials, then evaluate and report.

    AWS: the standard credential chain (environment, profiles, SSO, instance roles) and AWS_ENDPOINT_URL;
    set aws.organization in auditor.yaml to audit every account of the Organization. Azure:
    DefaultAzureCredential (AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, managed identity, az login)."""
    from dataclasses import replace

    from auditor import pipeline
    from auditor.connectors.base import parse_shard

    slice_ = parse_shard(shard) if shard is not None else None
    if slice_ is not None and history:
        raise ConfigError("--history with --shard: a shard is a partial run; record the merged run "
                          "('auditor merge … --history')")

    cfg = _config(config, profile=profile, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    cfg = replace(_recording(cfg, history, no_history, default=slice_ is None), shard=slice_)
    azure_changes = {k: v for k, v in {"tenant": tenant, "authority_host": authority_host,
                                       "arm_endpoint": arm_endpoint,
                                       "subscriptions": tuple(subscription) if subscription else None}.items()
                     if v is not None}
    cfg = replace(cfg, azure=replace(cfg.azure, **azure_changes))
    if region:
        cfg = replace(cfg, aws=replace(cfg.aws, regions=tuple(check_region("--region", "aws", r) for r in region)))
    chosen = pipeline.select_providers(provider, cfg)  # before anything is read: exit 2 on a setup error
    for why in chosen.skipped:
        typer.echo(say("skipped", cfg.lang, why=why), err=True)
    _audit(lambda c, rep: pipeline.collect(c, chosen.providers, rep), cfg, quiet, verbose)


@app.command("plan")
def plan_cmd(
    plan: Annotated[Path, typer.Argument(metavar="PLAN.json", help="The output of `terraform show -json PLANFILE`.")],
    aws_region: Annotated[str | None, typer.Option(metavar="REGION",
        help="The AWS_REGION the plan was made with, for AWS provider blocks that set none.")] = None,
    repo_root: Annotated[Path | None, typer.Option(metavar="DIR", help="The Terraform root module's folder: "
                                                   "findings point at the line to change.")] = None,
    git_root: Annotated[Path | None, typer.Option(metavar="DIR",
                                                  help="Report paths are relative to it (default: .git above)")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", "--new-only", metavar="FINDINGS.json",
                                                  help="An accepted findings.json: only findings absent from it "
                                                       "fail.")] = None,
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
    region = check_region("--aws-region", "aws", aws_region) if aws_region else None  # CI passes "${AWS_REGION:-}"
    cfg = _config(config, profile=profile, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    cfg = _recording(cfg, None, True, default=False)
    _audit(lambda c, rep: read_plan(plan, aws_region=region, repo_root=repo_root, source_base=git_root,
                                    include_unchanged=include_unchanged), cfg, quiet, baseline=baseline or None)


@app.command("evaluate")
def evaluate_cmd(
    inventory: Annotated[Path, typer.Argument(
        metavar="INVENTORY.json", help="An inventory.json written by a previous scan.")],
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
    framework: Annotated[str | None, typer.Option(
        metavar="FRAMEWORK", help="Only policies mapped to this framework (e.g. HDS).")] = None,
    profile: Annotated[str | None, typer.Option(
        metavar="NAME", help="Show severities as this profile sets them.")] = None,
    config: ConfigOpt = None,
) -> None:
    """List every policy with its severity and framework references."""
    from auditor.commands import policies as describe

    typer.echo(describe.list_policies(_pack(config), framework=framework, profile=profile))


@policies_app.command("show")
def policies_show(
    policy_id: Annotated[str | None, typer.Argument(metavar="POLICY_ID", help="A policy id (RES-001).")] = None,
    profile: Annotated[str | None, typer.Option(
        metavar="NAME", help="Show this profile instead (hds, fr-doctrine…).")] = None,
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
    path: Annotated[Path | None, typer.Argument(
        metavar="DIR", help="A policy folder to add to the shipped pack.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Validate policies, profiles and frameworks: schema and CEL compile, with file:line errors."""
    pack = _pack(config, path)
    typer.echo(f"ok: {len(pack.policies)} policies, {len(pack.profiles)} profiles, {len(pack.controls)} controls "
               f"({pack.digest})")


@policies_app.command("test")
def policies_test(
    path: Annotated[Path | None, typer.Argument(
        metavar="DIR", help="A policy folder to add to the shipped pack.")] = None,
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
    findings: Annotated[Path, typer.Argument(
        metavar="FINDINGS.json", help="A findings.json written by a previous run.")],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="FORMATS", help="Comma-separated: html,json,sarif,junit,csv,md.")] = "html",
    lang: LangOpt = None,
    timezone: TimezoneOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR|FILE",
            help="Output folder, or a file name for one format (default: next to FINDINGS.json).")] = None,
    previous: Annotated[Path | None, typer.Option(
        metavar="FINDINGS.json",
            help="An older findings.json: the report then shows what is new and what was resolved since.")] = None,
    link: Annotated[str | None, typer.Option(
        metavar="URL", help="Where the full report will be published (for the md summary).")] = None,
    config: ConfigOpt = None, group_readable: GroupOpt = False,
) -> None:
    """Render a saved findings.json again, in any format and language. Reads no cloud."""
    from auditor import config as cfg
    from auditor.commands.report import report_command

    written = report_command(findings, fmt, lang=lang, out=out, previous=previous, link=link, config=config,
                             timezone=timezone, group_readable=group_readable)
    language = lang if lang in ("en", "fr") else cfg.load(config).lang
    for path in written:
        typer.echo(say("wrote", language, path=path))


@app.command()
def regions(
    provider: Annotated[str | None, typer.Option(
        metavar="PROVIDER", help="Only this provider (aws, azure, gcp, ovhcloud, …).")] = None,
) -> None:
    """The geography catalog as the tool sees it: region, country, legal zone."""
    from auditor.commands.regions import format_catalog

    typer.echo(format_catalog(provider), nl=False)


app.command("catalog")(catalog.catalog_command)


# provider -> "module:function" returning the least-privilege role document (JSON-ready).
PERMISSIONS = {"aws": "auditor.connectors.aws.permissions:policy_document",
               "azure": "auditor.connectors.azure.permissions:role_definition",
               "gcp": "auditor.connectors.gcp.permissions:role_definition"}


@app.command()
def permissions(provider: Annotated[str, typer.Argument(metavar="aws|azure|gcp", help="aws, azure or gcp.")],
                config: ConfigOpt = None) -> None:
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



@app.command("history")
def history_cmd(
    last: Annotated[int | None, typer.Option(metavar="N", help="Only the last N runs.")] = None,
    db: DbOpt = None, config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
    lang: LangOpt = None,
) -> None:
    """List recorded runs with their verdict and failing findings by severity."""
    from auditor import config as cfg
    from auditor.commands.history import history_text, store_target
    from auditor.results.console import lang as _lang

    loaded = cfg.load(config)
    typer.echo(for_terminal(history_text(store_target(db, loaded.history), last, as_json, _lang(lang, loaded.lang))),
               nl=False)


@app.command("diff")
def diff_cmd(
    old: Annotated[str, typer.Argument(
        metavar="OLD", help="Older run: a findings.json, a run number or id, or 'previous'.")],
    new: Annotated[str, typer.Argument(
        metavar="NEW", help="Newer run: a findings.json, a run number or id, or 'latest'.")],
    fail_on: Annotated[str, typer.Option(
        metavar="SEVERITY",
            help="Exit 1 when a new (or newly raised) open finding is at or above this severity.")] = "high",
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="text|md|json", help="text, md (chat, CI summary) or json.")] = "text",
    limit: Annotated[int, typer.Option(metavar="N", help="Findings listed per section (0: all).")] = 20,
    db: DbOpt = None, config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """What changed between two runs: new, resolved, still open (with age), changed severity, new coverage gaps."""
    from auditor import config as cfg
    from auditor.commands.diff import diff_command
    from auditor.commands.history import store_target
    from auditor.results.console import lang as _lang

    loaded = cfg.load(config)
    target = store_target(db, loaded.history)
    text, code = diff_command(old, new, target, fail_on, fmt, limit, _lang(lang, loaded.lang))
    typer.echo(for_terminal(text), nl=False)
    raise typer.Exit(code)


@app.command("merge")
def merge_cmd(
    results: Annotated[list[Path], typer.Argument(metavar="FINDINGS.json...", help="The findings.json of each shard.")],
    expect: Annotated[int | None, typer.Option(
        metavar="N", help="How many shard results there should be (a missing one becomes a coverage gap).")] = None,
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
        typer.echo(say("notice", cfg.lang, text=one_line(notice)), err=True)
    _finish(outcome, quiet, lang=cfg.lang)


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", "-V", callback=show_version, is_eager=True, help="Print the tool version and exit.")] = False,
          ) -> None:
    """Where does each health dataset live, under which jurisdiction, and who can reach it?"""


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
