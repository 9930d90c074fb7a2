"""Framework mappings: each control, its legal reference, and the policies that evidence it.

The mapping files are the single source of a policy's framework references: a finding's
``frameworks`` are derived from them, so mapping a new framework touches one file.
"""

from __future__ import annotations

from pathlib import Path

from auditor import yamlio
from auditor.engine.schemas import schema
from auditor.errors import PolicyError
from auditor.model.findings import Control


def load_frameworks(paths: list[Path], policy_ids: set[str]) -> tuple[Control, ...]:
    """Load mapping files; a control that names a policy the pack does not have is an error."""
    controls: list[Control] = []
    seen: dict[str, str] = {}
    for path in paths:
        data = yamlio.load(path, PolicyError)
        yamlio.check(data, schema("framework"), str(path), PolicyError)
        fid = str(data["id"])
        if fid in seen:
            raise PolicyError("policy.framework-twice", location=yamlio.where(data, "id"), id=fid, other=seen[fid])
        seen[fid] = str(path)
        for index, item in enumerate(data["controls"]):
            for pid in item.get("policies", ()):
                if pid not in policy_ids:
                    raise PolicyError("policy.control-names-unknown", location=yamlio.where(data["controls"], index),
                                      framework=fid, control=item["id"], policy=pid)
            reference = _texts(item["reference"])
            out_of_scope = _texts(item.get("out_of_scope"))
            controls.append(Control(
                framework=fid,
                control_id=str(item["id"]),
                title=dict(item["title"]),
                reference=reference.get("en", ""),
                framework_title=dict(data["title"]),
                url=item.get("url"),
                policies=tuple(item.get("policies", ())),
                manual=bool(item.get("manual", False)),
                out_of_scope=out_of_scope.get("en") or None,
                reference_text=reference,
                out_of_scope_text=out_of_scope,
            ))
    return tuple(controls)


def _texts(value: object) -> dict[str, str]:
    """A mapping's text per language; a plain string (a pack written before translations) is English."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {"en": str(value)} if value else {}


def refs_by_policy(controls: tuple[Control, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for control in controls:
        for pid in control.policies:
            out.setdefault(pid, []).append(control.ref)
    return {k: tuple(v) for k, v in out.items()}
