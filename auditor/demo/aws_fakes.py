"""What the local AWS emulator (moto 5.2) lacks, answered on the same HTTP endpoint.

moto implements neither AWS HealthLake nor AWS HealthImaging, silently drops DynamoDB global-table
replicas, and has no route for AWS Backup selections, recovery points, copy jobs and vault access
policies, nor for EFS replication, nor for Bedrock application inference profiles. :class:`GapFiller`
is a WSGI layer in front of moto's own
application: it answers those operations from a small state of its own, filled through the same
APIs a real estate would be built with (``CreateFHIRDatastore``, ``UpdateTable(ReplicaUpdates)``,
``CreateBackupSelection``, ``StartBackupJob``, ``StartCopyJob``, ``CreateReplicationConfiguration``,
``CreateInferenceProfile``…),
and passes every other request to moto untouched. ``POST /moto-api/reset`` clears both.

The demo, the tests and the benchmark run the real connector against it over HTTP; a scan of a real
cloud never meets it. Response shapes follow botocore's service models
(``botocore/data/<service>/<version>/service-2.json``); only the fields the connector reads are filled.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from auditor.demo import aws_fakes_ai
from auditor.demo.aws_fakes_ai import AiState

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
DEFAULT_ACCOUNT = "123456789012"

Reply = tuple[int, Any, dict[str, str]]


@dataclass(slots=True)
class _Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    target: str
    access_key: str
    region: str
    service: str
    account: str

    def json(self) -> dict[str, Any]:
        loaded = json.loads(self.body or b"{}")
        return loaded if isinstance(loaded, dict) else {}


@dataclass(slots=True)
class _State:
    fhir: list[dict[str, Any]] = field(default_factory=list)  # HealthLake data stores (+ "_tags", "_where")
    imaging: list[dict[str, Any]] = field(default_factory=list)
    global_tables: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (account, table) -> regions
    selections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # plan id -> selections
    recovery_points: list[dict[str, Any]] = field(default_factory=list)
    inference_profiles: list[dict[str, Any]] = field(default_factory=list)  # (+ "_where", "_tags")
    copy_jobs: list[dict[str, Any]] = field(default_factory=list)
    vault_policies: dict[str, str] = field(default_factory=dict)  # vault ARN -> policy
    efs_replications: dict[str, dict[str, Any]] = field(default_factory=dict)  # source fs id -> configuration
    ai: AiState = field(default_factory=AiState)  # Bedrock data sources, guardrails, provisioned throughput


def _account_of(access_key: str) -> str:
    try:  # moto maps assumed-role keys to the member account
        from moto.iam.models import get_account_id_from

        return str(get_account_id_from(access_key))
    except Exception:  # pragma: no cover - moto absent or changed
        return DEFAULT_ACCOUNT


def _error(status: int, code: str, message: str) -> Reply:
    return status, {"__type": code, "message": message, "Message": message, "ErrorCode": code}, {
        "x-amzn-ErrorType": code}


class GapFiller:
    """WSGI middleware: the operations moto lacks from its own state, everything else to ``app``."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.state = _State()
        self.lock = threading.Lock()
        self._routes: dict[str, Callable[[_Request, WSGIEnvironment], Reply | None]] = {
            "healthlake": self._healthlake, "medical-imaging": self._imaging, "dynamodb": self._dynamodb,
            "backup": self._backup, "elasticfilesystem": self._efs, "bedrock": self._bedrock,
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "/")
        if path.startswith("/moto-api/reset"):
            with self.lock:
                self.state = _State()
            return self.app(environ, start_response)
        scope = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        route = self._routes.get(scope.group(3)) if scope else None
        if scope is None or route is None:
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # moto may still need to read it
        request = _Request(
            method=str(environ.get("REQUEST_METHOD") or "GET"), path=unquote(path),
            query=parse_qs(str(environ.get("QUERY_STRING") or "")), body=body,
            target=str(environ.get("HTTP_X_AMZ_TARGET") or "").rpartition(".")[2], access_key=scope.group(1),
            region=scope.group(2), service=scope.group(3), account=_account_of(scope.group(1)))
        with self.lock:
            reply = route(request, environ)
        if reply is None:
            return self.app(environ, start_response)
        return _send(start_response, reply, "application/x-amz-json-1.0" if request.target else "application/json")

    # -- plumbing -------------------------------------------------------------------------------

    def _call_moto(self, environ: WSGIEnvironment, target: str, payload: dict[str, Any],
                   region: str | None = None) -> tuple[int, dict[str, Any]]:
        """One JSON-protocol request to moto itself (same caller), e.g. DescribeTable."""
        data = json.dumps(payload).encode()
        sub = dict(environ)
        sub.update({"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "", "CONTENT_LENGTH": str(len(data)),
                    "wsgi.input": io.BytesIO(data), "HTTP_X_AMZ_TARGET": target})
        if region:
            sub["HTTP_AUTHORIZATION"] = _SCOPE.sub(lambda m: m.group(0).replace(f"/{m.group(2)}/", f"/{region}/"),
                                                   str(sub.get("HTTP_AUTHORIZATION") or ""))
        status: list[int] = []

        def capture(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
            status.append(int(line.split()[0]))
            return lambda _: None

        raw = b"".join(self.app(sub, capture))
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {}
        return (status[0] if status else 500), (answer if isinstance(answer, dict) else {})

    # -- AWS HealthLake (JSON 1.0, target HealthLake.<Operation>) --------------------------------

    def _healthlake(self, req: _Request, environ: WSGIEnvironment) -> Reply | None:
        body = req.json()
        mine = [d for d in self.state.fhir if d["_where"] == (req.account, req.region)]
        if req.target == "CreateFHIRDatastore":
            ident = _uuid4().hex
            store = {
                "DatastoreId": ident, "DatastoreName": body.get("DatastoreName") or ident,
                "DatastoreArn": f"arn:aws:healthlake:{req.region}:{req.account}:datastore/fhir/{ident}",
                "DatastoreStatus": "ACTIVE", "CreatedAt": time.time(),
                "DatastoreTypeVersion": body.get("DatastoreTypeVersion", "R4"),
                "DatastoreEndpoint": f"https://healthlake.{req.region}.amazonaws.com/datastore/{ident}/r4/",
                "SseConfiguration": body.get("SseConfiguration") or {
                    "KmsEncryptionConfig": {"CmkType": "AWS_OWNED_KMS_KEY"}},
                "_tags": body.get("Tags") or [], "_where": (req.account, req.region),
            }
            if body.get("IdentityProviderConfiguration"):
                store["IdentityProviderConfiguration"] = body["IdentityProviderConfiguration"]
            self.state.fhir.append(store)
            return 200, {k: store[k] for k in ("DatastoreId", "DatastoreArn", "DatastoreStatus",
                                                "DatastoreEndpoint")}, {}
        if req.target == "ListFHIRDatastores":
            return 200, {"DatastorePropertiesList": [_public(d) for d in mine]}, {}
        if req.target == "DescribeFHIRDatastore":
            found = [d for d in mine if d["DatastoreId"] == body.get("DatastoreId")]
            return (200, {"DatastoreProperties": _public(found[0])}, {}) if found else _error(
                400, "ResourceNotFoundException", "no such data store")
        if req.target == "ListTagsForResource":
            found = [d for d in self.state.fhir if d["DatastoreArn"] == body.get("ResourceARN")]
            return (200, {"Tags": found[0]["_tags"]}, {}) if found else _error(
                400, "ResourceNotFoundException", "no such resource")
        return _error(400, "UnknownOperationException", f"{req.target} is not emulated")

    # -- AWS HealthImaging (REST JSON) ------------------------------------------------------------

    def _imaging(self, req: _Request, environ: WSGIEnvironment) -> Reply | None:
        mine = [d for d in self.state.imaging if d["_where"] == (req.account, req.region)]
        if req.method == "POST" and req.path == "/datastore":
            body = req.json()
            ident = _uuid4().hex
            store = {"datastoreId": ident, "datastoreName": body.get("datastoreName") or ident,
                     "datastoreStatus": "ACTIVE",
                     "datastoreArn": f"arn:aws:medical-imaging:{req.region}:{req.account}:datastore/{ident}",
                     "createdAt": time.time(), "updatedAt": time.time(),
                     "_tags": body.get("tags") or {}, "_where": (req.account, req.region)}
            if body.get("kmsKeyArn"):
                store["kmsKeyArn"] = body["kmsKeyArn"]
            self.state.imaging.append(store)
            return 200, {"datastoreId": ident, "datastoreStatus": "ACTIVE"}, {}
        if req.method == "GET" and req.path == "/datastore":
            keys = ("datastoreId", "datastoreName", "datastoreStatus", "datastoreArn", "createdAt", "updatedAt")
            return 200, {"datastoreSummaries": [{k: d[k] for k in keys} for d in mine]}, {}
        if req.method == "GET" and req.path.startswith("/datastore/"):
            found = [d for d in mine if d["datastoreId"] == req.path.rsplit("/", 1)[1]]
            return (200, {"datastoreProperties": _public(found[0])}, {}) if found else _error(
                404, "ResourceNotFoundException", "no such data store")
        if req.method == "GET" and req.path.startswith("/tags/"):
            found = [d for d in self.state.imaging if d["datastoreArn"] == req.path[len("/tags/"):]]
            return (200, {"tags": found[0]["_tags"]}, {}) if found else _error(
                404, "ResourceNotFoundException", "no such resource")
        return _error(404, "UnknownOperationException", f"{req.method} {req.path} is not emulated")

    # -- DynamoDB global tables (version 2019.11.21) ----------------------------------------------

    def _dynamodb(self, req: _Request, environ: WSGIEnvironment) -> Reply | None:
        body = req.json()
        name = str(body.get("TableName") or "")
        if req.target == "UpdateTable" and body.get("ReplicaUpdates"):
            status, described = self._call_moto(environ, "DynamoDB_20120810.DescribeTable", {"TableName": name})
            if status != 200:
                return status, described, {}
            table = described.get("Table") or {}
            regions = self.state.global_tables.setdefault((req.account, name), {req.region})
            for update in body["ReplicaUpdates"]:
                if "Create" in update:
                    region = str(update["Create"]["RegionName"])
                    self._call_moto(environ, "DynamoDB_20120810.CreateTable", {
                        "TableName": name, "KeySchema": table.get("KeySchema"),
                        "AttributeDefinitions": table.get("AttributeDefinitions"),
                        "BillingMode": "PAY_PER_REQUEST"}, region=region)
                    regions.add(region)
                elif "Delete" in update:
                    regions.discard(str(update["Delete"]["RegionName"]))
            return 200, {"TableDescription": self._with_replicas(table, req.account, req.region)}, {}
        if req.target == "DescribeTable":
            status, described = self._call_moto(environ, "DynamoDB_20120810.DescribeTable", body)
            if status == 200 and (req.account, name) in self.state.global_tables:
                described["Table"] = self._with_replicas(described.get("Table") or {}, req.account, req.region)
            return status, described, {}
        return None

    def _with_replicas(self, table: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        regions = self.state.global_tables.get((account, str(table.get("TableName"))), set())
        return {**table, "GlobalTableVersion": "2019.11.21", "Replicas": [
            {"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in sorted(regions) if r != region]}

    # -- AWS Backup: selections, jobs, recovery points, vault policies -----------------------------

    def _backup(self, req: _Request, environ: WSGIEnvironment) -> Reply | None:
        parts = [p for p in req.path.split("/") if p]
        body = req.json() if req.method in ("PUT", "POST") else {}
        arn = f"arn:aws:backup:{req.region}:{req.account}"
        if parts[:2] == ["backup", "plans"] and len(parts) >= 4 and parts[3] == "selections":
            chosen = self.state.selections.setdefault(parts[2], [])
            if req.method == "PUT" and len(parts) == 4:
                selection = {"SelectionId": _uuid4().hex, "BackupPlanId": parts[2], "CreationDate": time.time(),
                             "BackupSelection": body.get("BackupSelection") or {}}
                chosen.append(selection)
                return 200, {k: selection[k] for k in ("SelectionId", "BackupPlanId", "CreationDate")}, {}
            if req.method == "GET" and len(parts) == 4:
                return 200, {"BackupSelectionsList": [{
                    "SelectionId": s["SelectionId"], "BackupPlanId": s["BackupPlanId"],
                    "CreationDate": s["CreationDate"], "SelectionName": s["BackupSelection"].get("SelectionName"),
                    "IamRoleArn": s["BackupSelection"].get("IamRoleArn")} for s in chosen]}, {}
            found = [s for s in chosen if s["SelectionId"] == parts[-1]]
            return (200, found[0], {}) if found else _error(404, "ResourceNotFoundException", "no such selection")
        if parts == ["backup-jobs"] and req.method == "PUT":
            point = _recovery_point(f"{arn}:backup-vault:{body.get('BackupVaultName')}", str(body.get("ResourceArn")))
            self.state.recovery_points.append(point)
            return 200, {"BackupJobId": _uuid4().hex, "RecoveryPointArn": point["RecoveryPointArn"],
                         "CreationDate": point["CreationDate"]}, {}
        if parts == ["copy-jobs"] and req.method == "PUT":
            source = [p for p in self.state.recovery_points if p["RecoveryPointArn"] == body.get("RecoveryPointArn")]
            if not source:
                return _error(400, "InvalidParameterValueException", "no such recovery point")
            copied = _recovery_point(str(body.get("DestinationBackupVaultArn")), source[0]["ResourceArn"],
                                     source=source[0]["BackupVaultArn"])
            self.state.recovery_points.append(copied)
            job = {"CopyJobId": _uuid4().hex, "AccountId": req.account, "State": "COMPLETED",
                   "SourceBackupVaultArn": source[0]["BackupVaultArn"],
                   "SourceRecoveryPointArn": source[0]["RecoveryPointArn"],
                   "DestinationBackupVaultArn": copied["BackupVaultArn"],
                   "DestinationRecoveryPointArn": copied["RecoveryPointArn"], "ResourceArn": copied["ResourceArn"],
                   "ResourceType": copied["ResourceType"], "CreationDate": time.time(), "_region": req.region}
            self.state.copy_jobs.append(job)
            return 200, {"CopyJobId": job["CopyJobId"], "CreationDate": job["CreationDate"]}, {}
        if parts == ["copy-jobs"] and req.method == "GET":
            return 200, {"CopyJobs": [_public(j) for j in self.state.copy_jobs
                                      if (j["AccountId"], j["_region"]) == (req.account, req.region)]}, {}
        if len(parts) == 3 and parts[0] == "backup-vaults" and parts[2] == "recovery-points":
            vault = f"{arn}:backup-vault:{parts[1]}"
            return 200, {"RecoveryPoints": [p for p in self.state.recovery_points if p["BackupVaultArn"] == vault]}, {}
        if len(parts) == 3 and parts[0] == "backup-vaults" and parts[2] == "access-policy":
            vault = f"{arn}:backup-vault:{parts[1]}"
            if req.method == "PUT":
                self.state.vault_policies[vault] = str(body.get("Policy") or "")
                return 200, {}, {}
            if vault not in self.state.vault_policies:
                return _error(404, "ResourceNotFoundException", "the vault has no access policy")
            return 200, {"BackupVaultName": parts[1], "BackupVaultArn": vault,
                         "Policy": self.state.vault_policies[vault]}, {}
        return None

    # -- EFS replication ---------------------------------------------------------------------------

    def _efs(self, req: _Request, environ: WSGIEnvironment) -> Reply | None:
        parts = [p for p in req.path.split("/") if p]
        if req.method == "POST" and len(parts) == 4 and parts[3] == "replication-configuration":
            body = req.json()
            source = parts[2]
            config = {
                "SourceFileSystemId": source, "SourceFileSystemRegion": req.region,
                "SourceFileSystemArn": f"arn:aws:elasticfilesystem:{req.region}:{req.account}:file-system/{source}",
                "OriginalSourceFileSystemArn":
                    f"arn:aws:elasticfilesystem:{req.region}:{req.account}:file-system/{source}",
                "CreationTime": time.time(), "SourceFileSystemOwnerId": req.account,
                "Destinations": [{"Status": "ENABLED", "FileSystemId": d.get("FileSystemId") or
                                  f"fs-{_uuid4().hex[:8]}", "Region": d.get("Region") or req.region,
                                  "OwnerId": req.account} for d in body.get("Destinations") or []],
            }
            self.state.efs_replications[source] = config
            return 200, config, {}
        if req.method == "GET" and parts[-1:] == ["replication-configurations"]:
            wanted = (req.query.get("FileSystemId") or [""])[0]
            configs = [c for c in self.state.efs_replications.values() if c["SourceFileSystemId"] == wanted or
                       any(d["FileSystemId"] == wanted for d in c["Destinations"])]
            if not configs:
                return _error(404, "ReplicationNotFound", f"no replication configuration for {wanted}")
            return 200, {"Replications": configs}, {}
        return None

    # -- Amazon Bedrock application inference profiles (REST JSON) ------------------------------

    def _bedrock(self, req: _Request, environ: WSGIEnvironment) -> Reply | None:
        answered = aws_fakes_ai.bedrock(self.state.ai, req)
        if answered is not None:
            return answered
        parts = [p for p in req.path.split("/") if p]
        mine = [p for p in self.state.inference_profiles if p["_where"] == (req.account, req.region)]
        if parts == ["inference-profiles"] and req.method == "POST":
            body = req.json()
            source = str((body.get("modelSource") or {}).get("copyFrom") or "")
            ident = uuid.uuid4().hex[:12]
            arn = f"arn:aws:bedrock:{req.region}:{req.account}:application-inference-profile/{ident}"
            profile = {"inferenceProfileName": body.get("inferenceProfileName"), "description": body.get("description"),
                       "createdAt": time.time(), "updatedAt": time.time(), "inferenceProfileArn": arn,
                       "models": _copied_models(source, req.region), "inferenceProfileId": ident,
                       "status": "ACTIVE", "type": "APPLICATION", "_where": (req.account, req.region),
                       "_tags": list(body.get("tags") or [])}
            self.state.inference_profiles.append(profile)
            return 201, {"inferenceProfileArn": arn, "status": "ACTIVE"}, {}
        if parts == ["inference-profiles"] and req.method == "GET":
            wanted = (req.query.get("type") or [""])[0]
            return 200, {"inferenceProfileSummaries": [_public(p) for p in mine
                                                       if not wanted or p["type"] == wanted]}, {}
        if len(parts) >= 2 and parts[0] == "inference-profiles" and req.method == "GET":
            ident = "/".join(parts[1:])
            found = [p for p in mine if ident in (p["inferenceProfileId"], p["inferenceProfileArn"])]
            if not found:
                return _error(404, "ResourceNotFoundException", f"inference profile {ident} not found")
            return 200, _public(found[0]), {}
        if parts == ["listTagsForResource"] and req.method == "POST":
            arn = str(req.json().get("resourceARN") or "")
            found = [p for p in self.state.inference_profiles if p["inferenceProfileArn"] == arn]
            return (200, {"tags": found[0]["_tags"]}, {}) if found else None
        return None


def _copied_models(source: str, region: str) -> list[dict[str, str]]:
    """What Bedrock records as the models of a profile copied from ``source``: one foundation-model ARN
    per Region it routes to (a system-defined profile) or the one model (a foundation-model ARN)."""
    from auditor.geo.processing import bedrock_profile_prefix, bedrock_regions

    model = source.rsplit("/", 1)[-1]
    prefix = bedrock_profile_prefix(model)
    if prefix is None:
        return [{"modelArn": source}]
    bare = model.split(".", 1)[1]
    regions, _ = bedrock_regions(model, region)
    return [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{bare}"} for r in regions]


def _uuid4() -> uuid.UUID:
    """moto's own random source: seeded (``POST /moto-api/seed``), ids repeat from one demo run to the next."""
    from moto.moto_api._internal import mock_random

    return mock_random.uuid4()


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _recovery_point(vault_arn: str, resource_arn: str, source: str | None = None) -> dict[str, Any]:
    service = resource_arn.split(":")[2] if resource_arn.count(":") >= 2 else "unknown"
    point = {"RecoveryPointArn": f"{vault_arn.split(':backup-vault:')[0]}:recovery-point:{_uuid4()}",
             "BackupVaultName": vault_arn.rsplit(":", 1)[1], "BackupVaultArn": vault_arn, "ResourceArn": resource_arn,
             "ResourceType": {"s3": "S3", "rds": "RDS", "dynamodb": "DynamoDB", "elasticfilesystem": "EFS",
                              "ec2": "EBS", "redshift": "Redshift"}.get(service, service),
             "Status": "COMPLETED", "CreationDate": time.time(), "IsEncrypted": True}
    if source:
        point["SourceBackupVaultArn"] = source
    return point


def _send(start_response: StartResponse, reply: Reply, content_type: str) -> list[bytes]:
    status, payload, headers = reply
    data = json.dumps(payload).encode()
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
    start_response(f"{status} {reasons.get(status, 'Error')}", [
        ("Content-Type", content_type), ("Content-Length", str(len(data))),
        ("x-amz-crc32", str(zlib.crc32(data) & 0xFFFFFFFF)), *headers.items()])
    return [data]
