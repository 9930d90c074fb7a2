"""The geography fact a plan needs before stage 2: Azure location spelling (region pairs:
``auditor.connectors.azure.redundancy``).

It comes from the project's geography catalog (``auditor.geo.catalog``), the single place
where regions are known; nothing is hard-coded here.
"""

from __future__ import annotations

from auditor.geo import catalog

UNKNOWN = "unknown"


def azure_location(value: str) -> str:
    """``"West Europe"`` / ``"westeurope"`` / ``"WestEurope"`` -> ``westeurope``.

    A spelling the catalog does not know keeps a canonical form (lower case, no spaces) so
    the report can still name it; stage 2 then resolves it to ``unknown``.
    """
    found = catalog.normalize_region("azure", value)
    return found if found else "".join(value.split()).lower()

