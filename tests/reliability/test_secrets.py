"""The tool's own credentials never reach an output, stdout, stderr or an error message.

Scans run with recognisable fake credentials against emulators whose errors echo them back (the
proxy's ``deny`` with ``echo`` repeats the Authorization header, the session token and the request
body, as a careless server might), then every file written, stdout and stderr are searched.

Secret-looking values that *are* the cloud's data (a SAS URL someone put in a tag) are reproduced as
read in the inventory: they are evidence of what the estate holds (SECURITY.md, "Secrets"). The same
strings arriving in an *error message* are scrubbed like credentials.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from auditor.demo import azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.demo.sample import TENANT
from tests.reliability.conftest import (
    AWS_CONFIG,
    CLEAN_BUCKETS,
    CliResult,
    aws_behind,
    reset_moto,
    run_cli,
    seed_clean_estate,
    write_config,
)
from tests.reliability.faultproxy import FaultProxy, Rule

AWS_KEY_ID = "AKIAQ7FAKEAUDITOR7X2"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzFAKESECRET"
AWS_TOKEN = "IQoJb3JpZ2luX2VjEFAKESESSIONTOKENbXlfdG9rZW5fZm9yX3Rlc3Rz" + "x" * 40
AZURE_SECRET = "Zq8~fAkE.AzUrE-cLiEnT_SeCrEt.0123456789"
SAS_SIG = "sv2YyFAKESASsignatureQ%2Bm1n0t%3D"
SAS_URL = (f"https://stdpiloire.blob.core.windows.net/export?sv=2022-11-02&ss=b&srt=co&sp=rl"
           f"&se=2030-01-01T00:00:00Z&sig={SAS_SIG}")
ACCOUNT_KEY = "FAKEaccountKEY0123456789abcdefghijklmnopqrstuvwxyzFAKEaccountKEY=="
CONNECTION = f"DefaultEndpointsProtocol=https;AccountName=stdpiloire;AccountKey={ACCOUNT_KEY};EndpointSuffix=core"
LEAK = f"Debug: {SAS_URL} {CONNECTION}"  # what an echoing server adds to its error messages
TAG_SIG = "tAgFAKEsasSIGNATUREinAtag%2Bq0%3D"  # a SAS someone stored in a tag: the cloud's own data
TAG_SAS = f"https://stexport.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig={TAG_SIG}"
TAG_KEY = "TAGaccountKEY0123456789abcdefghijklmnopqrstuvwxyzTAGaccountKEY00=="
TAG_CONNECTION = f"DefaultEndpointsProtocol=https;AccountName=stexport;AccountKey={TAG_KEY}"

TOOL_CREDENTIALS = (AWS_KEY_ID, AWS_SECRET, AWS_TOKEN, AZURE_SECRET)


def occurrences(texts: dict[str, str], secrets: tuple[str, ...]) -> list[str]:
    return [f"{secret[:10]}… in {where}" for where, text in texts.items() for secret in secrets if secret in text]


def everything_written(out: Path, result: CliResult) -> dict[str, str]:
    texts = {"stdout": result.out, "stderr": result.err}
    if out.exists():
        for path in out.rglob("*"):
            if path.is_file():
                texts[path.name] = path.read_bytes().decode("utf-8", "replace")
    return texts


# ---- AWS -----------------------------------------------------------------------------------------

@pytest.fixture
def estate(moto_url: str) -> Iterator[str]:
    reset_moto(moto_url)
    seed_clean_estate(moto_url)
    s3 = boto3.client("s3", region_name="eu-west-3", endpoint_url=moto_url, aws_access_key_id="testing",
                      aws_secret_access_key="testing")
    s3.put_bucket_tagging(Bucket=CLEAN_BUCKETS[0], Tagging={"TagSet": [
        {"Key": "data-classification", "Value": "health"}, {"Key": "export", "Value": TAG_SAS}]})
    yield moto_url
    reset_moto(moto_url)


def _aws_scan(url: str, tmp: Path, rules: tuple[Rule, ...]) -> tuple[FaultProxy, Path, CliResult]:
    config = write_config(tmp / "auditor.yaml", AWS_CONFIG)
    with FaultProxy(url, rules=rules) as proxy, aws_behind(proxy):
        os.environ.update({"AWS_ACCESS_KEY_ID": AWS_KEY_ID, "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
                           "AWS_SESSION_TOKEN": AWS_TOKEN})
        result = run_cli(["scan", "--provider", "aws", "--no-history", "--format", "json,html,md,sarif,junit,csv",
                          "--config", str(config), "--out", str(tmp / "out")])
    return proxy, tmp / "out", result


def test_aws_credentials_echoed_by_the_server_appear_nowhere(estate: str, tmp_path: Path) -> None:
    rules = (Rule("deny", 1.0, service="s3", operation="GetBucketPolicy", echo=True, extra=LEAK),
             Rule("deny", 1.0, service="kms", operation="GetKeyPolicy", echo=True, extra=LEAK))
    proxy, out, result = _aws_scan(estate, tmp_path, rules)
    assert result.code == 3, result
    echoed = [s for s in proxy.seen if s.fault == "deny"]
    assert len(echoed) >= 4  # the server did send the credentials back, in XML and in JSON errors
    texts = everything_written(out, result)
    assert "GetBucketPolicy" in texts["findings.json"] and "GetKeyPolicy" in texts["findings.json"]
    found = occurrences(texts, (*TOOL_CREDENTIALS, SAS_SIG, ACCOUNT_KEY))
    assert found == []
    # The SAS URL in a tag is the cloud's data: the inventory keeps it as read (SECURITY.md, "Secrets").
    assert TAG_SIG in texts["inventory.json"]
    print(f"secrets: aws scan, {len(texts)} outputs searched for {len(TOOL_CREDENTIALS) + 2} secrets, found 0")


def test_aws_credentials_stay_out_of_a_fatal_error(estate: str, tmp_path: Path) -> None:
    rules = (Rule("deny", 1.0, service="sts", echo=True, extra=LEAK),)
    _, out, result = _aws_scan(estate, tmp_path, rules)
    assert result.code == 3
    assert result.err.startswith("error: AWS cannot be reached") and len(result.err.strip().splitlines()) == 1
    assert occurrences(everything_written(out, result), (*TOOL_CREDENTIALS, SAS_SIG, ACCOUNT_KEY)) == []


# ---- Azure ---------------------------------------------------------------------------------------

@pytest.fixture
def arm(tmp_path: Path) -> Iterator[FakeARM]:
    fake = FakeARM(TENANT, ca_dir=tmp_path, page_size=2, graph_page_size=5, client_secret=AZURE_SECRET)
    azure_estate.seed(fake)
    account = next(o for k, o in fake.objects.items() if k.endswith("/storageaccounts/stdpiloire"))
    account.setdefault("tags", {}).update({"export": TAG_SAS, "legacy-connection": TAG_CONNECTION})  # cloud data
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def _azure_scan(fake: FakeARM, tmp: Path, rules: tuple[Rule, ...],
                monkeypatch: pytest.MonkeyPatch) -> tuple[FaultProxy, Path, CliResult]:
    with FaultProxy(fake.base_url, flavor="arm", upstream_ca=fake.ca_path, rules=rules) as proxy:
        config = write_config(tmp / "auditor.yaml", f"azure:\n  tenant: {TENANT}\n  authority_host: {proxy.url}\n"
                                                    f"  arm_endpoint: {proxy.url}\n")
        for key in ("AZURE_AUTHORITY_HOST", "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_CLIENT_CERTIFICATE_PATH",
                    "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "SSL_CERT_FILE"):
            monkeypatch.delenv(key, raising=False)
        assert proxy.ca_path is not None
        for key, value in {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": azure_estate.CLIENT_ID,
                           "AZURE_CLIENT_SECRET": AZURE_SECRET, "REQUESTS_CA_BUNDLE": proxy.ca_path}.items():
            monkeypatch.setenv(key, value)
        result = run_cli(["scan", "--provider", "azure", "--no-history", "--format", "json,html,md,sarif,junit,csv",
                          "--config", str(config), "--out", str(tmp / "out")])
    return proxy, tmp / "out", result


def test_azure_secret_and_tokens_echoed_by_the_server_appear_nowhere(arm: FakeARM, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    rules = (Rule("deny", 1.0, path=r"/providers/Microsoft\.(Storage|DocumentDB)/", echo=True, extra=LEAK),)
    proxy, out, result = _azure_scan(arm, tmp_path, rules, monkeypatch)
    assert result.code in (1, 3), result
    assert sum(1 for s in proxy.seen if s.fault == "deny") >= 3
    assert arm.tokens  # the bearer tokens the tool was given, echoed in every 403
    texts = everything_written(out, result)
    assert "AuthorizationFailed" in texts["findings.json"]
    found = occurrences(texts, (*TOOL_CREDENTIALS, *arm.tokens, SAS_SIG, ACCOUNT_KEY))
    assert found == []
    assert TAG_SIG in texts["inventory.json"] and TAG_KEY in texts["inventory.json"]  # cloud data, kept as read
    print(f"secrets: azure scan, {len(texts)} outputs searched for {len(TOOL_CREDENTIALS) + len(arm.tokens) + 2} "
          f"secrets, found 0")


def test_a_token_endpoint_that_echoes_the_client_secret_gives_a_clean_one_line_error(
        arm: FakeARM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = (Rule("deny", 1.0, path=r"/oauth2/v2\.0/token", echo=True, extra=LEAK),)
    proxy, out, result = _azure_scan(arm, tmp_path, rules, monkeypatch)
    assert proxy.faults().get("deny")
    assert result.code in (2, 3), result
    assert result.err.startswith("error: ") and len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err
    assert occurrences(everything_written(out, result), (*TOOL_CREDENTIALS, SAS_SIG, ACCOUNT_KEY)) == []
