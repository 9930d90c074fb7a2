"""The published JSON Schemas of policy, profile, framework and waiver files."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def schema(name: str) -> dict[str, Any]:
    text = resources.files("auditor.engine").joinpath("schema", f"{name}.schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result
