"""Shared pieces of the reliability tests: emulators behind the fault proxy, the CLI in-process.

The emulators are the real ones of the demo (a moto server over HTTP, the HTTPS fake ARM);
the tool reaches them only through :class:`tests.reliability.faultproxy.FaultProxy`.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from auditor.config import Config
from auditor.connectors import azure
from auditor.connectors.aws.session import client_hook
from auditor.connectors.base import everything
from auditor.demo import azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.demo.moto_server import aws_environment, emulator_wiring, moto_server
from auditor.model.inventory import Inventory
from auditor.progress import NullReporter
from tests.reliability.faultproxy import FaultProxy, Rule


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


def reset_moto(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))


def fast_retries(client: Any) -> None:
    """Shrink botocore's retry *sleeps* (never which errors are retried, nor how many times).

    Standard mode waits ``rand * min(2**i, 20)`` s after a throttle; the fault tests throttle a
    third of all requests, and would otherwise spend most of their time asleep.
    """
    emitter = client.meta.events
    emitter = getattr(emitter, "_emitter", emitter)
    service = client.meta.service_model.service_id.hyphenize()
    entry = emitter._unique_id_handlers.get(f"retry-config-{service}")
    if entry is not None:
        entry["handler"].__self__._retry_policy._retry_backoff._max_backoff = 0.02


@contextlib.contextmanager
def aws_behind(proxy: FaultProxy, *, max_attempts: int | None = None) -> Iterator[None]:
    """Every AWS client the connector creates goes to the proxy, with fake credentials."""
    with aws_environment(proxy.url), emulator_wiring(), client_hook(fast_retries):
        import os

        previous = os.environ.get("AWS_MAX_ATTEMPTS")
        if max_attempts is not None:
            os.environ["AWS_MAX_ATTEMPTS"] = str(max_attempts)
        try:
            yield
        finally:
            os.environ.pop("AWS_MAX_ATTEMPTS", None)
            if previous is not None:
                os.environ["AWS_MAX_ATTEMPTS"] = previous


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(args: Sequence[str]) -> CliResult:
    """``auditor ARGS`` in this process, through ``auditor.cli.main`` (the console script's entry)."""
    from auditor.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["auditor", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return CliResult(code, out.getvalue(), err.getvalue())


def verdict(out: Path) -> dict[str, Any]:
    """What a user compares between two runs: each finding's key and status, the passes, the gaps."""
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    return {
        "findings": sorted((f["policy_id"], f["resource_id"], f.get("location_key") or "", f["status"],
                            f["severity"]) for f in doc["findings"]),
        "passed": {k: sorted(v) for k, v in (doc.get("passed") or {}).items()},
        "gaps": sorted((g["service"], g["reason"], g.get("resource_id") or "") for g in doc["coverage_gaps"]),
    }


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


# ---- a small estate with nothing to fail on: its only way to not pass is to be incomplete ---------

CLEAN_BUCKETS = ("sante-comptes-rendus", "sante-imagerie")


def seed_clean_estate(url: str) -> None:
    """Two health buckets in Paris, customer key in Paris, Block Public Access (no access logs: a medium)."""
    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_session_token": "testing"}
    s3 = boto3.client("s3", region_name="eu-west-3", endpoint_url=url, **creds)
    kms = boto3.client("kms", region_name="eu-west-3", endpoint_url=url, **creds)
    where = {"CreateBucketConfiguration": {"LocationConstraint": "eu-west-3"}}
    for name in CLEAN_BUCKETS:
        key = kms.create_key(Description=name)["KeyMetadata"]["Arn"]
        s3.create_bucket(Bucket=name, **where)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "data-classification", "Value": "health"}]})
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})


AWS_CONFIG = "aws:\n  regions: [us-east-1, eu-west-1, eu-west-3, eu-central-1, eu-west-2]\n"
ORG_CONFIG = "aws:\n  organization: true\n  regions: [us-east-1, eu-west-1, eu-west-2, eu-west-3, eu-central-1]\n"

SCAN = ["scan", "--provider", "aws", "--quiet", "--no-history", "--format", "json,md,html,sarif,junit,csv"]


def scan_aws(url: str, tmp: Path, rules: tuple[Rule, ...], seed: int, config: str = ORG_CONFIG,
             **proxy_options: Any) -> tuple[FaultProxy, Path, CliResult]:
    """`auditor scan --provider aws` through a fault proxy with ``rules``; outputs in ``tmp/out``."""
    tmp.mkdir(parents=True, exist_ok=True)
    cfg = write_config(tmp / "auditor.yaml", config)
    with FaultProxy(url, rules=rules, seed=seed, **proxy_options) as proxy, aws_behind(proxy):
        result = run_cli([*SCAN, "--config", str(cfg), "--out", str(tmp / "out")])
    return proxy, tmp / "out", result


# ---- Azure: the real connector through a proxy in front of the fake ARM -----------------------------------

def azure_behind(fake: FakeARM, rules: tuple[Rule, ...] = (), seed: int = 0, **options: object) -> FaultProxy:
    return FaultProxy(fake.base_url, flavor="arm", upstream_ca=fake.ca_path, rules=rules, seed=seed,
                      **options)  # type: ignore[arg-type]


def azure_scan(fake: FakeARM, proxy: FaultProxy) -> Inventory:
    """The estate as the connector reads it through ``proxy`` (credentials and CA handed over explicitly)."""
    assert proxy.ca_path is not None
    environ = {**azure_estate.environ(fake), "REQUESTS_CA_BUNDLE": proxy.ca_path}
    cfg = replace(azure_estate.azure_config(fake), authority_host=proxy.url, arm_endpoint=proxy.url)
    return azure.collect(Config(azure=cfg), NullReporter(), everything, environ=environ)
