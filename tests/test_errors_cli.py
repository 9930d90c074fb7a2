"""French errors end to end: the real command (``python -m auditor``) with ``--lang fr`` prints one French line
naming the file and line, exits 2 (bad input) or 3 (a cloud that cannot be reached), and no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from auditor.fsio import dump_json
from auditor.model.codec import to_dict

NBSP = "\u202f"
ROOT = Path(__file__).resolve().parents[1]


def auditor(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_", "GOOGLE_", "CLOUDSDK_"))}
    base.update({"PYTHONPATH": str(ROOT), "HOME": str(cwd), "AZURE_CONFIG_DIR": str(cwd / ".azure")}, **(env or {}))
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=base)


def one_french_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr[-800:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"erreur{NBSP}: "), lines[0]
    return lines[0]


def test_a_bad_configuration_file_is_a_french_line_with_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "auditor.yaml").write_text("profile: hds\nlang: fr\nallowed_zones: 3\n", "utf-8")
    line = one_french_line(auditor(["plan", "plan.json", "--config", "auditor.yaml", "--lang", "fr"], tmp_path), 2)
    assert line.startswith(f"erreur{NBSP}: auditor.yaml:3{NBSP}: ") and "clé non prévue" in line
    (tmp_path / "auditor.yaml").write_text("profile: hds\nlang: [fr\n", "utf-8")  # unreadable: --lang still counts
    line = one_french_line(auditor(["plan", "plan.json", "-c", "auditor.yaml", "--lang", "fr"], tmp_path), 2)
    assert f"auditor.yaml:3{NBSP}: erreur de syntaxe YAML{NBSP}: " in line
    english = auditor(["plan", "plan.json", "-c", "auditor.yaml"], tmp_path)
    assert english.returncode == 2 and english.stderr.startswith("error: auditor.yaml:3: YAML syntax error: ")


def test_a_bad_plan_is_a_french_line_and_the_configuration_language_is_enough(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text('{"format_version": "1.2",\n "resource_changes": [,]}\n', "utf-8")
    line = one_french_line(auditor(["plan", "plan.json", "--lang", "fr"], tmp_path), 2)
    assert line == (f"erreur{NBSP}: plan.json:2{NBSP}: JSON invalide{NBSP}: valeur attendue (colonne 23) "
                    f"(produisez-le avec{NBSP}: terraform show -json PLANFILE > plan.json)")
    (tmp_path / "auditor.yaml").write_text("lang: fr\n", "utf-8")  # no --lang: the configuration's language
    assert one_french_line(auditor(["plan", "plan.json"], tmp_path), 2) == line


def test_a_bad_waiver_is_a_french_line_and_nothing_is_written(tmp_path: Path) -> None:
    from auditor.demo.sample import sample_inventory

    waiver = ("waivers:\n  - id: W-1\n    policy: RES-002\n    resource: arn:aws:s3:::x\n    reason: {reason}\n"
              "    approver: dpo@example.org\n    created: 2026-11-01\n    expires: 2026-10-01\n")
    (tmp_path / "auditor.yaml").write_text("profile: hds\nwaivers: waivers.yaml\n", "utf-8")
    (tmp_path / "inventory.json").write_text(dump_json(to_dict(sample_inventory())), "utf-8")
    args = ["evaluate", "inventory.json", "-c", "auditor.yaml", "--lang", "fr", "--out", "out"]
    (tmp_path / "waivers.yaml").write_text(waiver.format(reason="test"), "utf-8")  # too short for the schema
    line = one_french_line(auditor(args, tmp_path), 2)
    assert line == (f"erreur{NBSP}: waivers.yaml:5{NBSP}: waivers.0.reason{NBSP}: 'test' est trop court "
                    "(au moins 5 caractères)")
    (tmp_path / "waivers.yaml").write_text(waiver.format(reason="migration en cours"), "utf-8")
    line = one_french_line(auditor(args, tmp_path), 2)
    assert line.endswith(f"waivers.yaml:2{NBSP}: dérogation W-1{NBSP}: expire avant d'avoir été créée"), line
    assert not (tmp_path / "out" / "findings.json").exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_cloud_that_cannot_be_reached_exits_3_with_a_french_line(tmp_path: Path) -> None:
    """(The English line is tests/scheduling/test_providers.py's.)"""
    port = _closed_port()
    (tmp_path / "auditor.yaml").write_text(
        f"azure:\n  tenant: 72f988bf-0000-4000-8000-000000000001\n  authority_host: https://127.0.0.1:{port}\n"
        f"  arm_endpoint: https://127.0.0.1:{port}\n", "utf-8")
    env = {"AZURE_TENANT_ID": "72f988bf-0000-4000-8000-000000000001", "AZURE_CLIENT_ID": "c1",
           "AZURE_CLIENT_SECRET": "s3cret-value-never-shown"}
    result = auditor(["scan", "--provider", "azure", "-c", "auditor.yaml", "--lang", "fr", "--out", "out",
                      "--no-history", "--quiet"], tmp_path, env)
    assert "s3cret-value-never-shown" not in result.stderr + result.stdout
    line = one_french_line(result, 3)
    assert line.startswith(f"erreur{NBSP}: l'identifiant Azure trouvé (") and "n'a pas pu se connecter" in line
    assert "(vérifiez le réseau, l'hôte d'autorité" in line
