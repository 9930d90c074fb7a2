"""A module's ``link`` returns links; the scan applies them to a new mapping, the input never changes."""

from __future__ import annotations

from types import MappingProxyType

from auditor.connectors.azure.scan import linked, readers
from auditor.connectors.azure.service import Link, Service
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import Kind, Via


def _store(rid: str, kind: Kind = Kind.OBJECT_STORE) -> Resource:
    return Resource(id=rid, provider="azure", account="sub", service="Microsoft.Storage", kind=kind,
                    native_type="microsoft.storage/storageaccounts", name=rid.rsplit("/", 1)[-1],
                    region="francecentral", locations=(DataLocation("francecentral", LocationRole.PRIMARY),))


def test_links_add_locations_evidence_logging_and_holders_without_touching_the_input() -> None:
    store, vault = _store("/s/a"), _store("/s/v", Kind.BACKUP_VAULT)
    before = MappingProxyType({"/s/a": store})  # a read-only view: any write would raise
    copy = DataLocation("francesouth", LocationRole.BACKUP, Via.AZURE_BACKUP, target="/s/v")
    out = linked(before, [Link("/s/a", copy, ("Microsoft.RecoveryServices/vaults/read",), holder=vault),
                          Link("/s/a", None, ("Microsoft.Insights/diagnosticSettings/read",), logging=True),
                          Link("/s/gone", copy)])  # a target that is not there is ignored
    assert dict(before) == {"/s/a": store}
    assert set(out) == {"/s/a", "/s/v"} and out["/s/v"] is vault
    assert out["/s/a"].locations == (*store.locations, copy)
    assert out["/s/a"].evidence[-2:] == ("Microsoft.RecoveryServices/vaults/read",
                                         "Microsoft.Insights/diagnosticSettings/read")
    assert out["/s/a"].logging is True


def test_a_type_is_read_by_one_service_only() -> None:
    spec = TypeSpec(Kind.KEY, "Microsoft.KeyVault/vaults", ("azurerm_key_vault",))
    one = Service("Microsoft.KeyVault", (), types=(spec,), read=lambda scan, row: _store(row.id))
    assert readers([one])["microsoft.keyvault/vaults"] == (one, spec)
    try:
        readers([one, one])
    except ValueError as err:
        assert "declared by" in str(err)
    else:
        raise AssertionError("a type declared twice was accepted")
