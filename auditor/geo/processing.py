"""Where AI services process what they are sent (``data/processing.yaml``).

``bedrock_regions`` answers for a Bedrock model or inference profile ID, ``azure_deployment_regions``
for an Azure OpenAI deployment type (``sku.name``), ``vertex_endpoint_regions`` for a Vertex AI endpoint's
location. Both return the places a request may be
processed in, as codes of the provider's place catalog: ``global`` when the provider may route it
anywhere, ``()`` when the routing option is not in the catalog (the caller records a gap).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from auditor.geo._data import load_data
from auditor.geo.catalog import catalog, locate
from auditor.model.inventory import DataLocation, LocationRole, Zone
from auditor.model.vocab import Via

GLOBAL = "global"
UNKNOWN = "unknown"
SOURCE = "source-region"


@dataclass(frozen=True, slots=True)
class Routing:
    """One routing option of the catalog."""

    name: str
    regions: tuple[str, ...]
    data_zone: str | None
    leaves_eea: bool | None
    source: str
    checked: str
    provenance: str


def _routing(name: str, entry: Mapping[str, Any]) -> Routing:
    leaves = {"yes": True, "no": False}.get(str(entry.get("leaves_eea")))
    return Routing(name=name, regions=tuple(str(r) for r in entry.get("regions") or ()),
                   data_zone=None if entry.get("data_zone") is None else str(entry["data_zone"]),
                   leaves_eea=leaves,
                   source=str(entry.get("source") or ""), checked=str(entry.get("checked") or ""),
                   provenance=str(entry.get("provenance") or ""))


@cache
def _data() -> Mapping[str, Any]:
    data: Mapping[str, Any] = load_data("processing.yaml")
    return data


@cache
def bedrock_profiles() -> Mapping[str, Routing]:
    return {str(k): _routing(str(k), v) for k, v in _data()["bedrock_profiles"].items()}


@cache
def azure_deployment_types() -> Mapping[str, Routing]:
    return {str(k): _routing(str(k), v) for k, v in _data()["azure_openai_deployments"].items()}


def all_entries() -> list[tuple[str, Mapping[str, Any]]]:
    """Every dated fact of the file, as (path, entry), for the provenance check."""
    data = _data()
    out: list[tuple[str, Mapping[str, Any]]] = [("bedrock_direct", data["bedrock_direct"])]
    for section in ("bedrock_profiles", "azure_openai_deployments", "azure_data_zones", "aws_medical_services",
                    "vertex_ai_endpoints"):
        out += [(f"{section}.{k}", v) for k, v in data[section].items()]
    return out


@cache
def vertex_endpoint_locations() -> Mapping[str, Routing]:
    return {str(k): _routing(str(k), v) for k, v in _data()["vertex_ai_endpoints"].items()}


def vertex_endpoint_regions(location: str, region: str) -> tuple[tuple[str, ...], Routing]:
    """Places a Vertex AI endpoint in ``location`` (``region``: its catalog code) processes requests in."""
    routing = vertex_endpoint_locations()[GLOBAL if location == GLOBAL else "regional"]
    return tuple(region if r == SOURCE else r for r in routing.regions), routing


def medical_service_regions(client: str) -> tuple[str, ...]:
    """The Regions that offer an AWS service built for clinical data (``()``: not known, never "none")."""
    entry = _data()["aws_medical_services"].get(client) or {}
    return tuple(str(r) for r in entry.get("regions") or ())


def bedrock_profile_prefix(model_or_profile: str) -> str | None:
    """The geography prefix of a system-defined profile ID or ARN (``eu.anthropic…`` -> ``eu``)."""
    ident = model_or_profile.rsplit("/", 1)[-1]
    head = ident.split(".", 1)[0] if "." in ident else ""
    return head if head in bedrock_profiles() else None


def bedrock_regions(model_or_profile: str, source_region: str) -> tuple[tuple[str, ...], Routing | None]:
    """Places a request naming this model / system-defined profile may be processed in, from ``source_region``."""
    prefix = bedrock_profile_prefix(model_or_profile)
    if prefix is None:
        direct = _routing("direct", _data()["bedrock_direct"])
        return (source_region,), direct
    routing = bedrock_profiles()[prefix]
    return tuple(source_region if r == SOURCE else r for r in routing.regions), routing


def _zone_regions(zone_name: str, partition: str | None) -> tuple[str, ...]:
    want = {Zone.EU} if zone_name == "eu" else None
    out = []
    for place in catalog("azure"):
        if place.kind != "region" or place.partition != partition:
            continue
        if (want is not None and place.zone in want) or (zone_name == "us" and place.country == "US"):
            out.append(place.region)
    return tuple(sorted(out))


def data_zone_of(region: str) -> str | None:
    """The Azure data zone of a resource's region: ``eu`` (EU member state), ``us`` or ``None``."""
    place = locate("azure", region)
    if place.zone is Zone.EU:
        return "eu"
    if place.country == "US":
        return "us"
    return None


def azure_deployment_regions(sku: str, account_region: str) -> tuple[tuple[str, ...], Routing | None]:
    """Places an Azure OpenAI deployment of type ``sku`` in ``account_region`` may process prompts in."""
    routing = azure_deployment_types().get(sku)
    if routing is None:
        return (), None
    if routing.data_zone is not None:
        zone = data_zone_of(account_region)
        return (_zone_regions(zone, locate("azure", account_region).partition) if zone else ()), routing
    return tuple(account_region if r == SOURCE else r for r in routing.regions), routing


def _arn_region(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[0] == "arn" and parts[3] else UNKNOWN


def bedrock_processing(models: list[str], region: str, copied_from: str | None = None) -> list[DataLocation]:
    """``processing`` locations of a Bedrock inference profile: the Regions of the models it records
    (live scan) or, when none are known yet (a plan), those the catalog gives for what it copies."""
    regions = [_arn_region(m) for m in models]
    if not regions and copied_from:
        regions = list(bedrock_regions(copied_from, region)[0])
    out = [DataLocation(r, LocationRole.PROCESSING, via=Via.BEDROCK_INFERENCE_PROFILE) for r in regions]
    return list(dict.fromkeys(out)) or [DataLocation(UNKNOWN, LocationRole.PROCESSING,
                                                      via=Via.BEDROCK_INFERENCE_PROFILE)]


def azure_processing(deployments: list[tuple[str, str]], home: str) -> list[DataLocation]:
    """``processing`` locations of an Azure OpenAI account from its ``(deployment name, sku.name)`` pairs;
    a deployment type the catalog does not know is an ``unknown`` place, never a pass."""
    out = []
    for name, sku in deployments:
        regions, _ = azure_deployment_regions(sku, home)
        detail = f"{sku or 'unknown'} deployment {name}"
        out += [DataLocation(r, LocationRole.PROCESSING, via=Via.AZURE_OPENAI_DEPLOYMENT, via_detail=detail)
                for r in regions or (UNKNOWN,)]
    return out
