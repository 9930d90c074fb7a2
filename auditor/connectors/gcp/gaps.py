"""Failed Google Cloud reads -> :class:`CoverageGap`, with nothing secret in them.

Google APIs answer errors as ``{"error": {"code": 403, "message": …, "status": "PERMISSION_DENIED",
"details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED"…}]}}``
(https://cloud.google.com/apis/design/errors, checked 2026-12-07). ``SERVICE_DISABLED`` (the API is
not enabled in the project) is ``api-unavailable``, other 401/403 are ``access-denied``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from auditor.connectors.redact import redact
from auditor.model.inventory import CoverageGap, GapAspect
from auditor.model.vocab import GapReason

_MAX = 300
_PATTERNS = (
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"ya29\.[A-Za-z0-9._-]+"),  # Google OAuth access tokens
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),  # JWTs (self-signed assertions)
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*-----END [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)(access_token|refresh_token|client_secret|private_key|assertion|signature)=[^&;\s\"']+"),
)
_UNAVAILABLE = {"SERVICE_DISABLED", "API_DISABLED", "BILLING_DISABLED", "UNIMPLEMENTED"}


class ReadError(Exception):
    """A read that failed; ``reason`` is what the coverage gap reports."""

    def __init__(self, reason: GapReason, status: int | None, code: str | None, message: str) -> None:
        super().__init__(f"{code or reason}: {message}")
        self.reason = reason
        self.status = status
        self.code = code
        self.message = message

    def text(self) -> str:
        status = f"HTTP {self.status} " if self.status else ""
        return f"{status}{self.code or self.reason}: {self.message}".strip()


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    return redact(text, secrets, _PATTERNS, _MAX)


def read_error(status: int, body: Any, secrets: Iterable[str] = ()) -> ReadError:
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = str(error.get("status") or "") or None
    reasons = {str(d.get("reason")) for d in error.get("details") or () if isinstance(d, dict) and d.get("reason")}
    reasons |= {str(e.get("reason")) for e in error.get("errors") or () if isinstance(e, dict) and e.get("reason")}
    message = scrub(str(error.get("message") or f"HTTP {status}"), secrets)
    if reasons & _UNAVAILABLE or code == "UNIMPLEMENTED":
        reason = GapReason.API_UNAVAILABLE
        code = next(iter(sorted(reasons & _UNAVAILABLE)), code)
    elif status in (401, 403):
        reason = GapReason.ACCESS_DENIED
    elif status == 429:
        reason = GapReason.THROTTLED
    elif status == 404:
        reason = GapReason.NOT_FOUND
    else:
        reason = GapReason.ERROR
    return ReadError(reason, status or None, code, message)


def gap(provider: str, service: str, err: ReadError, *, account: str | None = None, region: str | None = None,
        resource_id: str | None = None, aspect: GapAspect = GapAspect.STORE) -> CoverageGap:
    return CoverageGap(provider=provider, service=service, reason=err.reason, error=err.text(), account=account,
                       region=region, resource_id=resource_id, aspect=aspect if resource_id else GapAspect.STORE)
