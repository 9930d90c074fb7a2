"""Failed reads → :class:`CoverageGap`, with nothing secret in them.

Every HTTP failure becomes a :class:`ReadError` carrying a short reason (``access-denied``,
``throttled``, ``api-unavailable``, ``not-found``, ``error``), the ARM error code and a scrubbed,
truncated message. Scrubbing removes bearer tokens, JWTs, SAS signatures, account keys and any
secret value the process was given, so a gap can be written to a report as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from auditor.connectors.redact import redact
from auditor.model.inventory import CoverageGap, GapAspect
from auditor.model.vocab import GapReason

PROVIDER = "azure"
_MAX_MESSAGE = 300
_PATTERNS = (
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    re.compile(r"(?i)(sig|signature|client_secret|password|accountkey|sharedaccesskey)=[^&;\s\"']+"),
)
_TENANT_IN_CHALLENGE = re.compile(
    r"authorization_uri=\"?https://[^/\"]+/([0-9a-fA-F-]{36})", re.IGNORECASE)
_UNAVAILABLE = {"MissingSubscriptionRegistration", "NoRegisteredProviderFound", "InvalidResourceType",
                "InvalidApiVersionParameter", "SubscriptionNotRegistered"}


class ReadError(Exception):
    """A read that failed; ``reason`` is what a CoverageGap reports."""

    def __init__(self, reason: GapReason, status: int | None, code: str | None, message: str,
                 home_tenant: str | None = None) -> None:
        super().__init__(f"{code or reason}: {message}")
        self.reason = reason
        self.status = status
        self.code = code
        self.message = message
        self.home_tenant = home_tenant  # the tenant ARM says owns the target, when it says so

    def text(self) -> str:
        status = f"HTTP {self.status} " if self.status else ""
        return f"{status}{self.code or self.reason}: {self.message}".strip()


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    return redact(text, secrets, _PATTERNS, _MAX_MESSAGE)


def read_error(status: int, body: Any, headers: Mapping[str, str], secrets: Iterable[str] = ()) -> ReadError:
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = str(error.get("code") or "") or None
    message = scrub(str(error.get("message") or f"HTTP {status}"), secrets)
    challenge = next((v for k, v in headers.items() if k.lower() == "www-authenticate"), "")
    match = _TENANT_IN_CHALLENGE.search(challenge)
    if status in (401, 403):
        reason = GapReason.ACCESS_DENIED
    elif status == 429:
        reason = GapReason.THROTTLED
    elif code in _UNAVAILABLE or (status == 409 and code):
        reason = GapReason.API_UNAVAILABLE
    elif status == 404:
        reason = GapReason.NOT_FOUND
    else:
        reason = GapReason.ERROR
    return ReadError(reason, status or None, code, message, match.group(1).lower() if match else None)


def gap(service: str, err: ReadError, *, account: str | None = None, region: str | None = None,
        resource_id: str | None = None, aspect: GapAspect = GapAspect.STORE) -> CoverageGap:
    return CoverageGap(provider=PROVIDER, service=service, reason=err.reason, error=err.text(),
                       account=account, region=region, resource_id=resource_id,
                       aspect=aspect if resource_id else GapAspect.STORE)


def note(service: str, reason: GapReason, error: str, *, account: str | None = None, region: str | None = None,
         resource_id: str | None = None, aspect: GapAspect = GapAspect.STORE) -> CoverageGap:
    """A gap that is not an HTTP failure (something could not be resolved or was not read)."""
    return CoverageGap(provider=PROVIDER, service=service, reason=reason, error=error,
                       account=account, region=region, resource_id=resource_id,
                       aspect=aspect if resource_id else GapAspect.STORE)
