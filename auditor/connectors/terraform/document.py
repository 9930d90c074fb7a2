"""``terraform show -json PLANFILE`` -> a checked :class:`Plan` with the indexes the resolvers need.

The document is validated only as far as this package relies on it: a JSON object with a
``format_version`` of major version 1 (minor bumps add properties, which are ignored, as the
format's own documentation asks) and a ``resource_changes`` list. Everything else
(``configuration``, ``variables``) is optional: when it is missing or malformed, resolution
degrades to ``unknown`` rather than failing the whole plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.connectors.terraform.values import join
from auditor.errors import InputError
from auditor.fsio import read_json

SUPPORTED_MAJOR = 1
_VERSION = re.compile(r"^(\d+)\.(\d+)$")


@dataclass(frozen=True, slots=True)
class ConfigResource:
    """One ``resource`` block of the configuration (not an instance)."""

    module: str  # configuration path of its module: "" or "module.a.module.b"
    type: str
    name: str
    provider_key: str | None
    expressions: dict[str, Any]
    evidence: str  # JSON path of the block in the plan


@dataclass(frozen=True, slots=True)
class ModuleConfig:
    """One module of the configuration tree; the root has ``path == ""`` and no call."""

    path: str
    source: str | None = None
    call_expressions: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    evidence: str = "configuration.root_module"


@dataclass(frozen=True, slots=True)
class Plan:
    path: Path
    format_version: str
    terraform_version: str | None
    timestamp: str | None
    variables: dict[str, Any]  # root variable name -> value
    provider_configs: dict[str, dict[str, Any]]
    resources: dict[str, ConfigResource]  # absolute configuration address -> block
    modules: dict[str, ModuleConfig]
    changes: list[Any]  # resource_changes, raw
    deferred: list[Any]  # deferred_changes, raw


def load(path: Path) -> Plan:
    """Read and check a plan file; any problem is an ``InputError`` naming ``file:line``."""
    doc = read_json(path)
    where = f"{path}:1"
    if not isinstance(doc, dict):
        raise InputError("not a Terraform plan: the document is not a JSON object", location=where)
    version = doc.get("format_version")
    if not isinstance(version, str):
        raise InputError(
            "not a Terraform plan: no format_version",
            location=where,
            hint="produce it with: terraform show -json PLANFILE > plan.json",
        )
    match = _VERSION.match(version)
    if match is None or int(match.group(1)) != SUPPORTED_MAJOR:
        raise InputError(
            f"unsupported plan format_version {version!r}: this tool reads format 1.x",
            location=_line_of(path, "format_version"),
        )
    if doc.get("errored") is True:
        raise InputError("the plan is marked errored: terraform plan failed, fix it first", location=where)
    changes = doc.get("resource_changes")
    if changes is None and isinstance(doc.get("planned_values"), dict):
        changes = []  # Terraform omits resource_changes when a plan changes nothing
    if not isinstance(changes, list):
        raise InputError(
            "not a Terraform plan: no resource_changes list",
            location=_line_of(path, "resource_changes"),
            hint="a state file is not a plan; produce one with: terraform show -json PLANFILE > plan.json",
        )
    deferred = doc.get("deferred_changes")
    configuration = _dict(doc.get("configuration"))
    providers = configuration.get("provider_config")
    resources: dict[str, ConfigResource] = {}
    modules: dict[str, ModuleConfig] = {}
    _walk_module(configuration.get("root_module"), ModuleConfig(path=""), resources, modules)
    terraform_version = doc.get("terraform_version")
    timestamp = doc.get("timestamp")
    return Plan(
        path=path,
        format_version=version,
        terraform_version=terraform_version if isinstance(terraform_version, str) else None,
        timestamp=timestamp if isinstance(timestamp, str) else None,
        variables=_variables(doc.get("variables")),
        provider_configs={k: v for k, v in providers.items() if isinstance(v, dict)}
        if isinstance(providers, dict)
        else {},
        resources=resources,
        modules=modules,
        changes=changes,
        deferred=deferred if isinstance(deferred, list) else [],
    )


def _variables(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    return {name: body.get("value") for name, body in raw.items() if isinstance(body, dict)}


def _walk_module(
    raw: Any, info: ModuleConfig, resources: dict[str, ConfigResource], modules: dict[str, ModuleConfig]
) -> None:
    modules[info.path] = info
    if not isinstance(raw, dict):
        return
    for i, block in enumerate(raw.get("resources") or []):
        if not isinstance(block, dict) or block.get("mode", "managed") != "managed":
            continue
        rtype, name = block.get("type"), block.get("name")
        if not isinstance(rtype, str) or not isinstance(name, str):
            continue
        key = block.get("provider_config_key")
        expressions = block.get("expressions")
        resources[join(info.path, f"{rtype}.{name}")] = ConfigResource(
            module=info.path,
            type=rtype,
            name=name,
            provider_key=key if isinstance(key, str) else None,
            expressions=expressions if isinstance(expressions, dict) else {},
            evidence=f"{info.evidence}.resources[{i}]",
        )
    calls = raw.get("module_calls")
    if not isinstance(calls, dict):
        return
    for call_name, call in calls.items():
        if not isinstance(call, dict):
            continue
        child = _dict(call.get("module"))
        source = call.get("source")
        _walk_module(
            child,
            ModuleConfig(
                path=join(info.path, f"module.{call_name}"),
                source=source if isinstance(source, str) else None,
                call_expressions=_dict(call.get("expressions")),
                outputs=_dict(child.get("outputs")),
                variables=_dict(child.get("variables")),
                evidence=f'{info.evidence}.module_calls["{call_name}"].module',
            ),
            resources,
            modules,
        )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _line_of(path: Path, key: str) -> str:
    """``file:line`` of the first ``"key":`` in the file (line 1 for single-line plans)."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                if f'"{key}"' in line:
                    return f"{path}:{number}"
    except OSError:
        return f"{path}:1"  # unreadable now: the error still names the file
    return f"{path}:1"
