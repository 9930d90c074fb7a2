"""Stage 1 for the pre-deploy gate: ``terraform show -json`` plan -> planned Inventory.

``read_plan(path, aws_region=None, repo_root=None)`` builds the same model as the cloud
connectors, so the runtime policy pack applies unchanged:

- Resource ids are Terraform addresses (``module.x.aws_s3_bucket.y["k"]``); ``provider`` is
  ``aws`` or ``azure`` (azurerm); ``account`` is the planned account/subscription when the
  plan shows it, else ``"planned"``; ``change`` is ``create``/``update``/``replace``/
  ``delete`` (deletes are listed without locations); ``evidence`` holds plan JSON paths;
  ``source_file`` is ``path/to/file.tf:LINE`` when ``repo_root`` is given and the block is found,
  else ``plan.json:LINE`` of the resource's entry in ``resource_changes``.
- Regions are resolved as :mod:`.resolve` documents (resource ``region``, provider
  configuration through aliases and modules, variables, the command-line region; a value
  unknown at plan time is ``unknown``, never a guess).
- Data flows (replication, backup copies, replicas, edge caches, geo-secondaries) become
  extra ``DataLocation`` s on the store whose data they copy.
- An entry the reader cannot interpret becomes a ``CoverageGap`` naming its address.

Adding a resource type
----------------------
:data:`.registry.EXTRACTORS` maps a Terraform type to a small function
``(change: Change) -> Iterable[Fact]`` (see :mod:`.facts`). The function lives next to the live
reads of its type, in the provider's service module, whose ``SERVICE.plan`` names it (see
:mod:`auditor.connectors.spec`); the registry is built from those declarations:

    def neptune_cluster(change: Change) -> Iterator[Fact]:
        yield Store(kind=Kind.DATABASE, service="neptune", name=change.planned_name("cluster_identifier"))

    SERVICE = Service(..., types=(TypeSpec(Kind.DATABASE, "AWS::Neptune::DBCluster", ("aws_neptune_cluster",)),),
                      plan={"aws_neptune_cluster": neptune_cluster})

A ``Store`` is a data store; an ``Attach`` adds locations, grants, a key or attributes to
another store (found by configuration reference or planned name/ARN); a ``Gap`` records
what the plan cannot tell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.connectors.terraform.reader import SOURCE, read_plan

__all__ = ["SOURCE", "read_plan"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: the providers' service modules import this package's fact types, and the
    # reader imports the providers' service modules (to build its registry).
    if name in __all__:
        from auditor.connectors.terraform import reader

        return getattr(reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
