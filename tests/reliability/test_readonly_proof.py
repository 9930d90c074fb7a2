"""Read-only, proven on the wire: what the emulators served during whole scans, and what the guards refuse.

The AWS scan covers the demo's organisation (every service module in the registry runs); the
moto server's own request log is cross-checked with the proxy's, which also sees the operation
(``Action``, ``X-Amz-Target``, or the REST route of the service model). Seeding happens before
logging starts. The fake ARM logs every request itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from azure.core.rest import HttpRequest

from auditor.connectors.aws import SERVICES
from auditor.connectors.aws.calls import ApiCalls
from auditor.connectors.aws.scan import declared
from auditor.connectors.aws.session import Clients
from auditor.connectors.azure.session import Session
from auditor.connectors.readonly import AWS_ALLOWED_EXCEPTIONS, AWS_READ_PREFIXES, ReadOnlyViolation
from auditor.demo import aws_estate, azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.demo.moto_server import request_log
from tests.reliability.conftest import ORG_CONFIG, aws_behind, azure_scan, reset_moto, run_cli, write_config
from tests.reliability.faultproxy import FaultProxy, Seen

MUTATING_METHODS = {"PUT", "POST", "DELETE", "PATCH"}


def aws_mutations(seen: list[Seen]) -> list[str]:
    """Requests that are not provably reads: a write verb on REST, or an operation that is not Get/List/…"""
    bad = []
    for s in seen:
        info = s.info
        op = info.operation
        if op is not None:
            if not (op.startswith(AWS_READ_PREFIXES) or f"{info.service}:{op}" in AWS_ALLOWED_EXCEPTIONS):
                bad.append(f"{info.method} {info.target} {info.service}:{op}")
        elif info.method not in ("GET", "HEAD"):  # an unidentified request must at least be a REST read
            bad.append(f"{info.method} {info.target} ({info.service}, unidentified)")
    return bad


@pytest.fixture(scope="module")
def hospital(moto_url: str) -> Iterator[str]:
    reset_moto(moto_url)
    aws_estate.seed(moto_url)
    yield moto_url
    reset_moto(moto_url)


@pytest.mark.slow
def test_a_whole_aws_scan_sends_no_mutating_request(hospital: str, tmp_path: Path) -> None:
    config = write_config(tmp_path / "auditor.yaml", ORG_CONFIG + "scope: all\n")
    with request_log() as served, FaultProxy(hospital) as proxy, aws_behind(proxy):
        result = run_cli(["scan", "--provider", "aws", "--quiet", "--no-history", "--config", str(config),
                          "--out", str(tmp_path / "out")])
    assert result.code in (1, 3), result
    assert len(proxy.seen) > 50
    assert aws_mutations(proxy.seen) == []

    requests = served.requests()  # the emulator's own log: method and path of what it served
    methods = Counter(r.split(" ", 1)[0] for r in requests)
    assert not (set(methods) & {"PUT", "DELETE", "PATCH"}), methods
    assert len(requests) == len(proxy.forwarded()), "every request the emulator served came through the proxy"
    assert methods["POST"] == sum(1 for s in proxy.forwarded() if s.info.method == "POST")  # each one checked above
    operations = Counter(f"{s.info.service}:{s.info.operation}" for s in proxy.seen)
    print(f"aws read-only proof: {len(proxy.seen)} requests, {len(operations)} distinct operations, "
          f"mutating: {len(aws_mutations(proxy.seen))}")


def test_the_aws_guard_refuses_every_undeclared_operation_before_sending(hospital: str) -> None:
    """Every operation of every service the connector uses, other than the declared reads, through the
    connector's own client factory: refused before a byte leaves (the proxy sees nothing)."""
    operations = declared(SERVICES)
    services = sorted({op.partition(":")[0] for op in operations})
    refused = 0
    with FaultProxy(hospital) as proxy, aws_behind(proxy), request_log() as served:
        clients = Clients(operations, ApiCalls(), max_workers=2)
        for service in services:
            client = clients.client(None, service, "eu-west-3")
            model = client.meta.service_model
            for name in model.operation_names:
                if f"{service}:{name}" in operations:
                    continue
                method = getattr(client, _python_name(client, name))
                with pytest.raises(ReadOnlyViolation, match=f"{service}:{name}"):
                    method()
                refused += 1
    assert refused > 500
    assert proxy.seen == [] and served.requests() == []
    print(f"aws guard: {refused} undeclared operations of {len(services)} services refused, 0 sent")


def test_a_write_through_a_connector_client_never_reaches_the_emulator(hospital: str) -> None:
    with FaultProxy(hospital) as proxy, aws_behind(proxy), request_log() as served:
        clients = Clients(declared(SERVICES), ApiCalls(), max_workers=2)
        s3 = clients.client(None, "s3", "eu-west-3")
        kms = clients.client(None, "kms", "eu-west-3")
        attempts = [
            lambda: s3.put_bucket_policy(Bucket="loire-dpi-patients", Policy="{}"),
            lambda: s3.delete_bucket_replication(Bucket="loire-dpi-patients"),
            lambda: s3.put_bucket_acl(Bucket="loire-pacs-imagerie", ACL="private"),
            lambda: kms.schedule_key_deletion(KeyId="alias/x", PendingWindowInDays=7),
            lambda: clients.client(None, "organizations", "us-east-1").leave_organization(),
        ]
        for attempt in attempts:
            with pytest.raises(ReadOnlyViolation):
                attempt()
    assert proxy.seen == [] and served.requests() == []
    acl = boto3.client("s3", region_name="eu-west-3", endpoint_url=hospital, aws_access_key_id="testing",
                       aws_secret_access_key="testing").get_bucket_acl(Bucket="loire-pacs-imagerie")
    assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in acl["Grants"])  # still public: unchanged


def _python_name(client: Any, operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)


# ---- Azure ---------------------------------------------------------------------------------------

ALLOWED_POSTS = ("/providers/Microsoft.ResourceGraph/resources",)


@pytest.fixture(scope="module")
def arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeARM]:
    fake = azure_estate.start(tmp_path_factory.mktemp("arm"))
    try:
        yield fake
    finally:
        fake.stop()


def arm_mutations(requests: list[tuple[str, str, dict[str, str]]]) -> list[str]:
    bad = []
    for method, path, _ in requests:
        if method == "GET":
            continue
        if method == "POST" and (path in ALLOWED_POSTS or path.endswith("/oauth2/v2.0/token")):
            continue
        bad.append(f"{method} {path}")
    return bad


def test_a_whole_azure_scan_sends_only_reads(arm: FakeARM) -> None:
    arm.requests.clear()  # the estate was seeded in memory; nothing before this line came from the tool
    with FaultProxy(arm.base_url, flavor="arm", upstream_ca=arm.ca_path) as proxy:
        inventory = azure_scan(arm, proxy)
    assert inventory.resources and len(arm.requests) > 50
    assert arm_mutations(arm.requests) == []
    assert len(arm.requests) == len(proxy.forwarded())
    methods = dict(Counter(m for m, _, _ in arm.requests))
    print(f"azure read-only proof: {len(arm.requests)} requests, methods {methods}, "
          f"mutating: {len(arm_mutations(arm.requests))}")


def test_the_azure_guard_refuses_writes_before_sending(arm: FakeARM) -> None:
    from azure.mgmt.storage import StorageManagementClient

    arm.requests.clear()
    session = Session(azure_estate.azure_config(arm), azure_estate.environ(arm))
    sub = azure_estate.SUB
    account = f"/subscriptions/{sub}/resourceGroups/rg-sante/providers/Microsoft.Storage/storageAccounts/stdpiloire"
    storage = session.sdk(StorageManagementClient, sub)
    attempts = [
        lambda: storage.storage_accounts.list_keys("rg-sante", "stdpiloire"),  # a POST that reads secrets
        lambda: storage.storage_accounts.delete("rg-sante", "stdpiloire"),
        lambda: session.arm.send_request(HttpRequest("PATCH", f"{session.endpoints.arm}{account}",
                                                     params={"api-version": "2023-05-01"}, json={})),
        lambda: session.arm.send_request(HttpRequest("PUT", f"{session.endpoints.arm}{account}/providers/"
                                                     "Microsoft.Authorization/locks/x",
                                                     params={"api-version": "2020-05-01"}, json={})),
    ]
    try:
        for attempt in attempts:
            with pytest.raises(ReadOnlyViolation, match="refused"):
                attempt()
    finally:
        session.close()
    assert arm_mutations(arm.requests) == []
    assert not [p for _, p, _ in arm.requests if "listKeys" in p or "locks" in p]
