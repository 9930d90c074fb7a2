"""What the tool knows, without auditing anything: ``regions``, ``permissions`` and ``version``.

Built only when run (:mod:`auditor.cli`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from auditor import __version__
from auditor.cli_options import ConfigOpt
from auditor.errors import ConfigError


def regions(
    provider: Annotated[str | None, typer.Option(
        metavar="PROVIDER", help="Only this provider (aws, azure, gcp, ovhcloud, …).")] = None,
) -> None:
    """The geography catalog as the tool sees it: region, country, legal zone."""
    from auditor.commands.regions import format_catalog

    typer.echo(format_catalog(provider), nl=False)


# provider -> "module:function" returning the least-privilege role document (JSON-ready).
PERMISSIONS = {"aws": "auditor.connectors.aws.permissions:policy_document",
               "azure": "auditor.connectors.azure.permissions:role_definition",
               "gcp": "auditor.connectors.gcp.permissions:role_definition"}


def permissions(provider: Annotated[str, typer.Argument(metavar="aws|azure|gcp", help="aws, azure or gcp.")],
                config: ConfigOpt = None) -> None:
    """Print the least-privilege role a scan needs, built from what the connectors declare they call.

    For AWS, ``sts:AssumeRole`` is granted only on the configured role (aws.role_name, with its path)
    and only when the configuration enters other accounts.
    """
    import importlib
    import json

    from auditor import config as cfg

    if provider not in PERMISSIONS:
        raise ConfigError("cli.one-of", what="permissions", value=provider, known=", ".join(sorted(PERMISSIONS)))
    module, _, func = PERMISSIONS[provider].partition(":")
    build = getattr(importlib.import_module(module), func)
    typer.echo(json.dumps(build(cfg.load(config).aws) if provider == "aws" else build(), indent=2))


def version() -> None:
    """Print the tool version."""
    typer.echo(__version__)
