"""Azure OpenAI and AI Services accounts (``Microsoft.CognitiveServices/accounts``): where prompts are processed.

An account stores little (fine-tuning files, batch inputs) in its region; its deployments decide
where prompts are processed: the deployment type (``sku.name``) maps, through the processing-geography
catalog (``auditor.geo.processing``), to the account's region (``Standard``), the data zone of that
region (``DataZoneStandard``: EU member-state regions or US regions) or anywhere (``GlobalStandard``:
``global``). Each becomes a ``processing`` location naming the deployment; a type the catalog does not
know is an ``unknown`` place, never a pass. Accounts of other kinds (Speech, Vision…) keep only their
region.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from auditor.connectors.azure.context import Row, Scan, base, region
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Attach, Change, Fact, Store, Target
from auditor.connectors.terraform.values import items
from auditor.geo.processing import azure_processing
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import Kind

NAMESPACE = "Microsoft.CognitiveServices"
ACCOUNT = "microsoft.cognitiveservices/accounts"
OPERATIONS = (
    "Microsoft.CognitiveServices/accounts/read",
    "Microsoft.CognitiveServices/accounts/deployments/read",
)
API = "2024-10-01"
MODEL_KINDS = frozenset({"openai", "aiservices"})


def read(scan: Scan, row: Row) -> Resource:
    data = scan.session.get(row.id, API)
    home = region(data.get("location") or row.location)
    kind = str(data.get("kind") or row.kind or "")
    deployments: list[dict[str, Any]] = []
    if kind.lower() in MODEL_KINDS:
        deployments = list(scan.session.pages(f"{row.id}/deployments", API))
    pairs = [(str(d.get("name")), str((d.get("sku") or {}).get("name") or "")) for d in deployments]
    return replace(
        base(row, NAMESPACE, Kind.AI_INFERENCE, scan.tenant), region=home,
        locations=(DataLocation(region=home, role=LocationRole.PRIMARY), *azure_processing(pairs, home)),
        evidence=("Microsoft.ResourceGraph/resources/read", *OPERATIONS),
        attributes={"resource_group": row.resource_group, "arm_kind": kind,
                    "deployments": {name: sku for name, sku in pairs}},
    )


# -- in a Terraform plan: the account is the store; each deployment adds its processing places to it


def cognitive_account(change: Change) -> Iterator[Fact]:
    yield Store(kind=Kind.AI_INFERENCE, service="cognitiveservices", name=change.planned_name("name"),
                attributes={"arm_kind": change.text("kind")},
                identities=(f"cognitiveservices:{change.planned_name('name')}",))


def cognitive_deployment(change: Change) -> Iterator[Fact]:
    sku = next((str(s.get("name") or "") for _, s in items(change.get("sku"))), "")
    name = change.planned_name("name")
    for address in change.refs("cognitive_account_id"):
        home = change.region_of(address).value
        yield Attach(Target((address,), create=False), locations=tuple(azure_processing([(name, sku)], home)),
                     evidence=(change.path("sku"),))


SERVICE = Service(
    name=NAMESPACE, operations=OPERATIONS, read=read,
    types=(TypeSpec(Kind.AI_INFERENCE, "Microsoft.CognitiveServices/accounts", ("azurerm_cognitive_account",)),),
    plan={
        "azurerm_cognitive_account": cognitive_account,
        "azurerm_cognitive_deployment": cognitive_deployment,
    },
)
