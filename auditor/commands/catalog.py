"""``auditor catalog``: every fact a verdict rests on, with its source and the day it was checked."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from auditor.errors import ConfigError

KINDS = ("qualification", "adequacy")


def catalog_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the facts as JSON.")] = False,
    kind: Annotated[str | None, typer.Option(help="Only this kind of fact: qualification or adequacy.")] = None,
) -> None:
    """The dated, sourced facts behind the verdicts: qualifications per service and place, adequacy decisions."""
    if kind is not None and kind not in KINDS:
        raise ConfigError("cli.one-of", what="catalog --kind", value=kind, known=", ".join(KINDS))
    if as_json:
        data = facts_json()
        if kind is not None:
            data["facts"] = [f for f in data["facts"] if f["kind"] == kind]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(format_facts(kind), nl=False)


def facts_json(today: date | None = None) -> dict[str, Any]:
    from auditor.geo.factsheet import coverage_summary, facts, oldest  # loaded when the command runs

    all_facts = facts()
    return {
        "oldest_check": oldest(all_facts),
        "today": (today or date.today()).isoformat(),
        "facts": [{"kind": f.kind, "id": f.id, "subject": f.subject, "statement": f.statement, "source": f.source,
                   "checked": f.checked, "provenance": f.provenance, **f.details} for f in all_facts],
        "coverage": [{"certificate": c, "provider": p, "scheme": s, "places": n, "services": sv}
                     for c, p, s, n, sv in coverage_summary()],
    }


def format_facts(kind: str | None = None) -> str:
    """The text ``auditor catalog`` prints: each fact, its source and the day it was checked."""
    from auditor.geo.factsheet import coverage_summary, facts, oldest  # loaded when the command runs

    all_facts = facts()
    shown = [f for f in all_facts if kind is None or f.kind == kind]
    out: list[str] = []
    for fact in shown:
        out.append(f"[{fact.kind}] {fact.id} ({fact.subject})")
        out.append(f"  {fact.statement}")
        out.append(f"  source:  {fact.source}")
        out.append(f"  checked: {fact.checked}")
        if fact.provenance:
            out.append(f"  provenance: {fact.provenance}")
        out.append("")
    if kind in (None, "qualification"):
        out.append("coverage (confirmed certificates): certificate, provider, scheme, places matched, services")
        for cert_id, provider, scheme, places, services in coverage_summary():
            out.append(f"  {cert_id:26} {provider:12} {scheme:12} {places:3} places  {services}")
        out.append("")
    out.append(f"{len(shown)} facts; oldest check {oldest(all_facts)}")
    return "\n".join(out) + "\n"
