"""Small pure helpers over plan JSON: walking values, unknown markers, addresses and ARNs.

Nothing here knows a resource type. Every function accepts whatever JSON a plan may hold
(including the wrong shape) and answers ``None`` / ``False`` rather than raising, so the
extractors can stay short and a malformed entry degrades into "not known".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

Path = tuple[str | int, ...]

_INSTANCE_KEY = re.compile(r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]')
_AWS_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")
_REF_HEAD = re.compile(r'^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?')


def dig(value: Any, *path: str | int) -> Any:
    """``value[p0][p1]…`` or ``None`` when any step is missing or of the wrong type."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or not -len(value) <= step < len(value):
                return None
        elif not isinstance(value, dict):
            return None
        value = value[step] if isinstance(step, int) else value.get(step)
    return value


def is_unknown(after_unknown: Any, *path: str | int) -> bool:
    """Whether ``after_unknown`` marks the value at ``path`` (or a parent of it) unknown at plan time."""
    node = after_unknown
    if node is True:
        return True
    for step in path:
        node = dig(node, step)
        if node is True:
            return True
        if node is None:
            return False
    return False


def text(value: Any) -> str | None:
    """A non-empty string, or ``None``."""
    return value if isinstance(value, str) and value else None


def items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index, block)`` for each object of a nested-block list (Terraform encodes blocks as lists)."""
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v]
    return []


def tag_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v if isinstance(v, str) else str(v) for k, v in value.items() if v is not None}


def strip_keys(address: str) -> str:
    """``module.a[0].module.b["x"].aws_s3_bucket.y[2]`` -> ``module.a.module.b.aws_s3_bucket.y``."""
    return _INSTANCE_KEY.sub("", address)


def parent_module(module: str) -> str:
    """``module.a.module.b`` -> ``module.a``; ``module.a`` -> ``""`` (works on instance paths too)."""
    cut = module.rfind(".module.")
    return module[:cut] if cut >= 0 else ""


def module_name(module: str) -> str:
    """Last call name of a module path: ``module.a[0].module.b["k"]`` -> ``b``."""
    last = module[module.rfind("module.") + len("module.") :] if module else ""
    return strip_keys(last)


def join(module: str, local: str) -> str:
    return f"{module}.{local}" if module else local


def ref_head(reference: str) -> tuple[str, str, str | None] | None:
    """``aws_s3_bucket.x[0].arn`` -> ``("aws_s3_bucket", "x", "[0]")``; ``None`` when not ``A.B…``."""
    match = _REF_HEAD.match(reference)
    if match is None:
        return None
    return match.group(1), match.group(2), match.group(3)


def looks_like_aws_region(value: str) -> bool:
    return bool(_AWS_REGION.match(value))


def arn_parts(arn: Any) -> tuple[str, str, str, str, str] | None:
    """``(partition, service, region, account, resource)`` of an ARN string, else ``None``."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    return parts[1], parts[2], parts[3], parts[4], parts[5]


def arn_region(arn: Any) -> str | None:
    parts = arn_parts(arn)
    return parts[2] or None if parts else None


def arn_account(arn: Any) -> str | None:
    parts = arn_parts(arn)
    return parts[3] or None if parts else None


def azure_id_part(resource_id: Any, segment: str) -> str | None:
    """The value after ``/segment/`` in an Azure resource id (case-insensitive), e.g. ``subscriptions``."""
    if not isinstance(resource_id, str):
        return None
    parts = resource_id.split("/")
    for i, part in enumerate(parts[:-1]):
        if part.lower() == segment.lower() and parts[i + 1]:
            return parts[i + 1]
    return None


def path_text(path: Path) -> str:
    """``("rule", 0, "destination")`` -> ``rule[0].destination`` (a JSON path fragment for evidence)."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out
