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
``(change: Change) -> Iterable[Fact]`` (see :mod:`.facts`). A new type is one function
(in ``aws_s3.py``, ``aws_data.py``, ``azure.py`` or a new module) plus one registry line:

    def neptune_cluster(change: Change) -> Iterator[Fact]:
        yield Store(kind=Kind.DATABASE, service="neptune", name=change.planned_name("cluster_identifier"))

    EXTRACTORS["aws_neptune_cluster"] = aws_data.neptune_cluster

A ``Store`` is a data store; an ``Attach`` adds locations, grants, a key or attributes to
another store (found by configuration reference or planned name/ARN); a ``Gap`` records
what the plan cannot tell.
"""

from auditor.connectors.terraform.reader import SOURCE, read_plan

__all__ = ["SOURCE", "read_plan"]
