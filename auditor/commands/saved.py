"""The commands over saved runs: ``report`` (render again), ``history`` (the recorded runs) and ``diff``.

Each declares its options and calls its command module (:mod:`auditor.commands.report`, ``history``,
``diff``) when it runs; built only when run (:mod:`auditor.cli`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.cli_options import ConfigOpt, DbOpt, GroupOpt, LangOpt, TimezoneOpt
from auditor.messages import say
from auditor.safetext import for_terminal


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
