"""A signed audit: the manifest and its detached CMS signature verify with openssl and with auditor verify;
any change to a file, the manifest or the trust anchor is caught."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime.now(dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CHU Exemple"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, key, issuer_name: str, issuer_key, *, ca: bool) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer_name))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW - dt.timedelta(days=1)).not_valid_after(NOW + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                        critical=True)
    else:
        builder = (builder.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                                         critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(path: Path, *certs: x509.Certificate) -> Path:
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs))
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Throwaway audit CA", ca_key, "Throwaway audit CA", ca_key, ca=True)
    dpo_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    dpo = _cert("DPO", dpo_key, "Throwaway audit CA", ca_key, ca=False)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = _cert("Another CA", other_key, "Another CA", other_key, ca=True)
    (d / "dpo.key").write_bytes(dpo_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
    (d / "dpo.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"dpo", dpo_key, dpo, [ca], serialization.BestAvailableEncryption(b"s3cret")))
    return {"ca": _pem(d / "ca.pem", ca), "cert": _pem(d / "dpo.pem", dpo), "key": d / "dpo.key",
            "p12": d / "dpo.p12", "other": _pem(d / "other.pem", other)}


def _outputs(tmp_path: Path) -> Path:
    out = tmp_path / "audit-out"
    out.mkdir(parents=True)
    (out / "findings.json").write_text('{"findings": []}\n', encoding="utf-8")
    (out / "report.html").write_text("<!doctype html><title>Audit</title>", encoding="utf-8")
    (out / "report.csv").write_text("a;b\n", encoding="utf-8")
    return out


def _auditor(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def test_signed_outputs_verify_with_openssl_and_with_auditor(tmp_path: Path, pki: dict[str, Path]) -> None:
    out = _outputs(tmp_path)
    signed = _auditor("sign", out, "--key", pki["key"], "--cert", pki["cert"])
    assert signed.returncode == 0, signed.stderr
    assert "manifest SHA-256:" in signed.stdout
    if shutil.which("openssl"):
        check = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER",
                                "-in", str(out / "manifest.json.p7s"), "-content", str(out / "manifest.json"),
                                "-CAfile", str(pki["ca"]), "-out", os.devnull], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        assert "Verification successful" in check.stderr
    verified = _auditor("verify", out, "--ca", pki["ca"])
    assert verified.returncode == 0, verified.stderr
    assert "CN=DPO" in verified.stdout and "(3 files)" in verified.stdout


def test_a_changed_report_a_changed_manifest_and_a_foreign_ca_are_each_caught(tmp_path: Path,
                                                                              pki: dict[str, Path]) -> None:
    out = _outputs(tmp_path)
    assert _auditor("sign", out, "--key", pki["key"], "--cert", pki["cert"]).returncode == 0
    (out / "report.html").write_text("<!doctype html><title>Audit (edited)</title>", encoding="utf-8")
    changed = _auditor("verify", out, "--ca", pki["ca"])
    assert changed.returncode == 1 and "report.html: changed since it was signed" in changed.stderr

    out2 = _outputs(tmp_path / "b")
    assert _auditor("sign", out2, "--key", pki["key"], "--cert", pki["cert"]).returncode == 0
    manifest = out2 / "manifest.json"
    manifest.write_text(manifest.read_text("utf-8").replace('"files"', '"files" ', 1), encoding="utf-8")
    forged = _auditor("verify", out2, "--ca", pki["ca"])
    assert forged.returncode == 1 and "message digest differs" in forged.stderr

    out3 = _outputs(tmp_path / "c")
    assert _auditor("sign", out3, "--key", pki["key"], "--cert", pki["cert"]).returncode == 0
    untrusted = _auditor("verify", out3, "--ca", pki["other"])
    assert untrusted.returncode == 1 and "does not chain" in untrusted.stderr
    (out3 / "extra.txt").write_text("added later", encoding="utf-8")
    added = _auditor("verify", out3, "--ca", pki["ca"])
    assert added.returncode == 0 and "extra.txt: not covered" in added.stderr


def test_pkcs12_with_the_password_from_the_environment(tmp_path: Path, pki: dict[str, Path]) -> None:
    out = _outputs(tmp_path)
    missing = _auditor("sign", out, "--pkcs12", pki["p12"], "--password-env", "DPO_KEY_PASSWORD")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "DPO_KEY_PASSWORD" in missing.stderr and "s3cret" not in missing.stderr
    wrong = _auditor("sign", out, "--pkcs12", pki["p12"], "--password-env", "P", env={"P": "nope"})
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    ok = _auditor("sign", out, "--pkcs12", pki["p12"], "--password-env", "P", env={"P": "s3cret"})
    assert ok.returncode == 0, ok.stderr
    assert _auditor("verify", out, "--ca", pki["ca"]).returncode == 0


def test_bad_inputs_are_one_line_errors(tmp_path: Path, pki: dict[str, Path]) -> None:
    out = _outputs(tmp_path)
    for args in (["sign", out, "--key", pki["cert"], "--cert", pki["cert"]],  # a certificate is not a key
                 ["sign", out, "--key", pki["key"]],  # no certificate
                 ["sign", tmp_path / "absent", "--key", pki["key"], "--cert", pki["cert"]],
                 ["verify", out]):  # never signed
        result = _auditor(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    (out / "manifest.json.p7s").write_bytes(b"\x30\x03\x02\x01")
    garbage = _auditor("verify", out)
    assert garbage.returncode == 2 and garbage.stderr.count("\n") == 1


def test_sign_and_verify_speak_french_with_lang_fr(tmp_path: Path, pki: dict[str, Path]) -> None:
    nbsp = "\u202f"
    out = _outputs(tmp_path)
    signed = _auditor("sign", out, "--key", pki["key"], "--cert", pki["cert"], "--lang", "fr")
    assert signed.returncode == 0, signed.stderr
    assert f"écrit{nbsp}: {out / 'manifest.json'}" in signed.stdout and f"SHA-256 du manifeste{nbsp}:" in signed.stdout
    assert "pour le vérifier" in signed.stdout and "check it" not in signed.stdout
    valid = _auditor("verify", out, "--ca", pki["ca"], "--lang", "fr")
    assert valid.returncode == 0, valid.stderr
    assert f"signataire{nbsp}: " in valid.stdout and "(3 fichiers)" in valid.stdout
    assert f"signé le{nbsp}: " in valid.stdout and " à " in valid.stdout  # a French date, then the UTC one
    assert f"valide{nbsp}: chaque fichier est tel qu'il a été signé" in valid.stdout
    (out / "report.html").write_text("<!doctype html><title>Audit (edited)</title>", encoding="utf-8")
    (out / "extra.txt").write_text("added later", encoding="utf-8")
    changed = _auditor("verify", out, "--lang", "fr")
    assert changed.returncode == 1
    assert f"NON VALIDE{nbsp}: report.html{nbsp}: modifié depuis la signature" in changed.stderr
    assert f"remarque{nbsp}: extra.txt{nbsp}: non couvert par la signature" in changed.stderr
    assert f"remarque{nbsp}: pas de --ca{nbsp}:" in changed.stderr
    never = _auditor("verify", tmp_path / "absent", "--lang", "fr")
    assert never.returncode == 2 and never.stderr.startswith(f"erreur{nbsp}: ") and "introuvable" in never.stderr
