"""AWS databases, keys, backups and the CDN in a plan, with the flows that copy their data."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.connectors.terraform.aws_s3 import kms_link
from auditor.connectors.terraform.facts import Attach, Change, Fact, KeyLink, Store, Target, arn_identity
from auditor.connectors.terraform.resolve import GLOBAL, UNKNOWN, Resolved
from auditor.connectors.terraform.values import items, text
from auditor.model.inventory import DataLocation, KeyManager, LocationRole, Network
from auditor.model.vocab import Kind, Via


def _identities(service: str, change: Change, *attributes: str) -> tuple[str, ...]:
    out = [f"{service}:{v}" for a in attributes if (v := change.text(a))]
    arn = arn_identity(change.text("arn"))
    return (*out, arn) if arn else tuple(out)


def _target(change: Change, attribute: str, kind: Kind, service: str, create: bool = True) -> Target:
    value = change.text(attribute)
    identity = arn_identity(value) or (f"{service}:{value}" if value else None)
    return Target(tuple(change.refs(attribute)), identity, kind, service, value, create)


def _here(change: Change, role: LocationRole, via: Via) -> DataLocation:
    return DataLocation(region=change.region.value, role=role, via=via, target=change.address)


# -- KMS --------------------------------------------------------------------------------------


def kms_key(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.KEY,
        service="kms",
        name=change.planned_name("description"),
        identities=_identities("kms", change, "key_id"),
        attributes={k: change.get(k) for k in ("multi_region", "key_usage", "customer_master_key_spec")},
    )


def kms_replica_key(change: Change) -> Iterator[Fact]:
    yield Attach(
        _target(change, "primary_key_arn", Kind.KEY, "kms"),
        locations=(_here(change, LocationRole.REPLICA, Via.KMS_MULTI_REGION_REPLICA),),
        evidence=(change.path("primary_key_arn"), change.region.evidence),
    )


# -- RDS --------------------------------------------------------------------------------------


def _storage_key(change: Change, encrypted: str, key_attribute: str, aws_managed: str) -> KeyLink:
    if change.unknown(encrypted):
        return KeyLink(KeyManager.UNKNOWN, evidence=change.path(encrypted))
    if change.get(encrypted) is not True:
        return KeyLink(KeyManager.NONE, evidence=change.path(encrypted))
    return kms_link(change, (key_attribute,), aws_managed=aws_managed)


def _public(change: Change, attribute: str) -> Network:
    value = change.get(attribute)
    return Network(public_endpoint=value if isinstance(value, bool) and not change.unknown(attribute) else None)


def db_instance(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.DATABASE,
        service="rds",
        name=change.planned_name("identifier", "identifier_prefix"),
        key=_storage_key(change, "storage_encrypted", "kms_key_id", "aws/rds"),
        network=_public(change, "publicly_accessible"),
        identities=_identities("rds", change, "identifier"),
        attributes={"engine": change.get("engine")},
    )
    if change.text("replicate_source_db") or change.refs("replicate_source_db"):
        yield Attach(
            _target(change, "replicate_source_db", Kind.DATABASE, "rds"),
            locations=(_here(change, LocationRole.REPLICA, Via.RDS_READ_REPLICA),),
            evidence=(change.path("replicate_source_db"), change.region.evidence),
        )


def rds_cluster(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.DATABASE,
        service="rds",
        name=change.planned_name("cluster_identifier", "cluster_identifier_prefix"),
        key=_storage_key(change, "storage_encrypted", "kms_key_id", "aws/rds"),
        identities=_identities("rds", change, "cluster_identifier"),
        attributes={"engine": change.get("engine")},
    )


def db_backups_replication(change: Change) -> Iterator[Fact]:
    yield Attach(
        _target(change, "source_db_instance_arn", Kind.DATABASE, "rds"),
        locations=(_here(change, LocationRole.BACKUP, Via.RDS_AUTOMATED_BACKUPS_REPLICATION),),
        evidence=(change.path("source_db_instance_arn"), change.region.evidence),
    )


# -- DynamoDB ---------------------------------------------------------------------------------


def dynamodb_table(change: Change) -> Iterator[Fact]:
    replicas = []
    for i, replica in items(change.get("replica")):
        region = None if change.unknown("replica", i, "region_name") else text(replica.get("region_name"))
        replicas.append(DataLocation(region=region or UNKNOWN, role=LocationRole.REPLICA,
                                     via=Via.DYNAMODB_GLOBAL_TABLE))
    sse = change.get("server_side_encryption", 0) or {}
    if sse.get("enabled") is True:
        key = kms_link(change, ("server_side_encryption", 0, "kms_key_arn"), aws_managed="aws/dynamodb")
    else:  # DynamoDB always encrypts at rest, with an AWS owned key unless told otherwise
        key = KeyLink(KeyManager.PROVIDER, key_id="AWS owned key", evidence=change.path("server_side_encryption"))
    yield Store(
        kind=Kind.NOSQL,
        service="dynamodb",
        name=change.planned_name("name"),
        locations=tuple(replicas),
        key=key,
        identities=_identities("dynamodb", change, "name"),
        evidence=tuple(change.path("replica", i) for i, _ in items(change.get("replica"))),
    )


def dynamodb_table_replica(change: Change) -> Iterator[Fact]:
    yield Attach(
        _target(change, "global_table_arn", Kind.NOSQL, "dynamodb"),
        locations=(_here(change, LocationRole.REPLICA, Via.DYNAMODB_GLOBAL_TABLE),),
        evidence=(change.path("global_table_arn"), change.region.evidence),
    )


# -- AWS Backup -------------------------------------------------------------------------------


def backup_vault(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.BACKUP_VAULT,
        service="backup",
        name=change.planned_name("name"),
        key=kms_link(change, ("kms_key_arn",), aws_managed="aws/backup"),
        identities=_identities("backup", change, "name"),
    )


def _copies(plan: Change, rule: int) -> list[DataLocation]:
    out = []
    for j, _ in items(plan.get("rule", rule, "copy_action")):
        path = ("rule", rule, "copy_action", j, "destination_vault_arn")
        arn = plan.text(*path)
        targets = plan.refs(*path)
        if not targets and arn:
            found = plan.find(("aws_backup_vault",), "arn", arn)
            targets = [found] if found else []
        region = plan.resolver.region_of_arn_or_target(arn, targets)
        out.append(
            DataLocation(region.value, LocationRole.BACKUP, Via.BACKUP_COPY_ACTION, targets[0] if targets else arn)
        )
    return out


def _vault_target(plan: Change, rule: int) -> Target:
    name = plan.text("rule", rule, "target_vault_name")
    return Target(
        tuple(plan.refs("rule", rule, "target_vault_name")),
        f"backup:{name}" if name else None,
        Kind.BACKUP_VAULT,
        "backup",
        name,
    )


def backup_plan(change: Change) -> Iterator[Fact]:
    for i, _ in items(change.get("rule")):
        copies = _copies(change, i)
        if copies:
            yield Attach(_vault_target(change, i), locations=tuple(copies), evidence=(change.path("rule", i),))


def backup_selection(change: Change) -> Iterator[Fact]:
    """Resources selected by a plan: backed up into its vaults and every copy destination."""
    locations: list[DataLocation] = []
    for plan_address in change.refs("plan_id"):
        plan = change.other(plan_address)
        if plan is None:
            continue
        for i, _ in items(plan.get("rule")):
            vault = _vault_target(plan, i)
            region = change.region_of(vault.addresses[0]) if vault.addresses else plan.region
            locations.append(DataLocation(region.value, LocationRole.BACKUP, Via.AWS_BACKUP, vault.name))
            locations += _copies(plan, i)
    if not locations:
        return
    for address in change.refs("resources"):
        yield Attach(Target((address,), create=False), locations=tuple(locations), evidence=(change.path("resources"),))
    for arn in change.get("resources") or []:
        identity = arn_identity(arn) if isinstance(arn, str) else None
        if identity:
            yield Attach(Target(identity=identity, create=False), locations=tuple(locations))


# -- CloudFront -------------------------------------------------------------------------------


def cloudfront_distribution(change: Change) -> Iterator[Fact]:
    """A CDN caches copies at edge locations worldwide: an ``edge-cache`` location for each origin bucket."""
    price_class = change.text("price_class") or "PriceClass_All"
    edge = DataLocation(GLOBAL, LocationRole.EDGE_CACHE, Via.CLOUDFRONT, change.address, via_detail=price_class)
    yield Store(
        kind=Kind.CDN,
        service="cloudfront",
        name=change.planned_name("comment"),
        region=Resolved(GLOBAL, "CloudFront is a global service"),
        locations=(edge,),
        attributes={"price_class": price_class},
    )
    for i, origin in items(change.get("origin")):
        domain = None if change.unknown("origin", i, "domain_name") else text(origin.get("domain_name"))
        bucket = _bucket_of_domain(domain)
        yield Attach(
            Target(tuple(change.refs("origin", i, "domain_name")), f"s3:{bucket}" if bucket else None, create=False),
            locations=(edge,),
            evidence=(change.path("origin", i, "domain_name"),),
        )


def _bucket_of_domain(domain: str | None) -> str | None:
    """``name.s3.amazonaws.com``, ``name.s3.eu-west-3.amazonaws.com``, ``name.s3-website.eu-west-3…`` -> ``name``."""
    if not domain or not domain.endswith((".amazonaws.com", ".amazonaws.eu")):
        return None
    for marker in (".s3.", ".s3-website.", ".s3-website-"):
        if marker in domain:
            return domain.split(marker, 1)[0] or None
    return None
