"""Stage 1: the outside world -> an Inventory (resources + coverage gaps).

``CONNECTORS`` maps a ``--provider`` name to ``module:function``; modules are imported only
when that provider is scanned, so a scan of one cloud never pays for the other's SDK.
"""

from __future__ import annotations

import importlib

from auditor.connectors.base import Collect

CONNECTORS: dict[str, str] = {
    "aws": "auditor.connectors.aws:collect",
    "azure": "auditor.connectors.azure:collect",
}


def connector(provider: str) -> Collect:
    module_name, _, func = CONNECTORS[provider].partition(":")
    collect: Collect = getattr(importlib.import_module(module_name), func)
    return collect
