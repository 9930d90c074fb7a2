"""``auditor sign`` and ``auditor verify``: a signed manifest of an audit's output files.

Registered on the main app by :mod:`auditor.cli`; the work is in :mod:`auditor.results.signature`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.cli_options import ConfigOpt, LangOpt
from auditor.messages import say


def _settings(lang: str | None, config: Path | None) -> tuple[str, str]:
    """The language (--lang, else the configuration's) and the time zone dates are shown in."""
    from auditor import config as cfg
    from auditor.results.console import lang as chosen

    loaded = cfg.load(config)
    return chosen(lang, loaded.lang.value), loaded.report.timezone


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
    config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Write manifest.json (every output file's SHA-256) and manifest.json.p7s, a detached CMS signature over it."""
    from auditor.results.signature import load_signer, sign

    language, _ = _settings(lang, config)
    signer = load_signer(key=key, cert=cert, chain=chain, pkcs12_file=pkcs12, password_env=password_env)
    manifest, signature, digest = sign(folder, signer)
    typer.echo(say("wrote", language, path=manifest))
    typer.echo(say("wrote", language, path=signature))
    typer.echo(say("sign.digest", language, digest=digest))
    typer.echo(say("sign.check", language, signature=signature, manifest=manifest))


def verify_cmd(
    folder: Annotated[Path, typer.Argument(help="A folder signed with auditor sign.")],
    ca: Annotated[Path | None, typer.Option(help="Trusted issuer certificates (PEM) the signer must chain to.")]
    = None,
    config: ConfigOpt = None, lang: LangOpt = None,
) -> None:
    """Check every file against the manifest and the signature over the manifest. Exit 0 valid, 1 not."""
    from auditor.render.dates import long
    from auditor.results.signature import verify
    from auditor.safetext import clean

    language, timezone = _settings(lang, config)
    verdict = verify(folder, ca)
    typer.echo(say("verify.signer", language, signer=clean(verdict.signer)))  # a subject is anyone's text
    if verdict.signed_at:
        at = verdict.signed_at if language == "en" else f"{long(verdict.signed_at, language, timezone)} " \
                                                         f"({verdict.signed_at})"
        typer.echo(say("verify.signed-at", language, at=at))
    typer.echo(say("verify.manifest", language, digest=verdict.manifest_sha256, n=verdict.files))
    for key, values in verdict.notices:
        typer.echo(say("notice", language, text=clean(say(key, language, **values))), err=True)
    for key, values in verdict.problems:
        typer.echo(say("verify.problem", language, text=clean(say(key, language, **values))), err=True)
    if not verdict.valid:
        raise typer.Exit(1)
    typer.echo(say("verify.valid", language))


def register(app: typer.Typer) -> None:
    app.command("sign")(sign_cmd)
    app.command("verify")(verify_cmd)
