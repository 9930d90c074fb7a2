"""Start-up: the policy pack is loaded while the scan starts, and that changes nothing a user sees.

A cold pack cache (first run, new version, CI) is loaded by a child process while the command
imports its cloud SDK; the scan takes it before its first request. These tests run the real
command line in a child process (the early load only happens from a single-threaded process, which a
pytest worker is not) against the moto server, and check what the server received.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from auditor.demo.moto_server import RequestLog
from tests.aws.conftest import HEALTH, bucket

ROOT = Path(__file__).resolve().parents[2]

BAD_CEL = """\
id: XYZ-001
category: residency
title: {en: Health data in Antarctica, fr: Données de santé en Antarctique}
severity: critical
scope: resource.health
condition: resource.primary.country == ("AQ"
message: {en: "{name} is in Antarctica", fr: "{name} est en Antarctique"}
remediation: {en: Move it., fr: Le déplacer.}
examples:
  - {name: Paris, expect: pass, resource: {name: patients, region: eu-west-3}}
  - {name: unknown region, expect: unknown, resource: {name: patients, region: xx-nowhere-9}}
"""


def auditor(args: list[str], cwd: Path, cache: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUDITOR_CACHE_DIR": cache}
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=env)


def scan(tmp: Path, cache: str, out: str) -> subprocess.CompletedProcess[str]:
    return auditor(["scan", "--provider", "aws", "--region", "eu-west-3", "--quiet", "--no-history",
                    "--format", "json", "--out", str(tmp / out)], tmp, cache)


def test_a_bad_policy_fails_before_any_request_reaches_the_cloud(
        aws: str, served: RequestLog, tmp_path: Path) -> None:
    (tmp_path / "custom").mkdir()
    (tmp_path / "custom" / "XYZ-001.yaml").write_text(BAD_CEL, "utf-8")
    (tmp_path / "auditor.yaml").write_text("policy_dirs: [custom]\n", "utf-8")
    for cache in (str(tmp_path / "cache"), "off"):
        done = scan(tmp_path, cache, "out")
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("error: custom/XYZ-001.yaml:6: condition: CEL does not compile"), done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert served.requests() == []
        assert not (tmp_path / "out").exists()
    assert not list((tmp_path / "cache").glob("packs/*.pickle"))  # a pack that does not load is never kept


def test_a_cold_cache_scans_exactly_like_a_warm_one_and_no_cache(aws: str, tmp_path: Path) -> None:
    bucket("sante-patients", "eu-west-3", tags=HEALTH)
    bucket("sante-archives", "eu-west-3", tags=HEALTH)
    cache = tmp_path / "cache"
    runs = {name: scan(tmp_path, value, name) for name, value in
            (("cold", str(cache)), ("warm", str(cache)), ("off", "off"))}
    docs = {}
    for name, done in runs.items():
        assert done.returncode in (0, 1, 3), done.stderr
        doc = json.loads((tmp_path / name / "findings.json").read_text("utf-8"))
        docs[name] = (doc["run"]["policy_digest"],
                      sorted((f["policy_id"], f["resource_id"], f["status"]) for f in doc["findings"]))
    assert docs["cold"] == docs["warm"] == docs["off"]
    assert any(resource == "arn:aws:s3:::sante-patients" for _, resource, _ in docs["cold"][1])
    kept = list(cache.glob("packs/*.pickle"))
    assert len(kept) == 1
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(kept[0].parent.stat().st_mode) == 0o700


def test_the_early_pack_is_the_pack(tmp_path: Path) -> None:
    """The pack a child process loaded (cold cache) equals the one loaded in place, policy by policy."""
    code = ("import json; from auditor.engine.pack import load_pack, preload; preload(); p = load_pack(); "
            "print(json.dumps([p.digest, sorted(p.profiles), [(x.id, x.source, x.condition.source, x.condition.cost) "
            "for x in p.policies]]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    early = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True,
                           env={**env, "AUDITOR_CACHE_DIR": str(tmp_path / "cache")})
    in_place = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True,
                              env={**env, "AUDITOR_CACHE_DIR": "off"})
    assert json.loads(early.stdout) == json.loads(in_place.stdout)
    assert len(list((tmp_path / "cache").glob("packs/*.pickle"))) == 1  # the child kept it, as load_pack does
