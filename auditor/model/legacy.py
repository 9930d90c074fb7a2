"""Files written by an older version, brought to the current shape before they are validated.

Version 1 of ``inventory.json`` / ``findings.json`` wrote the copy mechanism as free text
(``"GRS pair"``, ``"sql-failover-group fg-pmsi"``, ``"backup storage redundancy Geo"``) and
allowed any text as kind, grant source and gap reason. Version 2 names the mechanism from
:class:`~auditor.model.vocab.Via` and keeps the old text, whole, in ``via_detail``; a grant
source or gap reason outside the sets becomes ``unknown`` / ``error`` (a gap stays a gap).
"""

from __future__ import annotations

from typing import Any

from auditor.model.vocab import GapReason, GrantSource, Via

# Old free-text mechanisms, by the words they start with (checked in order, lower case).
_PREFIXES: tuple[tuple[str, Via], ...] = (
    ("cloudfront", Via.CLOUDFRONT),
    ("diagnostic setting", Via.DIAGNOSTIC_SETTINGS),
    ("azure-backup", Via.AZURE_BACKUP),
    ("front-door", Via.FRONT_DOOR),
    ("cdn", Via.CDN),
    ("sql-failover-group", Via.SQL_FAILOVER_GROUP),
    ("sql-geo-replication", Via.SQL_GEO_REPLICATION),
    ("backup storage redundancy", Via.SQL_BACKUP_REDUNDANCY),
    ("cosmos periodic backup", Via.COSMOS_PERIODIC_BACKUP),
    ("cosmosdb geo-redundant backup", Via.COSMOS_PERIODIC_BACKUP),
    ("cosmos continuous backup", Via.COSMOS_CONTINUOUS_BACKUP),
    ("cosmosdb-geo-location", Via.COSMOS_READ_REGION),
    ("locally redundant backup", Via.LOCALLY_REDUNDANT_BACKUP),
    ("geo-redundant backup", Via.GEO_REDUNDANT_BACKUP),
    ("backup vault georedundant", Via.BACKUP_VAULT_GEO_REDUNDANCY),
    ("key-vault paired-region", Via.KEY_VAULT_PAIRED_REGION),
    ("storage-object-replication", Via.OBJECT_REPLICATION),
    ("grs", Via.STORAGE_GEO_REPLICATION),
    ("ra-grs", Via.STORAGE_GEO_REPLICATION),
    ("gzrs", Via.STORAGE_GEO_REPLICATION),
    ("ra-gzrs", Via.STORAGE_GEO_REPLICATION),
    ("ragrs", Via.STORAGE_GEO_REPLICATION),
    ("ragzrs", Via.STORAGE_GEO_REPLICATION),
)
_VIAS = {v.value for v in Via}
_SOURCES = {s.value for s in GrantSource}
_REASONS = {r.value for r in GapReason}


def split_via(text: str) -> tuple[Via, str | None]:
    """A version 1 mechanism -> (mechanism, the old text when it said more than the mechanism)."""
    if text in _VIAS:
        return Via(text), None
    folded = text.strip().lower()
    for prefix, via in _PREFIXES:
        if folded.startswith(prefix):
            return via, text
    if folded.endswith("unknown until apply"):
        return Via.UNKNOWN, text
    return Via.OTHER, text


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A version 1 document (inventory or findings) as version 2; other versions are returned as they are."""
    if data.get("schema_version") != 1:
        return data
    out = dict(data)
    out["resources"] = [_resource(r) for r in data.get("resources") or ()] if "resources" in data else None
    if out["resources"] is None:
        del out["resources"]
    if isinstance(data.get("coverage_gaps"), list):
        out["coverage_gaps"] = [_gap(g) for g in data["coverage_gaps"]]
    out["schema_version"] = 2
    return out


def _resource(r: Any) -> Any:
    if not isinstance(r, dict):
        return r
    r = dict(r)
    if isinstance(r.get("locations"), list):
        r["locations"] = [_location(loc) for loc in r["locations"]]
    enc = r.get("encryption")
    if isinstance(enc, dict) and isinstance(enc.get("locations"), list):
        r["encryption"] = {**enc, "locations": [_location(loc) for loc in enc["locations"]]}
    if isinstance(r.get("access"), list):
        r["access"] = [_grant(g) for g in r["access"]]
    return r


def _location(loc: Any) -> Any:
    if not isinstance(loc, dict) or not isinstance(loc.get("via"), str) or "via_detail" in loc:
        return loc
    via, detail = split_via(loc["via"])
    return {**loc, "via": via.value, "via_detail": detail}


def _grant(g: Any) -> Any:
    if isinstance(g, dict) and isinstance(g.get("source"), str) and g["source"] not in _SOURCES:
        return {**g, "source": GrantSource.UNKNOWN.value,
                "condition": "; ".join(x for x in (g.get("condition"), f"source: {g['source']}") if x)}
    return g


def _gap(g: Any) -> Any:
    if isinstance(g, dict) and isinstance(g.get("reason"), str) and g["reason"] not in _REASONS:
        return {**g, "reason": GapReason.ERROR.value, "error": f"{g['reason']}: {g.get('error') or ''}".strip()}
    return g
