"""Terraform resource type -> extractor.

The providers' service modules declare the Terraform types they map (``SERVICE.plan``, see
:mod:`auditor.connectors.spec`): the extractors live next to the live reads of the same type
(``auditor/connectors/<provider>/``). No table is left here.
"""

from __future__ import annotations

from auditor.connectors import aws, azure, gcp
from auditor.connectors.aws.service import Service as AwsService
from auditor.connectors.azure.service import Service as AzureService
from auditor.connectors.gcp.service import Service as GcpService
from auditor.connectors.terraform.facts import Extractor

_TABLE: dict[str, Extractor] = {}  # extractors not yet moved next to their live reads: none left

# The providers whose service modules declare their plan mappings.
SERVICES: tuple[AwsService | AzureService | GcpService, ...] = (*aws.SERVICES, *azure.SERVICES, *gcp.SERVICES)


def _merged() -> dict[str, Extractor]:
    out = dict(_TABLE)
    for svc in SERVICES:
        for tf_type, extractor in svc.plan.items():
            if tf_type in out:
                raise RuntimeError(f"{tf_type} is mapped twice ({svc.name} and another declaration)")
            out[tf_type] = extractor
    return out


EXTRACTORS: dict[str, Extractor] = _merged()

PROVIDERS: dict[str, str] = {"aws": "aws", "azurerm": "azure", "google": "gcp", "google-beta": "gcp"}
