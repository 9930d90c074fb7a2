"""``terraform show -json PLANFILE`` -> a checked :class:`Plan` with the indexes the resolvers need.

The document is validated only as far as this package relies on it: a JSON object with a
``format_version`` from 0.1 to 1.x and a ``resource_changes`` list. Everything else
(``configuration``, ``variables``) is optional: when it is missing or malformed, resolution
degrades to ``unknown`` rather than failing the whole plan.

Format versions: Terraform 0.12 to 1.0.0 write ``0.1``, later 1.0.x ``0.2``, 1.1 ``1.0``,
1.2 to 1.4 ``1.1`` and 1.5 onwards ``1.2``. Every one of them has the ``resource_changes``,
``configuration`` and ``variables`` shapes this package reads; later versions only add
properties (``resource_drift``, ``relevant_attributes``, ``checks``, ``timestamp``,
``deferred_changes``…), which are ignored, as the format's documentation asks. HashiCorp's own
reader (``terraform-json``) accepts the same range, ``>= 0.1, < 2.0``. What differs between
versions and matters here: Terraform 0.12 names providers ``aws`` where 0.13 and later write
``registry.terraform.io/hashicorp/aws`` (both are read), and a module's resources carry a
``provider_config_key`` of ``CALL:aws`` (the module call's name, not its path) up to Terraform
1.x, which :mod:`.resolve` follows to the module's own provider block or its parent's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.connectors.terraform.planfile import SHOW_HINT, read_plan_text
from auditor.connectors.terraform.values import join, module_name
from auditor.errors import InputError
from auditor.fsio import parse_json

# The range HashiCorp's terraform-json accepts (PlanFormatVersionConstraints = ">= 0.1, < 2.0").
OLDEST_FORMAT = (0, 1)
NEWEST_MAJOR = 1
_VERSION = re.compile(r"^v?(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?$")


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
    text: str = field(repr=False)  # the decoded JSON text, for line numbers
    format_version: str
    terraform_version: str | None
    timestamp: str | None
    variables: dict[str, Any]  # root variable name -> value
    provider_configs: dict[str, dict[str, Any]]  # keys normalised to "module.a.module.b:aws[.alias]"
    resources: dict[str, ConfigResource]  # absolute configuration address -> block
    modules: dict[str, ModuleConfig]
    changes: list[Any]  # resource_changes, raw
    deferred: list[Any]  # deferred_changes, raw
    # Terraform 1.2 (format 1.1) and later resolve a provider passed into a module (providers = {…})
    # to the caller's block in provider_config_key; before, the key names the module's own slot,
    # and the plan does not say which of the caller's blocks fills it.
    passed_providers_resolved: bool = True


def load(path: Path) -> Plan:
    """Read and check a plan file; any problem is an ``InputError`` naming ``file:line``."""
    text, _ = read_plan_text(path)
    try:
        doc = parse_json(text, path)
    except InputError as exc:
        raise InputError(exc.key, location=exc.location, hint=SHOW_HINT, **exc.params) from None
    where = f"{path}:1"
    if not isinstance(doc, dict):
        raise InputError("plan.not-object", location=where, hint=SHOW_HINT)
    version = doc.get("format_version")
    if not isinstance(version, str):
        raise InputError("plan.no-format-version", location=where, hint=SHOW_HINT)
    if not supported_format(version):
        raise InputError("plan.format-version", location=_line_of(path, text, "format_version"), version=version)
    if doc.get("errored") is True:
        raise InputError("plan.errored", location=where)
    changes = doc.get("resource_changes")
    if changes is None and isinstance(doc.get("planned_values"), dict):
        # Terraform omits resource_changes when a plan changes nothing; what planned_values
        # still lists is left as it is (judged with --include-unchanged).
        changes = list(_unchanged(_dict(doc["planned_values"]).get("root_module")))
    if not isinstance(changes, list):
        raise InputError("plan.no-changes", location=_line_of(path, text, "resource_changes"),
                         hint="hint.state-not-plan")
    deferred = doc.get("deferred_changes")
    configuration = _dict(doc.get("configuration"))
    resources: dict[str, ConfigResource] = {}
    modules: dict[str, ModuleConfig] = {}
    _walk_module(configuration.get("root_module"), ModuleConfig(path=""), resources, modules)
    terraform_version = doc.get("terraform_version")
    timestamp = doc.get("timestamp")
    return Plan(
        path=path,
        text=text,
        format_version=version,
        terraform_version=terraform_version if isinstance(terraform_version, str) else None,
        timestamp=timestamp if isinstance(timestamp, str) else None,
        variables=_variables(doc.get("variables")),
        provider_configs=_provider_configs(configuration.get("provider_config"), modules),
        resources=resources,
        modules=modules,
        changes=changes,
        deferred=deferred if isinstance(deferred, list) else [],
        passed_providers_resolved=_format(version) >= (1, 1),
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
    for i, block in enumerate(_list(raw.get("resources"))):
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
            provider_key=_module_key(key, info.path) if isinstance(key, str) else None,
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


_IDENTITY = ("address", "mode", "type", "name", "index", "provider_name")


def _unchanged(module: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """``planned_values`` resources as ``no-op`` changes (a plan without ``resource_changes``)."""
    if not isinstance(module, dict) or depth > 64:
        return
    address = module.get("address")
    for resource in _list(module.get("resources")):
        if isinstance(resource, dict) and isinstance(values := resource.get("values"), dict):
            yield {
                **{k: resource[k] for k in _IDENTITY if k in resource},
                **({"module_address": address} if isinstance(address, str) else {}),
                "change": {"actions": ["no-op"], "before": values, "after": values, "after_unknown": {}},
            }
    for child in _list(module.get("child_modules")):
        yield from _unchanged(child, depth + 1)


def _module_key(key: str, module: str) -> str:
    """A resource's ``provider_config_key`` as ``module.a.module.b:aws``.

    Terraform before 1.2 writes ``b:aws`` for a resource of ``module.a.module.b``: the module
    call's name only, which two modules may share; the resource's own module path is exact.
    """
    prefix, colon, local = key.partition(":")
    if not colon or prefix.startswith("module.") or not module:
        return key
    return f"{module}:{local}"


def _provider_configs(raw: Any, modules: dict[str, ModuleConfig]) -> dict[str, dict[str, Any]]:
    """``configuration.provider_config`` with every module key as ``module.a.module.b:aws``.

    Terraform 0.12 keys a module's provider block by the call's name (``b:aws``); 0.13 to 1.1
    by ``module.b:aws`` with the path in ``module_address``. A bare call name is given to every
    module of that name (Terraform itself could not tell them apart).
    """
    out: dict[str, dict[str, Any]] = {}
    if not isinstance(raw, dict):
        return out
    for key, config in raw.items():
        if not isinstance(config, dict):
            continue
        prefix, colon, local = key.partition(":")
        if not colon or prefix.startswith("module."):
            out.setdefault(key, config)
            continue
        address = config.get("module_address")
        if isinstance(address, str) and address.startswith("module."):
            paths = [address]
        else:
            paths = [path for path in modules if path and module_name(path) == prefix] or [prefix]
        for path in paths:
            out.setdefault(f"{path}:{local}", config)
    return out


def _format(version: str) -> tuple[int, int]:
    match = _VERSION.match(version)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else (0, 0)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def supported_format(version: str) -> bool:
    """``>= 0.1, < 2.0`` on a ``MAJOR[.MINOR[.PATCH]]`` version, as ``terraform-json`` checks it."""
    if _VERSION.match(version) is None:
        return False
    found = _format(version)
    return found >= OLDEST_FORMAT and found[0] <= NEWEST_MAJOR


def _line_of(path: Path, text: str, key: str) -> str:
    """``file:line`` of the first ``"key":`` in the text (line 1 for single-line plans)."""
    found = text.find(f'"{key}"')
    return f"{path}:{text.count(chr(10), 0, found) + 1 if found >= 0 else 1}"
