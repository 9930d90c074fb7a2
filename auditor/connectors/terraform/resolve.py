"""Where a planned resource will live, and which other planned resource an expression points at.

AWS region, in order (the first that applies wins):

1. the resource's own ``region`` argument (AWS provider v6; also the computed ``region`` of
   existing buckets). Unknown at plan time *and* set in the configuration -> ``unknown``;
2. its provider configuration: ``configuration.root_module…resources[].provider_config_key``
   -> ``configuration.provider_config[key].expressions.region``. Terraform already rewrites
   the key of a resource whose provider was passed into a module (``providers = {aws =
   aws.paris}``) to the original block; a module that configures nothing inherits its
   parent's default provider, which is followed here too (nested modules included);
3. a region given as ``var.x`` (or ``var.x[0]``, ``var.x.k``) takes the variable's value from
   ``variables`` (root) or from the module call's arguments and defaults (modules);
4. a provider block with no ``region`` at all -> the ``AWS_REGION``/``AWS_DEFAULT_REGION``
   given on the command line (``aws_region``), else ``unknown``.

Anything else (locals, data sources, functions) is ``unknown``: never a guess.

Google (``google``/``google-beta``): the resource's ``location``, ``region`` or ``location_id`` (lower-cased:
``EUROPE-WEST9`` and ``europe-west9`` are one place; a multi-region such as ``EU`` stays itself),
else a ``zone``'s region, else the provider block's ``region`` (constant or variable), else
``unknown``. A ``google_bigquery_dataset`` with no ``location`` is created in ``US`` (the
provider's documented default).

Azure: ``location`` normalised by the geography catalog (``"West Europe"``, ``"westeurope"``
and ``"WestEurope"`` are one region); child resources without ``location`` take their
parent's (``server_id``, ``storage_account_id``, ``key_vault_id``, ``resource_group_name``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditor.connectors.terraform import places
from auditor.connectors.terraform.document import Plan
from auditor.connectors.terraform.references import (
    UNRESOLVED,
    expression_at,
    references,
    resource_refs,
    static_value,
)
from auditor.connectors.terraform.values import (
    arn_account,
    arn_region,
    dig,
    is_unknown,
    looks_like_aws_region,
    parent_module,
    path_text,
    strip_keys,
    text,
)
from auditor.connectors.universes import GOOGLE_PROVIDERS
from auditor.connectors.universes import provider_of as universe_provider

UNKNOWN = "unknown"
GLOBAL = "global"
AZURE_PARENTS = ("server_id", "storage_account_id", "key_vault_id", "resource_group_name")


@dataclass(frozen=True, slots=True)
class Resolved:
    value: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``resource_changes`` item, with what every lookup needs."""

    index: int
    address: str
    type: str
    name: str
    module: str  # module instance path, "" for the root
    provider: str  # aws, azure, or the provider's short name
    action: str  # create, update, replace, delete, no-op
    values: dict[str, Any]  # change.after (change.before for a delete)
    unknown: Any  # change.after_unknown
    key: str | None  # the instance key as Terraform prints it ("0", '"eu"'), None without count/for_each

    @property
    def config_address(self) -> str:
        return strip_keys(self.address)

    def path(self, *parts: str | int) -> str:
        side = "before" if self.action == "delete" else "after"
        return path_text(("resource_changes", self.index, "change", side, *parts))


class Resolver:
    def __init__(self, plan: Plan, entries: Iterable[Entry], aws_region: str | None) -> None:
        self.plan = plan
        self.aws_region = aws_region
        self.entries = {e.address: e for e in entries}
        self._instances: dict[str, list[Entry]] = {}
        for entry in self.entries.values():
            self._instances.setdefault(entry.config_address, []).append(entry)
        self._regions: dict[str, Resolved] = {}
        self._providers: dict[str | None, Resolved] = {}
        self._by_value: dict[tuple[str, str], dict[str, str]] = {}

    # -- regions ---------------------------------------------------------------------------

    def region(self, address: str) -> Resolved:
        cached = self._regions.get(address)
        if cached is not None:
            return cached
        self._regions[address] = Resolved(UNKNOWN, "cycle")  # guards parent loops
        entry = self.entries.get(address)
        if entry is None:
            found = Resolved(UNKNOWN, "not in the plan")
        elif entry.provider == "aws":
            found = self._aws(entry)
        elif entry.provider == "azure":
            found = self._azure(entry)
        elif entry.provider in GOOGLE_PROVIDERS:
            found = self._google(entry)
        else:
            found = Resolved(UNKNOWN, f"provider {entry.provider} is not supported")
        self._regions[address] = found
        return found

    def _aws(self, entry: Entry) -> Resolved:
        own = text(entry.values.get("region"))
        if own is not None:
            return Resolved(own, entry.path("region"))
        config = self.plan.resources.get(entry.config_address)
        if is_unknown(entry.unknown, "region") and config is not None and "region" in config.expressions:
            return Resolved(UNKNOWN, f"{entry.path('region')} (unknown until apply)")
        return self.provider_region(self._provider_key(entry))

    def _provider_key(self, entry: Entry) -> str:
        config = self.plan.resources.get(entry.config_address)
        if config is not None and config.provider_key is not None:
            return config.provider_key
        local = {"azure": "azurerm", "gcp": "google", "s3ns": "google"}.get(entry.provider, entry.provider)
        module = strip_keys(entry.module)
        return f"{module}:{local}" if module else local

    def account(self, entry: Entry) -> str | None:
        """The account or subscription the provider configuration pins, when it is a constant."""
        found = self._provider_config(self._provider_key(entry))
        expressions = dig(found[1], "expressions") if isinstance(found, tuple) else None
        if not isinstance(expressions, dict):
            return None
        if entry.provider == "azure":
            return text(dig(expressions, "subscription_id", "constant_value"))
        if entry.provider in GOOGLE_PROVIDERS:
            return text(dig(expressions, "project", "constant_value"))
        allowed = dig(expressions, "allowed_account_ids", "constant_value")
        if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str):
            return allowed[0]
        return arn_account(dig(expressions, "assume_role", 0, "role_arn", "constant_value"))

    def provider_region(self, key: str | None) -> Resolved:
        cached = self._providers.get(key)
        if cached is None:
            cached = self._providers[key] = self._provider_region(key)
        return cached

    def _provider_region(self, key: str | None) -> Resolved:
        found = self._provider_config(key)
        if found is None:
            return self._fallback(f"no provider configuration {key!r} in the plan")
        if isinstance(found, str):
            return Resolved(UNKNOWN, found)
        resolved_key, config = found
        where = f'configuration.provider_config["{resolved_key}"].expressions.region'
        expression = dig(config, "expressions", "region")
        if expression is None:
            return self._fallback(f'configuration.provider_config["{resolved_key}"] sets no region')
        module = resolved_key.rpartition(":")[0] if ":" in resolved_key else ""
        value, source = static_value(self.plan, module, expression)
        if value is UNRESOLVED or not isinstance(value, str):
            return Resolved(UNKNOWN, f"{where} (not a constant or variable)")
        if source != "constant_value" and not looks_like_aws_region(value):
            return Resolved(UNKNOWN, f"{where} -> {source} (not a region code)")
        return Resolved(value, where if source == "constant_value" else f"{where} -> {source}")

    def _provider_config(self, key: str | None) -> tuple[str, dict[str, Any]] | str | None:
        """The provider block a key designates, following implicit inheritance of default providers.

        ``None`` when the plan has no such block; a sentence when the plan cannot tell which
        block it is (a plan of Terraform before 1.2 whose module may have been given one of
        several of its caller's blocks).
        """
        seen: set[str] = set()
        while key is not None and key not in seen:
            seen.add(key)
            config = self.plan.provider_configs.get(key)
            module, _, local = key.rpartition(":")
            if config is not None and (not module or config.get("expressions") or config.get("alias")):
                return key, config
            if not module or "." in local:  # an alias that nothing configures cannot be followed
                return (key, config) if config is not None else None
            parent = parent_module(module)
            if not self.plan.passed_providers_resolved and self._aliases(parent, local):
                return (
                    f"{module} uses the {local} provider of its caller, which has several {local} "
                    "configurations; plans of Terraform before 1.2 do not record which one it was given"
                )
            key = f"{parent}:{local}" if parent else local
        return None

    def _aliases(self, module: str, local: str) -> bool:
        """Does ``module`` ("" for the root) configure aliases of provider ``local``?"""
        prefix = f"{module}:{local}." if module else f"{local}."
        return any(key.startswith(prefix) for key in self.plan.provider_configs)

    def _fallback(self, why: str) -> Resolved:
        if self.aws_region:
            return Resolved(self.aws_region, f"{why}; --aws-region given on the command line")
        return Resolved(UNKNOWN, why)

    def _azure(self, entry: Entry) -> Resolved:
        if is_unknown(entry.unknown, "location"):
            return Resolved(UNKNOWN, f"{entry.path('location')} (unknown until apply)")
        location = text(entry.values.get("location"))
        if location is not None:
            return Resolved(places.azure_location(location), entry.path("location"))
        for attribute in AZURE_PARENTS:
            for parent in self.targets(entry, attribute):
                found = self.region(parent)
                if found.value != UNKNOWN:
                    return Resolved(found.value, f"{entry.path(attribute)} -> {found.evidence}")
        return Resolved(UNKNOWN, f"{entry.path('location')} is not set and no parent resource was found")

    def provider_of(self, entry: Entry) -> str:
        """``s3ns`` for a google resource whose provider block sets ``universe_domain = "s3nsapis.fr"``."""
        if entry.provider not in GOOGLE_PROVIDERS:
            return entry.provider
        found = self._provider_config(self._provider_key(entry))
        domain = dig(found[1], "expressions", "universe_domain", "constant_value") if isinstance(found, tuple) else None
        return universe_provider(domain if isinstance(domain, str) else None)

    def _google(self, entry: Entry) -> Resolved:
        config = self.plan.resources.get(entry.config_address)
        for attribute in ("location", "region", "location_id"):
            if is_unknown(entry.unknown, attribute):
                if config is None or attribute in config.expressions:
                    return Resolved(UNKNOWN, f"{entry.path(attribute)} (unknown until apply)")
                continue  # computed by the provider from its own region: the provider block says
            value = text(entry.values.get(attribute))
            if value is not None:
                return Resolved(value.lower(), entry.path(attribute))
        zone = text(entry.values.get("zone"))
        if zone is not None and zone.count("-") >= 2:
            return Resolved(zone.lower().rsplit("-", 1)[0], f"{entry.path('zone')} (its region)")
        if entry.type == "google_bigquery_dataset":
            return Resolved("us", f"{entry.path('location')} is not set: BigQuery's default location is US")
        found = self._provider_config(self._provider_key(entry))
        if not isinstance(found, tuple):
            return Resolved(UNKNOWN, found or "no google provider configuration in the plan")
        key, block = found
        expression = dig(block, "expressions", "region")
        where = f'configuration.provider_config["{key}"].expressions.region'
        if expression is None:
            return Resolved(UNKNOWN, f'configuration.provider_config["{key}"] sets no region')
        value, source = static_value(self.plan, key.rpartition(":")[0] if ":" in key else "", expression)
        if value is UNRESOLVED or not isinstance(value, str):
            return Resolved(UNKNOWN, f"{where} (not a constant or variable)")
        return Resolved(value.lower(), where if source == "constant_value" else f"{where} -> {source}")

    # -- links between resources -----------------------------------------------------------

    def targets(self, entry: Entry, *path: str | int) -> list[str]:
        """Addresses of the planned resources the configuration expression at ``path`` points at."""
        config = self.plan.resources.get(entry.config_address)
        if config is None:
            return []
        refs = references(expression_at(config.expressions, *path))
        out: list[str] = []
        for config_address, key in resource_refs(self.plan, config.module, refs):
            for instance in self._pick(entry, self._instances.get(config_address, []), key):
                if instance.address not in out:
                    out.append(instance.address)
        return out

    @staticmethod
    def _pick(referrer: Entry, candidates: list[Entry], key: str | None) -> list[Entry]:
        if key is not None:
            keyed = [c for c in candidates if f"[{c.key}]" == key]
            if keyed:
                candidates = keyed
        if len(candidates) <= 1:
            return candidates
        near = [c for c in candidates if c.module == referrer.module] or [
            c for c in candidates if c.module.startswith(referrer.module) or referrer.module.startswith(c.module)
        ]
        candidates = near or candidates
        if len(candidates) > 1 and referrer.key is not None:
            same = [c for c in candidates if c.key == referrer.key]
            candidates = same or candidates
        return candidates

    def find(self, types: tuple[str, ...], attribute: str, value: Any) -> str | None:
        """The planned resource of one of ``types`` whose planned ``attribute`` equals ``value``."""
        if not isinstance(value, str) or not value:
            return None
        for rtype in types:
            index = self._by_value.get((rtype, attribute))
            if index is None:
                index = self._by_value[(rtype, attribute)] = {
                    v: e.address
                    for e in self.entries.values()
                    if e.type == rtype and isinstance(v := e.values.get(attribute), str)
                }
            if value in index:
                return index[value]
        return None

    def region_of_arn_or_target(self, arn: Any, targets: list[str]) -> Resolved:
        """Region of a destination given as ARN: the planned resource it designates, else the ARN."""
        for address in targets:
            found = self.region(address)
            if found.value != UNKNOWN:
                return found
        region = arn_region(arn)
        if region:
            return Resolved(region, "ARN region field")
        return Resolved(UNKNOWN, "destination not in the plan and its ARN names no region")
