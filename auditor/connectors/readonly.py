"""The read-only guard of every provider: a connector may only send what it declared, and that must read.

The tool never changes a cloud. Each connector declares what it calls; the guard is attached to
every client a connector creates and refuses, *before anything is sent*, anything else. A refusal
raises :class:`ReadOnlyViolation`: that is a bug in the tool, never a coverage gap, so it is
deliberately not an ``AuditorError`` and keeps its traceback.

One section per provider, each with its declaration check and its client hook:

- AWS: service modules declare ``"<boto3 client>:<Operation>"``; a botocore event hook refuses
  any other operation.
- Azure: reads are HTTP GETs (plus the Resource Graph query and the configured authority's token
  request); pipeline policies placed last, in front of the transport, refuse any other request
  and any request to an origin other than the configured one (:class:`UntrustedLink`). The rules
  are here; the policies themselves subclass azure-core's and live in :mod:`readonly_azure`, so
  that a scan of AWS alone never loads the Azure SDK (they are importable from here too).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from auditor.connectors.readonly_azure import OriginGuard, ReadOnlyGuard, origin_limited_transport

_AZURE_POLICIES = ("OriginGuard", "ReadOnlyGuard", "origin_limited_transport")


def __getattr__(name: str) -> Any:
    """The Azure pipeline policies, loaded with azure-core when first asked for."""
    if name in _AZURE_POLICIES:
        from auditor.connectors import readonly_azure

        return getattr(readonly_azure, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ReadOnlyViolation(Exception):
    """A connector tried to send something that is not a declared read (a bug; never caught)."""


# --------------------------------------------------------------------------------------------
# AWS
#
# Declarations are ``"<boto3 client name>:<API operation>"``, e.g. ``"s3:GetBucketPolicy"``.
# Read operations start with Get/List/Describe/Head; the exceptions are STS's two calls every scan
# needs to know who it is and to enter member accounts, and AWS Config's batch read of configuration
# items (the optional fast path). No other "BatchGet" is allowed: DynamoDB's BatchGetItem reads data.
# --------------------------------------------------------------------------------------------

AWS_READ_PREFIXES = ("Get", "List", "Describe", "Head")
AWS_ALLOWED_EXCEPTIONS = frozenset({
    "sts:AssumeRole", "sts:GetCallerIdentity", "config:BatchGetAggregateResourceConfig"})


def aws_is_read_only(operation: str) -> bool:
    """``True`` when the declared ``client:Operation`` only reads."""
    service, sep, name = operation.partition(":")
    if not sep or not service or not name:
        return False
    return operation in AWS_ALLOWED_EXCEPTIONS or name.startswith(AWS_READ_PREFIXES)


def aws_check_declarations(operations: Iterable[str]) -> frozenset[str]:
    """Return the declarations as a set, or raise if one of them is not read-only."""
    declared = frozenset(operations)
    bad = sorted(op for op in declared if not aws_is_read_only(op))
    if bad:
        raise ReadOnlyViolation(f"declared operations are not read-only: {', '.join(bad)}")
    return declared


def aws_guard_client(client: Any, declared: Collection[str]) -> None:
    """Attach the guard to one botocore client: undeclared operations never leave the process.

    The hook runs on ``before-parameter-build``, the first event of every API call (paginators
    and waiters included), before parameters are validated, serialised, signed or sent.
    """
    allowed = aws_check_declarations(declared)
    service = str(client.meta.service_model.service_name)
    names = frozenset(op.partition(":")[2] for op in allowed if op.partition(":")[0] == service)

    def refuse_undeclared(model: Any = None, **_: Any) -> None:
        name = getattr(model, "name", None)
        if name not in names:
            raise ReadOnlyViolation(f"{service}:{name} is not a declared read-only operation; refused before sending")

    client.meta.events.register("before-parameter-build", refuse_undeclared, unique_id="auditor-readonly-guard")


# --------------------------------------------------------------------------------------------
# Azure
#
# The guards at the end of every Azure pipeline: reads only, and only to the configured origin.
#
# Both sit last in every pipeline the connector builds (SDK clients and plain ARM reads alike),
# right in front of the transport, so they also see requests that other policies create on their
# own (redirects, retries, provider auto-registration if it were ever added back).
#
# - :class:`ReadOnlyGuard` refuses every write. Only two non-GET requests are let through: the
#   Resource Graph query (``POST /providers/Microsoft.ResourceGraph/resources``), which reads, and a
#   token request to the *configured* authority's exact token URL (scheme, host, port and path), in
#   case a credential pipeline is ever routed through here. Anything else raises
#   :class:`ReadOnlyViolation`: a bug in the tool, not a user error, so it is deliberately *not*
#   an ``AuditorError`` and keeps its traceback.
# - :class:`OriginGuard` refuses every request whose origin (scheme, host, port) is not the one the
#   pipeline was built for. A ``nextLink``, an ``@odata.nextLink``, a ``Location`` of a redirect or
#   a reference read from a resource can name any URL: the bearer token must never follow it there.
#   The refusal raises :class:`UntrustedLink`, which the session turns into a coverage gap naming
#   the host (the listing is incomplete, so unknown). It is not an ``AzureError`` on purpose:
#   azure-core's retry policy retries those, and a refused link is not worth a second try.
# - :func:`origin_limited_transport` is the same origin rule for the credential's own pipeline: token
#   requests go to the configured authority (or the managed-identity endpoint the environment
#   names), never where a discovery document points elsewhere.
# --------------------------------------------------------------------------------------------

Origin = tuple[str, str, int]

_RESOURCE_GRAPH = re.compile(r"^/providers/microsoft\.resourcegraph/resources/?$", re.IGNORECASE)
_DEFAULT_PORTS = {"https": 443, "http": 80}


class UntrustedLink(Exception):
    """A server pointed the scan at another origin; nothing was sent there."""

    def __init__(self, url: str, expected: str) -> None:
        self.host = display(url)
        self.expected = expected
        super().__init__(f"a link or redirect to {self.host} was not followed: only {expected} receives the "
                         "scan's token, so this listing is incomplete")


def origin(url: str) -> Origin | None:
    """``(scheme, host, port)`` of an absolute http(s) URL, ``None`` when it is not one we can trust to parse.

    URLs with user information, backslashes or control characters are refused outright: parsers
    disagree on where their host ends, and the one that sends must not differ from the one that checks.
    """
    if any(c in url for c in "\\@") or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port or _DEFAULT_PORTS[scheme]


def display(url: str) -> str:
    """The origin of ``url`` as a user reads it (``https://host:port``), never its path or query."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2] or "?"
    except ValueError:
        return "an unparsable URL"
    text = f"{parts.scheme.lower() or '?'}://{host}"
    return "".join(c if c.isprintable() else "?" for c in text)[:120]


def same_origin(url: str, allowed: Iterable[Origin]) -> bool:
    here = origin(url)
    return here is not None and here in set(allowed)


def azure_is_read_action(action: str) -> bool:
    """``True`` when a declared Azure RBAC action only reads (``Microsoft.Storage/storageAccounts/read``)."""
    namespace, sep, rest = action.partition("/")
    return bool(namespace and sep) and (rest == "read" or rest.endswith("/read"))


def azure_check_declarations(actions: Iterable[str]) -> tuple[str, ...]:
    """The declared RBAC actions, sorted and once each, or raise if one of them is not a read."""
    declared = tuple(sorted(set(actions)))
    bad = [a for a in declared if not azure_is_read_action(a)]
    if bad:
        raise ReadOnlyViolation(f"declared Azure actions are not reads: {', '.join(bad)}")
    return declared


def azure_is_read_only(method: str, url: str, token_urls: Collection[str] = ()) -> bool:
    """True when ``method url`` is a read the auditor may send.

    ``token_urls`` are the exact token endpoints of the configured authority (scheme, host, port
    and path must all match); any other ``…/oauth2/…/token`` is a POST like any other.
    """
    verb = method.upper()
    if verb == "GET":
        return True
    if verb == "POST":
        if _RESOURCE_GRAPH.search(urlsplit(url).path):
            return True
        here = origin(url)
        path = urlsplit(url).path
        return here is not None and any(here == origin(t) and path == urlsplit(t).path for t in token_urls)
    return False


__all__ = ["AWS_ALLOWED_EXCEPTIONS", "AWS_READ_PREFIXES", "OriginGuard", "ReadOnlyGuard", "ReadOnlyViolation",
           "UntrustedLink", "aws_check_declarations", "aws_guard_client", "aws_is_read_only",
           "azure_check_declarations", "azure_is_read_action", "azure_is_read_only", "display", "origin",
           "origin_limited_transport", "same_origin"]
