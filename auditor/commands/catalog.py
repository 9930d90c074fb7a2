"""``auditor catalog``: every fact a verdict rests on, with its source and the day it was checked."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from auditor.errors import ConfigError

KINDS = ("qualification", "adequacy")


def catalog_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the facts as JSON.")] = False,
    kind: Annotated[str | None, typer.Option(help="Only this kind of fact: qualification or adequacy.")] = None,
) -> None:
    """The dated, sourced facts behind the verdicts: qualifications per service and place, adequacy decisions."""
    from auditor.geo.factsheet import as_json as facts_json
    from auditor.geo.factsheet import format_facts

    if kind is not None and kind not in KINDS:
        raise ConfigError(f"catalog --kind {kind!r}: expected one of {', '.join(KINDS)}")
    if as_json:
        data = facts_json()
        if kind is not None:
            data["facts"] = [f for f in data["facts"] if f["kind"] == kind]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(format_facts(kind), nl=False)
