"""The AWS Config fast path (optional, off by default): S3 and DynamoDB deep reads from an aggregator's items.

On with ``aws.config_aggregator: <name>`` (and ``aws.config_aggregator_region``, default the
partition's home region; ``aws.config_max_age``, default ``24h``). The aggregator is asked with the
credentials that start the scan. Before the deep reads, :func:`prefetch`, for each type of
:data:`KINDS` with an in-scope store,

1. lists the aggregator's resources of that type (``ListAggregateDiscoveredResources``, 100 a page);
2. fetches the items of the in-scope stores it records (``BatchGetAggregateResourceConfig``, 100 a call);
3. turns each item into the answers of the reads it stands for (:mod:`.config_fast_s3` for
   ``AWS::S3::Bucket``, :mod:`.config_fast_dynamodb` for ``AWS::DynamoDB::Table``) and leaves them in
   ``scan.served``, where :meth:`~auditor.connectors.aws.context.Scan.call` finds them: the direct
   reader (:mod:`.s3`, :mod:`.dynamodb`) then runs unchanged and produces the same facts without
   sending those calls.

Everything else is read directly, and each in-scope store says why in ``attributes["aws_config"]``
(added by :func:`link`): a store the aggregator does not record, an item older than
``aws.config_max_age`` or not in the ``OK``/``ResourceDiscovered`` state, an identifier the batch call
left unprocessed or a batch call that failed (one failed by a server error is asked again in batches of
ten first), a field the item lacks or holds in a form not translated. When the aggregator cannot be
read at all (no such aggregator, access denied, the emulator failing) every store is read directly:
that is no coverage gap, since the direct reads get the same facts (the reason is logged, and their own
failures are gaps as usual). RDS databases are never asked for (:data:`NOT_ASKED`): AWS Config's
``AWS::RDS::DBInstance`` and ``AWS::RDS::DBCluster`` items carry none of the answers of the direct
reader's per-database calls, so fetching them would only add calls.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from auditor.connectors.aws import config_fast_dynamodb, config_fast_s3, gaps
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, Link, Service
from auditor.connectors.aws.session import HOME_REGIONS
from auditor.messages import say
from auditor.model.inventory import Resource
from auditor.progress import Reporter, detail

OPERATIONS = {
    "config:ListAggregateDiscoveredResources": "config:ListAggregateDiscoveredResources",
    "config:BatchGetAggregateResourceConfig": "config:BatchGetAggregateResourceConfig",
}
BUCKET = "AWS::S3::Bucket"
BATCH = 100  # BatchGetAggregateResourceConfig's largest request
SPLIT = 10  # a batch failed by a server error is asked again in batches of this size
CURRENT = frozenset({"OK", "ResourceDiscovered"})  # configurationItemStatus of an item that describes the bucket
_OUTCOMES = "config_fast.outcomes"
EVIDENCE = "config:BatchGetAggregateResourceConfig"

Key = tuple[str, str, str]  # (account, region, resource name) as the aggregator names a resource


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the fast path did for one bucket: which reads its item answered, which go direct and why."""

    aggregator: str
    captured: str | None = None
    served: tuple[str, ...] = ()
    direct: Mapping[str, str] = field(default_factory=dict)

    def fact(self) -> dict[str, Any]:
        return {"aggregator": self.aggregator, "captured": self.captured, "from_item": list(self.served),
                "read_directly": dict(self.direct)}


@dataclass(frozen=True, slots=True)
class Kind:
    """One resource type the fast path reads: its stores (``Found.service``), its AWS Config type, and
    ``answers(item, found)`` -> (operation -> the answer its read would give, operation -> why read directly)."""

    service: str
    resource_type: str
    noun: str
    answers: Callable[[Mapping[str, Any], Found], tuple[dict[str, dict[str, Any]], dict[str, str]]]


def _s3_answers(item: Mapping[str, Any], _found: Found) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    return config_fast_s3.answers(item.get("supplementaryConfiguration") or {})


KINDS = (Kind("s3", BUCKET, "bucket", _s3_answers),
         Kind("dynamodb", config_fast_dynamodb.TABLE, "table", config_fast_dynamodb.answers))
# RDS databases are never asked for: no per-database read of the direct reader has its answer in an
# AWS::RDS::DBInstance or AWS::RDS::DBCluster item (see :mod:`.config_fast_dynamodb`); they say so
NOT_ASKED = {"rds": "AWS Config's AWS::RDS::DBInstance / AWS::RDS::DBCluster items carry none of the "
                    "per-database reads (automated backups, global clusters, manual snapshots): read directly"}


def prefetch(scan: Scan, reporter: Reporter, found: Sequence[Found]) -> None:
    """Leave in ``scan.served`` what the aggregator's items answer for the in-scope stores ``found``."""
    name = scan.config.aws.config_aggregator
    if not name:
        return
    wanted = [(kind, [f for f in found if f.service == kind.service]) for kind in KINDS]
    wanted = [(kind, stores) for kind, stores in wanted if stores]
    outcomes: dict[str, Outcome] = {f.arn: Outcome(name, direct={"*": NOT_ASKED[f.service]})
                                    for f in found if f.service in NOT_ASKED}
    scan.shared[_OUTCOMES] = outcomes
    if not wanted:
        return
    region = scan.config.aws.config_aggregator_region or HOME_REGIONS.get(scan.partition, HOME_REGIONS["aws"])
    listed = scan.map(lambda w: _listed(scan, name, region, w[0].resource_type), wanted)
    now = dt.datetime.now(dt.UTC)
    said: set[str] = set()
    for (kind, stores), recorded in zip(wanted, listed, strict=True):
        if isinstance(recorded, str):
            outcomes.update({f.arn: Outcome(name, direct={"*": f"aggregator unreadable: {recorded}"})
                             for f in stores})
            if recorded not in said:
                said.add(recorded)
                reporter.info(say("config-fast-unreadable", scan.config.lang, name=f"{name} ({region})",
                                  why=recorded))
            continue
        ids = {f.arn: recorded[_key(f)] for f in stores if _key(f) in recorded}
        outcomes.update({f.arn: Outcome(name, direct={"*": f"the aggregator does not record this {kind.noun}"})
                         for f in stores if f.arn not in ids})
        asked = [f for f in stores if f.arn in ids]
        chunks = [asked[i:i + BATCH] for i in range(0, len(asked), BATCH)]
        fetched = scan.map(functools.partial(_batch, scan, name, region, kind, ids=ids), chunks)
        for chunk, (items, failed) in zip(chunks, fetched, strict=True):
            for f in chunk:
                item = items.get(f.arn)
                if f.arn in failed:
                    outcomes[f.arn] = Outcome(name, direct={"*": failed[f.arn]})
                elif item is None:
                    outcomes[f.arn] = Outcome(name,
                                              direct={"*": "left unprocessed by BatchGetAggregateResourceConfig"})
                else:
                    outcomes[f.arn] = _serve(scan, kind, f, name, item, now)
    detail(reporter, say("config-fast-served", scan.config.lang, name=name,
                         n=sum(1 for o in outcomes.values() if o.served)))


def _key(f: Found) -> Key:
    return (f.account, f.region, f.name)


def _client(scan: Scan, region: str) -> Any:
    return scan.client(None, "config", region)  # the credentials that start the scan


def _listed(scan: Scan, name: str, region: str, resource_type: str) -> dict[Key, str] | str:
    """(account, region, name) -> resource id of every resource of the type the aggregator records, or why
    they cannot be listed."""
    try:
        return _recorded(scan, name, region, resource_type)
    except gaps.SDK_ERRORS as exc:
        return gaps.describe(exc, "config:ListAggregateDiscoveredResources", scan.clients.secrets())


def _recorded(scan: Scan, name: str, region: str, resource_type: str) -> dict[Key, str]:
    """Every resource of ``resource_type`` the aggregator records (raises the SDK's error when it cannot be
    listed). A resource is matched by its name (a bucket's, a table's), asked for by its id."""
    paginator = _client(scan, region).get_paginator("list_aggregate_discovered_resources")
    keys: dict[Key, str] = {}
    for page in paginator.paginate(ConfigurationAggregatorName=name, ResourceType=resource_type,
                                   PaginationConfig={"PageSize": BATCH}):
        for r in page.get("ResourceIdentifiers") or []:
            keys[(str(r["SourceAccountId"]), str(r["SourceRegion"]),
                  str(r.get("ResourceName") or r["ResourceId"]))] = str(r["ResourceId"])
    return keys


def _batch(scan: Scan, name: str, region: str, kind: Kind, chunk: Sequence[Found], *, ids: Mapping[str, str],
           split: bool = True) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The items of one chunk by store ARN, and why the others could not be fetched.

    A batch the service fails with a server error (HTTP 5xx, after botocore's retries) is asked again
    once as batches of :data:`SPLIT`: an item the service cannot build (the emulator fails on some) then
    sends its own small batch to the direct reads, not the whole hundred. Other errors (access denied,
    throttling) are not split: smaller batches would fail the same way.
    """
    request = [{"SourceAccountId": f.account, "SourceRegion": f.region, "ResourceId": ids[f.arn],
                "ResourceType": kind.resource_type} for f in chunk]
    try:
        answer = _client(scan, region).batch_get_aggregate_resource_config(ConfigurationAggregatorName=name,
                                                                           ResourceIdentifiers=request)
    except gaps.SDK_ERRORS as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") if isinstance(exc, ClientError) \
            else None
        if split and len(chunk) > SPLIT and isinstance(status, int) and status >= 500:
            items: dict[str, dict[str, Any]] = {}
            failed: dict[str, str] = {}
            for i in range(0, len(chunk), SPLIT):
                more, lost = _batch(scan, name, region, kind, chunk[i:i + SPLIT], ids=ids, split=False)
                items.update(more)
                failed.update(lost)
            return items, failed
        why = f"batch read failed: {gaps.describe(exc, EVIDENCE, scan.clients.secrets())}"
        return {}, {f.arn: why for f in chunk}
    by_id = {(f.account, f.region, ids[f.arn]): f.arn for f in chunk}
    got = {(str(i.get("accountId")), str(i.get("awsRegion")), str(i.get("resourceId"))): i
           for i in answer.get("BaseConfigurationItems") or []}
    return {arn: got[key] for key, arn in by_id.items() if key in got}, {}


def captured_at(item: Mapping[str, Any]) -> dt.datetime | None:
    """An item's capture time, timezone-aware (botocore parses it; text is accepted too)."""
    value = item.get("configurationItemCaptureTime")
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def stale(captured: dt.datetime | None, now: dt.datetime, max_age: int) -> bool:
    """An item with no readable capture time, or older than ``max_age`` seconds, is not used."""
    return captured is None or (now - captured).total_seconds() > max_age


def _serve(scan: Scan, kind: Kind, f: Found, name: str, item: Mapping[str, Any], now: dt.datetime) -> Outcome:
    captured = captured_at(item)
    when = captured.isoformat() if captured else None
    if item.get("configurationItemStatus") not in CURRENT:
        return Outcome(name, when, direct={"*": f"item status {item.get('configurationItemStatus')!r}"})
    if stale(captured, now, scan.config.aws.config_max_age):
        return Outcome(name, when, direct={"*": f"item captured {when}, older than aws.config_max_age"})
    answers, direct = kind.answers(item, f)
    for operation, answer in answers.items():
        scan.served[(operation, f.arn)] = answer
    return Outcome(name, when, served=tuple(answers), direct=direct)


def outcomes(scan: Scan) -> Mapping[str, Outcome]:
    found: Mapping[str, Outcome] = scan.shared.get(_OUTCOMES, {})
    return found


def link(scan: Scan, resources: Mapping[str, Resource]) -> list[Link]:
    """``attributes["aws_config"]`` on each in-scope bucket: what its item answered, what was read directly."""
    return list(_links(outcomes(scan), resources))


def _links(done: Mapping[str, Outcome], resources: Mapping[str, Resource]) -> Iterable[Link]:
    for arn, outcome in done.items():
        res = resources.get(arn)
        if res is None or not res.locations:
            continue
        yield Link(target=arn, location=res.locations[0], evidence=(EVIDENCE,) if outcome.served else (),
                   attribute="aws_config", value=outcome.fact())


SERVICE = Service(name="config", operations=OPERATIONS, link=link)
