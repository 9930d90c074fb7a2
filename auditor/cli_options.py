"""The options every audit command shares (one definition, one help text).

Kept out of ``cli.py`` so that the command module stays a list of commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from auditor.cli_checks import DEFAULT_PROFILE, profile_names

ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", "-c", metavar="FILE", help="auditor.yaml (default: ./auditor.yaml if present).")]
ProfileOpt = Annotated[str | None, typer.Option(metavar="NAME", help=(
    f"Profile: {', '.join(profile_names())}, or one of yours from policy_dirs (default: {DEFAULT_PROFILE}, "
    "or profile: in auditor.yaml)."))]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", metavar="DIR", help="Output folder (default: ./audit-out).")]
FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", metavar="FORMATS",
    help="Comma-separated: html,json,sarif,junit,csv,md,codequality,pdf,registers,art30,transfer-map.")]
FailOnOpt = Annotated[str | None, typer.Option(metavar="SEVERITY", help=(
    "Exit 1 when a finding at or above this severity fails: critical, high, medium, low, info (default: high)."))]
AllowUnknownOpt = Annotated[
    bool, typer.Option("--allow-unknown", help="Do not fail (exit 3) when parts could not be read.")
]
LangOpt = Annotated[str | None, typer.Option(metavar="en|fr", help="Report language: en or fr.")]
TimezoneOpt = Annotated[str | None, typer.Option(
    "--timezone", metavar="ZONE",
    help="Show dates in this IANA time zone (default: report.timezone, else Europe/Paris).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress, one summary line.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print the API calls made, per operation.")]
HistoryOpt = Annotated[str | None, typer.Option(
    "--history", metavar="FILE|URL", help="Record the run in this history: a SQLite file or a postgresql:// URL.")]
NoHistoryOpt = Annotated[bool, typer.Option("--no-history", help="Do not record the run in the history.")]
GroupOpt = Annotated[bool, typer.Option(
    "--group-readable", help="Outputs and history 0640, new folders 0750 (default 0600/0700; output_mode: group).")]

DbOpt = Annotated[str | None, typer.Option(
    "--db", metavar="FILE|URL",
        help="The run history: a SQLite file or a postgresql:// URL (default: history: in auditor.yaml, "
                 "else ./audit-history.db).")]


def recording(cfg: Any, history: str | None, no_history: bool, *, default: bool) -> Any:
    """Where the run is recorded: --history, else (for scan and merge) history: or ./audit-history.db; or nowhere."""
    from dataclasses import replace

    if no_history:
        return replace(cfg, history=None)
    if history:
        return replace(cfg, history=history)
    from auditor.results.history import DEFAULT_PATH

    return replace(cfg, history=(cfg.history or DEFAULT_PATH) if default else None)


def settings(config: Path | None, *, profile: str | None, out: Path | None, fmt: str | None, fail_on: str | None,
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
