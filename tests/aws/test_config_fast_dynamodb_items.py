"""An AWS::DynamoDB::Table item -> the DynamoDB answers it stands for; a field missing or of another type -> direct."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from auditor.connectors.aws import config_fast_dynamodb as items
from auditor.connectors.aws.service import Found
from auditor.model.vocab import Kind

ARN = "arn:aws:dynamodb:eu-west-3:123456789012:table/rdv"
FOUND = Found(arn=ARN, service="dynamodb", kind=Kind.NOSQL, native_type=items.TABLE, name="rdv",
              account="123456789012", region="eu-west-3")
KEY = "arn:aws:kms:eu-west-3:123456789012:key/k1"


def _item(**fields: Any) -> dict[str, Any]:
    configuration = {"tableName": "rdv", "tableArn": ARN, "tableStatus": "ACTIVE", "globalTableVersion": "2019.11.21",
                     "replicas": [{"regionName": "eu-central-1", "replicaStatus": "ACTIVE", "kmsmasterKeyId": None}],
                     "ssedescription": {"status": "ENABLED", "ssetype": "KMS", "kmsmasterKeyArn": KEY}, **fields}
    backups = {"continuousBackupsStatus": "ENABLED",
               "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": "ENABLED"}}
    return {"configuration": json.dumps(configuration),
            "supplementaryConfiguration": {"ContinuousBackupsDescription": json.dumps(backups)}}


def test_a_documented_item_becomes_describe_tables_and_describe_continuous_backups_answers():
    answers, direct = items.answers(_item(), FOUND)
    assert answers[items.DESCRIBE]["Table"] == {
        "TableName": "rdv", "TableArn": ARN, "TableStatus": "ACTIVE", "GlobalTableVersion": "2019.11.21",
        "Replicas": [{"RegionName": "eu-central-1", "ReplicaStatus": "ACTIVE"}],
        "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KEY}}
    assert answers[items.BACKUPS]["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"] == {
        "PointInTimeRecoveryStatus": "ENABLED"}
    assert set(direct) == {"dynamodb:GetResourcePolicy", "dynamodb:ListBackups"}


def test_null_replicas_key_and_version_are_none_set_as_describe_table_leaves_them_out():
    answers, _ = items.answers(_item(replicas=[], ssedescription=None, globalTableVersion=None), FOUND)
    assert answers[items.DESCRIBE]["Table"] == {"TableName": "rdv", "TableArn": ARN, "TableStatus": "ACTIVE"}


def test_a_missing_field_an_unexpected_type_or_value_or_another_table_is_read_directly():
    for fields, why in (({"replicas": "eu-central-1"}, "replicas is a str, not a list"),
                        ({"replicas": [{"region": "eu-central-1"}]}, "no regionName"),
                        ({"ssedescription": {"status": "SOMETIMES", "ssetype": "KMS"}}, "ssedescription.status"),
                        ({"ssedescription": {"status": "ENABLED", "ssetype": "KMS", "kmsmasterKeyArn": None}},
                         "kmsmasterKeyArn missing"),
                        ({"tableArn": ARN.replace("rdv", "other")}, "not this table"),
                        ({"globalTableVersion": 2019}, "globalTableVersion is a int")):
        answers, direct = items.answers(_item(**fields), FOUND)
        assert items.DESCRIBE not in answers and why in direct[items.DESCRIBE], fields
    item = _item()
    configuration = json.loads(item["configuration"])
    del configuration["ssedescription"]
    answers, direct = items.answers({**item, "configuration": json.dumps(configuration)}, FOUND)
    assert direct[items.DESCRIBE] == "configuration in a form not translated (no ssedescription)"
    assert items.BACKUPS in answers
    answers, direct = items.answers({**item, "supplementaryConfiguration": {
        "ContinuousBackupsDescription": json.dumps({"continuousBackupsStatus": "ENABLED"})}}, FOUND)
    assert "no pointInTimeRecoveryDescription" in direct[items.BACKUPS] and items.DESCRIBE in answers


@given(st.text(max_size=30) | st.integers() | st.none() | st.lists(st.integers(), max_size=3)
       | st.dictionaries(st.sampled_from(["status", "regionName", "ssetype"]), st.text(max_size=5), max_size=2))
def test_any_field_value_is_answered_or_sent_direct_never_an_error(value):
    for field in ("tableName", "tableArn", "replicas", "ssedescription", "globalTableVersion"):
        answers, direct = items.answers(_item(**{field: value}), FOUND)
        assert set(answers) | set(direct) >= set(items.SERVED) and not set(answers) & set(direct)
    answers, direct = items.answers({"configuration": value, "supplementaryConfiguration": value}, FOUND)
    assert set(answers) | set(direct) >= set(items.SERVED) and not set(answers) & set(direct)
