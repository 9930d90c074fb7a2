"""Which projects the scan reads, and the organisation's residency policy.

Projects: ``gcp.projects`` when listed (each read with ``projects.get`` for its number, which Asset
Inventory uses), else Resource Manager v3 ``projects.search`` (``GET
/v3/projects:search``, every ACTIVE project the credential may see, narrowed to the configured
organisation or folders with ``query=parent:…``).

``constraints/gcp.resourceLocations``: Organization Policy v2 ``getEffectivePolicy`` per project
(``GET /v2/projects/{p}/policies/gcp.resourceLocations:getEffectivePolicy``), kept on each store as
``attributes.allowed_locations`` so the report shows it next to where the store actually is.
"""

from __future__ import annotations

from typing import Any

from auditor.connectors.gcp.context import Project, Scan
from auditor.connectors.gcp.service import Service
from auditor.model.vocab import GapReason

NAME = "cloudresourcemanager"
OPERATIONS = {
    "cloudresourcemanager.projects.search": "resourcemanager.projects.get",
    "cloudresourcemanager.projects.get": "resourcemanager.projects.get",
    "orgpolicy.projects.policies.getEffectivePolicy": "orgpolicy.policy.get",
}
SERVICE = Service(name=NAME, operations=OPERATIONS)


def discover(scan: Scan) -> list[Project]:
    cfg = scan.config.gcp
    if cfg.projects is not None:
        return scan.map(lambda pid: _named(scan, pid), cfg.projects)
    parents = [f"folders/{f}" for f in cfg.folders] or ([f"organizations/{cfg.organization}"]
                                                        if cfg.organization else [])
    queries = [f"parent:{p} state:ACTIVE" for p in parents] or ["state:ACTIVE"]
    found: dict[str, Project] = {}
    for query in queries:
        items = scan.pages(NAME, "cloudresourcemanager.projects.search", "/v3/projects:search", "projects",
                           {"query": query})
        for item in items or ():
            pid = str(item.get("projectId") or "")
            if pid:
                found[pid] = Project(pid, str(item.get("name") or "").rsplit("/", 1)[-1] or None,
                                     item.get("displayName"))
    if not found:
        scan.note(NAME, GapReason.NOT_READ, "no Google Cloud project could be listed; name them in gcp.projects")
    return sorted(found.values(), key=lambda p: p.id)


def _named(scan: Scan, pid: str) -> Project:
    """A configured project with its number (Asset Inventory names projects by number)."""
    item = scan.get(NAME, "cloudresourcemanager.projects.get", f"/v3/projects/{pid}", project=pid)
    number = str((item or {}).get("name") or "").rsplit("/", 1)[-1] or None
    return Project(pid, number, (item or {}).get("displayName"))


def allowed_locations(scan: Scan, project: str) -> list[str] | None:
    """The values ``constraints/gcp.resourceLocations`` allows in ``project`` (None: not read or not set)."""

    def read() -> list[str] | None:
        policy = scan.get(NAME, "orgpolicy.projects.policies.getEffectivePolicy",
                          f"/v2/projects/{project}/policies/gcp.resourceLocations:getEffectivePolicy",
                          project=project, absent=(GapReason.NOT_FOUND,))
        return _values(policy) if policy else None

    return scan.once(("resourceLocations", project), read)


def _values(policy: dict[str, Any]) -> list[str] | None:
    allowed: list[str] = []
    for rule in (policy.get("spec") or {}).get("rules") or ():
        if rule.get("allowAll"):
            return None
        allowed += [str(v) for v in (rule.get("values") or {}).get("allowedValues") or ()]
    return allowed or None
