"""auditor.yaml: every key optional, unknown keys and bad values are located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import Config, load
from auditor.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "auditor.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load(None) == Config()


def test_full_file(tmp_path: Path) -> None:
    cfg = load(write(tmp_path, """
profile: gdpr
allowed_countries: [FR, NO]
trusted: {aws_accounts: ["111122223333"], azure_tenants: [t1]}
classification: {tags: {data-classification: [health, sante]}, names: ["*-patients-*"]}
aws: {organization: true, role_name: Audit, regions: [eu-west-3]}
azure: {subscriptions: all, arm_endpoint: "https://127.0.0.1:1"}
waivers: waivers.yaml
"""))
    assert cfg.profile == "gdpr"
    assert cfg.allowed_countries == ("FR", "NO")
    assert cfg.trusted_aws_accounts == ("111122223333",)
    assert cfg.classification.tags == {"data-classification": ("health", "sante")}
    assert cfg.aws.regions == ("eu-west-3",) and cfg.aws.organization
    assert cfg.azure.subscriptions is None
    assert cfg.waivers == tmp_path / "waivers.yaml"


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("profile: hds\nprofle: gdpr\n", 2, "profle"),  # the unexpected key's own line
        ("trusted:\n  aws_accounts: [\"12\"]\n", 2, "does not match"),
        ("fail_on: extreme\n", 1, "extreme"),
        ("aws:\n  max_workers: 0\n", 2, "minimum"),
        ("aws:\n  config_aggregator: org\n  config_max_age: 24x\n", 3, "does not match"),
        ("aws:\n  config_aggregator: 'org aggregator'\n", 2, "does not match"),
    ],
)
def test_bad_values_name_file_and_line(tmp_path: Path, text: str, line: int, what: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load(path)
    message = err.value.one_line()
    assert message.startswith(f"{path}:{line}:"), message
    assert what in message


def test_the_aws_config_fast_path_is_off_unless_named(tmp_path: Path) -> None:
    assert load(write(tmp_path, "aws: {regions: all}\n")).aws.config_aggregator is None
    cfg = load(write(tmp_path, "aws:\n  config_aggregator: org\n  config_max_age: 30m\n"))
    assert (cfg.aws.config_aggregator, cfg.aws.config_max_age, cfg.aws.config_aggregator_region) == ("org", 1800, None)
    assert load(write(tmp_path, "aws: {config_aggregator: org}\n")).aws.config_max_age == 24 * 3600
