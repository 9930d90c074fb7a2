"""Diagnostic settings: is access logged, and where do the logs (and what they reveal) go?

For every resource read deeply, the ``Microsoft.Insights/diagnosticSettings`` of the resource
(of its blob service, for a storage account) say whether any log category is enabled
(``Resource.logging``) and name the destinations: a storage account, a Log Analytics workspace,
an Event Hub namespace. Each destination becomes a ``log-destination`` location in that
destination's region (audit logs of a FHIR service carry request URLs, patient ids included).
A destination the credential cannot see has region ``unknown``; a denied read leaves
``logging`` unknown and is reported once per subscription.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

from auditor.connectors.azure.context import UNKNOWN_REGION, Mapper, Scan, subscription_of
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Link, Reader, Service
from auditor.connectors.terraform.facts import Attach, Change, Fact, Target
from auditor.connectors.terraform.values import items
from auditor.model.inventory import DataLocation, GapAspect, LocationRole, Resource
from auditor.model.vocab import GapReason, Via

NAMESPACE = "Microsoft.Insights"
OPERATIONS = ("Microsoft.Insights/diagnosticSettings/read",)
API = "2021-05-01-preview"
_DESTINATIONS = (("storageAccountId", "storage account"), ("workspaceId", "log analytics workspace"),
                 ("eventHubAuthorizationRuleId", "event hub"))


def _settings_path(resource: Resource) -> str:
    if resource.native_type == "microsoft.storage/storageaccounts":
        return f"{resource.id}/blobServices/default/providers/Microsoft.Insights/diagnosticSettings"
    return f"{resource.id}/providers/Microsoft.Insights/diagnosticSettings"


def _destination(scan: Scan, ref: str, what: str, owner: Resource) -> DataLocation:
    target = ref.split("/authorizationrules/")[0].split("/authorizationRules/")[0]
    row = scan.index.get(target)
    if row is None:
        scan.unresolved(NAMESPACE, GapReason.NOT_READ,
                       f"diagnostic logs go to a {what} the credential cannot see: {target}",
                       account=owner.account, resource_id=owner.id, aspect=GapAspect.LOGGING)
    return DataLocation(region=row.location if row else UNKNOWN_REGION, role=LocationRole.LOG_DESTINATION,
                        via=Via.DIAGNOSTIC_SETTINGS, via_detail=what, target=target, account=subscription_of(target))


def link(scan: Scan, resources: Mapping[str, Resource], read_row: Reader, pmap: Mapper = map) -> list[Link]:
    """Whether each resource's access is logged, and a ``log-destination`` location per destination."""
    denied: set[str] = set()
    lock = threading.Lock()

    def fetch(key: str) -> tuple[str, list[dict[str, Any]] | None]:
        resource = resources[key]
        try:
            return key, list(scan.session.pages(_settings_path(resource), API))
        except ReadError as err:
            with lock:
                first = resource.account not in denied
                denied.add(resource.account)
            if first or err.reason != "access-denied":
                scan.failed(NAMESPACE, err, account=resource.account,
                            resource_id=None if err.reason == "access-denied" else resource.id,
                            aspect=GapAspect.LOGGING)
            return key, None

    links: list[Link] = []
    for key, settings in list(pmap(fetch, [k for k, r in resources.items() if r.provider == "azure"])):
        if settings is None:
            continue
        resource = resources[key]
        enabled = False
        copies: list[DataLocation] = []
        for setting in settings:
            props = setting.get("properties") or {}
            if not any(log.get("enabled") for log in props.get("logs") or ()):
                continue
            enabled = True
            copies.extend(_destination(scan, str(props[field]), what, resource)
                          for field, what in _DESTINATIONS if props.get(field))
        links.append(Link(target=key, location=copies[0] if copies else None, logging=enabled,
                          evidence=(OPERATIONS[0],)))
        links.extend(Link(target=key, location=copy, logging=enabled) for copy in copies[1:])
    return links


# no resources of its own: it completes the others; log destinations are listed for their regions

# -- in a Terraform plan ----------------------------------------------------------------------



def diagnostic_setting(change: Change) -> Iterator[Fact]:
    """Diagnostic logs of a store: logging is on, and the destination holds what was logged."""
    destinations = [
        (attribute, address)
        for attribute in ("storage_account_id", "log_analytics_workspace_id", "eventhub_authorization_rule_id")
        for address in change.refs(attribute)
    ]
    locations = tuple(
        DataLocation(
            change.region_of(address).value, LocationRole.LOG_DESTINATION, Via.DIAGNOSTIC_SETTINGS, address,
            via_detail=attribute
        )
        for attribute, address in destinations
    )
    logs = [b for _, b in items(change.get("enabled_log"))] + [
        b for _, b in items(change.get("log")) if b.get("enabled") is not False
    ]
    if not logs and not change.unknown("enabled_log"):
        return  # metrics only: nobody's reads are recorded
    for address in change.refs("target_resource_id"):
        yield Attach(
            Target((address,), create=False),
            locations=locations,
            logging=True,
            evidence=(change.path("target_resource_id"),),
        )


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, link=link,
    index=("microsoft.operationalinsights/workspaces", "microsoft.eventhub/namespaces"),
    plan={
        "azurerm_monitor_diagnostic_setting": diagnostic_setting,
    },
)
