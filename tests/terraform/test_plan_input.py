"""Bad input: one clear error with file and line for a file that is not a plan; a gap per unreadable entry."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plantools import FIXTURES

from auditor.connectors.terraform import read_plan
from auditor.connectors.terraform.document import supported_format
from auditor.connectors.terraform.registry import EXTRACTORS
from auditor.errors import InputError
from auditor.model.inventory import Inventory


def _write(tmp_path: Path, content: Any, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2), encoding="utf-8")
    return path


def _plan(*changes: Any, **top: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "planned_values": {}, "resource_changes": list(changes), **top}


def _bucket(address: str = "aws_s3_bucket.b", **after: Any) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": address.split(".")[-2],
        "name": address.split(".")[-1],
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": None, "after": {"bucket": "x", **after}, "after_unknown": {}},
    }


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ('{"format_version": "1.2",\n  "resource_changes": [\n  oops\n]}', "invalid JSON", 3),
        ("[1, 2, 3]", "not a Terraform plan", 1),
        ({"resource_changes": []}, "no format_version", 1),
        ({"format_version": "2.0", "resource_changes": []}, "unsupported plan format_version '2.0'", 2),
        ({"format_version": "one", "resource_changes": []}, "unsupported plan format_version", 2),
        ({"format_version": "1.0", "values": {"root_module": {}}}, "no resource_changes", 1),
        ({"format_version": "1.2", "resource_changes": {"a": 1}}, "no resource_changes list", 3),
        ({"format_version": "1.2", "resource_changes": [], "errored": True}, "errored", 1),
    ],
)
def test_not_a_plan_is_one_input_error_with_file_and_line(
    tmp_path: Path, content: Any, message: str, line: int
) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert message in caught.value.message
    assert caught.value.location == f"{path}:{line}"
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.one_line()


def test_missing_file_and_a_state_file_hint(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_plan(tmp_path / "absent.json")
    with pytest.raises(InputError) as caught:
        read_plan(_write(tmp_path, {"format_version": "1.0", "values": {}}))
    assert "state file" in (caught.value.hint or "")


def test_a_plan_that_changes_nothing_is_an_empty_inventory(tmp_path: Path) -> None:
    inventory = read_plan(_write(tmp_path, {"format_version": "1.2", "planned_values": {"root_module": {}}}))
    assert inventory.resources == () and inventory.coverage_gaps == ()
    assert inventory.scope.source == "terraform-plan"


def test_unreadable_entries_become_gaps_naming_them(tmp_path: Path) -> None:
    weird_actions = _bucket("aws_s3_bucket.weird")
    weird_actions["change"]["actions"] = ["explode"]
    no_after = _bucket("aws_s3_bucket.empty")
    no_after["change"]["after"] = "nope"
    bad_policy = _bucket("aws_s3_bucket_policy.p", policy="[1, 2]", bucket="elsewhere")
    cosmos = {
        "address": "azurerm_cosmosdb_account.c",
        "mode": "managed",
        "type": "azurerm_cosmosdb_account",
        "name": "c",
        "provider_name": "registry.terraform.io/hashicorp/azurerm",
        "change": {
            "actions": ["create"],
            "after": {
                "name": "c",
                "location": "westeurope",
                "geo_location": [
                    {"location": "westeurope", "failover_priority": 0},
                    {"location": "eastus", "failover_priority": "x"},
                ],
            },
            "after_unknown": {},
        },
    }
    plan = _plan("not an object", weird_actions, no_after, bad_policy, cosmos, _bucket("aws_s3_bucket.fine"))
    inventory = read_plan(_write(tmp_path, plan))
    assert [r.id for r in inventory.resources] == ["aws_s3_bucket.fine"]
    gaps = {g.resource_id: g for g in inventory.coverage_gaps}
    assert set(gaps) == {
        "resource_changes[0]",
        "aws_s3_bucket.weird",
        "aws_s3_bucket.empty",
        "aws_s3_bucket_policy.p",
        "azurerm_cosmosdb_account.c",
    }
    assert gaps["azurerm_cosmosdb_account.c"].reason == "unreadable-plan-entry"
    assert gaps["aws_s3_bucket_policy.p"].reason == "unreadable"


def test_deferred_changes_are_gaps(tmp_path: Path) -> None:
    deferred = [{"reason": "instance_count_unknown", "resource_change": _bucket('aws_s3_bucket.later["x"]')}]
    inventory = read_plan(_write(tmp_path, _plan(deferred_changes=deferred)))
    assert [(g.reason, g.resource_id) for g in inventory.coverage_gaps] == [("deferred", 'aws_s3_bucket.later["x"]')]
    assert "instance_count_unknown" in inventory.coverage_gaps[0].error


def test_data_sources_and_other_providers_are_ignored(tmp_path: Path) -> None:
    data = _bucket("data.aws_s3_bucket.existing")
    data["mode"] = "data"
    other = _bucket("random_pet.name")
    other["provider_name"] = "registry.terraform.io/hashicorp/random"
    inventory = read_plan(_write(tmp_path, _plan(data, other)))
    assert inventory.resources == () and inventory.coverage_gaps == ()


# -- hypothesis: arbitrary documents never raise anything but InputError --------------------------

_scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=8)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
_ATTRIBUTES = [
    "bucket",
    "region",
    "location",
    "rule",
    "destination",
    "policy",
    "acl",
    "replica",
    "geo_location",
    "account_replication_type",
    "kms_master_key_id",
    "primary_key_arn",
    "replicate_source_db",
    "origin",
    "plan_id",
    "resources",
    "tags",
    "tags_all",
    "server_id",
    "partner_server",
    "databases",
    "arn",
    "id",
    "name",
    "target_bucket",
    "storage_account_id",
    "target_resource_id",
    "copy_action",
]
_values = st.dictionaries(st.sampled_from(_ATTRIBUTES), _json, max_size=6)
_TYPES = sorted(EXTRACTORS)


def _mostly(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually well-formed, sometimes anything: deep enough to reach every extractor."""
    return st.integers(0, 7).flatmap(lambda n: _json if n == 0 else strategy)


@st.composite
def _entries(draw: st.DrawFn) -> dict[str, Any]:
    rtype = draw(st.sampled_from(_TYPES))
    name = draw(st.sampled_from(["a", "b", "k"]))
    module = draw(st.sampled_from(["", "module.m.", 'module.m["x"].']))
    return {
        "address": draw(_mostly(st.just(f"{module}{rtype}.{name}"))),
        "module_address": module[:-1] or None,
        "type": draw(_mostly(st.just(rtype))),
        "name": name,
        "mode": draw(st.sampled_from(["managed", "managed", "data"])),
        "provider_name": draw(
            _mostly(st.just("registry.terraform.io/hashicorp/" + ("azurerm" if rtype.startswith("azurerm") else "aws")))
        ),
        "change": draw(
            _mostly(
                st.fixed_dictionaries(
                    {
                        "actions": _mostly(
                            st.sampled_from([["create"], ["update"], ["delete"], ["no-op"], ["delete", "create"]])
                        ),
                        "after": _mostly(_values),
                        "before": _mostly(_values),
                        "after_unknown": _mostly(
                            st.dictionaries(st.sampled_from(_ATTRIBUTES), st.booleans(), max_size=4)
                        ),
                    }
                )
            )
        ),
    }


_references = st.fixed_dictionaries(
    {
        "references": st.lists(
            st.sampled_from(
                [
                    "aws_s3_bucket.a.id",
                    "aws_s3_bucket.a",
                    "var.region",
                    "var.r[0]",
                    "module.m.out",
                    "local.x",
                    "aws_kms_key.k",
                ]
            ),
            max_size=3,
        )
    }
)
_KEYS = ["aws", "aws.eu", "module.m:aws", "m:aws", "n:aws.x"]  # "m:aws": Terraform before 1.2
_configuration = st.fixed_dictionaries(
    {
        "provider_config": st.dictionaries(
            st.sampled_from(["aws", "aws.eu", "module.m:aws", "m:aws", "m:aws.x", "azurerm"]),
            st.fixed_dictionaries({"expressions": st.fixed_dictionaries({"region": _references | _json})}) | _json,
            max_size=3,
        ),
        "root_module": st.fixed_dictionaries(
            {
                "resources": st.lists(
                    st.fixed_dictionaries(
                        {
                            "type": st.sampled_from(["aws_s3_bucket", "aws_kms_key"]),
                            "name": st.sampled_from(["a", "b", "k"]),
                            "provider_config_key": st.sampled_from(_KEYS) | _json,
                            "expressions": st.dictionaries(
                                st.sampled_from(_ATTRIBUTES), _references | _json, max_size=3
                            ),
                        }
                    )
                    | _json,
                    max_size=3,
                ),
                "module_calls": st.dictionaries(st.sampled_from(["m", "n"]), _json, max_size=2),
            }
        )
        | _json,
    }
)
_plans = st.fixed_dictionaries(
    {
        "format_version": _mostly(st.sampled_from(["0.1", "0.2", "1.0", "1.1", "1.2", "1.2", "2.0", "0.0"])),
        "resource_changes": _mostly(st.lists(_entries(), max_size=6)),
        "planned_values": st.just({}) | st.fixed_dictionaries({"root_module": _json | st.fixed_dictionaries(
            {"resources": st.lists(_json, max_size=2), "child_modules": st.lists(_json, max_size=2)})}),
        "configuration": _mostly(_configuration),
        "variables": st.dictionaries(st.sampled_from(["region", "r"]), st.fixed_dictionaries({"value": _json})),
        "deferred_changes": st.lists(_json, max_size=2) | st.just([]),
    }
)


@settings(
    max_examples=int(__import__("os").environ.get("PLAN_FUZZ", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(document=_mostly(_plans))
def test_arbitrary_documents_never_crash(document: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            result = read_plan(path, aws_region="eu-west-3", repo_root=Path(folder))
        except InputError as exc:
            assert exc.location is not None and exc.location.startswith(str(path))
        else:
            assert isinstance(result, Inventory)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=64))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.json"
        path.write_bytes(data)
        with contextlib.suppress(InputError):
            read_plan(path)


def test_every_fixture_reads_without_gaps_it_does_not_expect() -> None:
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "plan.json").exists()):
        inventory = read_plan(folder / "plan.json")
        assert all(g.reason in ("unknown-at-plan",) for g in inventory.coverage_gaps), folder.name


# -- encodings and format versions -------------------------------------------------------------------

_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


def _outcome(path: Path) -> Any:
    """What a user sees of reading ``path``: the error, or the resources and gaps."""
    try:
        inventory = read_plan(path, aws_region="eu-west-3")
    except InputError as exc:
        return ("error", exc.message, (exc.location or "").rsplit(":", 1)[-1], exc.hint)
    return (
        [(r.id, r.region, r.change, r.source_file and r.source_file.rsplit(":", 1)[-1]) for r in inventory.resources],
        [(g.reason, g.error) for g in inventory.coverage_gaps],
    )


@settings(max_examples=int(__import__("os").environ.get("PLAN_FUZZ", "300")) // 5, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(document=_plans, encoding=st.sampled_from(_ENCODINGS), indent=st.sampled_from([None, 2]),
       crlf=st.booleans())
def test_a_plan_reads_the_same_in_every_unicode_encoding(
    document: Any, encoding: str, indent: int | None, crlf: bool
) -> None:
    text = json.dumps(document, indent=indent)
    with tempfile.TemporaryDirectory() as folder:
        utf8, other = Path(folder) / "a" / "plan.json", Path(folder) / "b" / "plan.json"
        utf8.parent.mkdir()
        other.parent.mkdir()
        utf8.write_text(text, encoding="utf-8")
        other.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode(encoding))
        assert _outcome(other) == _outcome(utf8)


@given(major=st.integers(0, 12), minor=st.integers(0, 40), patch=st.none() | st.integers(0, 9))
def test_format_versions_are_accepted_as_terraform_json_does(major: int, minor: int, patch: int | None) -> None:
    version = f"{major}.{minor}" + ("" if patch is None else f".{patch}")
    assert supported_format(version) == ((0, 1) <= (major, minor) < (2, 0))


@given(text=st.text(max_size=12))
def test_a_format_version_that_is_no_version_number_is_refused(text: str) -> None:
    import re

    if not re.fullmatch(r"v?\d{1,9}(\.\d{1,9}){0,2}", text):
        assert not supported_format(text)


@settings(max_examples=50, deadline=None)
@given(tail=st.binary(max_size=64), magic=st.sampled_from([b"PK\x03\x04", b"PK\x05\x06"]))
def test_anything_that_starts_like_a_zip_is_refused_as_a_binary_plan(tail: bytes, magic: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tfplan"
        path.write_bytes(magic + tail)
        with pytest.raises(InputError) as caught:
            read_plan(path)
        assert "binary Terraform plan" in caught.value.message and caught.value.exit_code == 2


@pytest.mark.parametrize("version", ["0.1", "0.2", "1.0", "1.1", "1.2", "1.9", "1", "1.2.3", "v1.2"])
def test_every_plan_format_from_terraform_0_12_is_read(tmp_path: Path, version: str) -> None:
    inventory = read_plan(_write(tmp_path, _plan(_bucket(), format_version=version)), aws_region="eu-west-3")
    assert [r.id for r in inventory.resources] == ["aws_s3_bucket.b"]


@pytest.mark.parametrize("version", ["0.0", "0", "2.0", "10.1", "1.2-beta", "1.x", "", " 1.2"])
def test_formats_outside_0_1_to_1_x_are_refused(tmp_path: Path, version: str) -> None:
    with pytest.raises(InputError, match="unsupported plan format_version") as caught:
        read_plan(_write(tmp_path, _plan(_bucket(), format_version=version)))
    assert "0.1 to 1.x" in caught.value.message and caught.value.exit_code == 2
