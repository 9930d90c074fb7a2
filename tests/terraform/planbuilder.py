"""Write plan documents in the exact shape ``terraform show -json PLANFILE`` gives (format 1.2).

A resource is described as its HCL block would be: ``config`` maps each argument to a
constant, a :class:`Ref` (a reference expression; ``value`` when Terraform knows it at plan
time, else the attribute is unknown), or nested blocks (lists of dicts). From that the builder
derives, like Terraform does:

- ``resource_changes[].change.after`` (known values), ``after_unknown`` (``true`` for unknown
  values and computed attributes, ``{}`` / ``[]`` / ``[{}]`` shapes for known collections),
  ``before`` for updates and deletes, ``after_sensitive`` / ``before_sensitive``;
- ``planned_values`` (root module and nested ``child_modules``; unknown values omitted);
- ``configuration`` (``provider_config`` keyed like Terraform, ``root_module.resources[]``
  with ``provider_config_key`` and ``expressions``, recursive ``module_calls``).

Used by ``tests/terraform/fixtures/build.py`` (the committed fixtures) and by the benchmark.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

AWS = "registry.terraform.io/hashicorp/aws"
AZURERM = "registry.terraform.io/hashicorp/azurerm"
GOOGLE = "registry.terraform.io/hashicorp/google"

# Attributes the providers compute at apply time (unknown in a create plan unless given).
COMPUTED: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket": (
        "acceleration_status",
        "arn",
        "bucket_domain_name",
        "bucket_regional_domain_name",
        "hosted_zone_id",
        "id",
        "object_lock_enabled",
        "policy",
        "request_payer",
        "website_domain",
        "website_endpoint",
        "versioning",
    ),
    "aws_kms_key": ("arn", "id", "key_id", "policy", "bypass_policy_lockout_safety_check", "rotation_period_in_days"),
    "aws_kms_replica_key": ("arn", "id", "key_id", "key_rotation_enabled", "key_spec", "key_usage", "policy"),
    "aws_kms_alias": ("arn", "id", "target_key_arn"),
    "aws_db_instance": (
        "address",
        "arn",
        "endpoint",
        "hosted_zone_id",
        "id",
        "resource_id",
        "status",
        "latest_restorable_time",
        "listener_endpoint",
        "master_user_secret",
        "replicas",
    ),
    "aws_dynamodb_table": ("arn", "id", "stream_arn", "stream_label"),
    "aws_dynamodb_table_replica": ("arn", "id"),
    "aws_backup_vault": ("arn", "id", "recovery_points"),
    "aws_backup_plan": ("arn", "id", "version"),
    "aws_backup_selection": ("id",),
    "aws_cloudfront_distribution": (
        "arn",
        "caller_reference",
        "domain_name",
        "etag",
        "hosted_zone_id",
        "id",
        "status",
        "last_modified_time",
        "in_progress_validation_batches",
        "trusted_key_groups",
        "trusted_signers",
    ),
    "azurerm_storage_account": (
        "id",
        "primary_blob_endpoint",
        "primary_location",
        "secondary_location",
        "primary_access_key",
        "secondary_access_key",
        "primary_connection_string",
    ),
    "azurerm_cosmosdb_account": ("id", "endpoint", "read_endpoints", "write_endpoints", "primary_key"),
    "azurerm_mssql_server": ("id", "fully_qualified_domain_name", "restorable_dropped_database_ids"),
    "azurerm_mssql_database": ("id", "license_type", "max_size_gb"),
    "azurerm_mssql_failover_group": ("id", "partner_server_role"),
    "azurerm_postgresql_flexible_server": ("id", "fqdn"),
    "azurerm_recovery_services_vault": ("id",),
    "azurerm_data_protection_backup_vault": ("id",),
    "azurerm_key_vault": ("id", "vault_uri"),
    "azurerm_key_vault_key": ("id", "version", "versionless_id", "resource_id", "n", "e"),
    "azurerm_storage_container": ("id", "resource_manager_id"),
    "azurerm_storage_object_replication": ("id", "source_object_replication_id", "destination_object_replication_id"),
    "azurerm_resource_group": ("id",),
    "azurerm_log_analytics_workspace": ("id", "workspace_id", "primary_shared_key"),
    "azurerm_monitor_diagnostic_setting": ("id",),
    "aws_s3_bucket_logging": ("id",),
    "azurerm_healthcare_fhir_service": ("id", "public_network_access_enabled"),
}


@dataclass(frozen=True)
class Ref:
    """A reference expression; ``value`` when known at plan time (variables, known attributes)."""

    target: str
    value: Any = None
    known: bool = False

    def references(self) -> list[str]:
        refs = [self.target]
        parts = self.target.split(".")
        if parts[0] == "var" or parts[0] in ("local", "each", "count"):
            return refs
        if parts[0] == "module" and len(parts) > 2:
            return [*refs, ".".join(parts[:2])]
        if parts[0] == "data" and len(parts) > 3:
            return [*refs, ".".join(parts[:3])]
        if len(parts) > 2:
            head = ".".join(parts[:2])
            if "[" in parts[1]:
                return [*refs, head, head.split("[")[0]]
            return [*refs, head]
        return refs


def known(target: str, value: Any) -> Ref:
    return Ref(target, value, True)


def _expression(value: Any) -> Any:
    if isinstance(value, Ref):
        return {"references": value.references()}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [{k: _expression(v) for k, v in block.items()} for block in value]
    if _has_ref(value):
        refs = [r for r in _refs_in(value)]
        return {"references": [x for r in refs for x in r.references()]}
    return {"constant_value": value}


def _has_ref(value: Any) -> bool:
    return bool(_refs_in(value))


def _refs_in(value: Any) -> list[Ref]:
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, list):
        return [r for v in value for r in _refs_in(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs_in(v)]
    return []


_UNKNOWN = object()


def _after(value: Any) -> Any:
    if isinstance(value, Ref):
        return value.value if value.known else _UNKNOWN
    if isinstance(value, list):
        return [_after(v) for v in value]
    if isinstance(value, dict):
        return {k: _after(v) for k, v in value.items()}
    return value


def _split(value: Any) -> tuple[Any, Any]:
    """(known value with unknowns removed, after_unknown shape)."""
    if value is _UNKNOWN:
        return None, True
    if isinstance(value, dict):
        known_part, shape = {}, {}
        for k, v in value.items():
            kv, ks = _split(v)
            if ks is True:
                shape[k] = True
                continue
            known_part[k] = kv
            if isinstance(v, (dict, list)):
                shape[k] = ks
        return known_part, shape
    if isinstance(value, list):
        parts = [_split(v) for v in value]
        return [p[0] for p in parts], [p[1] if p[1] is not None else False for p in parts]
    return value, None


def _sensitive_shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sensitive_shape(v) for k, v in value.items() if isinstance(v, (dict, list))}
    if isinstance(value, list):
        return [_sensitive_shape(v) if isinstance(v, (dict, list)) else False for v in value]
    return False


@dataclass
class _Resource:
    address: str
    module: str
    type: str
    name: str
    index: Any
    provider_name: str
    provider_key: str
    actions: list[str]
    after: dict[str, Any] | None
    after_unknown: dict[str, Any]
    before: dict[str, Any] | None
    expressions: dict[str, Any]
    action_reason: str | None


@dataclass
class PlanBuilder:
    terraform_version: str = "1.9.8"
    format_version: str = "1.2"
    variables: dict[str, Any] = field(default_factory=dict)
    timestamp: str = "2025-03-14T09:26:53Z"
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    resources: list[_Resource] = field(default_factory=list)

    def provider(
        self,
        key: str,
        *,
        name: str = "aws",
        alias: str | None = None,
        module: str = "",
        full_name: str = AWS,
        version: str = "~> 5.0",
        **arguments: Any,
    ) -> PlanBuilder:
        entry: dict[str, Any] = {"name": name, "full_name": full_name}
        if alias:
            entry["alias"] = alias
        if module:
            entry["module_address"] = module
        entry["version_constraint"] = version
        if arguments:
            entry["expressions"] = {k: _expression(v) for k, v in arguments.items()}
        self.providers[key] = entry
        return self

    def module(
        self,
        path: str,
        source: str,
        *,
        count: int | None = None,
        variables: dict[str, Any] | None = None,
        outputs: dict[str, Ref] | None = None,
        **arguments: Any,
    ) -> PlanBuilder:
        self.modules[path] = {
            "source": source,
            "count": count,
            "arguments": arguments,
            "variables": variables or {},
            "outputs": outputs or {},
        }
        return self

    def resource(
        self,
        address: str,
        config: dict[str, Any],
        *,
        provider: str | None = None,
        actions: tuple[str, ...] = ("create",),
        computed: dict[str, Any] | None = None,
        defaults: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        unknown: tuple[str, ...] = (),
    ) -> PlanBuilder:
        """``address`` as Terraform prints it; ``computed``: attributes known at plan time although computed."""
        module, local = _split_address(address)
        rtype, rest = local.split(".", 1)
        name, _, key = rest.partition("[")
        index = json.loads(key[:-1]) if key else None
        full = AZURERM if rtype.startswith("azurerm_") else GOOGLE if rtype.startswith("google_") else AWS
        provider_key = provider or {AZURERM: "azurerm", GOOGLE: "google"}.get(full, "aws")
        values = {**(defaults or {}), **{k: _after(v) for k, v in config.items()}, **(computed or {})}
        if "create" in actions:
            for attribute in COMPUTED.get(rtype, ()):
                if attribute not in values:
                    values[attribute] = _UNKNOWN
        for attribute in unknown:
            values[attribute] = _UNKNOWN
        after, after_unknown = _split(values)
        if "delete" in actions and "create" not in actions:
            before, after, after_unknown = before or after, None, {}
        elif "update" in actions or ("delete" in actions and "create" in actions):
            before = before if before is not None else dict(after)
        self.resources.append(
            _Resource(
                address=address,
                module=module,
                type=rtype,
                name=name,
                index=index,
                provider_name=full,
                provider_key=provider_key,
                actions=list(actions),
                after=after,
                after_unknown=after_unknown,
                before=before,
                expressions={k: _expression(v) for k, v in config.items()},
                action_reason="replace_because_cannot_update" if set(actions) == {"create", "delete"} else None,
            )
        )
        return self

    # -- output -----------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "terraform_version": self.terraform_version,
            "variables": {k: {"value": v} for k, v in self.variables.items()},
            "planned_values": {"root_module": self._planned("")},
            "resource_changes": [self._change(r) for r in self.resources],
            "configuration": {"provider_config": self.providers, "root_module": self._config_module("")},
            "timestamp": self.timestamp,
            "applyable": True,
            "complete": True,
            "errored": False,
        }

    def _change(self, r: _Resource) -> dict[str, Any]:
        out: dict[str, Any] = {"address": r.address}
        if r.module:
            out["module_address"] = r.module
        out.update({"mode": "managed", "type": r.type, "name": r.name})
        if r.index is not None:
            out["index"] = r.index
        out["provider_name"] = r.provider_name
        out["change"] = {
            "actions": r.actions,
            "before": r.before,
            "after": r.after,
            "after_unknown": r.after_unknown,
            "before_sensitive": _sensitive_shape(r.before) if r.before is not None else False,
            "after_sensitive": _sensitive_shape(r.after) if r.after is not None else False,
        }
        if r.action_reason:
            out["action_reason"] = r.action_reason
        return out

    def _planned(self, module: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        resources = [
            {
                "address": r.address,
                "mode": "managed",
                "type": r.type,
                "name": r.name,
                **({"index": r.index} if r.index is not None else {}),
                "provider_name": r.provider_name,
                "schema_version": 0,
                "values": r.after,
                "sensitive_values": _sensitive_shape(r.after),
            }
            for r in self.resources
            if r.module == module and r.after is not None
        ]
        if resources:
            out["resources"] = resources
        children = sorted({_child_of(module, r.module) for r in self.resources} - {None})
        if children:
            out["child_modules"] = [{"address": c, **self._planned(c)} for c in children if c]
        return out

    def _config_module(self, path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        blocks: dict[str, dict[str, Any]] = {}
        for r in self.resources:
            if _strip(r.module) != path or r.actions == ["delete"]:  # removed from the configuration
                continue
            local = f"{r.type}.{r.name}"
            block = blocks.setdefault(
                local,
                {
                    "address": local,
                    "mode": "managed",
                    "type": r.type,
                    "name": r.name,
                    "provider_config_key": r.provider_key,
                    "expressions": r.expressions,
                    "schema_version": 0,
                },
            )
            if r.index is not None:
                block["count_expression" if isinstance(r.index, int) else "for_each_expression"] = (
                    {"constant_value": 2} if isinstance(r.index, int) else {"references": ["var.instances"]}
                )
        if blocks:
            out["resources"] = [blocks[k] for k in sorted(blocks)]
        calls = {}
        for child, info in self.modules.items():
            if _parent(child) != path:
                continue
            call: dict[str, Any] = {"source": info["source"]}
            if info["arguments"]:
                call["expressions"] = {k: _expression(v) for k, v in info["arguments"].items()}
            if info["count"] is not None:
                call["count_expression"] = {"constant_value": info["count"]}
            module = self._config_module(child)
            if info["outputs"]:
                module["outputs"] = {k: {"expression": _expression(v)} for k, v in info["outputs"].items()}
            if info["variables"]:
                module["variables"] = info["variables"]
            call["module"] = module
            calls[child.rsplit("module.", 1)[1]] = call
        if calls:
            out["module_calls"] = calls
        if not path and self.variables:
            out["variables"] = {k: {} for k in self.variables}
        return out


def _split_address(address: str) -> tuple[str, str]:
    parts = address.split(".")
    module_parts: list[str] = []
    i = 0
    while i < len(parts) and parts[i] == "module":
        module_parts += parts[i : i + 2]
        i += 2
    return ".".join(module_parts), ".".join(parts[i:])


def _strip(module: str) -> str:
    return re.sub(r'\[(?:\d+|"[^"]*")\]', "", module)


def _parent(module: str) -> str:
    cut = module.rfind(".module.")
    return module[:cut] if cut >= 0 else ""


def _child_of(parent: str, module: str) -> str | None:
    """The direct child of ``parent`` on the way to ``module`` (instance paths)."""
    if module == parent or (parent and not module.startswith(parent + ".")):
        return None
    rest = module[len(parent) + 1 :] if parent else module
    parts = rest.split(".")
    return ".".join(filter(None, [parent, *parts[:2]]))


def _sorted(value: Any) -> Any:
    """Go marshals maps (and cty objects) with sorted keys."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


_MAP_KEYS = (
    "before",
    "after",
    "after_unknown",
    "before_sensitive",
    "after_sensitive",
    "values",
    "sensitive_values",
    "expressions",
    "provider_config",
    "variables",
    "outputs",
    "module_calls",
)


def _sort_maps(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) if k in _MAP_KEYS else _sort_maps(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sort_maps(v) for v in value]
    return value


def write(plan: dict[str, Any], path: Any) -> None:
    path.write_text(json.dumps(_sort_maps(plan), indent=2) + "\n", encoding="utf-8")
