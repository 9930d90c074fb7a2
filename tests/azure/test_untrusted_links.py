"""The bearer token goes to the configured ARM origin only, whatever a server answers.

A second fake on another port (same CA, so TLS would succeed) plays the attacker a hostile
``nextLink``, a 307 or an OpenID configuration points at: it must never receive a request, let
alone an ``Authorization`` header, and the listing it would have completed is a coverage gap that
names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.core.rest import HttpRequest
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.storage import StorageManagementClient
from azure_helpers import by_name, scan

from auditor.connectors import readonly as guard
from auditor.connectors.azure.gaps import ReadError
from auditor.connectors.azure.session import UNTRUSTED_LINK, Session
from auditor.connectors.readonly import OriginGuard, ReadOnlyGuard, ReadOnlyViolation, UntrustedLink
from auditor.demo import azure_estate as est
from auditor.demo.fakearm import FakeARM
from auditor.errors import ConnectorError
from auditor.model.inventory import Inventory

ACCOUNT = f"/subscriptions/{est.SUB}/resourceGroups/rg-sante/providers/Microsoft.Storage/storageAccounts/stdpiloire"
ASSIGNMENTS = f"/subscriptions/{est.SUB}/providers/Microsoft.Authorization/roleAssignments"
LIGHTHOUSE = f"/subscriptions/{est.SUB}/providers/Microsoft.ManagedServices/registrationAssignments"


@pytest.fixture
def attacker(fake: FakeARM, tmp_path: Path) -> Iterator[FakeARM]:
    """Another HTTPS server on another port, trusted by the same CA (so only our rule stops the token)."""
    other = FakeARM(est.TENANT, ca_dir=tmp_path, ca=fake.ca).start()
    try:
        yield other
    finally:
        other.stop()


def host(server: FakeARM) -> str:
    return server.base_url.removeprefix("https://")


def assert_never_reached(server: FakeARM) -> None:
    assert not [a for _, _, a in server.authorizations if a], "the attacker received the bearer token"
    assert server.requests == []


def untrusted(inventory: Inventory, server: FakeARM) -> list[str]:
    return [f"{g.service} {g.error}" for g in inventory.coverage_gaps
            if g.reason == UNTRUSTED_LINK and host(server) in g.error]


# ---- the SDK clients (azure-mgmt-*) --------------------------------------------------------------

def test_sdk_next_link_to_another_host_is_a_gap_not_a_leak(fake: FakeARM, attacker: FakeARM) -> None:
    fake.hijack_next_link(ASSIGNMENTS, f"{attacker.base_url}{ASSIGNMENTS}?api-version=2022-04-01&$skiptoken=2")
    inventory = scan(fake)
    assert_never_reached(attacker)
    gaps = untrusted(inventory, attacker)
    assert gaps and all(g.startswith("Microsoft.Authorization") for g in gaps)
    # the listing is incomplete: the guest of page 2 is not silently absent from a complete answer
    assert est.GUEST not in {g.principal for g in by_name(inventory, "stimagerieloire").access}


def test_sdk_redirect_to_another_host_is_a_gap_not_a_leak(fake: FakeARM, attacker: FakeARM) -> None:
    fake.redirect(ACCOUNT, f"{attacker.base_url}{ACCOUNT}?api-version=2023-05-01")
    inventory = scan(fake)
    assert_never_reached(attacker)
    gap = next(g for g in inventory.coverage_gaps if g.resource_id == ACCOUNT)
    assert gap.reason == UNTRUSTED_LINK and host(attacker) in gap.error and gap.service == "Microsoft.Storage"
    assert "replication" not in by_name(inventory, "stdpiloire").attributes  # nothing read is invented


def test_sdk_redirect_to_the_same_host_is_still_followed(fake: FakeARM) -> None:
    moved = f"/subscriptions/{est.SUB}/resourceGroups/rg-sante/providers/Microsoft.Storage/storageAccounts/moved"
    fake.redirect(moved, f"{fake.base_url}{ACCOUNT}?api-version=2023-05-01")
    session = Session(est.azure_config(fake))
    try:
        client = session.sdk(StorageManagementClient, est.SUB)
        found = session.call(client.storage_accounts.get_properties, "rg-sante", "moved")
        assert found.name == "stdpiloire"
    finally:
        session.close()


# ---- the project's own pages() / get() --------------------------------------------------------------

@pytest.mark.parametrize("scheme_or_port", ["other-port", "http"])
def test_pages_next_link_to_another_origin_is_refused(fake: FakeARM, attacker: FakeARM, scheme_or_port: str) -> None:
    base = attacker.base_url if scheme_or_port == "other-port" else fake.base_url.replace("https://", "http://")
    fake.hijack_next_link(LIGHTHOUSE, f"{base}{LIGHTHOUSE}?api-version=2022-10-01&$skiptoken=1")
    session = Session(est.azure_config(fake))
    try:
        with pytest.raises(ReadError) as caught:
            list(session.pages(LIGHTHOUSE, "2022-10-01"))
    finally:
        session.close()
    assert caught.value.reason == UNTRUSTED_LINK and base.split("://")[1] in caught.value.message
    assert_never_reached(attacker)


def test_pages_next_link_through_a_scan_is_a_gap(fake: FakeARM, attacker: FakeARM) -> None:
    fake.hijack_next_link(LIGHTHOUSE, f"{attacker.base_url}{LIGHTHOUSE}?$skiptoken=1")
    inventory = scan(fake)
    assert_never_reached(attacker)
    assert [g.split()[0] for g in untrusted(inventory, attacker)] == ["Microsoft.ManagedServices"]


def test_get_redirect_to_another_host_is_refused(fake: FakeARM, attacker: FakeARM) -> None:
    fake.redirect(ACCOUNT, f"{attacker.base_url}{ACCOUNT}")
    session = Session(est.azure_config(fake))
    try:
        with pytest.raises(ReadError) as caught:
            session.get(ACCOUNT, "2023-05-01")
    finally:
        session.close()
    assert caught.value.reason == UNTRUSTED_LINK and host(attacker) in caught.value.text()
    assert_never_reached(attacker)


def test_a_looping_next_link_ends_as_a_gap(fake: FakeARM) -> None:
    fake.hijack_next_link(LIGHTHOUSE, f"{fake.base_url}{LIGHTHOUSE}")  # page 1 says: next is page 1
    session = Session(est.azure_config(fake))
    try:
        with pytest.raises(ReadError, match="InvalidNextLink"):
            list(session.pages(LIGHTHOUSE, "2022-10-01"))
    finally:
        session.close()


# ---- token requests ------------------------------------------------------------------------------

def test_token_requests_only_go_to_the_configured_authority(fake: FakeARM, attacker: FakeARM) -> None:
    fake.token_endpoint = f"{attacker.base_url}/{est.TENANT}/oauth2/v2.0/token"  # discovery points elsewhere
    with pytest.raises(ConnectorError) as caught:
        scan(fake)
    assert attacker.requests == []  # the client secret was never posted there
    assert caught.value.exit_code == 3 and "credential" in caught.value.one_line()
    assert host(attacker) in caught.value.one_line()


@pytest.mark.parametrize(("url", "ok"), [
    ("https://login.example.fr/tid/oauth2/v2.0/token", True),
    ("https://LOGIN.example.fr:443/tid/oauth2/v2.0/token", True),
    ("https://evil.example/tid/oauth2/v2.0/token", False),  # any host: allowed before
    ("https://evil.example/oauth2/token", False),
    ("https://login.example.fr/other-tenant/oauth2/v2.0/token", False),
    ("https://login.example.fr/tid/oauth2/token", False),
    ("https://login.example.fr:8443/tid/oauth2/v2.0/token", False),
    ("http://login.example.fr/tid/oauth2/v2.0/token", False),
    ("https://login.example.fr@evil.example/tid/oauth2/v2.0/token", False),
])
def test_guard_allows_the_token_post_only_to_the_configured_authority(url: str, ok: bool) -> None:
    assert guard.azure_is_read_only("POST", url, ("https://login.example.fr/tid/oauth2/v2.0/token",)) is ok


def test_session_guard_refuses_a_token_post_to_another_path(fake: FakeARM) -> None:
    session = Session(est.azure_config(fake))
    try:
        assert session.endpoints.token_url == f"{fake.base_url}/{est.TENANT}/oauth2/v2.0/token"
        with pytest.raises(ReadOnlyViolation):
            session.arm.send_request(HttpRequest("POST", f"{fake.base_url}/x/oauth2/token"))
    finally:
        session.close()
    assert not [p for m, p, _ in fake.requests if m == "POST" and p == "/x/oauth2/token"]


# ---- the origin rule itself and the pipeline around it --------------------------------------------

@pytest.mark.parametrize(("url", "same"), [
    ("https://management.azure.com/subscriptions?api-version=1", True),
    ("https://MANAGEMENT.azure.com:443/subscriptions", True),
    ("https://management.azure.com:8443/subscriptions", False),
    ("http://management.azure.com/subscriptions", False),
    ("https://management.azure.com.evil.example/", False),
    ("https://management.azure.com@evil.example/", False),
    ("https://evil.example\\@management.azure.com/", False),
    ("https://management.azure.com./subscriptions", False),
    ("https://management.azure.com:bad/", False),
    ("//evil.example/x", False),
])
def test_origin_rule(url: str, same: bool) -> None:
    assert guard.same_origin(url, [("https", "management.azure.com", 443)]) is same


def test_untrusted_link_message_names_the_host_only() -> None:
    err = UntrustedLink("https://evil.example:8443/steal?token=abc", "https://management.azure.com")
    assert "https://evil.example:8443" in str(err) and "token=abc" not in str(err) and "/steal" not in str(err)


def policies(client: object) -> list[object]:
    """The policies of an SDK client's pipeline, unwrapped from azure-core's SansIO runners."""
    return [getattr(p, "_policy", p) for p in client._client._pipeline._impl_policies]  # type: ignore[attr-defined]


def test_pipeline_keeps_azure_cores_default_policies(fake: FakeARM) -> None:
    from azure.mgmt.core.policies import ARMAutoResourceProviderRegistrationPolicy

    session = Session(est.azure_config(fake))
    try:
        ours = policies(session.sdk(SubscriptionClient))
        default = policies(SubscriptionClient(session.credential, base_url=fake.base_url))
    finally:
        session.close()
    assert len(default) >= 12  # the list compared against is the real default one
    ours_types = [type(p) for p in ours]
    for policy in default:
        if isinstance(policy, ARMAutoResourceProviderRegistrationPolicy):
            continue  # registering a resource provider is a write: left out on purpose
        challenge = type(policy).__name__ == "ARMChallengeAuthenticationPolicy"
        wanted = type(policy).__mro__[1] if challenge else type(policy)  # its base: the plain bearer policy
        assert any(issubclass(t, wanted) for t in ours_types), f"{type(policy).__name__} missing"
    assert isinstance(ours[-1], OriginGuard) and isinstance(ours[-2], ReadOnlyGuard)  # right before the transport
