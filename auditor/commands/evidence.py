"""``auditor sign`` and ``auditor verify``: a signed manifest of an audit's output files.

Registered on the main app by :mod:`auditor.cli`; the work is in :mod:`auditor.results.signature`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def sign_cmd(
    folder: Annotated[Path, typer.Argument(help="The output folder of a run (e.g. ./audit-out).")],
    key: Annotated[Path | None, typer.Option(help="The signer's private key (PEM).")] = None,
    cert: Annotated[Path | None, typer.Option(help="The signer's certificate (PEM; more certificates: its chain).")]
    = None,
    chain: Annotated[Path | None, typer.Option(help="Intermediate certificates to include (PEM).")] = None,
    pkcs12: Annotated[Path | None, typer.Option("--pkcs12", help="Key and certificates in one PKCS #12 file.")]
    = None,
    password_env: Annotated[str | None, typer.Option(
        help="Name of the environment variable holding the key's password (never the password itself).")] = None,
) -> None:
    """Write manifest.json (every output file's SHA-256) and manifest.json.p7s, a detached CMS signature over it."""
    from auditor.results.signature import load_signer, sign

    signer = load_signer(key=key, cert=cert, chain=chain, pkcs12_file=pkcs12, password_env=password_env)
    manifest, signature, digest = sign(folder, signer)
    typer.echo(f"wrote {manifest}")
    typer.echo(f"wrote {signature}")
    typer.echo(f"manifest SHA-256: {digest}")
    typer.echo(f"check it: openssl cms -verify -binary -inform DER -in {signature} -content {manifest} "
               "-CAfile YOUR-CA.pem")


def verify_cmd(
    folder: Annotated[Path, typer.Argument(help="A folder signed with auditor sign.")],
    ca: Annotated[Path | None, typer.Option(help="Trusted issuer certificates (PEM) the signer must chain to.")]
    = None,
) -> None:
    """Check every file against the manifest and the signature over the manifest. Exit 0 valid, 1 not."""
    from auditor.results.signature import verify
    from auditor.safetext import clean

    verdict = verify(folder, ca)
    typer.echo(f"signer: {clean(verdict.signer)}")  # a certificate's subject is anyone's text
    if verdict.signed_at:
        typer.echo(f"signed at: {verdict.signed_at}")
    typer.echo(f"manifest SHA-256: {verdict.manifest_sha256} ({verdict.files} files)")
    for notice in verdict.notices:
        typer.echo(f"notice: {clean(notice)}", err=True)
    for problem in verdict.problems:
        typer.echo(f"NOT VALID: {clean(problem)}", err=True)
    if not verdict.valid:
        raise typer.Exit(1)
    typer.echo("valid: every file is as signed")


def register(app: typer.Typer) -> None:
    app.command("sign")(sign_cmd)
    app.command("verify")(verify_cmd)
