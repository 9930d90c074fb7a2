"""``auditor regions``: the geography catalog as the tool sees it (region, country, legal zone)."""

from __future__ import annotations

from auditor.errors import ConfigError
from auditor.geo.catalog import Place, canonical_provider, catalog, providers
from auditor.geo.jurisdiction import known_providers
from auditor.model.inventory import Zone

_COLUMNS = ("provider", "region", "name / city", "country", "zone", "partition", "kind", "parent")


def _label(place: Place) -> str:
    name, city = place.name or "", place.city or ""
    if not city or city.lower() in name.lower():
        return name or city
    return f"{name} / {city}" if name else city


def format_catalog(provider: str | None) -> str:
    """The text ``auditor regions [--provider NAME]`` prints: one row per known place."""
    if provider is not None:
        name = canonical_provider(provider)
        if name not in providers():
            if name in known_providers():
                return f"{name}: no published region codes; every {name} location resolves to 'unknown'\n"
            known = ", ".join(sorted(set(providers()) | set(known_providers())))
            raise ConfigError("cli.unknown-provider", hint="hint.known-providers", provider=provider, known=known)
    places = catalog(provider)
    rows = [
        (p.provider, p.region, _label(p), p.country or "-", p.zone.value, p.partition or "-", p.kind, p.parent or "-")
        for p in places
    ]
    widths = [max(len(col), *(len(row[i]) for row in rows)) if rows else len(col) for i, col in enumerate(_COLUMNS)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    out = [line(_COLUMNS), line(tuple("-" * w for w in widths)), *(line(row) for row in rows)]
    unknown = sum(1 for p in places if p.zone is Zone.UNKNOWN)
    out.append(f"{len(rows)} places; {unknown} with no single legal zone (logical or multi-country: 'unknown')")
    return "\n".join(out) + "\n"
