"""AWS Backup: vaults, and where the backups of every protected store are copied.

Listing (every account and scanned region): ``ListBackupVaults`` (vaults are stores of kind
``backup-vault``; tags in bulk, ``ListTags`` as the fallback) and, where there is a vault for a
plan's rules to back up into, ``ListBackupPlans``.

Deep reads of an in-scope vault: ``GetBackupVaultAccessPolicy`` (grants, source ``vault-policy``)
and its KMS key.

:func:`link`, where an account and region hold in-scope stores:

* plans: ``GetBackupPlan``; a plan whose rules copy backups (``CopyActions`` ->
  ``DestinationBackupVaultArn``, whose ARN names the region and account) has its selections read
  (``ListBackupSelections`` + ``GetBackupSelection``: resource ARN patterns, ``NotResources``, tag
  lists and conditions), and every scanned store they select gets a ``backup`` location in the
  plan's vault and in each copy destination. When the selections cannot be read, the copy
  destinations go on the plan's vault instead and the failed call is the coverage gap that says
  which stores are concerned is unknown;
* recovery points: ``ListRecoveryPointsByBackupVault`` for every vault of the account -> a store
  with a recovery point in a vault of another region or account gets a ``backup`` location there
  (copies that a plan no longer shows, or made by hand);
* copy jobs: ``ListCopyJobs`` in each region holding a vault -> copies sent to vaults the scan does
  not see (another organisation's account).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from auditor.connectors.aws import gaps, plan, policy, regional, tagging
from auditor.connectors.aws.context import Scan
from auditor.connectors.aws.service import Found, KeyLookup, Link, Read, Service, listing_resource
from auditor.connectors.aws.session import Account
from auditor.connectors.spec import TypeSpec
from auditor.connectors.terraform import values as tfv
from auditor.connectors.terraform.facts import Attach, Change, Fact, Store, Target, arn_identity
from auditor.model.inventory import (
    AccessGrant,
    DataLocation,
    GapAspect,
    KeyManager,
    KeyRef,
    LocationRole,
    Permission,
    Resource,
)
from auditor.model.vocab import GrantSource, Kind, Via

OPERATIONS = {
    "backup:ListBackupVaults": "backup:ListBackupVaults",
    "backup:ListBackupPlans": "backup:ListBackupPlans",
    "backup:ListTags": "backup:ListTags",
    "backup:GetBackupVaultAccessPolicy": "backup:GetBackupVaultAccessPolicy",
    "backup:GetBackupPlan": "backup:GetBackupPlan",
    "backup:ListBackupSelections": "backup:ListBackupSelections",
    "backup:GetBackupSelection": "backup:GetBackupSelection",
    "backup:ListRecoveryPointsByBackupVault": "backup:ListRecoveryPointsByBackupVault",
    "backup:ListCopyJobs": "backup:ListCopyJobs",
    **tagging.OPERATIONS,
}
KIND, NATIVE = Kind.BACKUP_VAULT, "AWS::Backup::BackupVault"
_TAG_KEY = "aws:resourcetag/"
_VAULTS, _PLANS = "backup.vaults", "backup.plans"


def discover(scan: Scan) -> list[Found]:
    def listing(account: Account, region: str) -> tuple[list[Any] | None, list[Any] | None]:
        vaults = scan.pages(account, region, "backup", "ListBackupVaults", "BackupVaultList")
        if vaults == []:  # a plan's rules back up into a vault of its own region: none here, no plan either
            return vaults, []
        return vaults, scan.pages(account, region, "backup", "ListBackupPlans", "BackupPlansList")

    listed = regional.per_region(scan, listing)
    placed: dict[tuple[str, str], list[str]] = {}
    for account, region, (vaults, _) in listed:
        if vaults:
            placed.setdefault((account.id, region), []).extend(str(v["BackupVaultArn"]) for v in vaults)

    def one_by_one(account: Account, arn: str) -> dict[str, str] | None:
        answer = scan.call(account, regional.arn_region(arn), "backup", "ListTags", resource=arn, ResourceArn=arn)
        return None if answer is None else regional.tag_map(answer.get("Tags"))

    tags = tagging.bulk_tags(scan, placed, "backup:backup-vault", one_by_one)
    found = []
    scan.shared[_PLANS] = [(account, region, p) for account, region, (_, plans) in listed for p in plans or ()]
    scan.shared[_VAULTS] = [(account, region, v) for account, region, (vaults, _) in listed for v in vaults or ()]
    for account, region, vault in scan.shared[_VAULTS]:
        arn = str(vault["BackupVaultArn"])
        found.append(Found(
            arn=arn, service="backup", kind=KIND, native_type=NATIVE, name=str(vault["BackupVaultName"]),
            account=account.id, region=region, tags=tags.get(arn) or {}, evidence=("backup:ListBackupVaults",),
            facts={"encryption_key": vault.get("EncryptionKeyArn"), "vault_type": vault.get("VaultType"),
                   "locked": vault.get("Locked"), "recovery_points": vault.get("NumberOfRecoveryPoints"),
                   **({"tags_unreadable": True} if tags.get(arn) is None else {})}))
    return found


def read(scan: Scan, found: Found, deep: bool) -> Read:
    if not deep:
        return regional.shallow(scan, found)
    account = scan.account(found.account)
    assert account is not None, "a listed vault always belongs to a scanned account"
    answer = scan.call(account, found.region, "backup", "GetBackupVaultAccessPolicy", resource=found.arn,
                       absent=("ResourceNotFoundException",), BackupVaultName=found.name)
    grants = _grants(scan, found, answer)
    key = found.facts.get("encryption_key")
    lookup = KeyLookup(account.id, found.region, str(key)) if key else None
    keyref = KeyRef(KeyManager.UNKNOWN, str(key) if key else None, found.region)
    resource = listing_resource(found, scan.organization, encryption=keyref, access=tuple(grants or ()),
                                evidence=(*found.evidence, "backup:GetBackupVaultAccessPolicy"),
                                attributes={"depth": "deep", "access_policy_readable": answer is not None})
    return Read(resource, key=lookup)


def _grants(scan: Scan, found: Found, answer: dict[str, Any] | None) -> list[AccessGrant] | None:
    if not answer or not answer.get("Policy"):
        return None if answer is None else []
    try:
        return policy.grants(str(answer["Policy"]), service="backup", source=GrantSource.VAULT_POLICY,
                             resource_arns=(found.arn,))
    except ValueError as exc:
        scan.gap("backup", gaps.ERROR, f"backup:GetBackupVaultAccessPolicy: unreadable policy document ({exc})",
                 account=found.account, region=found.region, resource=found.arn, aspect=GapAspect.ACCESS)
        return None


# -- links: plans, recovery points, copy jobs -----------------------------------------------------


def _backup_location(vault_arn: str, via: Via, default_region: str) -> DataLocation:
    return DataLocation(regional.arn_region(vault_arn, default_region), LocationRole.BACKUP, via=via,
                        target=vault_arn, account=regional.arn_account(vault_arn))


def link(scan: Scan, resources: Mapping[str, Resource]) -> list[Link]:
    places = {(r.account, r.region) for r in resources.values() if r.attributes.get("depth") == "deep"}
    accounts = {a for a, _ in places}
    plans = [(a, r, p) for a, r, p in scan.shared.get(_PLANS, ()) if (a.id, r) in places]
    vaults = [(a, r, v) for a, r, v in scan.shared.get(_VAULTS, ()) if a.id in accounts]
    links: list[Link] = []
    for plan_links in scan.map(lambda p: _plan(scan, p[0], p[1], p[2], resources), plans):
        links += plan_links
    for point_links in scan.map(lambda v: _recovery_points(scan, v[0], v[1], v[2], resources), vaults):
        links += point_links
    regions = sorted({(a.id, r) for a, r, _ in vaults})
    by_id = {a.id: a for a in scan.accounts}
    for job_links in scan.map(lambda p: _copy_jobs(scan, by_id[p[0]], p[1], resources), regions):
        links += job_links
    return links


def _plan(scan: Scan, account: Account, region: str, summary: Mapping[str, Any],
          resources: Mapping[str, Resource]) -> list[Link]:
    plan_id, plan_arn = str(summary["BackupPlanId"]), str(summary.get("BackupPlanArn") or summary["BackupPlanId"])
    answer = scan.call(account, region, "backup", "GetBackupPlan", resource=plan_arn, BackupPlanId=plan_id)
    rules = ((answer or {}).get("BackupPlan") or {}).get("Rules") or []
    targets = [account.arn("backup", f"backup-vault:{r.get('TargetBackupVaultName')}", region) for r in rules]
    copies = [str(c["DestinationBackupVaultArn"]) for r in rules for c in r.get("CopyActions") or []
              if c.get("DestinationBackupVaultArn")]
    if not copies:
        return []  # backups stay in the plan's own region and account
    vault_locations = [_backup_location(t, Via.AWS_BACKUP, region) for t in dict.fromkeys(targets)]
    copy_locations = [_backup_location(c, Via.BACKUP_COPY_ACTION, region) for c in dict.fromkeys(copies)]
    evidence = ("backup:GetBackupPlan", "backup:ListBackupSelections", "backup:GetBackupSelection")
    selections = _selections(scan, account, region, plan_id, plan_arn)
    if selections is None:  # which stores the plan protects is unknown: the copies are at least the vault's
        return [Link(t, loc, evidence[:2], "backup_plans", plan_arn) for t in dict.fromkeys(targets)
                for loc in copy_locations]
    chosen = [res.id for res in resources.values() if res.account == account.id and res.region == region
              and res.service in scan.backed_up and any(selects(s, res) for s in selections)]
    return [Link(arn, loc, evidence, "backup_plans", plan_arn) for arn in chosen
            for loc in (*vault_locations, *copy_locations)]


def _selections(scan: Scan, account: Account, region: str, plan_id: str, plan_arn: str
                ) -> list[dict[str, Any]] | None:
    listed = scan.pages(account, region, "backup", "ListBackupSelections", "BackupSelectionsList",
                        resource=plan_arn, BackupPlanId=plan_id)
    if listed is None:
        return None
    out = []
    for item in listed:
        answer = scan.call(account, region, "backup", "GetBackupSelection", resource=plan_arn, BackupPlanId=plan_id,
                           SelectionId=item["SelectionId"])
        if answer is None:
            return None
        out.append(answer.get("BackupSelection") or {})
    return out


def _tag_key(key: Any) -> str:
    text = str(key or "")
    return text[len(_TAG_KEY):] if text.lower().startswith(_TAG_KEY) else text


def selects(selection: Mapping[str, Any], resource: Resource) -> bool:
    """AWS Backup's assignment: (an ARN pattern or a listed tag) and every condition, minus NotResources."""
    by_arn = any(fnmatch.fnmatchcase(resource.id, str(p)) for p in selection.get("Resources") or [])
    by_tag = any(str(t.get("ConditionType") or "STRINGEQUALS").upper() == "STRINGEQUALS"
                 and resource.tags.get(_tag_key(t.get("ConditionKey"))) == str(t.get("ConditionValue"))
                 for t in selection.get("ListOfTags") or [])
    if not (by_arn or by_tag):
        return False
    if any(fnmatch.fnmatchcase(resource.id, str(p)) for p in selection.get("NotResources") or []):
        return False
    conditions = selection.get("Conditions") or {}
    for operator, items in conditions.items():
        for item in items or []:
            value = resource.tags.get(_tag_key(item.get("ConditionKey")))
            wanted = str(item.get("ConditionValue"))
            matched = value is not None and (fnmatch.fnmatchcase(value, wanted) if "Like" in operator
                                             else value == wanted)
            if matched == ("Not" in operator):
                return False
    return True


def _elsewhere(resource: Resource, vault_arn: str) -> bool:
    return (regional.arn_region(vault_arn) != resource.region
            or regional.arn_account(vault_arn, resource.account) != resource.account)


def _recovery_points(scan: Scan, account: Account, region: str, vault: Mapping[str, Any],
                     resources: Mapping[str, Resource]) -> list[Link]:
    vault_arn = str(vault["BackupVaultArn"])
    points = scan.pages(account, region, "backup", "ListRecoveryPointsByBackupVault", "RecoveryPoints",
                        resource=vault_arn, BackupVaultName=vault["BackupVaultName"])
    out = {}
    for point in points or ():
        res = resources.get(str(point.get("ResourceArn")))
        if res is not None and _elsewhere(res, vault_arn):
            via = Via.BACKUP_COPY if point.get("SourceBackupVaultArn") else Via.AWS_BACKUP
            out[(res.id, via)] = Link(res.id, _backup_location(vault_arn, via, region),
                                      ("backup:ListRecoveryPointsByBackupVault",), "backup_vaults", vault_arn)
    return list(out.values())


def _copy_jobs(scan: Scan, account: Account, region: str, resources: Mapping[str, Resource]) -> list[Link]:
    jobs = scan.pages(account, region, "backup", "ListCopyJobs", "CopyJobs")
    out = {}
    for job in jobs or ():
        res = resources.get(str(job.get("ResourceArn")))
        dest = str(job.get("DestinationBackupVaultArn") or "")
        if res is not None and dest and job.get("State") != "FAILED" and _elsewhere(res, dest):
            out[(res.id, dest)] = Link(res.id, _backup_location(dest, Via.BACKUP_COPY_JOB, region),
                                       ("backup:ListCopyJobs",), "backup_vaults", dest)
    return list(out.values())


# -- in a Terraform plan ----------------------------------------------------------------------


def backup_vault(change: Change) -> Iterator[Fact]:
    yield Store(
        kind=Kind.BACKUP_VAULT,
        service="backup",
        name=change.planned_name("name"),
        key=plan.kms_link(change, ("kms_key_arn",), aws_managed="aws/backup"),
        identities=plan.identities("backup", change, "name"),
    )


def backup_vault_policy(change: Change) -> Iterator[Fact]:
    vault = plan.target(change, "backup_vault_name", Kind.BACKUP_VAULT, "backup", create=False)
    yield from plan.policy_attachment(change, vault, service="backup", source=GrantSource.VAULT_POLICY,
                                      resource_arn=change.text("backup_vault_arn"))


def _copies(planned: Change, rule: int) -> list[DataLocation]:
    out = []
    for j, _ in tfv.items(planned.get("rule", rule, "copy_action")):
        path = ("rule", rule, "copy_action", j, "destination_vault_arn")
        arn = planned.text(*path)
        targets = planned.refs(*path)
        if not targets and arn:
            found = planned.find(("aws_backup_vault",), "arn", arn)
            targets = [found] if found else []
        region = planned.resolver.region_of_arn_or_target(arn, targets)
        out.append(
            DataLocation(region.value, LocationRole.BACKUP, Via.BACKUP_COPY_ACTION, targets[0] if targets else arn)
        )
    return out


def _vault_target(planned: Change, rule: int) -> Target:
    name = planned.text("rule", rule, "target_vault_name")
    return Target(tuple(planned.refs("rule", rule, "target_vault_name")), f"backup:{name}" if name else None,
                  Kind.BACKUP_VAULT, "backup", name)


def backup_plan(change: Change) -> Iterator[Fact]:
    for i, _ in tfv.items(change.get("rule")):
        copies = _copies(change, i)
        if copies:
            yield Attach(_vault_target(change, i), locations=tuple(copies), evidence=(change.path("rule", i),))


def backup_selection(change: Change) -> Iterator[Fact]:
    """Resources selected by a plan: backed up into its vaults and every copy destination."""
    locations: list[DataLocation] = []
    for plan_address in change.refs("plan_id"):
        planned = change.other(plan_address)
        if planned is None:
            continue
        for i, _ in tfv.items(planned.get("rule")):
            vault = _vault_target(planned, i)
            region = change.region_of(vault.addresses[0]) if vault.addresses else planned.region
            locations.append(DataLocation(region.value, LocationRole.BACKUP, Via.AWS_BACKUP, vault.name))
            locations += _copies(planned, i)
    if not locations:
        return
    for address in change.refs("resources"):
        yield Attach(Target((address,), create=False), locations=tuple(locations), evidence=(change.path("resources"),))
    for arn in change.get("resources") or []:
        identity = arn_identity(arn) if isinstance(arn, str) else None
        if identity:
            yield Attach(Target(identity=identity, create=False), locations=tuple(locations))


SERVICE = Service(
    name="backup", operations=OPERATIONS, discover=discover, read=read, link=link,
    types=(TypeSpec(KIND, NATIVE, terraform=("aws_backup_vault",)),),
    plan={"aws_backup_vault": backup_vault, "aws_backup_vault_policy": backup_vault_policy,
          "aws_backup_plan": backup_plan, "aws_backup_selection": backup_selection},
    probes={"backup": {  # vault access policies
        Permission.READ: ("backup:CopyFromBackupVault", "backup:DescribeRecoveryPoint",
                          "backup:GetRecoveryPointRestoreMetadata"),
        Permission.WRITE: ("backup:CopyIntoBackupVault", "backup:StartBackupJob"),
        Permission.ADMIN: ("backup:DeleteRecoveryPoint", "backup:PutBackupVaultAccessPolicy",
                           "backup:DeleteBackupVault"),
    }},
    vias=(Via.AWS_BACKUP, Via.BACKUP_COPY, Via.BACKUP_COPY_ACTION, Via.BACKUP_COPY_JOB),
)
