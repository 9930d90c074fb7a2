"""Failed reads become gaps with a reason a user can act on, and nothing secret in them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.connectors.azure.gaps import read_error, scrub

TENANT = "2e9b1d44-0000-4000-8000-0000000bea7e"


@pytest.mark.parametrize(("status", "code", "reason"), [
    (401, "InvalidAuthenticationTokenTenant", "access-denied"),
    (403, "AuthorizationFailed", "access-denied"),
    (429, "TooManyRequests", "throttled"),
    (409, "MissingSubscriptionRegistration", "api-unavailable"),
    (400, "NoRegisteredProviderFound", "api-unavailable"),
    (404, "ResourceNotFound", "not-found"),
    (500, "InternalServerError", "error"),
])
def test_status_to_reason(status: int, code: str, reason: str) -> None:
    err = read_error(status, {"error": {"code": code, "message": "m"}}, {})
    assert (err.reason, err.code, err.status) == (reason, code, status)


def test_foreign_tenant_is_read_from_the_challenge() -> None:
    headers = {"www-authenticate": f'Bearer authorization_uri="https://login.windows.net/{TENANT}", '
                                  'error="invalid_token"'}
    assert read_error(401, {}, headers).home_tenant == TENANT


def test_messages_lose_tokens_keys_and_secrets() -> None:
    jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOi.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQ.c2lnbmF0dXJlLXBhcnQ"
    text = (f"Authorization: Bearer {jwt} failed for https://a.blob.core.windows.net/c?sv=2022&sig=abc%2Bdef "
            "with AccountKey=c2VjcmV0a2V5== and client_secret=hunter2hunter2 and my-own-secret-value")
    clean = scrub(text, ["my-own-secret-value"])
    for leaked in (jwt, "abc%2Bdef", "c2VjcmV0a2V5==", "hunter2hunter2", "my-own-secret-value"):
        assert leaked not in clean
    assert len(scrub("x" * 5000)) <= 300


@given(secret=st.text(alphabet=st.characters(codec="ascii", categories=("L", "N")), min_size=8, max_size=40),
       before=st.text(max_size=50), after=st.text(max_size=50))
def test_a_known_secret_never_survives(secret: str, before: str, after: str) -> None:
    assert secret not in scrub(f"{before}{secret}{after}", [secret])
