"""The AWS Config fast path (optional, off by default): S3 deep reads from an aggregator's items.

On with ``aws.config_aggregator: <name>`` (and ``aws.config_aggregator_region``, default the
partition's home region; ``aws.config_max_age``, default ``24h``). The aggregator is asked with the
credentials that start the scan. Before the deep reads, :func:`prefetch`

1. lists the aggregator's ``AWS::S3::Bucket`` resources (``ListAggregateDiscoveredResources``, 100 a page);
2. fetches the items of the in-scope buckets it records (``BatchGetAggregateResourceConfig``, 100 a call);
3. turns each item into the S3 answers it stands for (:mod:`.config_fast_s3`) and leaves them in
   ``scan.served``, where :meth:`~auditor.connectors.aws.context.Scan.call` finds them: the direct
   reader (:mod:`.s3`) then runs unchanged and produces the same facts without sending those calls.

Everything else is read directly, and each in-scope bucket says why in ``attributes["aws_config"]``
(added by :func:`link`): a bucket the aggregator does not record, an item older than
``aws.config_max_age`` or not in the ``OK``/``ResourceDiscovered`` state, an identifier the batch call
left unprocessed or a batch call that failed (one failed by a server error is asked again in batches of
ten first), a field the item lacks. When the aggregator cannot be read at all (no such
aggregator, access denied, the emulator failing) every bucket is read directly: that is no
coverage gap, since the direct reads get the same facts (the reason is logged, and their own failures
are gaps as usual). Only S3 is covered: the emulator records no RDS or DynamoDB items, so a
translation for those could not be checked; they are always read directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from auditor.connectors.aws import config_fast_s3, gaps
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

Key = tuple[str, str, str]  # (account, region, bucket name) as the aggregator names a resource


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


def prefetch(scan: Scan, reporter: Reporter, found: Sequence[Found]) -> None:
    """Leave in ``scan.served`` what the aggregator's items answer for the in-scope buckets ``found``."""
    name = scan.config.aws.config_aggregator
    buckets = [f for f in found if f.service == "s3"]
    if not name or not buckets:
        return
    region = scan.config.aws.config_aggregator_region or HOME_REGIONS.get(scan.partition, HOME_REGIONS["aws"])
    outcomes: dict[str, Outcome] = {}
    scan.shared[_OUTCOMES] = outcomes
    try:
        recorded = _recorded(scan, name, region)
    except gaps.SDK_ERRORS as exc:
        why = gaps.describe(exc, "config:ListAggregateDiscoveredResources", scan.clients.secrets())
        outcomes.update({f.arn: Outcome(name, direct={"*": f"aggregator unreadable: {why}"}) for f in buckets})
        reporter.info(say("config-fast-unreadable", scan.config.lang, name=f"{name} ({region})", why=why))
        return
    wanted = [f for f in buckets if _key(f) in recorded]
    outcomes.update({f.arn: Outcome(name, direct={"*": "the aggregator does not record this bucket"})
                     for f in buckets if _key(f) not in recorded})
    now = dt.datetime.now(dt.UTC)
    chunks = [wanted[i:i + BATCH] for i in range(0, len(wanted), BATCH)]
    for chunk, (items, failed) in zip(chunks, scan.map(lambda c: _batch(scan, name, region, c), chunks),
                                      strict=True):
        for f in chunk:
            item = items.get(_key(f))
            if _key(f) in failed:
                outcomes[f.arn] = Outcome(name, direct={"*": failed[_key(f)]})
            elif item is None:
                outcomes[f.arn] = Outcome(name, direct={"*": "left unprocessed by BatchGetAggregateResourceConfig"})
            else:
                outcomes[f.arn] = _serve(scan, f, name, item, now)
    detail(reporter, say("config-fast-served", scan.config.lang, name=name,
                         n=sum(1 for o in outcomes.values() if o.served)))


def _key(f: Found) -> Key:
    return (f.account, f.region, f.name)


def _client(scan: Scan, region: str) -> Any:
    return scan.client(None, "config", region)  # the credentials that start the scan


def _recorded(scan: Scan, name: str, region: str) -> set[Key]:
    """Every bucket the aggregator records (raises the SDK's error when it cannot be listed)."""
    paginator = _client(scan, region).get_paginator("list_aggregate_discovered_resources")
    keys: set[Key] = set()
    for page in paginator.paginate(ConfigurationAggregatorName=name, ResourceType=BUCKET,
                                   PaginationConfig={"PageSize": BATCH}):
        keys.update((str(r["SourceAccountId"]), str(r["SourceRegion"]), str(r["ResourceId"]))
                    for r in page.get("ResourceIdentifiers") or [])
    return keys


def _batch(scan: Scan, name: str, region: str, chunk: Sequence[Found], *, split: bool = True
           ) -> tuple[dict[Key, dict[str, Any]], dict[Key, str]]:
    """The items of one chunk by key, and why the others could not be fetched.

    A batch the service fails with a server error (HTTP 5xx, after botocore's retries) is asked again
    once as batches of :data:`SPLIT`: an item the service cannot build (the emulator fails on some) then
    sends its own small batch to the direct reads, not the whole hundred. Other errors (access denied,
    throttling) are not split: smaller batches would fail the same way.
    """
    ids = [{"SourceAccountId": f.account, "SourceRegion": f.region, "ResourceId": f.name, "ResourceType": BUCKET}
           for f in chunk]
    try:
        answer = _client(scan, region).batch_get_aggregate_resource_config(ConfigurationAggregatorName=name,
                                                                           ResourceIdentifiers=ids)
    except gaps.SDK_ERRORS as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") if isinstance(exc, ClientError) \
            else None
        if split and len(chunk) > SPLIT and isinstance(status, int) and status >= 500:
            items: dict[Key, dict[str, Any]] = {}
            failed: dict[Key, str] = {}
            for i in range(0, len(chunk), SPLIT):
                more, lost = _batch(scan, name, region, chunk[i:i + SPLIT], split=False)
                items.update(more)
                failed.update(lost)
            return items, failed
        why = f"batch read failed: {gaps.describe(exc, EVIDENCE, scan.clients.secrets())}"
        return {}, {_key(f): why for f in chunk}
    found = answer.get("BaseConfigurationItems") or []
    return {(str(i.get("accountId")), str(i.get("awsRegion")), str(i.get("resourceId"))): i for i in found}, {}


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


def _serve(scan: Scan, f: Found, name: str, item: Mapping[str, Any], now: dt.datetime) -> Outcome:
    captured = captured_at(item)
    when = captured.isoformat() if captured else None
    if item.get("configurationItemStatus") not in CURRENT:
        return Outcome(name, when, direct={"*": f"item status {item.get('configurationItemStatus')!r}"})
    if stale(captured, now, scan.config.aws.config_max_age):
        return Outcome(name, when, direct={"*": f"item captured {when}, older than aws.config_max_age"})
    answers, direct = config_fast_s3.answers(item.get("supplementaryConfiguration") or {})
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
