"""One policy file: metadata, compiled CEL expressions, and its pass/fail examples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor import yamlio
from auditor.engine.cel import Expression, compile_expression
from auditor.engine.schemas import schema
from auditor.errors import PolicyError
from auditor.model.findings import Severity


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    expect: str  # fail | pass | unknown | skip (out of scope)
    resource: Mapping[str, Any] | None
    gap: Mapping[str, Any] | None
    profile: str | None
    location: str


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    category: str
    target: str  # resource | coverage-gap
    title: Mapping[str, str]
    severity: Severity
    scope: Expression | None
    condition: Expression
    unknown_when: Expression | None
    details: Expression | None
    message: Mapping[str, str]
    unknown_message: Mapping[str, str]  # said instead of ``message`` when the status is unknown
    remediation: Mapping[str, str]
    rationale: Mapping[str, str]
    references: tuple[str, ...]
    examples: tuple[Example, ...]
    source: str  # file:line of the policy


def parse_policy(data: Any, path: Path) -> Policy:
    source = str(path)
    yamlio.check(data, schema("policy"), source, PolicyError)

    def expr(key: str) -> Expression | None:
        if key not in data:
            return None
        return compile_expression(str(data[key]), yamlio.where(data, key), key)

    condition = expr("condition")
    assert condition is not None  # required by the schema
    examples = tuple(
        Example(
            name=str(item["name"]),
            expect=str(item["expect"]),
            resource=item.get("resource"),
            gap=item.get("gap"),
            profile=item.get("profile"),
            location=yamlio.where(data["examples"], index),
        )
        for index, item in enumerate(data["examples"])
    )
    expects = {e.expect for e in examples}
    target = str(data.get("target", "resource"))
    if target == "resource" and not (expects & {"fail", "unknown"} and "pass" in expects):
        raise PolicyError("policy.examples-needed",
                          location=yamlio.where(data, "examples"))
    if target == "coverage-gap" and any(e.gap is None for e in examples):
        raise PolicyError("policy.gap-example",
                          location=yamlio.where(data, "examples"))
    return Policy(
        id=str(data["id"]),
        category=str(data["category"]),
        target=target,
        title=dict(data["title"]),
        severity=Severity(data["severity"]),
        scope=expr("scope"),
        condition=condition,
        unknown_when=expr("unknown_when"),
        details=expr("details"),
        message=dict(data["message"]),
        unknown_message=dict(data.get("unknown_message") or {}),
        remediation=dict(data["remediation"]),
        rationale=dict(data.get("rationale") or {}),
        references=tuple(data.get("references", ())),
        examples=examples,
        source=f"{source}:{yamlio.where(data).rsplit(':', 1)[-1]}",
    )


def load_policy(path: Path) -> Policy:
    return parse_policy(yamlio.load(path, PolicyError), path)
