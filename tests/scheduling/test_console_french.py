"""``--lang fr``: what the console prints while a scan runs (progress lines, skipped providers, the API call
count, the end-of-run summary) is French; what the cloud names (accounts, operations) is shown as it is."""

from __future__ import annotations

import pytest

from auditor.messages import MESSAGES, say
from auditor.progress import LineReporter, detail
from tests.aws.conftest import HEALTH, bucket
from tests.render.test_render_french import _english
from tests.scheduling.conftest import run_cli


def test_both_languages_have_every_message():
    assert set(MESSAGES["en"]) == set(MESSAGES["fr"])
    assert not _english([say(k, "fr", label="AWS 111122223333", n=1234, provider="azure", error="", why="",
                             source="auditor.yaml", name="Azure", hint="", parts="", url="", path="", text="",
                             digest="", signature="", manifest="", signer="", at="", subject="", universe="")
                         for k in MESSAGES["fr"]])


def test_progress_lines_in_french(capsys):
    reporter = LineReporter(verbose=True, lang="fr")
    task = reporter.task("AWS 111122223333 (production)", total=1234)
    reporter.advance(task, 1234)
    detail(reporter, say("api-calls", "fr", provider="aws", n=22, parts="s3:ListBuckets 1"))
    assert capsys.readouterr().err.splitlines() == [
        "AWS 111122223333 (production)\u202f: lecture de 1\u202f234 stockages de données",
        "AWS 111122223333 (production)\u202f: terminé, 1\u202f234 stockages de données lus",
        "aws\u202f: 22 appels d'API (s3:ListBuckets 1)"]


def test_a_french_scan_prints_no_english(aws, tmp_path, monkeypatch: pytest.MonkeyPatch):
    for key in [k for k in __import__("os").environ if k.startswith(("AZURE_", "IDENTITY_", "MSI_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(tmp_path / "no-az"))
    monkeypatch.chdir(tmp_path)
    bucket("loire-dpi-patients", "eu-west-3", tags=HEALTH)
    result = run_cli(["scan", "--lang", "fr", "--verbose", "--region", "eu-west-3", "--out", str(tmp_path / "out"),
                      "--no-history"])
    assert result.code in (0, 1, 3), result.err
    lines = [line for line in (result.err + result.out).splitlines() if line.strip()]
    assert any("appels d'API" in line for line in lines) and any("fournisseur écarté" in line for line in lines)
    assert any(line.startswith("Verdict\u202f:") for line in lines)
    assert not _english(lines), lines
