"""What a connector declares about each resource type it knows, shared by the live scan and plans.

Every provider's service module (``auditor/connectors/<provider>/<family>.py``) exposes one
``SERVICE`` whose ``types`` are :class:`TypeSpec` rows and whose ``plan`` maps Terraform resource
types to the extractors (``(Change) -> Iterable[Fact]``, see :mod:`auditor.connectors.terraform.facts`)
that turn a planned change into the same facts the live reads produce. The Terraform reader builds
its registry from these declarations (:mod:`auditor.connectors.terraform.registry`), so a type that
is read live and planned is described in one place, and a test checks every declaration is complete.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.model.vocab import Kind


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """One resource type of one provider.

    ``native``: the provider's own name (CloudFormation type on AWS, ARM type on Azure, asset type
    on Google Cloud). ``terraform``: the Terraform resource types that create it; when there is
    none, ``not_in_plans`` says why (e.g. "created by the service, never by Terraform").
    """

    kind: Kind
    native: str
    terraform: tuple[str, ...] = ()
    not_in_plans: str | None = None

    def __post_init__(self) -> None:
        if not self.terraform and not self.not_in_plans:
            raise ValueError(f"{self.native}: name its Terraform types or say why it has none")
