"""Checks and help texts the command line needs before anything runs (kept out of cli.py, which has no logic).

- :func:`check_region`: a region option given a region of another provider (``--aws-region westeurope``)
  is refused with a suggestion, instead of becoming an "unknown location" deep in the report;
- :func:`profile_names`: the shipped profiles, for ``--profile`` help.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from auditor.errors import ConfigError

if TYPE_CHECKING:  # the catalog (YAML, ~40 ms) is read only when a region option is given
    from auditor.geo.catalog import Place

DEFAULT_PROFILE = "hds"
_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud", "ovhcloud": "OVHcloud", "scaleway": "Scaleway",
          "outscale": "3DS Outscale"}


def check_region(option: str, provider: str, region: str) -> str:
    """``region``, unless it is a region of another provider: then a ConfigError naming that provider and the
    nearest region of ``provider``. A code no provider knows is let through (a region newer than the catalog
    is located as unknown, which the report shows)."""
    from auditor.geo.catalog import locate

    if locate(provider, region).kind != "unknown":
        return region
    owners = [name for name in _NAMES if name != provider and locate(name, region).kind != "unknown"]
    if not owners:
        return region
    near = _suggest(provider, locate(owners[0], region))
    raise ConfigError("cli.region-owner", hint="hint.did-you-mean" if near else None, option=option, region=region,
                      owner=_a(owners[0]), provider=_a(provider), owner_name=_NAMES.get(owners[0], owners[0]),
                      provider_name=_NAMES.get(provider, provider), near=near)


def _a(provider: str) -> str:
    name = _NAMES.get(provider, provider)
    return f"an {name}" if name[0] in "AEIOU" else f"a {name}"


def _suggest(provider: str, place: Place) -> str | None:
    """The region of ``provider`` in the same country, else in the same legal zone."""
    from auditor.geo.catalog import catalog

    regions = [p for p in catalog(provider) if p.kind == "region"]
    for same in ([p for p in regions if place.country and p.country == place.country],
                 [p for p in regions if p.zone == place.zone]):
        if same:
            return sorted(p.region for p in same)[0]
    return None


def profile_names() -> list[str]:
    """The profiles shipped in ``policies/profiles`` (a user's own come from ``policy_dirs``)."""
    package = Path(__file__).resolve().parent  # as fsio.shipped finds it, without its imports
    for root in (package / "_data" / "policies" / "profiles", package.parent / "policies" / "profiles"):
        if root.is_dir():
            return sorted(p.stem for p in root.glob("*.yaml"))
    return [DEFAULT_PROFILE]
