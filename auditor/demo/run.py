"""Where ``auditor demo`` gets its estate from."""

from __future__ import annotations

from typing import Any

from auditor.config import Config
from auditor.demo.sample import sample_inventory
from auditor.model.inventory import Inventory


def demo_source(config: Config, reporter: Any) -> Inventory:
    reporter.info("Demo estate: Hôpitaux de la Loire (sample inventory)")
    return sample_inventory()
