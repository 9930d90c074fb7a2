"""The line a developer changes: for each planned store, where its facts are decided in the ``.tf`` source.

A finding about a planned store is fixed somewhere else than the store's own ``resource`` block:

- its **region**: the provider block (``provider "aws" { alias = "dr" region = … }``), the
  resource's own ``region``/``location`` argument, or the variable (``*.tfvars``, the variable's
  default, the module call's argument) that sets it;
- a **copy** (replica, backup copy, geo-secondary, edge cache): the rule that names the
  destination (``rule { destination { bucket = … } }``, a backup plan's ``copy_action``, a
  ``replicate_source_db``…) and, when the destination is a planned resource, where *its* region is set;
- a **key** held or replicated elsewhere: where the key (or its replica) gets its region;
- **access**: the policy statement (the ``Principal`` line) or the ACL that opens it; a public
  network endpoint: the argument that enables it.

Each site is recorded on the store as ``attributes["fix_sites"]``: a list of plain dicts, so
``findings.json`` carries them and every renderer (SARIF, Markdown, Code Quality) reads the same:
``aspect`` (region, copy, key, access, network), ``match`` (the texts a finding's location key
carries when this site is its cause, e.g. ``"replica us-east-1"``), ``at`` (``file:line``),
``subject`` (``provider aws.dr``, ``variable region``, a Terraform address), ``argument`` (what to
set there), ``value`` (what it says now), and for a copy the ``rule`` that names the destination
(``at``, ``subject``, ``argument``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from auditor.connectors.terraform.hcl_lines import find_line
from auditor.connectors.terraform.references import references, resource_refs
from auditor.connectors.terraform.resolve import Entry, Resolver
from auditor.connectors.terraform.sources import SourceFile, SourceIndex
from auditor.connectors.terraform.values import dig, strip_keys
from auditor.model.inventory import DataLocation, LocationRole, Resource

ATTRIBUTE = "fix_sites"
_CHANGE_PATH = re.compile(r"^resource_changes\[(\d+)\]\.change\.(?:after|before)\.?([^ ]*)")
_PART = re.compile(r'([A-Za-z0-9_-]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
_PROVIDER_KEY = re.compile(r'^configuration\.provider_config\["([^"]+)"\]')
_STRING_VALUE = re.compile(r'=\s*"([^"]*)"')
_PRINCIPAL = re.compile(r"Principal|principals|identifiers", re.IGNORECASE)
_COPY_WORDS = ("destination", "copy_action", "replica", "replicate", "target", "origin", "secondary", "geo")
_NETWORK_ARGUMENTS = ("publicly_accessible", "public_network_access_enabled", "allow_nested_items_to_be_public")
_ACCESS_ARGUMENTS = {"bucket-policy": ("policy",), "acl": ("acl", "access_control_policy"),
                     "container-acl": ("container_access_type",)}
# Arguments that turn on a copy in a paired region (no destination to name): the line to change is the argument.
_GEO_ARGUMENTS = ("account_replication_type", "geo_redundant_backup_enabled", "cross_region_restore_enabled",
                  "storage_mode_type")


def parse_path(text: str) -> list[str | int]:
    return [m.group(1) if m.group(1) is not None else int(m.group(2)) if m.group(2) is not None else m.group(3)
            for m in _PART.finditer(text)]


class _Sites:
    def __init__(self, resolver: Resolver, sources: SourceIndex) -> None:
        self.resolver = resolver
        self.sources = sources
        self.by_index = {e.index: e for e in resolver.entries.values()}
        self._refs: dict[str, list[tuple[str, list[str | int]]]] | None = None
        self._by_config: dict[str, Entry] = {}
        for entry in resolver.entries.values():
            self._by_config.setdefault(entry.config_address, entry)
        self._regions: dict[str, dict[str, Any] | None] = {}
        self._providers: dict[str, dict[str, Any] | None] = {}

    # -- where things are ----------------------------------------------------------------

    def block(self, entry: Entry) -> tuple[SourceFile, Any] | None:
        return self.sources.resource_block(strip_keys(entry.module), entry.type, entry.name)

    def entry_line(self, entry: Entry, path: list[str | int]) -> str | None:
        found = self.block(entry)
        return None if found is None else found[0].at(found[1].line_of(path))

    def plan_path(self, evidence: str) -> tuple[Entry, list[str | int]] | None:
        match = _CHANGE_PATH.match(evidence)
        if match is None:
            return None
        entry = self.by_index.get(int(match.group(1)))
        return None if entry is None else (entry, parse_path(match.group(2)))

    # -- regions ---------------------------------------------------------------------------

    def region_site(self, address: str) -> dict[str, Any] | None:
        if address not in self._regions:
            self._regions[address] = self._region_site(address)
        found = self._regions[address]
        return dict(found) if found is not None else None

    def _region_site(self, address: str) -> dict[str, Any] | None:
        resolved = self.resolver.region(address)
        entry = self.resolver.entries.get(address)
        steps = [s.split(" (")[0].split(";")[0].strip() for s in resolved.evidence.split(" -> ")]
        site: dict[str, Any] | None = None
        provider = _PROVIDER_KEY.match(steps[0])
        if provider is not None:
            site = self.provider_site(provider.group(1))
            if site is not None and len(steps) > 1:
                variable = self.variable_site(steps[-1])
                if variable is not None:
                    site = {**variable, "via": {"at": site["at"], "subject": site["subject"]}}
        else:
            found = self.plan_path(steps[-1])
            if found is not None and found[1]:
                owner, path = found
                at = self.entry_line(owner, path)
                if at is not None:
                    site = {"at": at, "subject": owner.address, "kind": "resource", "argument": str(path[-1])}
        if site is None:
            return None
        site["value"] = resolved.value
        if entry is not None and "argument" not in site:
            site["argument"] = "location" if entry.provider == "azure" else "region"
        return site

    def provider_site(self, key: str) -> dict[str, Any] | None:
        if key not in self._providers:
            self._providers[key] = self._provider_site(key)
        found = self._providers[key]
        return dict(found) if found is not None else None

    def _provider_site(self, key: str) -> dict[str, Any] | None:
        module, _, local = key.rpartition(":")
        name, _, alias = local.partition(".")
        for file in self.sources.files(module):
            for block in file.blocks:
                if block.type != "provider" or block.labels[:1] != (name,):
                    continue
                declared = block.arguments.get("alias")
                value = _STRING_VALUE.search(file.lines[declared.start - 1]) if declared is not None else None
                if (value.group(1) if value else "") != alias:
                    continue
                region = block.arguments.get("region")
                line = region.start if region is not None else block.start
                return {"at": file.at(line), "subject": f"provider {local}", "kind": "provider", "argument": "region",
                        "set": region is not None}
        return None

    def variable_site(self, source: str) -> dict[str, Any] | None:
        calls = re.findall(r"module_calls\.([^.]+)", source)
        module = ".".join(f"module.{c}" for c in calls)
        root = re.match(r"^variables\.([^.]+)\.value$", source)
        if root is not None:
            name = root.group(1)
            pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
            for file in self.sources.text_files("", "*.tfvars"):
                line = find_line(file.lines, 1, len(file.lines), pattern)
                if line is not None:
                    return {"at": file.at(line), "subject": f"variable {name}", "kind": "variable",
                            "argument": name}
            return self._variable_block("", name)
        call = re.search(r"\.expressions\.([^.]+)$", source)
        if call is not None and calls:
            parent, name = ".".join(f"module.{c}" for c in calls[:-1]), call.group(1)
            for file in self.sources.files(parent):
                for block in file.blocks:
                    if block.type == "module" and block.labels[:1] == (calls[-1],):
                        return {"at": file.at(block.line_of([name])), "subject": f"module.{calls[-1]}",
                                "kind": "module-argument", "argument": name}
            return None
        default = re.search(r"\.variables\.([^.]+)\.default$", source)
        if default is not None:
            return self._variable_block(module, default.group(1))
        return None

    def _variable_block(self, module: str, name: str) -> dict[str, Any] | None:
        for file in self.sources.files(module):
            for block in file.blocks:
                if block.type == "variable" and block.labels[:1] == (name,):
                    return {"at": file.at(block.line_of(["default"])), "subject": f"variable {name}",
                            "kind": "variable", "argument": "default"}
        return None

    # -- copies ----------------------------------------------------------------------------

    def refs_index(self) -> dict[str, list[tuple[str, list[str | int]]]]:
        """Configuration address -> (referring configuration address, argument path), over the whole plan."""
        if self._refs is None:
            self._refs = {}
            plan = self.resolver.plan
            for address, config in plan.resources.items():
                for path, expression in _expressions(config.expressions, []):
                    for target, _key in resource_refs(plan, config.module, references(expression)):
                        self._refs.setdefault(target, []).append((address, path))
        return self._refs

    def rule_site(self, store: Resource, location: DataLocation) -> dict[str, Any] | None:
        own = self.resolver.entries.get(store.id)
        target = location.target
        for evidence in store.evidence:
            found = self.plan_path(evidence)
            if found is None or not found[1]:
                continue
            entry, path = found
            if entry is own and location.target is not None:
                continue
            if self._names(entry, path, location):
                at = self.entry_line(entry, path)
                if at is not None:
                    return {"at": at, "subject": entry.address, "argument": _path_text(path)}
        if target is None or target not in self.resolver.entries:
            return None
        hits = self.refs_index().get(strip_keys(target), [])
        for config_address, path in hits:
            if config_address == strip_keys(target) or not any(w in str(p) for p in path for w in _COPY_WORDS):
                continue
            referrer = self._by_config.get(config_address)
            if referrer is None:
                continue
            at = self.entry_line(referrer, path)
            if at is not None:
                return {"at": at, "subject": referrer.address, "argument": _path_text(path)}
        return None

    def _names(self, entry: Entry, path: list[str | int], location: DataLocation) -> bool:
        """Whether the argument at ``path`` of ``entry`` designates the copy ``location``."""
        target = location.target
        if target is not None:
            if target in self.resolver.entries and target in self.resolver.targets(entry, *path):
                return True
            if target == entry.address:
                return True  # the copy's own block names its source (replicate_source_db, origin…)
            strings = _strings(dig(entry.values, *path))
            destination = self.resolver.entries.get(target)
            if destination is not None:  # named by its planned ARN, name or id rather than by reference
                known = {v for k in ("arn", "id", "bucket", "name") if isinstance(v := destination.values.get(k), str)}
                if any(k and any(k == s or s.endswith(f":{k}") for s in strings) for k in known):
                    return True
            return target in strings
        value = dig(entry.values, *path)
        if path and path[-1] in _GEO_ARGUMENTS:
            return location.role is LocationRole.GEO_SECONDARY
        return isinstance(value, dict) and location.region in _strings(value)

    # -- one store -------------------------------------------------------------------------

    def sites(self, store: Resource) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        region = self.region_site(store.id)
        if region is not None:
            out.append({"aspect": "region", "match": [f"primary {store.region}"], **region})
        for location in store.locations:
            if location.role is LocationRole.PRIMARY:
                continue
            site = self.copy_site(store, location)
            if site is not None:
                out.append({"aspect": "copy", **site})
        out.extend(self.key_sites(store))
        out.extend(self.access_sites(store))
        return out

    def copy_site(self, store: Resource, location: DataLocation) -> dict[str, Any] | None:
        match = [f"{location.role} {location.region}"] + ([location.via] if location.via else [])
        rule = self.rule_site(store, location)
        destination = None
        if location.target is not None and location.target in self.resolver.entries \
                and location.target != store.id and location.role is not LocationRole.EDGE_CACHE:
            destination = self.region_site(location.target)
        if destination is not None:
            return {"match": match, **destination, **({"rule": rule} if rule else {})}
        if rule is not None:
            kind = "edge" if location.role is LocationRole.EDGE_CACHE else "rule"
            if rule["argument"] in _GEO_ARGUMENTS:
                kind = "resource"
            return {"match": match, "at": rule["at"], "subject": rule["subject"], "kind": kind,
                    "argument": rule["argument"], "value": location.region}
        return None

    def key_sites(self, store: Resource) -> Iterator[dict[str, Any]]:
        key = store.encryption
        if key is None:
            return
        if key.key_id in self.resolver.entries:
            site = self.region_site(key.key_id)
            if site is not None:
                yield {"aspect": "key", "match": [f"{key.region}"], **site}
        for location in key.locations:
            if location.role is LocationRole.PRIMARY or location.target not in self.resolver.entries:
                continue
            site = self.region_site(str(location.target))
            if site is not None:
                yield {"aspect": "key", "match": [f"{location.role} {location.region}"], **site,
                       "rule": {"at": self.entry_line(self.resolver.entries[str(location.target)], []) or site["at"],
                                "subject": str(location.target), "argument": ""}}

    def access_sites(self, store: Resource) -> Iterator[dict[str, Any]]:
        own = self.resolver.entries.get(store.id)
        seen: set[str] = set()
        for grant in store.access:
            names = _ACCESS_ARGUMENTS.get(grant.source, ())
            for evidence in store.evidence:
                found = self.plan_path(evidence)
                if found is None or not found[1] or str(found[1][-1]) not in names:
                    continue
                entry, path = found
                located = self.block(entry)
                if located is None:
                    continue
                file, block = located
                argument = block.arguments.get(str(path[-1]))
                line = block.line_of(path)
                if argument is not None and grant.source == "bucket-policy":
                    line = find_line(file.lines, argument.start, argument.end, _PRINCIPAL) or line
                at = file.at(line)
                if at not in seen:
                    seen.add(at)
                    yield {"aspect": "access", "match": [grant.principal], "at": at, "subject": entry.address,
                           "kind": grant.source, "argument": str(path[-1]), "value": grant.principal}
        if own is not None:
            located = self.block(own)
            if located is not None:
                file, block = located
                for name in _NETWORK_ARGUMENTS:
                    if name in block.arguments:
                        yield {"aspect": "network", "match": [], "at": file.at(block.arguments[name].start),
                               "subject": own.address, "kind": "network", "argument": name}


def _expressions(node: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], Any]]:
    """Every (argument path, expression) of a configuration block's ``expressions``."""
    if isinstance(node, dict):
        if "references" in node or "constant_value" in node:
            yield path, node
            return
        for key, value in node.items():
            yield from _expressions(value, [*path, key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _expressions(value, [*path, i])


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return set()


def _path_text(path: list[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


# A hand-edited plan or configuration the scanner cannot follow: that store points at its own block.
_UNFOLLOWABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)


def annotate(resources: list[Resource], resolver: Resolver, sources: SourceIndex) -> list[Resource]:
    """Each store with ``attributes["fix_sites"]`` (only when some site was found in the source).

    Sites only say where to look; a store whose sites cannot be worked out keeps its own line (its
    verdict does not depend on them)."""
    finder = _Sites(resolver, sources)
    out = []
    for resource in resources:
        try:
            sites = finder.sites(resource) if resource.change != "delete" else []
        except _UNFOLLOWABLE:
            sites = []
        out.append(replace(resource, attributes={**resource.attributes, ATTRIBUTE: sites}) if sites else resource)
    return out
