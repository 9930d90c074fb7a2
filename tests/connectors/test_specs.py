"""Every registered service declares everything the scan, the plan gate and the IAM reader need.

The checks are functions returning the problems they find, run over the real registries and over a
deliberately incomplete service (a forgotten table must fail here, not in a verdict). A provider
whose services follow the same shape (``name``, ``operations``, ``types``, ``plan``) is added by one
line in :data:`PROVIDERS` (Azure: the tests at the end add what only Azure has, index types and
modules found by name).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from auditor.connectors import aws, azure, gcp, readonly
from auditor.connectors.aws import policy
from auditor.connectors.aws.service import Service
from auditor.connectors.azure import service as azure_service
from auditor.connectors.azure.scan import readers
from auditor.connectors.gcp.session import is_read_only as gcp_is_read_only
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform import registry
from auditor.model.inventory import Permission
from auditor.model.vocab import GrantSource, Kind, Via

# provider -> (its registered services, is this operation read-only?, the package holding its modules)
PROVIDERS: dict[str, tuple[tuple[Any, ...], Callable[[str], bool], str]] = {
    "aws": (aws.SERVICES, readonly.aws_is_read_only, "auditor.connectors.aws"),
    "azure": (azure.SERVICES, readonly.azure_is_read_action, "auditor.connectors.azure"),
    "gcp": (gcp.SERVICES, gcp_is_read_only, "auditor.connectors.gcp"),
}
ALL = [(provider, svc) for provider, (services, _, _) in PROVIDERS.items() for svc in services]


def _id(case: tuple[str, Any]) -> str:
    return f"{case[0]}:{case[1].name}"


def _module(svc: Any) -> ModuleType:
    """The module that defines a service's ``SERVICE``."""
    for fn in (getattr(svc, "discover", None), svc.read, getattr(svc, "link", None), *svc.plan.values()):
        if fn is not None:
            return importlib.import_module(fn.__module__)
    for services, _, package in PROVIDERS.values():
        if svc in services:
            return importlib.import_module(f"{package}.{svc.name}")
    raise AssertionError(f"{svc.name}: no module found")


# -- the checks ---------------------------------------------------------------------------------


def operation_problems(svc: Any, read_only: Callable[[str], bool]) -> list[str]:
    out = []
    if (getattr(svc, "discover", None) or svc.read) and not svc.operations:
        out.append(f"{svc.name}: reads without declaring its operations")
    out += [f"{svc.name}: {op} is not a read" for op in svc.operations if not read_only(op)]
    return out


def type_problems(svc: Any) -> list[str]:
    out = []
    if getattr(svc, "discover", None) is not None and not svc.types:
        out.append(f"{svc.name}: discovers resources but declares no TypeSpec")
    for spec in svc.types:
        if not isinstance(spec, TypeSpec) or not isinstance(spec.kind, Kind):
            out.append(f"{svc.name}: {spec!r} is not a TypeSpec with a Kind")
            continue
        if not spec.terraform and not spec.not_in_plans:
            out.append(f"{svc.name}: {spec.native} has neither a plan mapping nor a reason")
        out += [f"{svc.name}: {spec.native} names {t}, which its plan does not map"
                for t in spec.terraform if t not in svc.plan]
    return out


def plan_problems(svc: Any) -> list[str]:
    """Every Terraform type the service maps is one of its types or an attachment of one of them."""
    stores = {t for spec in svc.types for t in spec.terraform}
    out = [f"{svc.name}: maps {t} to {f!r}, not a function" for t, f in svc.plan.items() if not callable(f)]
    # a service that links (adds to stores other services read) may map only attachments
    if svc.plan and not stores and getattr(svc, "link", None) is None:
        out.append(f"{svc.name}: maps Terraform types but names none as the store type of a TypeSpec")
    return out


def _grants_prefixes(module: ModuleType) -> set[str]:
    """The IAM prefixes a module hands to the policy interpreter (``grants(..., service="x")``)."""
    tree = ast.parse(inspect.getsource(module))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("grants", "policy_grants"):
                found |= {k.value.value for k in node.keywords
                          if k.arg == "service" and isinstance(k.value, ast.Constant)}
                if name == "policy_grants" and not any(k.arg == "service" for k in node.keywords):
                    found.add("s3")  # its default
    return found


def probe_problems(svc: Any, module: ModuleType, registered: Iterable[Service]) -> list[str]:
    """A service that reads a resource policy declares the probes its IAM prefix is judged with."""
    out = []
    used = _grants_prefixes(module)
    for sibling in _plan_modules(svc, module):
        used |= _grants_prefixes(sibling)
    declared = {p for s in registered for p in s.probes}
    out += [f"{svc.name}: reads {p} resource policies but no service declares probes for {p!r}"
            for p in sorted(used - declared)]
    for prefix, table in svc.probes.items():
        missing = [p.value for p in Permission if not table.get(p)]
        if missing:
            out.append(f"{svc.name}: probes for {prefix} say nothing of {missing}")
        wrong = [a for actions in table.values() for a in actions if not a.startswith(f"{prefix}:")]
        if wrong:
            out.append(f"{svc.name}: probes for {prefix} name other services' actions {wrong}")
    return out


def _plan_modules(svc: Any, module: ModuleType) -> list[ModuleType]:
    return [m for m in {importlib.import_module(f.__module__) for f in svc.plan.values()} if m is not module]


def via_problems(services: Iterable[Service], modules: Iterable[ModuleType]) -> list[str]:
    """Every copy mechanism the modules put on a location is declared by exactly one service."""
    declared: dict[Via, list[str]] = {}
    for svc in services:
        for via in svc.vias:
            declared.setdefault(via, []).append(svc.name)
    used = set()
    for module in modules:
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Via":
                used.add(Via[node.attr])
    out = [f"{via.value} is put on locations but no service declares it" for via in sorted(used - set(declared))]
    out += [f"{via.value} is declared by {names}" for via, names in declared.items() if len(names) > 1]
    return out


def native_problems(services: Iterable[Any]) -> list[str]:
    """Every native type a module's listing or reads produce (``native_type=``) is a declared TypeSpec."""
    declared = {spec.native for svc in services for spec in svc.types}
    out = []
    for svc in services:
        module = _module(svc)
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if not isinstance(node, ast.keyword) or node.arg != "native_type":
                continue
            value = (node.value.value if isinstance(node.value, ast.Constant)
                     else getattr(module, node.value.id, None) if isinstance(node.value, ast.Name) else None)
            if isinstance(value, str) and value not in declared:
                out.append(f"{svc.name}: produces {value}, which no TypeSpec declares")
    return out


def registry_problems(services: Iterable[Any], extractors: Mapping[str, Any], table: Mapping[str, Any],
                      prefixes: tuple[str, ...]) -> list[str]:
    """Every Terraform type the plan reader knows is declared by exactly one service (or, for providers not
    converted yet, by the leftover table)."""
    owners: dict[str, list[str]] = {}
    for svc in services:
        for tf_type in svc.plan:
            owners.setdefault(tf_type, []).append(svc.name)
    out = [f"{t} is mapped by {names}" for t, names in owners.items() if len(names) > 1]
    for tf_type in extractors:
        if tf_type.startswith(prefixes):
            if tf_type in table:
                out.append(f"{tf_type} is still in the plan reader's own table")
            elif tf_type not in owners:
                out.append(f"{tf_type} is mapped by no service")
    out += [f"{t} is declared by a service but unknown to the plan reader" for t in owners if t not in extractors]
    return out


# -- over the registries ------------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL, ids=_id)
def test_each_service_declares_its_operations_types_plans_and_probes(case: tuple[str, Any]) -> None:
    provider, svc = case
    read_only = PROVIDERS[provider][1]
    problems = operation_problems(svc, read_only) + type_problems(svc) + plan_problems(svc)
    if provider == "aws":
        problems += probe_problems(svc, _module(svc), aws.SERVICES)
    assert not problems, problems


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_every_produced_native_type_is_declared(provider: str) -> None:
    assert not native_problems(PROVIDERS[provider][0])


def test_every_aws_copy_mechanism_is_declared_once() -> None:
    modules = [_module(s) for s in aws.SERVICES]
    modules += [m for s in aws.SERVICES for m in _plan_modules(s, _module(s))]
    modules += [importlib.import_module(f"auditor.connectors.aws.{n}") for n in ("rds_snapshots", "plan")]
    assert not via_problems(aws.SERVICES, modules)


def test_every_terraform_type_of_the_plan_reader_is_declared_by_exactly_one_service() -> None:
    assert not registry_problems((*aws.SERVICES, *gcp.SERVICES), registry.EXTRACTORS, registry._TABLE,
                                 ("aws_", "google_"))
    assert not registry_problems(azure.SERVICES, registry.EXTRACTORS, registry._TABLE, ("azurerm_",))


def test_the_iam_reader_refuses_a_prefix_nobody_declares() -> None:
    with pytest.raises(LookupError, match="sqs"):
        policy.grants('{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:*"}]}', service="sqs",
                      source=GrantSource.RESOURCE_POLICY)


def test_aws_backup_protects_the_services_that_say_so() -> None:
    assert {s.name for s in aws.SERVICES if s.backup} == {"s3", "rds", "dynamodb", "efs", "redshift"}


# -- a forgotten table fails ----------------------------------------------------------------------


def _s3() -> Service:
    return next(s for s in aws.SERVICES if s.name == "s3")


def test_a_service_without_its_probes_fails() -> None:
    from auditor.connectors.aws import s3

    forgot = replace(_s3(), probes={})
    registered = [forgot if s.name == "s3" else s for s in aws.SERVICES]
    assert probe_problems(forgot, s3, registered) == [
        "s3: reads s3 resource policies but no service declares probes for 's3'"]
    partial = replace(_s3(), probes={"s3": {Permission.READ: ("s3:GetObject",)}})
    assert probe_problems(partial, s3, aws.SERVICES) == ["s3: probes for s3 say nothing of ['write', 'admin']"]


def test_a_service_whose_plan_forgets_its_store_type_fails() -> None:
    forgot = replace(_s3(), plan={k: v for k, v in _s3().plan.items() if k != "aws_s3_bucket"})
    assert type_problems(forgot) == ["s3: AWS::S3::Bucket names aws_s3_bucket, which its plan does not map"]
    assert registry_problems([forgot], registry.EXTRACTORS, registry._TABLE, ("aws_s3_",)) == [
        "aws_s3_bucket is mapped by no service"]


def test_a_type_without_plan_mapping_or_reason_cannot_be_declared() -> None:
    with pytest.raises(ValueError, match="say why"):
        TypeSpec(Kind.NOSQL, "AWS::Neptune::DBCluster")


def test_a_forgotten_type_or_copy_mechanism_fails() -> None:
    no_types = replace(_s3(), types=())
    assert type_problems(no_types) == ["s3: discovers resources but declares no TypeSpec"]
    assert native_problems([no_types]) == ["s3: produces AWS::S3::Bucket, which no TypeSpec declares"]
    from auditor.connectors.aws import s3

    assert via_problems([replace(_s3(), vias=())], [s3]) == [
        "s3-replication is put on locations but no service declares it",
        "s3-server-access-logging is put on locations but no service declares it"]


def test_a_write_operation_fails() -> None:
    sneaky = replace(_s3(), operations={**_s3().operations, "s3:PutBucketPolicy": "s3:PutBucketPolicy"})
    assert operation_problems(sneaky, readonly.aws_is_read_only) == ["s3: s3:PutBucketPolicy is not a read"]


def test_the_plan_reader_has_no_aws_table_left() -> None:
    assert not registry._TABLE
    assert Path(registry.__file__).read_text("utf-8").count("aws_") == 0
    assert Path(registry.__file__).read_text("utf-8").count("azurerm_") == 0


# -- Azure: what only Azure declares ---------------------------------------------------------------

_ARM_TYPE = re.compile(r"^microsoft\.[a-z]+(/[a-z]+)+$")


def _azure_modules() -> dict[str, ModuleType]:
    return {info.name: importlib.import_module(f"{azure.__name__}.{info.name}")
            for info in pkgutil.iter_modules(azure.__path__)}


def test_every_azure_module_with_a_service_is_listed() -> None:
    listed = {id(s) for s in (*azure.SERVICES, *azure.SUPPORT)}
    forgotten = [name for name, module in _azure_modules().items()
                 if isinstance(getattr(module, "SERVICE", None), azure_service.Service)
                 and id(module.SERVICE) not in listed]
    assert not forgotten, f"modules whose SERVICE is in neither azure.SERVICES nor azure.SUPPORT: {forgotten}"
    assert all(readonly.azure_is_read_action(op) for s in azure.SUPPORT for op in s.operations)


def test_every_azure_type_named_by_a_module_is_declared_and_read_once() -> None:
    declared = set(readers(azure.SERVICES))  # raises when two services read one type
    index = {t.lower() for s in azure.SERVICES for t in s.index}
    assert not declared & index, "a lookup-only type is also read deeply"
    named = {(name, value) for name, module in _azure_modules().items() for value in vars(module).values()
             if isinstance(value, str) and _ARM_TYPE.match(value)}
    undeclared = sorted(f"{name}: {value}" for name, value in named if value not in declared | index)
    assert not undeclared, f"ARM types a module names but no TypeSpec or index declares: {undeclared}"
    assert {"microsoft.storage/storageaccounts", "microsoft.sql/servers"} <= {v for _, v in named}


def test_the_plan_reader_uses_the_azure_modules_extractors() -> None:
    for svc in azure.SERVICES:
        for tf_type, extractor in svc.plan.items():
            assert registry.EXTRACTORS[tf_type] is extractor, f"{tf_type}: not {svc.name}'s extractor"


def test_an_azure_write_action_or_a_forgotten_plan_fails() -> None:
    storage = next(s for s in azure.SERVICES if s.name == "Microsoft.Storage")
    sneaky = replace(storage, operations=(*storage.operations, "Microsoft.Storage/storageAccounts/listKeys/action"))
    assert operation_problems(sneaky, readonly.azure_is_read_action) == [
        "Microsoft.Storage: Microsoft.Storage/storageAccounts/listKeys/action is not a read"]
    with pytest.raises(readonly.ReadOnlyViolation, match="listKeys"):
        readonly.azure_check_declarations(sneaky.operations)
    forgot = replace(storage, plan={k: v for k, v in storage.plan.items() if k != "azurerm_storage_account"})
    assert type_problems(forgot) == ["Microsoft.Storage: Microsoft.Storage/storageAccounts names "
                                     "azurerm_storage_account, which its plan does not map"]
