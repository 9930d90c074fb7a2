"""The commands that run an audit: ``demo``, ``scan``, ``plan``, ``evaluate`` and ``merge``.

Each parses its options, calls one pipeline function, prints the summary and exits with the gate's code.
Built only when run (:mod:`auditor.cli`): what a command needs is imported inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from auditor.cli_checks import check_region
from auditor.cli_options import (
    AllowUnknownOpt,
    ConfigOpt,
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
)
from auditor.cli_options import recording as _recording
from auditor.cli_options import settings as _config
from auditor.errors import ConfigError
from auditor.messages import say
from auditor.safetext import one_line


def preload(policy_dirs: Any) -> None:
    """Start loading the policy pack now, in parallel with the command's own start-up (engine.pack.preload)."""
    from auditor.engine.pack import preload as start

    start(policy_dirs)


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


def demo(
    out: OutOpt = None, lang: LangOpt = None, profile: ProfileOpt = None, fmt: FormatOpt = None,
    timezone: TimezoneOpt = None,
    fail_on: FailOnOpt = None, allow_unknown: AllowUnknownOpt = False, quiet: QuietOpt = False,
    config: ConfigOpt = None, history: HistoryOpt = None, group_readable: GroupOpt = False,
    offline: Annotated[bool, typer.Option("--offline", help="The same estate, recorded (no emulator).")]
    = False, verbose: VerboseOpt = False,
) -> None:
    """Audit the built-in demo estate (a hospital group on AWS, Azure, Google Cloud, S3NS). No cloud account needed.

    The estate is served by local emulators and read by the real connectors; --offline uses it as a
    ready-made inventory instead."""
    from auditor.demo.run import demo_source, offline_source

    cfg = _config(config, profile=profile, out=out, fmt=fmt or "html,json,sarif,junit,csv,md", fail_on=fail_on,
                  allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    preload(cfg.policy_dirs)
    if out is None and cfg.lang != "en":  # the French demo goes next to the English one, not over it
        cfg = cfg.with_overrides(out=cfg.out / cfg.lang)
    cfg = _recording(cfg, history, False, default=False)
    if cfg.report.organization is None:
        from dataclasses import replace

        cfg = replace(cfg, report=replace(cfg.report, organization="Hôpitaux de la Loire (demo)"))
    _audit(offline_source if offline else demo_source, cfg, quiet, verbose)


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

    from auditor.connectors.base import parse_shard

    slice_ = parse_shard(shard) if shard is not None else None
    if slice_ is not None and history:
        raise ConfigError("cli.shard-history")

    cfg = _config(config, profile=profile, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    preload(cfg.policy_dirs)  # a cold pack loads on another core while the cloud SDKs are imported
    from auditor import pipeline

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
            raise ConfigError("cli.not-a-directory", name=name, folder=folder)
    region = check_region("--aws-region", "aws", aws_region) if aws_region else None  # CI passes "${AWS_REGION:-}"
    cfg = _config(config, profile=profile, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    preload(cfg.policy_dirs)
    cfg = _recording(cfg, None, True, default=False)
    _audit(lambda c, rep: read_plan(plan, aws_region=region, repo_root=repo_root, source_base=git_root,
                                    include_unchanged=include_unchanged), cfg, quiet, baseline=baseline or None)


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
    preload(cfg.policy_dirs)
    cfg = _recording(cfg, history, False, default=False)
    _audit(lambda c, rep: pipeline.load_inventory(inventory), cfg, quiet)


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
    from auditor.render.words import notice as _notice  # the run notices in French

    cfg = _config(config, profile=None, out=out, fmt=fmt, fail_on=fail_on, allow_unknown=allow_unknown, lang=lang,
                  timezone=timezone, group_readable=group_readable)
    outcome, notices = pipeline.merge_runs(results, _recording(cfg, history, no_history, default=True), expect)
    for notice in notices:
        typer.echo(say("notice", cfg.lang, text=one_line(_notice(notice, cfg.lang))), err=True)
    _finish(outcome, quiet, lang=cfg.lang)
