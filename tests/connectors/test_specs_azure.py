"""Every Azure service declaration is complete, so a forgotten table fails here rather than in a verdict.

- every module with a ``SERVICE`` is listed (``azure.SERVICES`` or, for modules that read no store,
  ``azure.SUPPORT``);
- operations are declared and read (``…/read`` RBAC actions, all in ``auditor permissions azure``);
- every type it reads has a plan mapping in the same service, or says why plans never show it;
- every Terraform type is declared once, by one type and one service, and the plan registry
  hands it to that service's extractor;
- every ARM type a module names is a TypeSpec of some service or an index (lookup-only) type.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter

import pytest

from auditor.connectors import azure
from auditor.connectors.azure.scan import readers
from auditor.connectors.azure.service import Service
from auditor.connectors.terraform.registry import EXTRACTORS

_ARM_TYPE = re.compile(r"^microsoft\.[a-z]+(/[a-z]+)+$")
_ALL = (*azure.SERVICES, *azure.SUPPORT)


def _modules() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(azure.__path__):
        module = importlib.import_module(f"{azure.__name__}.{info.name}")
        found[info.name] = module
    return found


def test_every_module_with_a_service_is_listed() -> None:
    listed = {id(s) for s in _ALL}
    forgotten = [name for name, module in _modules().items()
                 if isinstance(getattr(module, "SERVICE", None), Service) and id(module.SERVICE) not in listed]
    assert not forgotten, f"modules whose SERVICE is in neither azure.SERVICES nor azure.SUPPORT: {forgotten}"
    assert len({s.name for s in azure.SERVICES}) == len(azure.SERVICES)


@pytest.mark.parametrize("service", _ALL, ids=lambda s: s.name)
def test_operations_are_declared_and_read(service: Service) -> None:
    assert service.operations, f"{service.name} declares no operation"
    writes = [op for op in service.operations if not op.endswith("/read")]
    assert not writes, f"{service.name} declares operations that are not reads: {writes}"
    assert set(service.operations) <= set(azure.operations())


@pytest.mark.parametrize("service", azure.SERVICES, ids=lambda s: s.name)
def test_every_type_is_mapped_in_plans_or_says_why_not(service: Service) -> None:
    assert service.types or service.link is not None, f"{service.name} neither reads a type nor links"
    for spec in service.types:
        assert service.read is not None, f"{spec.native}: declared, but {service.name} has no read"
        if not spec.terraform:
            assert spec.not_in_plans and spec.not_in_plans.strip(), spec.native
            continue
        unmapped = [t for t in spec.terraform if t not in service.plan]
        assert not unmapped, f"{spec.native}: {unmapped} have no extractor in {service.name}.plan"
        assert all(t.startswith("azurerm_") for t in spec.terraform), spec.terraform


def test_every_terraform_type_is_declared_once_and_registered() -> None:
    in_types = Counter(t for s in azure.SERVICES for spec in s.types for t in spec.terraform)
    in_plans = Counter(t for s in azure.SERVICES for t in s.plan)
    assert [t for t, n in in_types.items() if n > 1] == []
    assert [t for t, n in in_plans.items() if n > 1] == []
    for service in azure.SERVICES:
        for tf_type, extractor in service.plan.items():
            assert EXTRACTORS.get(tf_type) is extractor, f"{tf_type}: the registry does not use {service.name}.plan"


def test_every_arm_type_named_by_a_module_is_declared() -> None:
    declared = set(readers(azure.SERVICES))  # also proves no type is read by two services
    index = {t.lower() for s in azure.SERVICES for t in s.index}
    assert not declared & index, "a lookup-only type is also read deeply"
    named = {(name, value) for name, module in _modules().items() for value in vars(module).values()
             if isinstance(value, str) and _ARM_TYPE.match(value)}
    undeclared = sorted(f"{name}: {value}" for name, value in named if value not in declared | index)
    assert not undeclared, f"ARM types a module names but no TypeSpec or index declares: {undeclared}"
    assert {"microsoft.storage/storageaccounts", "microsoft.sql/servers"} <= {v for _, v in named}
