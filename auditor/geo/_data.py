"""Reading the package's own geography data files (``auditor/geo/data/*.yaml``).

These files ship with the tool and are trusted; a malformed one is a bug, so problems raise
``ValueError`` naming the file rather than a user-facing error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
#: Data files that are not provider catalogs.
NOT_CATALOGS = frozenset({"zones.yaml", "jurisdictions.yaml", "qualifications.yaml", "processing.yaml"})

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_data(name: str) -> Any:
    path = DATA_DIR / name
    with path.open("rb") as fh:
        data = yaml.load(fh, Loader=_Loader)  # noqa: S506 - a SafeLoader
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def catalog_files() -> list[str]:
    """The provider catalog files, in a stable order."""
    return sorted(p.name for p in DATA_DIR.glob("*.yaml") if p.name not in NOT_CATALOGS)
