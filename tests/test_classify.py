"""Classification: tags, native health services and names -> health or not, with the rule that decided."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.classify import classify, classify_one
from auditor.config import ClassificationConfig
from auditor.model.inventory import Inventory, Resource

DEFAULT = ClassificationConfig()


def one(name: str = "store", tags: dict[str, str] | None = None, kind: str = "object-store",
        native_type: str = "AWS::S3::Bucket", rules: ClassificationConfig = DEFAULT) -> tuple[str, bool, str]:
    c = classify_one("aws", kind, native_type, name, tags or {}, rules)
    return c.label, c.health, c.rule


@pytest.mark.parametrize(
    ("tags", "rule"),
    [
        ({"DataClassification": "PHI"}, "tag DataClassification=PHI"),
        ({"data-classification": "health"}, "tag data-classification=health"),
        ({"data_classification": "Données de Santé"}, "tag data_classification=Données de Santé"),
        ({"dataClassification": "donnees-de-sante"}, "tag dataClassification=donnees-de-sante"),
        ({"Classification": "SANTÉ"}, "tag Classification=SANTÉ"),
        ({"example-inc:data:classification": "Highly Confidential \\ Santé"},
         "tag example-inc:data:classification=Highly Confidential \\ Santé"),
        ({"Sensitivity": "ePHI"}, "tag Sensitivity=ePHI"),
        ({"confidentiality": "medical"}, "tag confidentiality=medical"),
        ({"compliance": "HIPAA"}, "tag compliance=HIPAA"),
        ({"Compliance-Framework": "GDPR Art.9"}, "tag Compliance-Framework=GDPR Art.9"),
        ({"compliance:framework": "gdpr_art9"}, "tag compliance:framework=gdpr_art9"),
        ({"data-type": "clinical"}, "tag data-type=clinical"),
        ({"DataType": "special category"}, "tag DataType=special category"),
        ({"data.category": "patients"}, "tag data.category=patients"),
        ({"hds": "true"}, "tag hds=true"),
        ({"HDS": "Oui"}, "tag HDS=Oui"),
        ({"contains-phi": "yes"}, "tag contains-phi=yes"),
    ],
)
def test_health_tags(tags: dict[str, str], rule: str) -> None:
    assert one(tags=tags) == ("health", True, rule)


@pytest.mark.parametrize(
    "tags",
    [
        {"data-classification": "non-PHI"},
        {"data-classification": "no health data"},
        {"Environment": "health"},  # not a classification key
        {"owner": "patient-team"},
        {"hds": "maybe"},
    ],
)
def test_tags_that_do_not_say_health(tags: dict[str, str]) -> None:
    assert one(tags=tags)[1] is False


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("prod-patients-eu", "patients"),
        ("PatientsDB", "patients"),
        ("patient_records", "patient"),
        ("dpi.backup", "dpi"),
        ("eds-warehouse", "eds"),
        ("hopital-pmsi-2024", "pmsi"),
        ("snds-extract", "snds"),
        ("omop_cdm", "omop"),
        ("fhir-store", "fhir"),
        ("HL7-inbox", "hl7"),
        ("dicom-archive", "dicom"),
        ("pacs01", "pacs"),
        ("ehr", "ehr"),
        ("legacy-EMR-db", "emr"),
        ("phi-lake", "phi"),
        ("données-santé", "sante"),
        ("patients2024", "patients"),
    ],
)
def test_name_tokens(name: str, token: str) -> None:
    assert one(name=name) == ("health", True, f"name token '{token}'")


@pytest.mark.parametrize(
    "name",
    ["behringer-audio", "feeds", "outpatientsvc", "philosophy", "hdsmith", "spacs", "dpiano", "web-assets", ""],
)
def test_names_without_a_whole_token_are_not_health(name: str) -> None:
    assert one(name=name) == ("unclassified", False, "no rule matched")


@pytest.mark.parametrize(
    ("kind", "native_type", "rule"),
    [
        ("health-api", "Whatever", "kind health-api"),
        ("nosql", "AWS::HealthLake::FHIRDatastore", "native type AWS::HealthLake::FHIRDatastore"),
        ("object-store", "AWS::HealthImaging::Datastore", "native type AWS::HealthImaging::Datastore"),
        ("object-store", "AWS::Omics::SequenceStore", "native type AWS::Omics::SequenceStore"),
        ("database", "Microsoft.HealthcareApis/workspaces/fhirservices",
         "native type Microsoft.HealthcareApis/workspaces/fhirservices"),
        ("database", "microsoft.healthcareapis/workspaces/dicomservices",
         "native type microsoft.healthcareapis/workspaces/dicomservices"),
        ("database", "Microsoft.HealthcareApis/services", "native type Microsoft.HealthcareApis/services"),
        ("database", "azurerm_healthcare_fhir_service", "native type azurerm_healthcare_fhir_service"),
    ],
)
def test_services_that_hold_health_data_by_nature(kind: str, native_type: str, rule: str) -> None:
    assert one(kind=kind, native_type=native_type) == ("health", True, rule)


def test_precedence() -> None:
    # an explicit "not sensitive" tag beats a name token
    assert one("patient-portal-assets", {"data-classification": "public"}) == (
        "public", False, "tag data-classification=public")
    assert one("patients", {"phi": "false"}) == ("not-health", False, "tag phi=false")
    # a classification level that does not deny health does not beat the name
    assert one("prod-patients", {"DataClassification": "Confidential"}) == ("health", True, "name token 'patients'")
    # without a health name, that level is the label
    assert one("prod-logs", {"DataClassification": "Highly Confidential"}) == (
        "highly-confidential", False, "tag DataClassification=Highly Confidential")
    # a health tag beats a "public" tag on another key, and a native health service beats "public"
    assert one(tags={"sensitivity": "public", "compliance": "hipaa"})[1] is True
    assert one(native_type="AWS::HealthLake::FHIRDatastore", tags={"data-classification": "public"})[1] is True
    # ties inside a tier are broken by key order, so the result does not depend on dict order
    a = one(tags={"b-classification": "phi", "a-classification": "health"})
    b = one(tags={"a-classification": "health", "b-classification": "phi"})
    assert a == b == ("health", True, "tag a-classification=health")


def test_configuration_adds_to_the_defaults() -> None:
    rules = ClassificationConfig(tags={"Dataset-Kind": ["medical-*", "biobank"]}, names=["*-dossiers-*", "labo"],
                                 kinds=["AWS::DynamoDB::Table"])
    assert one(tags={"dataset_kind": "Medical Imaging"}, rules=rules) == (
        "health", True, "tag dataset_kind=Medical Imaging")
    assert one(tags={"DatasetKind": "biobank"}, rules=rules)[1] is True
    assert one("prod_dossiers_2024", rules=rules) == ("health", True, "name pattern '*-dossiers-*'")
    assert one("labo-results", rules=rules) == ("health", True, "name token 'labo'")
    assert one(native_type="AWS::DynamoDB::Table", rules=rules)[2] == "native type AWS::DynamoDB::Table"
    assert one("prod-patients", rules=rules)[1] is True  # defaults still apply
    # a user classification key also gives labels
    assert one(tags={"dataset-kind": "telemetry"}, rules=rules) == ("telemetry", False, "tag dataset-kind=telemetry")


def test_replace_defaults() -> None:
    rules = ClassificationConfig(names=["labo"], replace_defaults=True)
    assert one("prod-patients", {"DataClassification": "PHI"}, rules=rules)[1] is False
    assert one(native_type="AWS::HealthLake::FHIRDatastore", rules=rules)[1] is False
    assert one("labo", rules=rules)[1] is True


def test_classify_sets_every_resource() -> None:
    def res(name: str, **tags: str) -> Resource:
        return Resource(id=name, provider="azure", account="s", service="storage", kind="object-store",
                        native_type="Microsoft.Storage/storageAccounts", name=name, region="francecentral", tags=tags)

    inventory = Inventory(resources=(res("stpatients01"), res("stlogs", DataClassification="General"), res("web")))
    out = classify(inventory, DEFAULT)
    assert [r.classification.label for r in out.resources if r.classification] == ["unclassified", "general",
                                                                                  "unclassified"]
    assert inventory.resources[0].classification is None
    tokens = classify(Inventory(resources=(res("st-patients-01"),)), DEFAULT).resources[0].classification
    assert tokens is not None and tokens.health and tokens.rule == "name token 'patients'"


@settings(max_examples=300)
@given(
    name=st.text(max_size=60),
    tags=st.dictionaries(st.text(max_size=30), st.text(max_size=60), max_size=6),
    kind=st.text(max_size=20),
    native_type=st.text(max_size=40),
    extra=st.lists(st.text(max_size=12), max_size=3),
)
def test_classify_one_never_raises(name: str, tags: dict[str, str], kind: str, native_type: str,
                                   extra: list[str]) -> None:
    rules = ClassificationConfig(tags={k: tuple(extra) for k in extra}, names=tuple(extra), kinds=tuple(extra))
    for config in (DEFAULT, rules):
        c = classify_one("aws", kind, native_type, name, tags, config)
        assert c.label and c.rule and isinstance(c.health, bool)
        assert c.health == (c.label == "health")


def test_shipped_defaults_are_all_text() -> None:
    """YAML reads a bare no/yes/on/off as booleans: every shipped pattern must stay text."""
    import yaml

    from auditor import classify as module

    data = yaml.safe_load(module._DEFAULTS.read_text("utf-8"))

    def leaves(node: object) -> list[object]:
        if isinstance(node, dict):
            return [x for v in node.values() for x in leaves(v)]
        if isinstance(node, list):
            return [x for v in node for x in leaves(v)]
        return [node]

    assert all(isinstance(leaf, str) for leaf in leaves(data))
