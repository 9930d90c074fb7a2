"""Shared fixtures of the plan connector tests."""

from __future__ import annotations

import pytest
from plantools import plan_of

from auditor.model.inventory import Inventory


@pytest.fixture(scope="module")
def flows() -> Inventory:
    return plan_of("aws_flows")


@pytest.fixture(scope="module")
def azure() -> Inventory:
    return plan_of("azure_locations")
