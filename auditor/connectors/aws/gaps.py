"""AWS errors -> coverage gap reasons, and error text with every credential stripped out.

A failed read is never a pass: it becomes a ``CoverageGap`` naming account, region, service and
error. Expected "not configured" answers (``NoSuchBucketPolicy``…) are facts, handled by each
service module before anything reaches here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

from auditor.connectors.redact import redact
from auditor.model.vocab import GapReason

# Everything the SDK raises for a call that did not work (ResponseParserError is not a
# BotoCoreError: an endpoint answering an HTML page instead of the API's document).
SDK_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError, ResponseParserError)

ACCESS_DENIED = GapReason.ACCESS_DENIED
REGION_DISABLED = GapReason.REGION_DISABLED
THROTTLED = GapReason.THROTTLED
UNASSUMABLE = GapReason.UNASSUMABLE_ROLE
API_UNAVAILABLE = GapReason.API_UNAVAILABLE
UNREACHABLE = GapReason.UNREACHABLE
ERROR = GapReason.ERROR

_DENIED = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError",
    "AuthorizationErrorException", "Forbidden", "AllAccessDisabled", "InvalidClientTokenId",
    "UnrecognizedClientException", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
    "ExpiredTokenException", "AccessDeniedForDependencyException",
})
_THROTTLED = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
    "SlowDown", "RequestThrottled", "RequestThrottledException", "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded", "EC2ThrottledException", "PriorRequestNotComplete",
})
_REGION_DISABLED = frozenset({"OptInRequired", "InvalidRegion", "RegionDisabledException"})
_UNAVAILABLE = frozenset({"NotImplemented", "InvalidAction", "UnknownOperationException", "UnsupportedOperation"})


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "") or "")


def reason(exc: Exception) -> GapReason:
    """The gap reason for an SDK error."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in _DENIED:
            return ACCESS_DENIED
        if code in _THROTTLED:
            return THROTTLED
        if code in _REGION_DISABLED:
            return REGION_DISABLED
        if status == 403:
            return ACCESS_DENIED
        if status in (429, 503) and (code.isdigit() or not code):
            return THROTTLED
        if code in _UNAVAILABLE or code.isdigit() or not code:
            # An emulator (or a partition) that lacks the API answers with a bare HTTP 404/500/501
            # page instead of an AWS error document: the call cannot be made there at all.
            return API_UNAVAILABLE
        return ERROR
    if isinstance(exc, ResponseParserError):
        return API_UNAVAILABLE
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        return UNREACHABLE
    if isinstance(exc, NoCredentialsError):
        return ACCESS_DENIED
    return ERROR


# Shapes of AWS secrets: access key ids, long base64 runs (secret keys, session tokens,
# signatures) and the query/header fields that carry them (and other clouds' SAS signatures, account
# keys and passwords, should an error message repeat a URL or a connection string).
_PATTERNS = (
    re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA|ANPA|AGPA)[A-Z0-9]{12,}\b"),
    re.compile(r"(?i)(x-amz-(?:security-token|credential|signature)|credential|signature|token|sig|accountkey"
               r"|sharedaccesskey|password|client_secret)=[^&;\s,\"']+"),
    re.compile(r"[A-Za-z0-9/+=]{40,}"),
)


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without the given secret values nor anything shaped like an AWS credential, on one line."""
    return redact(text, secrets, _PATTERNS, 400)


def describe(exc: Exception, operation: str, secrets: Iterable[str | None] = ()) -> str:
    """One line naming the operation and the error, safe to print and store."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = error_code(exc) or str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?"))
        message = str(err.get("Message") or "").strip()
        if "<html" in message.lower() or "<!doctype" in message.lower():
            message = "the endpoint does not implement this API"
        text = f"{operation}: {code}" + (f": {message}" if message else "")
    elif isinstance(exc, ResponseParserError):
        text = f"{operation}: ResponseParserError: the endpoint does not implement this API (unparseable answer)"
    elif isinstance(exc, BotoCoreError):
        text = f"{operation}: {type(exc).__name__}: {exc}"
    else:
        text = f"{operation}: {type(exc).__name__}: {exc}"
    return scrub(text, secrets)
