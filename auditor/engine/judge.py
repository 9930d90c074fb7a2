"""One policy on one CEL activation: in scope or not, then fail, pass or unknown.

``condition`` true -> fail; else ``unknown_when`` true -> unknown; else pass. An expression that
errors or returns a non-boolean is ``unknown`` (with the error as evidence), never a pass; an
erroring scope is an unknown, not a skip.
"""

from __future__ import annotations

from typing import Any

from auditor.engine.policy import Policy
from auditor.model.findings import Status

Verdict = tuple[Status, list[Any], str | None]  # status, details, error


def _error(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def in_scope(policy: Policy, ctx: Any) -> bool | str:
    """True/False, or an error text."""
    if policy.scope is None:
        return True
    try:
        result = policy.scope.run(ctx)
    except Exception as exc:  # reported as unknown
        return _error(exc)
    if isinstance(result, bool):
        return result
    return f"scope returned {type(result).__name__}, not a boolean"


def judge(policy: Policy, ctx: Any) -> Verdict:
    try:
        violated = policy.condition.run(ctx)
        if violated is True:
            details = policy.details.run(ctx) if policy.details is not None else []
            return Status.FAIL, list(details) if isinstance(details, list) else [details], None
        if violated is not False:
            return Status.UNKNOWN, [], f"condition returned {type(violated).__name__}, not a boolean"
        if policy.unknown_when is not None and policy.unknown_when.run(ctx) is True:
            return Status.UNKNOWN, unknown_details(policy, ctx), None
        return Status.PASS, [], None
    except Exception as exc:  # any evaluation failure is an unknown, never a pass
        return Status.UNKNOWN, [], _error(exc)


def unknown_details(policy: Policy, ctx: Any) -> list[Any]:
    """Details for an unknown whose message quotes them ({details}): why the facts cannot decide."""
    if policy.details is None or not any("{details}" in t for t in policy.unknown_message.values()):
        return []
    try:
        details = policy.details.run(ctx)
    except Exception:  # the unknown stands; only its explanation is missing
        return []
    return list(details) if isinstance(details, list) else [details]
