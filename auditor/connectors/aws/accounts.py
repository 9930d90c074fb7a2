"""Who the scan runs as, which accounts it covers and which regions are enabled in each.

The caller's account by default; with ``aws.organization`` every active account of the AWS
Organization (``ListAccounts``), entered through ``AssumeRole`` into ``aws.role_name`` (with
``aws.external_id`` when set). The partition comes from the caller's ARN, so the AWS European
Sovereign Cloud (``aws-eusc``) works when the credentials and region point there.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from botocore.exceptions import NoCredentialsError

from auditor.connectors.aws import gaps
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Service
from auditor.connectors.aws.session import HOME_REGIONS, Account, TemporaryCredentials, partition_of
from auditor.connectors.base import in_shard
from auditor.errors import ConnectorError

SERVICE = Service(
    name="accounts",
    operations={
        "sts:GetCallerIdentity": "sts:GetCallerIdentity",
        "sts:AssumeRole": "sts:AssumeRole",
        "organizations:DescribeOrganization": "organizations:DescribeOrganization",
        "organizations:ListAccounts": "organizations:ListAccounts",
        "ec2:DescribeRegions": "ec2:DescribeRegions",
    },
)

SESSION_NAME = "sovereign-auditor"


def identify(scan: Scan) -> Account:
    """The caller's account, or ``ConnectorError`` when AWS cannot be reached at all."""
    session = scan.clients.base_session()
    region = session.region_name or HOME_REGIONS["aws"]
    try:
        identity = scan.client(None, "sts", region).get_caller_identity()
    except NoCredentialsError as exc:
        raise ConnectorError("cloud.aws-no-credentials", hint="hint.aws-sign-in") from exc
    except gaps.SDK_ERRORS as exc:
        raise ConnectorError("cloud.aws-unreachable", hint="hint.aws-reach",
                             error=gaps.describe(exc, "sts:GetCallerIdentity", _secrets(scan))) from exc
    partition = str(identity["Arn"]).split(":")[1]
    home = region if partition_of(region) == partition else HOME_REGIONS.get(partition, region)
    return Account(id=str(identity["Account"]), partition=partition, home_region=home)


def organization(scan: Scan, base: Account) -> str | None:
    """The organization id, or ``None`` when the account is not in one."""
    found = scan.call(base, base.home_region, "organizations", "DescribeOrganization",
                      absent=("AWSOrganizationsNotInUseException",))
    if not found:
        return None
    org_id = found.get("Organization", {}).get("Id")
    return str(org_id) if org_id else None


def open_accounts(scan: Scan, base: Account) -> list[Account]:
    """Every account to scan, each with its credentials and enabled regions."""
    cfg = scan.config.aws
    targets: list[tuple[str, str | None]] = [(base.id, None)]
    emails: dict[str, str] = {}
    if cfg.organization:
        listed = scan.pages(base, base.home_region, "organizations", "ListAccounts", "Accounts")
        if listed is not None:
            active = [a for a in listed if str(a.get("State") or a.get("Status") or "ACTIVE").upper() == "ACTIVE"]
            targets = [(str(a["Id"]), a.get("Name")) for a in active]
            emails = {str(a["Id"]): str(a["Email"]) for a in active if a.get("Email")}
    elif cfg.accounts:
        targets = [(a, None) for a in cfg.accounts]
    if cfg.accounts and cfg.organization:
        wanted = set(cfg.accounts)
        targets = [t for t in targets if t[0] in wanted]
    targets = [t for t in targets if in_shard(t[0], scan.config.shard)]  # --shard I/N: this runner's slice
    opened = scan.map(lambda t: _open(scan, base, t[0], t[1]), targets)
    return [replace(a, email=emails.get(a.id)) for a in opened if a is not None]


# Hosts of AWS's own endpoints (commercial, China, GovCloud, dual-stack, European Sovereign Cloud, ISO).
AWS_DOMAINS = ("amazonaws.com", "amazonaws.com.cn", "api.aws", "amazonaws.eu", "c2s.ic.gov", "sc2s.sgov.gov")


def emulated(scan: Scan) -> bool:
    """Whether the scan talks to something other than AWS (``AWS_ENDPOINT_URL`` pointing at an emulator)."""
    session = scan.clients.base_session()
    endpoint = str(getattr(scan.client(None, "sts", session.region_name or HOME_REGIONS["aws"]).meta,
                           "endpoint_url", "") or "")
    host = (urlsplit(endpoint).hostname or "").lower()
    return not any(host == d or host.endswith("." + d) for d in AWS_DOMAINS)


def account_keys(scan: Scan, opened: list[Account]) -> dict[str, str]:
    """What names each account across runs when its id does not: on an emulator, which makes up new member
    account ids each time it starts, an account listed by Organizations is its email (a finding about it keeps
    its identity, see :mod:`auditor.model.identity`). On AWS an account id lasts: nothing."""
    with_email = {a.id: f"aws-account:{a.email}" for a in opened if a.email}
    return with_email if with_email and emulated(scan) else {}


def _open(scan: Scan, base: Account, account_id: str, name: str | None) -> Account | None:
    account = replace(base, name=name) if account_id == base.id else _assume(scan, base, account_id, name)
    if account is None:
        return None
    return replace(account, regions=regions(scan, account))


ROLE_SESSION_SECONDS = 3600  # each AssumeRole session; renewed before it ends (see TemporaryCredentials)


def _assume(scan: Scan, base: Account, account_id: str, name: str | None) -> Account | None:
    cfg = scan.config.aws
    role_arn = f"arn:{base.partition}:iam::{account_id}:role/{cfg.role_name}"
    params: dict[str, object] = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME,
                                 "DurationSeconds": ROLE_SESSION_SECONDS}
    if cfg.external_id:
        params["ExternalId"] = cfg.external_id

    def assume() -> dict[str, str]:
        """AssumeRole, as botocore's credential metadata (called again, before expiry, on long scans)."""
        creds = scan.client(base, "sts", base.home_region).assume_role(**params)["Credentials"]
        expiration = creds["Expiration"]
        return {"access_key": str(creds["AccessKeyId"]), "secret_key": str(creds["SecretAccessKey"]),
                "token": str(creds["SessionToken"]),
                "expiry_time": expiration.isoformat() if hasattr(expiration, "isoformat") else str(expiration)}

    try:
        first = assume()
    except gaps.SDK_ERRORS as exc:
        error = gaps.describe(exc, f"sts:AssumeRole {role_arn}", [*_secrets(scan), cfg.external_id])
        scan.gap("sts", gaps.UNASSUMABLE, error, account=account_id)
        return None
    temporary = TemporaryCredentials(first["access_key"], first["secret_key"], first["token"],
                                     expiry=first["expiry_time"], refresh=assume)
    return Account(id=account_id, partition=base.partition, home_region=base.home_region, credentials=temporary,
                   name=name)


def regions(scan: Scan, account: Account) -> tuple[str, ...]:
    """The configured regions, or every region enabled in the account.

    A configured region that the account has not opted into becomes a ``region-disabled`` gap
    instead of a string of failed calls.
    """
    wanted = scan.config.aws.regions
    found = scan.call(account, account.home_region, "ec2", "DescribeRegions", AllRegions=True)
    if found is None:  # gap recorded; fall back to what we were told, or the home region
        return tuple(wanted) if wanted else (account.home_region,)
    status = {str(r["RegionName"]): str(r.get("OptInStatus") or "opt-in-not-required")
              for r in found.get("Regions", []) if partition_of(str(r["RegionName"])) == account.partition}
    if wanted is None:
        return tuple(sorted(r for r, s in status.items() if s != "not-opted-in"))
    kept: list[str] = []
    for region in wanted:
        if status.get(region) == "not-opted-in":
            scan.gap("ec2", gaps.REGION_DISABLED, f"region {region} is not enabled in account {account.id}",
                     account=account.id, region=region)
        else:
            kept.append(region)
    return tuple(kept)


def _secrets(scan: Scan) -> list[str]:
    try:
        return scan.clients.secrets()
    except Exception:  # a credential provider that fails again while we report its failure
        return []
