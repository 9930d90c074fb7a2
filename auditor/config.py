"""``auditor.yaml`` -> a frozen :class:`Config`. Every key is optional.

The file is found in the working directory (``auditor.yaml``) or given with ``--config``;
relative paths inside it (waivers, history, policy directories) are resolved against the
file's own folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from auditor import dsn, yamlio
from auditor.errors import ConfigError
from auditor.model.findings import SEVERITIES, Severity
from auditor.model.vocab import Lang, OutputFormat

DEFAULT_AWS_ROLE = "SovereignAuditorReadOnly"  # deploy/aws: the dedicated read-only member role, not an admin one
SEVERITY_NAMES = [s.value for s in SEVERITIES]
_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "profile": {"type": "string", "minLength": 1},
        "allowed_countries": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
        "dpf": {"type": "boolean", "description": "gdpr: accept US places under the EU-US Data Privacy Framework"},
        "lang": {"enum": [lang.value for lang in Lang]},
        "fail_on": {"enum": SEVERITY_NAMES},
        "allow_unknown": {"type": "boolean"},
        "formats": {"type": "array", "items": {"enum": [f.value for f in OutputFormat]}},
        "out": {"type": "string"},
        "trusted": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "aws_accounts": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{12}$"}},
                "azure_tenants": _STR_LIST,
                "gcp_domains": _STR_LIST,
            },
        },
        "classification": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "tags": {"type": "object", "additionalProperties": _STR_LIST},
                "names": _STR_LIST,
                "kinds": _STR_LIST,
                "replace_defaults": {"type": "boolean"},
            },
        },
        "scope": {"enum": ["health", "all"]},
        "aws": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "organization": {"type": "boolean"},
                "role_name": {"type": "string", "minLength": 1},
                "external_id": {"type": ["string", "null"]},
                "regions": {"anyOf": [{"const": "all"}, _STR_LIST]},
                "accounts": _STR_LIST,
                "max_workers": {"type": "integer", "minimum": 1, "maximum": 64},
                "config_aggregator": {
                    "type": "string", "pattern": "^[\\w-]{1,256}$",
                    "description": "the AWS Config aggregator whose S3 and DynamoDB configuration items replace "
                                   "direct reads (docs/scan-cost.md); off when absent"},
                "config_aggregator_region": {"type": "string", "pattern": "^[a-z]{2}(-[a-z]+)+-[0-9]+$"},
                "config_max_age": {
                    "type": "string", "pattern": "^[1-9][0-9]{0,5}[mhd]$",
                    "description": "an item older than this is read directly instead: minutes, hours or days "
                                   "(30m, 24h, 7d)"},
            },
        },
        "azure": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "subscriptions": {"anyOf": [{"const": "all"}, _STR_LIST]},
                "management_group": {"type": "string"},
                "tenant": {"type": "string"},
                "authority_host": {"type": "string"},
                "arm_endpoint": {"type": "string"},
                "max_workers": {"type": "integer", "minimum": 1, "maximum": 64},
            },
        },
        "gcp": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "organization": {"type": "string", "pattern": "^[0-9]{1,30}$"},
                "folders": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{1,30}$"}},
                "projects": {"anyOf": [{"const": "all"}, _STR_LIST]},
                "universe_domain": {"type": "string", "pattern": "^[a-z0-9.-]+\\.[a-z]{2,}$"},
                "endpoints": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^https://"}},
                "domains": _STR_LIST,
                "max_workers": {"type": "integer", "minimum": 1, "maximum": 64},
            },
        },
        "waivers": {"type": "string"},
        "waiver_max_days": {"type": "integer", "minimum": 1, "maximum": 3660},
        "history": {"type": "string"},
        "output_mode": {"enum": ["private", "group"],
                        "description": "private: outputs 0600, folders 0700; group: 0640 and 0750"},
        "policy_dirs": _STR_LIST,
        "report": {
            "type": "object",
            "additionalProperties": False,
            "description": "who audited what: heads the printed report and fills its signature block",
            "properties": {
                "organization": {"type": "string", "minLength": 1, "maxLength": 200},
                "scope": {"type": "string", "minLength": 1, "maxLength": 2000},
                "author": {"type": "string", "minLength": 1, "maxLength": 200},
                "approver": {"type": "string", "minLength": 1, "maxLength": 200},
                "timezone": {"type": "string", "minLength": 1, "maxLength": 64},
                "csv_separator": {"enum": [",", ";"]},
                "transfer_bases": {
                    "type": "object",
                    "description": "country code -> the legal basis declared for transfers there (SCCs, BCRs…)",
                    "propertyNames": {"pattern": "^[A-Z]{2}$"},
                    "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 500},
                },
            },
        },
    },
}


@dataclass(frozen=True, slots=True)
class ClassificationConfig:
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # key pattern -> value patterns
    names: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    replace_defaults: bool = False


@dataclass(frozen=True, slots=True)
class AwsConfig:
    organization: bool = False
    role_name: str = DEFAULT_AWS_ROLE
    external_id: str | None = None
    regions: tuple[str, ...] | None = None  # None: every enabled region
    accounts: tuple[str, ...] | None = None  # None: the caller's account (or the whole organization)
    max_workers: int = 8
    config_aggregator: str | None = None  # AWS Config fast path (connectors/aws/config_fast.py); None: off
    config_aggregator_region: str | None = None  # None: the partition's home region (us-east-1 on aws)
    config_max_age: int = 24 * 3600  # seconds: older configuration items are read directly


_UNITS = {"m": 60, "h": 3600, "d": 86400}


def duration(text: str) -> int:
    """``30m`` / ``24h`` / ``7d`` as seconds (the schema has checked the shape)."""
    return int(text[:-1]) * _UNITS[text[-1]]


@dataclass(frozen=True, slots=True)
class AzureConfig:
    subscriptions: tuple[str, ...] | None = None  # None: every subscription the credential sees
    management_group: str | None = None
    tenant: str | None = None
    authority_host: str | None = None
    arm_endpoint: str | None = None
    max_workers: int = 8


@dataclass(frozen=True, slots=True)
class GcpConfig:
    """``gcp:`` — Google Cloud, or another universe built on its APIs (S3NS: ``universe_domain: s3nsapis.fr``)."""

    organization: str | None = None  # numeric organisation id: Asset Inventory searches the whole organisation
    folders: tuple[str, ...] = ()  # numeric folder ids (instead of the organisation)
    projects: tuple[str, ...] | None = None  # project ids; None: every project the credential sees
    universe_domain: str = "googleapis.com"
    endpoints: Mapping[str, str] = field(default_factory=dict)  # API service (storage, bigquery…) -> https origin
    domains: tuple[str, ...] = ()  # the organisation's own identity domains (members there are internal)
    max_workers: int = 8


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """``report:`` — the organisation, the audit's scope in words, who ran it and who approves it."""

    organization: str | None = None
    scope: str | None = None
    author: str | None = None
    approver: str | None = None
    timezone: str = "Europe/Paris"
    csv_separator: str | None = None  # None: ";" in French reports, "," in English ones
    transfer_bases: Mapping[str, str] = field(default_factory=dict)  # country -> declared legal basis


@dataclass(frozen=True, slots=True)
class Config:
    profile: str = "hds"
    allowed_countries: tuple[str, ...] = ()
    dpf: bool = False
    lang: Lang = Lang.EN
    fail_on: Severity = Severity.HIGH
    allow_unknown: bool = False
    formats: tuple[OutputFormat, ...] = (OutputFormat.JSON, OutputFormat.HTML)
    out: Path = Path("audit-out")
    trusted_aws_accounts: tuple[str, ...] = ()
    trusted_azure_tenants: tuple[str, ...] = ()
    trusted_gcp_domains: tuple[str, ...] = ()
    classification: ClassificationConfig = field(default_factory=ClassificationConfig)
    scope: str = "health"  # read deeply only health data stores, or "all" data stores
    aws: AwsConfig = field(default_factory=AwsConfig)
    azure: AzureConfig = field(default_factory=AzureConfig)
    gcp: GcpConfig = field(default_factory=GcpConfig)
    waivers: Path | None = None
    waiver_max_days: int = 365
    history: Path | str | None = None  # the run store: a SQLite file, or a PostgreSQL DSN (a str); None: off
    output_mode: str = "private"  # outputs and history 0600 / folders 0700; "group": 0640 / 0750
    policy_dirs: tuple[Path, ...] = ()
    source: str | None = None  # the file it came from
    providers: tuple[str, ...] = ()  # the providers auditor.yaml configures (its aws:/azure:/gcp: sections)
    shard: tuple[int, int] | None = None  # scan only slice I of N of the accounts/subscriptions (--shard I/N)
    report: ReportInfo = field(default_factory=ReportInfo)

    def with_overrides(self, **changes: Any) -> Config:
        """Command-line options win over the file; ``None`` means "not given"."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


DEFAULT_FILE = "auditor.yaml"


def load(path: Path | None) -> Config:
    """Load ``path``, or ``./auditor.yaml`` when present, or the defaults."""
    if path is None:
        candidate = Path(DEFAULT_FILE)
        if not candidate.is_file():
            return Config()
        path = candidate
    data = yamlio.load(path, ConfigError)
    if data is None:
        return Config(source=str(path))
    _history_is_text(data, path)
    yamlio.check(data, SCHEMA, str(path), ConfigError)
    return parse(data, path)


def _history_is_text(data: Any, path: Path) -> None:
    """``history:`` may hold a password: a value of the wrong type is refused without being shown."""
    if isinstance(data, Mapping) and "history" in data and not isinstance(data["history"], (str, type(None))):
        raise ConfigError("config.history-not-text",
                          location=yamlio.where(data, "history", default=str(path)))


def parse(data: Mapping[str, Any], path: Path) -> Config:
    base = path.parent

    def rel(value: str | None) -> Path | None:
        return None if value is None else (base / value)

    trusted = data.get("trusted") or {}
    cls = data.get("classification") or {}
    aws = data.get("aws") or {}
    azure = data.get("azure") or {}
    gcp = data.get("gcp") or {}

    def listed(value: Any) -> tuple[str, ...] | None:
        return None if value in (None, "all") else tuple(value)

    return Config(
        profile=data.get("profile", "hds"),
        allowed_countries=tuple(data.get("allowed_countries", ())),
        dpf=bool(data.get("dpf", False)),
        lang=Lang(data.get("lang", "en")),
        fail_on=Severity(data.get("fail_on", "high")),
        allow_unknown=bool(data.get("allow_unknown", False)),
        formats=tuple(dict.fromkeys(OutputFormat(f) for f in data.get("formats", ("json", "html")))),
        out=rel(data.get("out")) or Path("audit-out"),
        trusted_aws_accounts=tuple(trusted.get("aws_accounts", ())),
        trusted_azure_tenants=tuple(trusted.get("azure_tenants", ())),
        trusted_gcp_domains=tuple(d.lower() for d in trusted.get("gcp_domains", ())),
        classification=ClassificationConfig(
            tags={str(k): tuple(v) for k, v in (cls.get("tags") or {}).items()},
            names=tuple(cls.get("names", ())),
            kinds=tuple(cls.get("kinds", ())),
            replace_defaults=bool(cls.get("replace_defaults", False)),
        ),
        scope=data.get("scope", "health"),
        aws=AwsConfig(
            organization=bool(aws.get("organization", False)),
            role_name=aws.get("role_name", DEFAULT_AWS_ROLE),
            external_id=aws.get("external_id"),
            regions=listed(aws.get("regions")),
            accounts=listed(aws.get("accounts")),
            max_workers=int(aws.get("max_workers", 8)),
            config_aggregator=aws.get("config_aggregator"),
            config_aggregator_region=aws.get("config_aggregator_region"),
            config_max_age=duration(str(aws.get("config_max_age", "24h"))),
        ),
        azure=AzureConfig(
            subscriptions=listed(azure.get("subscriptions")),
            management_group=azure.get("management_group"),
            tenant=azure.get("tenant"),
            authority_host=azure.get("authority_host"),
            arm_endpoint=azure.get("arm_endpoint"),
            max_workers=int(azure.get("max_workers", 8)),
        ),
        gcp=GcpConfig(
            organization=gcp.get("organization"),
            folders=tuple(gcp.get("folders", ())),
            projects=listed(gcp.get("projects")),
            universe_domain=str(gcp.get("universe_domain", "googleapis.com")).lower(),
            endpoints={str(k): str(v).rstrip("/") for k, v in (gcp.get("endpoints") or {}).items()},
            domains=tuple(d.lower() for d in gcp.get("domains", ())),
            max_workers=int(gcp.get("max_workers", 8)),
        ),
        waivers=rel(data.get("waivers")),
        waiver_max_days=int(data.get("waiver_max_days", 365)),
        history=_store(data.get("history"), base),
        output_mode=data.get("output_mode", "private"),
        policy_dirs=tuple(base / p for p in data.get("policy_dirs", ())),
        source=str(path),
        report=_report(data.get("report") or {}, path),
        providers=tuple(p for p in ("aws", "azure", "gcp") if p in data),
    )


def _report(data: Mapping[str, Any], path: Path) -> ReportInfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    timezone = str(data.get("timezone", "Europe/Paris"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("config.timezone", location=str(path), hint="hint.timezone",
                          timezone=timezone) from None
    return ReportInfo(data.get("organization"), data.get("scope"), data.get("author"), data.get("approver"),
                      timezone, data.get("csv_separator"), dict(data.get("transfer_bases") or {}))


def _store(value: str | None, base: Path) -> Path | str | None:
    """``history:`` is a file (relative to the config file) or a PostgreSQL connection string, kept as text."""
    if value is None or dsn.is_postgres(value):
        return value
    return base / value
