"""Cloud KMS key rings in plans. Live scans need no call: a store's key name states its key ring's
location (``projects/P/locations/L/keyRings/R/cryptoKeys/K``), see :func:`auditor.connectors.gcp.iam.key_ref`."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.connectors.gcp.service import Service
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform.facts import Change, Fact, KeyLink, Store
from auditor.model.inventory import KeyManager
from auditor.model.vocab import Kind

NAME = "cloudkms"


def key_ring(change: Change) -> Iterator[Fact]:
    name = change.text("name")
    yield Store(kind=Kind.KEY, service=NAME, name=change.planned_name("name"),
                key=KeyLink(KeyManager.CUSTOMER, key_id=name, evidence=change.path("name")),
                identities=(f"kms:{name}",) if name else (), evidence=(change.path("location"),))


SERVICE = Service(
    name=NAME, operations={},
    types=(TypeSpec(Kind.KEY, "cloudkms.googleapis.com/KeyRing", ("google_kms_key_ring",)),),
    plan={"google_kms_key_ring": key_ring},
)
