"""Classification by lineage: what reads a health store processes health data, and its places count for it."""

from __future__ import annotations

from auditor.classify import classify
from auditor.config import ClassificationConfig
from auditor.model.inventory import DataLocation, Inventory, LocationRole, Resource
from auditor.model.vocab import Kind

STORAGE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/dossiers"


def _r(ident: str, name: str, *, kind: Kind = Kind.OBJECT_STORE, tags: dict[str, str] | None = None,
       reads: list[str] | None = None, processing: tuple[str, ...] = ()) -> Resource:
    return Resource(id=ident, provider="azure", account="s", service="x", kind=kind, native_type="t", name=name,
                    region="francecentral", tags=tags or {},
                    locations=(DataLocation("francecentral"),
                               *(DataLocation(p, LocationRole.PROCESSING) for p in processing)),
                    attributes={"reads": reads} if reads else {})


def _classified(*resources: Resource) -> dict[str, Resource]:
    inventory = classify(Inventory(resources=resources), ClassificationConfig())
    return {r.name: r for r in inventory.resources}


def test_a_reader_of_a_health_store_is_health_and_its_processing_counts_for_the_store() -> None:
    found = _classified(
        _r(STORAGE, "dossiers", tags={"data-classification": "health"}),
        # ids of ARM are case-insensitive; a "public" tag does not hide what the resource reads
        _r("ws", "ml-workspace", kind=Kind.AI_INFERENCE, tags={"data-classification": "public"},
           reads=[STORAGE.upper()], processing=("swedencentral",)),
        _r("other", "scratch", kind=Kind.AI_INFERENCE, reads=["/nowhere"], processing=("eastus",)))

    workspace = found["ml-workspace"]
    assert workspace.classification is not None and workspace.classification.health
    assert workspace.classification.rule == "reads health store dossiers"
    store = found["dossiers"]
    assert [(loc.region, loc.role, loc.target) for loc in store.locations] == [
        ("francecentral", "primary", None), ("swedencentral", "processing", "ws")]
    assert found["scratch"].classification is not None and not found["scratch"].classification.health


def test_lineage_follows_a_chain() -> None:
    found = _classified(
        _r("bucket", "records", tags={"phi": "true"}),
        _r("kb", "index", kind=Kind.SEARCH, reads=["bucket"]),
        _r("job", "trainer", kind=Kind.AI_INFERENCE, reads=["kb"], processing=("us-east-1",)))
    assert found["trainer"].classification is not None
    assert found["trainer"].classification.rule == "reads health store index"
    assert ("us-east-1", "processing") in [(loc.region, loc.role) for loc in found["index"].locations]
