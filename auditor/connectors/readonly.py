"""The read-only guard: a connector may only call the operations it declared, and those must read.

The tool never changes a cloud. Each service module declares the API operations it calls; the
guard is attached to every SDK client a connector creates and refuses, *before anything is sent*,
any operation that was not declared. A refusal raises :class:`ReadOnlyViolation`: that is a bug in
the tool, never a coverage gap, so it is deliberately not an ``AuditorError`` and keeps its
traceback.

Providers have their own section below (AWS: botocore event hooks). Each section is
self-contained: its declaration check and its client hook.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any


class ReadOnlyViolation(Exception):
    """A connector tried to call an operation that is not declared read-only (a bug)."""


# --------------------------------------------------------------------------------------------
# AWS
#
# Declarations are ``"<boto3 client name>:<API operation>"``, e.g. ``"s3:GetBucketPolicy"``.
# Read operations start with Get/List/Describe/Head; STS is the only exception, and only for
# the two calls every scan needs to know who it is and to enter member accounts.
# --------------------------------------------------------------------------------------------

AWS_READ_PREFIXES = ("Get", "List", "Describe", "Head")
AWS_ALLOWED_EXCEPTIONS = frozenset({"sts:AssumeRole", "sts:GetCallerIdentity"})


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
