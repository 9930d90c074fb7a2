"""Secrets out of error text: the one mechanism every connector uses before a message becomes a gap.

Each provider names the shapes of its own secrets (``patterns``); the given ``secrets`` (credential
values the connector holds) are replaced wherever they appear, then every match of a pattern: a
``name=value`` match keeps its name (``sig=***``), anything else becomes ``***``. Whitespace is folded
to one line and the text cut at ``limit`` characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def redact(text: str, secrets: Iterable[str | None], patterns: Iterable[re.Pattern[str]], limit: int) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    for pattern in patterns:
        text = pattern.sub(lambda m: m.group(0).split("=")[0] + "=***" if "=" in m.group(0) else "***", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
