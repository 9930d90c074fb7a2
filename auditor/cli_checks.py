"""Checks and help texts the command line needs before anything runs (kept out of cli.py, which has no logic).

- :func:`check_region`: a region option given a region of another provider (``--aws-region westeurope``)
  is refused with a suggestion, instead of becoming an "unknown location" deep in the report;
- :func:`profile_names`: the shipped profiles, for ``--profile`` help.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from auditor.errors import ConfigError
from auditor.geo.catalog import Place, catalog, locate

DEFAULT_PROFILE = "hds"
_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud", "ovhcloud": "OVHcloud", "scaleway": "Scaleway",
          "outscale": "3DS Outscale"}


def check_region(option: str, provider: str, region: str) -> str:
    """``region``, unless it is a region of another provider: then a ConfigError naming that provider and the
    nearest region of ``provider``. A code no provider knows is let through (a region newer than the catalog
    is located as unknown, which the report shows)."""
    if locate(provider, region).kind != "unknown":
        return region
    owners = [name for name in _NAMES if name != provider and locate(name, region).kind != "unknown"]
    if not owners:
        return region
    near = _suggest(provider, locate(owners[0], region))
    raise ConfigError(f"{option} {region!r} is {_a(owners[0])} region, not {_a(provider)} one",
                      hint=f"did you mean {near}?" if near else None)


def _a(provider: str) -> str:
    name = _NAMES.get(provider, provider)
    return f"an {name}" if name[0] in "AEIOU" else f"a {name}"


def _suggest(provider: str, place: Place) -> str | None:
    """The region of ``provider`` in the same country, else in the same legal zone."""
    regions = [p for p in catalog(provider) if p.kind == "region"]
    for same in ([p for p in regions if place.country and p.country == place.country],
                 [p for p in regions if p.zone == place.zone]):
        if same:
            return sorted(p.region for p in same)[0]
    return None


def profile_names() -> list[str]:
    """The profiles shipped in ``policies/profiles`` (a user's own come from ``policy_dirs``)."""
    root = Path(str(resources.files("auditor"))).parent / "policies" / "profiles"
    return sorted(p.stem for p in root.glob("*.yaml")) if root.is_dir() else [DEFAULT_PROFILE]
