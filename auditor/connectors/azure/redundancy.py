"""Azure redundancy options: which ones keep a copy in another region, and which region that is.

One table for the live scan (a storage account's SKU, ``Standard_RAGZRS``) and for plans (azurerm's
``account_replication_type``, ``RAGZRS``), so the two cannot disagree on what is geo-redundant.

Storage accounts (https://learn.microsoft.com/azure/storage/common/storage-redundancy, checked
2026-12-07): LRS keeps three copies in one datacenter, ZRS three across the availability zones of
the primary region; GRS and GZRS add an asynchronous copy in the *secondary region*, the region's
pair, readable at any time with the RA- variants (RA-GRS, RA-GZRS). The secondary region is
fixed by Azure: ARM reports it as ``properties.secondaryLocation``; when it does not (or in a plan),
it is the pair from ARM's location list, else from the project's geography catalog.

Backups: a Recovery Services or Backup vault with ``GeoRedundant`` storage, an Azure SQL database
with ``Geo``/``GeoZone`` backup storage and a Cosmos DB account with ``Geo`` periodic-backup storage
keep their backups in the paired region too
(https://learn.microsoft.com/azure/backup/backup-create-recovery-services-vault,
https://learn.microsoft.com/azure/azure-sql/database/automated-backups-overview,
https://learn.microsoft.com/azure/cosmos-db/periodic-backup-storage-redundancy, checked 2026-12-07).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auditor.geo.catalog import paired_region


@dataclass(frozen=True, slots=True)
class Redundancy:
    code: str  # SKU suffix and azurerm ``account_replication_type``: ``RAGZRS``
    label: str  # Microsoft's name: ``RA-GZRS``
    zones: bool  # synchronous copies across the availability zones of the primary region
    geo: bool  # an asynchronous copy in the secondary (paired) region
    readable_secondary: bool  # that copy is readable at any time, not only after a failover


STORAGE: tuple[Redundancy, ...] = (
    Redundancy("LRS", "LRS", zones=False, geo=False, readable_secondary=False),
    Redundancy("ZRS", "ZRS", zones=True, geo=False, readable_secondary=False),
    Redundancy("GRS", "GRS", zones=False, geo=True, readable_secondary=False),
    Redundancy("RAGRS", "RA-GRS", zones=False, geo=True, readable_secondary=True),
    Redundancy("GZRS", "GZRS", zones=True, geo=True, readable_secondary=False),
    Redundancy("RAGZRS", "RA-GZRS", zones=True, geo=True, readable_secondary=True),
)
_BY_CODE = {r.code: r for r in STORAGE}
GEO_STORAGE = frozenset(r.code for r in STORAGE if r.geo)  # the codes whose copy lands in the pair

# Backup-storage settings that keep a copy in the paired region (lower case).
GEO_BACKUP = frozenset({"georedundant", "geo", "geozone"})


def storage(value: str | None) -> Redundancy | None:
    """The row for ``Standard_RAGRS``, ``Premium_ZRS``, ``RAGRS`` or ``RA-GRS``; ``None`` when unknown."""
    if not value:
        return None
    code = str(value).rsplit("_", 1)[-1].replace("-", "").upper()
    return _BY_CODE.get(code)


def geo_backup(value: object) -> bool:
    """Whether a backup-storage setting (``GeoRedundant``, ``Geo``, ``GeoZone``…) copies to the pair."""
    return isinstance(value, str) and value.lower() in GEO_BACKUP


def pair(region: str, arm_pairs: Mapping[str, str] | None = None) -> str | None:
    """The secondary region of ``region``: ARM's location list when given, else the geography catalog."""
    return (arm_pairs or {}).get(region) or paired_region("azure", region)
