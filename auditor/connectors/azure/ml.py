"""Azure Machine Learning and AI Foundry workspaces (``Microsoft.MachineLearningServices/workspaces``).

One ARM type for three things, told apart by ``kind``: ``Default`` (an Azure ML workspace), ``Hub``
(an AI Foundry hub) and ``Project`` (an AI Foundry project, ``properties.hubResourceId`` names its hub).
A workspace keeps its datasets, models and run outputs in the storage account it names
(``properties.storageAccount``) and its secrets in a key vault (``properties.keyVault``); its jobs run on
compute in its region or on computes it lists (``…/computes``, each with its own ``location``).

Places: the workspace's region is a ``processing`` location (``via: azure-ml-workspace``, detail: the
kind), and so is the region of every compute it lists. The storage account is what it reads: it is
in ``reads``, so a workspace over a health storage account is health processing by lineage
(:func:`auditor.classify.lineage`), whatever its tags.

Plans: ``azurerm_machine_learning_workspace`` (``storage_account_id``, ``key_vault_id``) and
``azurerm_ai_foundry`` (a hub), ``azurerm_ai_foundry_project`` (a project of a hub).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from auditor.connectors.azure.context import Row, Scan, base, region
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Extractor, Fact, Store
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import Kind, Via

NAMESPACE = "Microsoft.MachineLearningServices"
WORKSPACE = "microsoft.machinelearningservices/workspaces"
OPERATIONS = (
    "Microsoft.MachineLearningServices/workspaces/read",
    "Microsoft.MachineLearningServices/workspaces/computes/read",
)
API = "2024-10-01"


def places(home: str, kind: str, computes: list[str]) -> list[DataLocation]:
    """Where a workspace computes: its region, and the region of each compute it lists."""
    here = DataLocation(home, LocationRole.PROCESSING, via=Via.AZURE_ML_WORKSPACE, via_detail=kind or None)
    return list(dict.fromkeys([here, *(DataLocation(c, LocationRole.PROCESSING, via=Via.AZURE_ML_WORKSPACE,
                                                    via_detail=f"{kind or 'workspace'} compute")
                                       for c in computes)]))


def read(scan: Scan, row: Row) -> Resource:
    data = scan.session.get(row.id, API)
    props = data.get("properties") or {}
    home = region(data.get("location") or row.location)
    kind = str(data.get("kind") or row.kind or "Default")
    computes: list[str] = []
    try:
        computes = [region(c.get("location")) for c in scan.session.pages(f"{row.id}/computes", API)
                    if c.get("location")]
    except ReadError as err:
        scan.failed(NAMESPACE, err, account=row.subscription, region=home, resource_id=row.id)
    storage = str(props.get("storageAccount") or "") or None
    return replace(
        base(row, NAMESPACE, Kind.AI_INFERENCE, scan.tenant), region=home,
        locations=(DataLocation(home), *places(home, kind, computes)),
        evidence=("Microsoft.ResourceGraph/resources/read", *OPERATIONS),
        attributes={"resource_group": row.resource_group, "arm_kind": kind, "storage_account": storage,
                    "key_vault": props.get("keyVault"), "hub": props.get("hubResourceId"),
                    "reads": [storage] if storage else []},
    )


# -- Terraform ------------------------------------------------------------------------------------


def _workspace(change: Change, kind: str, storage_attribute: str) -> Iterator[Fact]:
    reads = change.refs(storage_attribute) or ([s] if (s := change.text(storage_attribute)) else [])
    yield Store(kind=Kind.AI_INFERENCE, service=NAMESPACE, name=change.planned_name("name"),
                locations=tuple(places(change.region.value, kind, [])),
                attributes={"arm_kind": kind, "reads": reads, "key_vault": change.text("key_vault_id")},
                identities=(f"{NAMESPACE}:{change.planned_name('name')}",),
                evidence=(change.path(storage_attribute),))


def plan_workspace(change: Change) -> Iterator[Fact]:
    """``azurerm_machine_learning_workspace`` (``kind``: Default, or FeatureStore)."""
    return _workspace(change, change.text("kind") or "Default", "storage_account_id")


def plan_hub(change: Change) -> Iterator[Fact]:
    return _workspace(change, "Hub", "storage_account_id")


def plan_project(change: Change) -> Iterator[Fact]:
    """A project keeps its data in its hub's storage: it reads what the hub reads."""
    hubs = change.refs("ai_services_hub_id")
    hub = change.other(hubs[0]) if hubs else None
    reads = (hub.refs("storage_account_id") or ([s] if (s := hub.text("storage_account_id")) else [])) if hub else []
    yield Store(kind=Kind.AI_INFERENCE, service=NAMESPACE, name=change.planned_name("name"),
                locations=tuple(places(change.region.value, "Project", [])),
                attributes={"arm_kind": "Project", "reads": reads, "hub": hubs[0] if hubs else None},
                evidence=(change.path("ai_services_hub_id"),))


TYPE_SPECS = (TypeSpec(Kind.AI_INFERENCE, "Microsoft.MachineLearningServices/workspaces",
                       ("azurerm_machine_learning_workspace", "azurerm_ai_foundry", "azurerm_ai_foundry_project")),)
PLAN: Mapping[str, Extractor] = {"azurerm_machine_learning_workspace": plan_workspace, "azurerm_ai_foundry": plan_hub,
                           "azurerm_ai_foundry_project": plan_project}

SERVICE = Service(name=NAMESPACE, operations=OPERATIONS, read=read, types=TYPE_SPECS, plan=PLAN)
