"""Evidence a DPO can file: a manifest of the output files' SHA-256 and a detached CMS signature over it.

``sign(folder, signer)`` writes ``manifest.json`` (every output file with its size and SHA-256) and
``manifest.json.p7s`` (a DER CMS/PKCS #7 SignedData, detached, SHA-256, the signer's certificate
and chain inside). Anyone can check it without this tool::

    openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json -CAfile ca.pem
    sha256sum -c <(jq -r '.files[] | "\\(.sha256)  \\(.path)"' manifest.json)

``verify(folder, ca)`` does both checks here: each file against the manifest, and the signature
over the manifest (message digest, signer's signature, and — with ``ca`` — the certificate chain).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from auditor import __version__
from auditor.errors import ConfigError, InputError
from auditor.fsio import read_input, write_atomic
from auditor.results import der

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.p7s"
_MAX_KEY_FILE = 1024 * 1024
_SIGNED_DATA = "1.2.840.113549.1.7.2"
_DATA = "1.2.840.113549.1.7.1"
_CONTENT_TYPE = "1.2.840.113549.1.9.3"
_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_SIGNING_TIME = "1.2.840.113549.1.9.5"
_DIGESTS: dict[str, hashes.HashAlgorithm] = {
    "2.16.840.1.101.3.4.2.1": hashes.SHA256(), "2.16.840.1.101.3.4.2.2": hashes.SHA384(),
    "2.16.840.1.101.3.4.2.3": hashes.SHA512(),
}
_RSA = {"1.2.840.113549.1.1.1", "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13"}
_ECDSA = {"1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"}


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


@dataclass
class Verdict:
    """What ``auditor verify`` found: ``problems`` empty means the folder is as signed."""

    signer: str | None = None
    signed_at: str | None = None
    manifest_sha256: str | None = None
    files: int = 0
    # (key, values): console lines of auditor.messages, said in the run's language
    problems: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    notices: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def _password(env: str | None) -> bytes | None:
    if env is None:
        return None
    value = os.environ.get(env)
    if value is None:
        raise ConfigError("sign.password-env", env=env)
    return value.encode("utf-8")


def load_signer(*, key: Path | None = None, cert: Path | None = None, chain: Path | None = None,
                pkcs12_file: Path | None = None, password_env: str | None = None) -> Signer:
    """A signing key and certificate from PEM files or a PKCS #12 bundle; the password comes from the environment."""
    password = _password(password_env)
    if pkcs12_file is not None:
        raw = read_input(pkcs12_file, _MAX_KEY_FILE, "PKCS #12", ConfigError)
        try:
            k, c, extra = pkcs12.load_key_and_certificates(raw, password)
        except (ValueError, TypeError) as exc:
            raise ConfigError("sign.pkcs12", location=str(pkcs12_file), reason=_reason(exc)) from None
        if k is None or c is None:
            raise ConfigError("sign.pkcs12-empty", location=str(pkcs12_file))
        return Signer(_signing_key(k, pkcs12_file), c, tuple(extra))
    if key is None or cert is None:
        raise ConfigError("sign.needs-key")
    try:
        k = serialization.load_pem_private_key(read_input(key, _MAX_KEY_FILE, "PEM key", ConfigError), password)
    except (ValueError, TypeError) as exc:
        raise ConfigError("sign.key", location=str(key), reason=_reason(exc)) from None
    certs = _certificates(cert)
    return Signer(_signing_key(k, key), certs[0], (*certs[1:], *(_certificates(chain) if chain else [])))


def _reason(exc: Exception) -> str:
    text = str(exc).split("\n")[0]
    return "wrong password or not a key" if "password" in text.lower() or "decrypt" in text.lower() else text[:120]


def _signing_key(k: object, where: Path) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if isinstance(k, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        return k
    raise ConfigError("sign.key-type", location=str(where))


def _certificates(path: Path) -> list[x509.Certificate]:
    try:
        certs = x509.load_pem_x509_certificates(read_input(path, _MAX_KEY_FILE, "PEM certificate", ConfigError))
    except ValueError as exc:
        raise ConfigError("sign.certificate", location=str(path), reason=_reason(exc)) from None
    return certs


def _digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def _outputs(folder: Path) -> list[Path]:
    """The files a manifest covers: every regular file below ``folder`` but the manifest and its signature."""
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.as_posix() in (MANIFEST, SIGNATURE) or any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink():
            raise InputError("sign.symlink", location=str(path))
        if path.is_file():
            out.append(path)
    return out


def manifest(folder: Path, now: dt.datetime | None = None) -> bytes:
    if not folder.is_dir():
        raise InputError("sign.not-outputs", location=str(folder))
    files = []
    for path in _outputs(folder):
        sha, size = _digest(path)
        files.append({"path": path.relative_to(folder).as_posix(), "bytes": size, "sha256": sha})
    if not files:
        raise InputError("sign.nothing", location=str(folder))
    created = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    doc = {"schema_version": 1, "tool": f"sovereign-auditor {__version__}", "created": created, "files": files}
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sign(folder: Path, signer: Signer) -> tuple[Path, Path, str]:
    """Write the manifest and its detached signature; returns both paths and the manifest's SHA-256."""
    body = manifest(folder)
    builder = pkcs7.PKCS7SignatureBuilder().set_data(body).add_signer(signer.certificate, signer.key, hashes.SHA256())
    for extra in signer.chain:
        builder = builder.add_certificate(extra)
    signature = builder.sign(serialization.Encoding.DER,
                             [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    return (write_atomic(folder / MANIFEST, body), write_atomic(folder / SIGNATURE, signature),
            hashlib.sha256(body).hexdigest())


def verify(folder: Path, ca: Path | None = None) -> Verdict:
    verdict = Verdict()
    body = read_input(folder / MANIFEST, 64 * 1024 * 1024, "manifest")
    verdict.manifest_sha256 = hashlib.sha256(body).hexdigest()
    _check_files(folder, body, verdict)
    signature = read_input(folder / SIGNATURE, _MAX_KEY_FILE, "signature")
    try:
        _check_signature(body, signature, ca, verdict)
    except ValueError as exc:
        raise InputError("sign.not-cms", location=str(folder / SIGNATURE), reason=str(exc)) from None
    return verdict


def _check_files(folder: Path, body: bytes, verdict: Verdict) -> None:
    try:
        listed = json.loads(body)["files"]
        entries = {str(f["path"]): str(f["sha256"]) for f in listed}
    except (ValueError, KeyError, TypeError):
        raise InputError("sign.not-manifest", location=str(folder / MANIFEST)) from None
    verdict.files = len(entries)
    for rel, sha in entries.items():
        path = folder / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            verdict.problems.append(("verify.outside", {"path": rel}))
        elif not path.is_file() or path.is_symlink():
            verdict.problems.append(("verify.missing", {"path": rel}))
        elif _digest(path)[0] != sha:
            verdict.problems.append(("verify.changed", {"path": rel}))
    extra = [p.relative_to(folder).as_posix() for p in _outputs(folder)
             if p.relative_to(folder).as_posix() not in entries]
    verdict.notices += [("verify.not-covered", {"path": rel}) for rel in extra]


def _check_signature(body: bytes, signature: bytes, ca: Path | None, verdict: Verdict) -> None:
    info = der.parse(signature)
    if der.oid(info.child(0)) != _SIGNED_DATA:
        raise ValueError("not a SignedData")
    signed = info.child(1).child(0)
    parts = signed.children()
    certs = [x509.load_der_x509_certificate(c.data) for p in parts if p.tag == 0xA0 for c in p.children()]
    signer_infos = parts[-1].children()
    if len(signer_infos) != 1:
        raise ValueError(f"{len(signer_infos)} signers, expected one")
    fields = signer_infos[0].children()
    sid, digest_alg = fields[1], der.oid(fields[2].child(0))
    attrs = fields[3] if fields[3].tag == 0xA0 else None
    sig_alg = der.oid(fields[4 if attrs else 3].child(0))
    value = fields[5 if attrs else 4].value
    algorithm = _DIGESTS.get(digest_alg)
    if algorithm is None:
        raise ValueError(f"digest algorithm {digest_alg} is not supported")
    cert = _signer_certificate(sid, certs)
    verdict.signer = cert.subject.rfc4514_string()
    content = body
    if attrs is not None:
        found = {der.oid(a.child(0)): a.child(1).children()[0] for a in attrs.children()}
        if _CONTENT_TYPE in found and der.oid(found[_CONTENT_TYPE]) != _DATA:
            verdict.problems.append(("verify.not-plain-data", {}))
        h = hashes.Hash(algorithm)
        h.update(body)
        if found.get(_MESSAGE_DIGEST) is None or found[_MESSAGE_DIGEST].value != h.finalize():
            verdict.problems.append(("verify.digest-differs", {}))
        if _SIGNING_TIME in found:
            verdict.signed_at = _time(found[_SIGNING_TIME])
        content = b"\x31" + attrs.data[1:]  # signed attributes are signed as a SET OF, not as [0]
    if not _signature_ok(cert, sig_alg, algorithm, value, content):
        verdict.problems.append(("verify.bad-signature", {}))
    if ca is not None:
        _check_chain(cert, certs, _certificates(ca), verdict)
    else:
        verdict.notices.append(("verify.no-ca", {}))


def _signer_certificate(sid: der.Node, certs: Sequence[x509.Certificate]) -> x509.Certificate:
    if sid.tag != der.SEQUENCE:
        raise ValueError("signer identified by key id: not supported")
    issuer, serial = sid.child(0).data, int.from_bytes(sid.child(1).value, "big", signed=True)
    for cert in certs:
        if cert.serial_number == serial and cert.issuer.public_bytes() == issuer:
            return cert
    raise ValueError("the signer's certificate is not inside the signature")


def _signature_ok(cert: x509.Certificate, sig_alg: str, algorithm: hashes.HashAlgorithm, value: bytes,
                  content: bytes) -> bool:
    key = cert.public_key()
    try:
        if sig_alg in _RSA and isinstance(key, rsa.RSAPublicKey):
            key.verify(value, content, padding.PKCS1v15(), algorithm)
        elif sig_alg in _ECDSA and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(value, content, ec.ECDSA(algorithm))
        else:
            raise ValueError(f"signature algorithm {sig_alg} is not supported")
    except InvalidSignature:
        return False
    return True


def _check_chain(cert: x509.Certificate, bundled: Sequence[x509.Certificate], anchors: Sequence[x509.Certificate],
                 verdict: Verdict) -> None:
    now = dt.datetime.now(dt.UTC)
    current = cert
    for _ in range(8):
        if not current.not_valid_before_utc <= now <= current.not_valid_after_utc:
            verdict.problems.append(("verify.expired", {"subject": current.subject.rfc4514_string()}))
            return
        for anchor in anchors:
            if _issued_by(current, anchor):
                return
        parent = next((c for c in bundled if c is not current and _issued_by(current, c)), None)
        if parent is None:
            break
        current = parent
    verdict.problems.append(("verify.no-chain", {}))


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _time(node: der.Node) -> str:
    text = node.value.decode("ascii", "replace")
    fmt = "%y%m%d%H%M%SZ" if node.tag == 0x17 else "%Y%m%d%H%M%SZ"
    try:
        return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
    except ValueError:
        return text
