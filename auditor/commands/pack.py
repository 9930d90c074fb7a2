"""``auditor policies list|show|validate|test``: the policy pack, as the command line shows it.

The text views are :mod:`auditor.commands.policies`; this module only declares the commands
(built when ``auditor policies`` runs, see :mod:`auditor.cli`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from auditor.cli_options import ConfigOpt
from auditor.errors import ConfigError

app = typer.Typer(name="policies", help="List, explain, validate and test the policy pack.", no_args_is_help=True,
                  add_completion=False, rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})


@app.command("list")
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


@app.command("show")
def policies_show(
    policy_id: Annotated[str | None, typer.Argument(metavar="POLICY_ID", help="A policy id (RES-001).")] = None,
    profile: Annotated[str | None, typer.Option(
        metavar="NAME", help="Show this profile instead (hds, fr-doctrine…).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Explain one policy (or, with --profile, what a profile allows and how it changes severities)."""
    from auditor.commands import policies as describe

    if policy_id is None and profile is None:
        raise ConfigError("cli.policy-or-profile")
    pack = _pack(config)
    typer.echo(describe.show_profile(pack, profile) if profile else describe.show_policy(pack, str(policy_id)))


@app.command("validate")
def policies_validate(
    path: Annotated[Path | None, typer.Argument(
        metavar="DIR", help="A policy folder to add to the shipped pack.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Validate policies, profiles and frameworks: schema and CEL compile, with file:line errors."""
    pack = _pack(config, path)
    typer.echo(f"ok: {len(pack.policies)} policies, {len(pack.profiles)} profiles, {len(pack.controls)} controls "
               f"({pack.digest})")


@app.command("test")
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
