"""Azure AI services in a plan: where prompts will be processed, placed the way the live scan places them.

(Bedrock's inference profiles are read by ``auditor.connectors.aws.bedrock``.) ``azurerm_cognitive_account`` is
the store; each ``azurerm_cognitive_deployment`` adds the processing places of its ``sku.name`` to the
account it names (``cognitive_account_id``), in that account's region.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.connectors.terraform.facts import Attach, Change, Fact, Store, Target
from auditor.connectors.terraform.values import items
from auditor.geo.processing import azure_processing
from auditor.model.vocab import Kind


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
