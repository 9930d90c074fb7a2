"""Real azure-identity credentials against the fake Entra endpoint; no secret ever leaks."""

from __future__ import annotations

import json
import logging

import pytest
from azure_helpers import by_name, scan

from auditor.config import AzureConfig
from auditor.connectors.azure.session import endpoints
from auditor.demo import azure_estate as est
from auditor.demo.fakearm import FakeARM
from auditor.errors import ConnectorError
from auditor.model.codec import to_dict


def test_default_credential_reads_the_environment(fake: FakeARM, monkeypatch: pytest.MonkeyPatch) -> None:
    # No tenant in auditor.yaml: DefaultAzureCredential -> EnvironmentCredential, authority from the environment.
    monkeypatch.setenv("AZURE_AUTHORITY_HOST", fake.base_url)
    inventory = scan(fake, tenant=None, authority_host=None)
    assert by_name(inventory, "fhir-loire").organization == est.TENANT
    token_posts = [p for m, p, _ in fake.requests if m == "POST" and p.endswith("/oauth2/v2.0/token")]
    assert token_posts and all(p.startswith(f"/{est.TENANT}/") for p in token_posts)


def test_configured_tenant_and_authority_use_a_client_secret_credential(fake: FakeARM) -> None:
    inventory = scan(fake)  # azure.tenant + azure.authority_host set, secret from the environment
    assert inventory.resources
    assert any(p.endswith("/v2.0/.well-known/openid-configuration") for _, p, _ in fake.requests)


def test_a_wrong_secret_is_one_clear_error_without_the_secret(fake: FakeARM,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "wrong-secret-123456")
    with pytest.raises(ConnectorError) as caught:
        scan(fake)
    assert caught.value.exit_code == 3
    text = caught.value.one_line()
    assert "credential" in text and "wrong-secret-123456" not in text and est.CLIENT_SECRET not in text


def test_secrets_and_tokens_never_reach_gaps_or_logs(fake: FakeARM, caplog: pytest.LogCaptureFixture) -> None:
    fake.deny_graph()
    fake.deny(f"/subscriptions/{est.RESEARCH_SUB}/resourceGroups/rg-recherche/providers/Microsoft.DBforPostgreSQL")
    with caplog.at_level(logging.DEBUG):
        inventory = scan(fake)
    assert any(g.service == "Microsoft.Graph" and g.reason == "access-denied" for g in inventory.coverage_gaps)
    dumped = json.dumps(to_dict(inventory)) + caplog.text
    assert fake.tokens and est.CLIENT_SECRET not in dumped
    assert not [t for t in fake.tokens if t in dumped]


def test_graph_unreadable_means_unknown_not_safe(fake: FakeARM) -> None:
    fake.deny_graph()
    inventory = scan(fake)
    grant = next(g for g in by_name(inventory, "stimagerieloire").access if g.principal == est.GUEST)
    assert grant.principal_kind.value == "user"  # not known to be a guest, and not claimed to be safe:
    assert [g.reason for g in inventory.coverage_gaps if g.service == "Microsoft.Graph"] == ["access-denied"]


@pytest.mark.parametrize(("arm", "graph"), [
    (None, "https://graph.microsoft.com"),
    ("https://management.usgovcloudapi.net", "https://graph.microsoft.us"),
    ("https://management.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"),
    ("https://management.core.sovcloud-api.fr/", "https://management.core.sovcloud-api.fr"),
])
def test_endpoints_for_public_and_sovereign_clouds(arm: str | None, graph: str) -> None:
    ends = endpoints(AzureConfig(arm_endpoint=arm), {})
    assert ends.arm_scope == f"{ends.arm}/.default" and ends.graph == graph
    assert not ends.disable_instance_discovery
    bleu = endpoints(AzureConfig(arm_endpoint=arm, authority_host="https://login.sovcloud-identity.fr"), {})
    assert bleu.disable_instance_discovery and bleu.authority == "https://login.sovcloud-identity.fr"
    env = endpoints(AzureConfig(), {"AZURE_AUTHORITY_HOST": "https://login.microsoftonline.us"})
    assert env.disable_instance_discovery
