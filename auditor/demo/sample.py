"""The demo estate as a ready-made inventory (no emulator, no network)."""

from __future__ import annotations

from auditor.model.inventory import (
    AccessGrant,
    CoverageGap,
    DataLocation,
    Inventory,
    KeyManager,
    KeyRef,
    LocationRole,
    Network,
    Permission,
    PrincipalKind,
    Resource,
    Scope,
)
from auditor.model.vocab import GapReason, GrantSource, Kind, Via

ORG = "o-loire0001"
MAIN = "111122223333"
RESEARCH = "444455556666"
FOREIGN = "999988887777"
TENANT = "5f1c6a2e-0000-4000-8000-00000000a11e"
SUB = "9b8d1f00-0000-4000-8000-0000000001ae"
FOREIGN_TENANT = "7d3e9c41-0000-4000-8000-0000000f0e16"

P, R, G, B, S, E, L = (LocationRole.PRIMARY, LocationRole.REPLICA, LocationRole.GEO_SECONDARY, LocationRole.BACKUP,
                       LocationRole.SNAPSHOT_COPY, LocationRole.EDGE_CACHE, LocationRole.LOG_DESTINATION)


def _s3(name: str, region: str, *, account: str = MAIN, tags: dict[str, str] | None = None,
        copies: tuple[DataLocation, ...] = (), key: KeyRef | None = None,
        access: tuple[AccessGrant, ...] = (), logging: bool | None = True) -> Resource:
    return Resource(
        id=f"arn:aws:s3:::{name}", provider="aws", account=account, organization=ORG, service="s3",
        kind=Kind.OBJECT_STORE, native_type="AWS::S3::Bucket", name=name, region=region, tags=tags or {},
        locations=(DataLocation(region, P), *copies),
        encryption=key or KeyRef(KeyManager.PROVIDER, None, region, "AWS_OWNED"),
        access=access, logging=logging,
        evidence=("s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketReplication", "s3:GetBucketPolicy"),
    )


def _kms(key_id: str, region: str, *replicas: str, origin: str = "AWS_KMS") -> KeyRef:
    arn = f"arn:aws:kms:{region}:{MAIN}:key/{key_id}"
    locs = (DataLocation(region, P), *(DataLocation(r, R, via=Via.KMS_MULTI_REGION) for r in replicas))
    manager = KeyManager.EXTERNAL if origin in ("EXTERNAL", "EXTERNAL_KEY_STORE") else KeyManager.CUSTOMER
    return KeyRef(manager, arn, region, origin, locs)


def _az(name: str, rtype: str, kind: Kind, region: str, *, tags: dict[str, str] | None = None,
        copies: tuple[DataLocation, ...] = (), key: KeyRef | None = None,
        access: tuple[AccessGrant, ...] = (), network: Network | None = None, logging: bool | None = True,
        service: str = "Microsoft.Storage") -> Resource:
    rid = f"/subscriptions/{SUB}/resourceGroups/rg-sante/providers/{rtype}/{name}"
    return Resource(
        id=rid, provider="azure", account=SUB, organization=TENANT, service=service, kind=kind,
        native_type=rtype, name=name, region=region, tags=tags or {},
        locations=(DataLocation(region, P), *copies),
        encryption=key or KeyRef(KeyManager.PROVIDER, None, region, "Microsoft.Storage"),
        access=access, network=network or Network(public_endpoint=False, private_endpoints=1), logging=logging,
        evidence=("Microsoft.ResourceGraph/resources", f"{rtype}/read"),
    )


HEALTH = {"data-classification": "health"}
PHI = {"DataClassification": "PHI"}


def sample_inventory() -> Inventory:
    resources = (
        # AWS, main account
        _s3("loire-dpi-patients", "eu-west-3", tags=HEALTH, key=_kms("1111aaaa-dpi", "eu-west-3"),
            copies=(DataLocation("us-east-1", R, via=Via.S3_REPLICATION, target="arn:aws:s3:::loire-dpi-dr-virginia",
                                 account=MAIN),)),
        _s3("loire-dpi-dr-virginia", "us-east-1", tags=HEALTH, logging=False),
        _s3("loire-pacs-imagerie", "eu-west-3", tags={"classification": "données-de-santé"},
            access=(AccessGrant("http://acs.amazonaws.com/groups/global/AllUsers", PrincipalKind.PUBLIC,
                                Permission.READ, GrantSource.ACL),)),
        _s3("loire-labo-resultats", "eu-west-3", tags=PHI, key=_kms("2222bbbb-labo", "eu-west-3", "us-east-1"),
            copies=(DataLocation("eu-west-1", R, via=Via.S3_REPLICATION, target="arn:aws:s3:::loire-labo-dr"),)),
        _s3("loire-labo-dr", "eu-west-1", tags=PHI, key=_kms("2222bbbb-labo", "eu-west-3", "us-east-1")),
        _s3("loire-eds-omop", "eu-central-1", tags=HEALTH, key=_kms("3333cccc-eds", "eu-central-1",
                                                                     origin="EXTERNAL_KEY_STORE")),
        _s3("loire-urgences-rpu-londres", "eu-west-2", tags=HEALTH),
        _s3("loire-facturation-pmsi", "eu-west-3", tags=HEALTH,
            copies=(DataLocation("eu-west-1", B, via=Via.BACKUP_COPY_ACTION,
                                 target=f"arn:aws:backup:eu-west-1:{MAIN}:backup-vault:dr"),
                    DataLocation("us-west-2", B, via=Via.BACKUP_COPY_ACTION,
                                 target=f"arn:aws:backup:us-west-2:{MAIN}:backup-vault:archive"))),
        _s3("loire-site-web", "us-east-1", tags={"data-classification": "public"}, logging=False,
            access=(AccessGrant("*", PrincipalKind.PUBLIC, Permission.READ, GrantSource.BUCKET_POLICY),)),
        _s3("loire-logs-acces", "eu-west-3", tags={"data-classification": "internal"}),
        _s3("loire-exports-tmp", "eu-west-3", logging=False),
        _s3("loire-cdn-imagerie", "eu-west-3", tags=HEALTH,
            copies=(DataLocation("global", E, via=Via.CLOUDFRONT, target="arn:aws:cloudfront::distribution/E2DEMO"),)),
        # AWS, research account (member of the organisation)
        _s3("loire-recherche-cohorte-patients", "eu-west-3", account=RESEARCH,
            access=(AccessGrant(f"arn:aws:iam::{FOREIGN}:root", PrincipalKind.ACCOUNT, Permission.READ,
                                GrantSource.BUCKET_POLICY, home=FOREIGN),
                    AccessGrant("*", PrincipalKind.PUBLIC, Permission.READ, GrantSource.BUCKET_POLICY,
                                condition=f"aws:PrincipalOrgID={ORG}"))),
        _s3("loire-recherche-genomique", "xx-mystery-1", account=RESEARCH, tags=HEALTH),
        # Azure
        _az("fhir-loire", "Microsoft.HealthcareApis/workspaces/fhirservices", Kind.HEALTH_API, "francecentral",
            service="Microsoft.HealthcareApis"),
        _az("stdpiloire", "Microsoft.Storage/storageAccounts", Kind.OBJECT_STORE, "westeurope", tags=PHI,
            copies=(DataLocation("northeurope", G, via=Via.STORAGE_GEO_REPLICATION, via_detail="GRS"),)),
        _az("stimagerieloire", "Microsoft.Storage/storageAccounts", Kind.OBJECT_STORE, "francecentral",
            tags=HEALTH, copies=(DataLocation("eastus", G, via=Via.STORAGE_GEO_REPLICATION,
                                              via_detail="RA-GRS, secondaryLocation"),),
            network=Network(public_endpoint=True),
            access=(AccessGrant("anonymous", PrincipalKind.PUBLIC, Permission.READ, GrantSource.BLOB_PUBLIC_ACCESS),)),
        _az("cosmos-dossiers", "Microsoft.DocumentDB/databaseAccounts", Kind.NOSQL, "francecentral", tags=HEALTH,
            copies=(DataLocation("eastus", R, via=Via.COSMOS_READ_REGION),), service="Microsoft.DocumentDB"),
        _az("sql-pmsi", "Microsoft.Sql/servers", Kind.DATABASE, "francecentral", tags=HEALTH,
            copies=(DataLocation("westus", R, via=Via.SQL_FAILOVER_GROUP),
                    DataLocation("francesouth", B, via=Via.SQL_BACKUP_REDUNDANCY, via_detail="Geo")),
            key=KeyRef(KeyManager.CUSTOMER, "https://kv-loire-us.vault.azure.net/keys/tde", "eastus",
                       "Microsoft.KeyVault", (DataLocation("eastus", P),)),
            service="Microsoft.Sql",
            access=(AccessGrant(FOREIGN_TENANT, PrincipalKind.FOREIGN_TENANT_APP, Permission.ADMIN,
                                GrantSource.LIGHTHOUSE,
                                home=FOREIGN_TENANT),)),
        _az("stmarketing", "Microsoft.Storage/storageAccounts", Kind.OBJECT_STORE, "westeurope",
            tags={"DataClassification": "Public"}),
    )
    gaps = (
        CoverageGap("aws", "rds", GapReason.ACCESS_DENIED,
                    "AccessDenied: not authorized to perform rds:DescribeDBInstances",
                    account=RESEARCH, region="eu-west-3"),
        CoverageGap("azure", "Microsoft.Graph", GapReason.NOT_READ,
                    "guests and foreign-tenant applications could not be listed (Graph permission missing)",
                    account=SUB),
    )
    return Inventory(
        resources=resources, coverage_gaps=gaps,
        scope=Scope(providers=("aws", "azure"), accounts=(MAIN, RESEARCH, SUB),
                    regions=("eu-west-3", "eu-west-1", "eu-central-1", "eu-west-2", "us-east-1", "francecentral",
                             "westeurope"),
                    organizations=(ORG, TENANT), source="sample"),
        collected_at="2026-11-30T08:00:00Z",
    )
