"""resolve(): every location of an inventory gets its country and zone; `auditor regions` prints the catalog."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

from typer.testing import CliRunner

from auditor.cli import app
from auditor.commands.regions import format_catalog
from auditor.geo.resolve import resolve
from auditor.model.inventory import DataLocation, Inventory, KeyManager, KeyRef, LocationRole, Resource, Zone


def _bucket(region: str, **kw: object) -> Resource:
    base = Resource(id=f"arn:aws:s3:::b-{region}", provider="aws", account="111122223333", service="s3",
                    kind="object-store", native_type="AWS::S3::Bucket", name=f"b-{region}", region=region)
    return replace(base, **kw)  # type: ignore[arg-type]


def test_primary_location_is_added_and_resolved() -> None:
    out = resolve(Inventory(resources=(_bucket("eu-west-3"),)))
    (loc,) = out.resources[0].locations
    assert (loc.region, loc.role, loc.country, loc.zone) == ("eu-west-3", LocationRole.PRIMARY, "FR", Zone.EU)


def test_every_location_and_key_is_resolved() -> None:
    resource = _bucket(
        "eu-west-3",
        locations=(DataLocation("eu-west-3"), DataLocation("eu-west-2", LocationRole.REPLICA, via="s3-replication"),
                   DataLocation("westeurope", LocationRole.BACKUP, provider="azure"),
                   DataLocation("mars-1", LocationRole.SNAPSHOT_COPY)),
        encryption=KeyRef(KeyManager.CUSTOMER, "k", region="eu-central-2",
                          locations=(DataLocation("eu-central-2"), DataLocation("us-east-1", LocationRole.REPLICA))),
    )
    inventory = Inventory(resources=(resource,))
    out = resolve(inventory).resources[0]
    assert [(loc.country, loc.zone) for loc in out.locations] == [
        ("FR", Zone.EU), ("GB", Zone.ADEQUACY), ("NL", Zone.EU), (None, Zone.UNKNOWN)]
    assert out.encryption is not None
    assert (out.encryption.country, out.encryption.zone) == ("CH", Zone.ADEQUACY)
    assert [loc.zone for loc in out.encryption.locations] == [Zone.ADEQUACY, Zone.THIRD]
    assert inventory.resources[0].locations[0].zone is None  # the input is untouched


def test_keys_without_a_region() -> None:
    provider_key = resolve(Inventory(resources=(_bucket("eu-west-3", encryption=KeyRef(KeyManager.PROVIDER)),)))
    assert provider_key.resources[0].encryption.zone is Zone.EU  # type: ignore[union-attr]
    customer_key = resolve(Inventory(resources=(_bucket("eu-west-3", encryption=KeyRef(KeyManager.CUSTOMER, "k")),)))
    assert customer_key.resources[0].encryption.zone is Zone.UNKNOWN  # type: ignore[union-attr]


def test_stale_resolutions_are_overwritten_by_the_catalog() -> None:
    stale = _bucket("eu-west-99", locations=(DataLocation("eu-west-99", country="FR", zone=Zone.EU),))
    (loc,) = resolve(Inventory(resources=(stale,))).resources[0].locations
    assert (loc.country, loc.zone) == (None, Zone.UNKNOWN)


def test_resolve_is_idempotent() -> None:
    once = resolve(Inventory(resources=(_bucket("eu-west-3"), _bucket("us-east-1-qro-1a"))))
    assert resolve(once) == once
    assert once.resources[1].locations[0].country == "MX"


def test_format_catalog_lists_places() -> None:
    text = format_catalog("aws")
    header = text.splitlines()[0].split()
    assert header[:3] == ["provider", "region", "name"]
    row = next(line for line in text.splitlines() if " eusc-de-east-1 " in line)
    assert "DE" in row.split() and "eu" in row.split() and "aws-eusc" in row.split()
    assert "westeurope" not in text
    assert "westeurope" in format_catalog(None)


def test_auditor_regions_command() -> None:
    result = CliRunner().invoke(app, ["regions", "--provider", "aws"])
    assert result.exit_code == 0, result.output
    assert "eusc-de-east-1" in result.output and "us-east-1-qro-1" in result.output


def test_auditor_regions_rejects_an_unknown_provider_in_one_line() -> None:
    result = subprocess.run([sys.executable, "-m", "auditor", "regions", "--provider", "nosuchcloud"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: unknown provider 'nosuchcloud'") and "Traceback" not in result.stderr
