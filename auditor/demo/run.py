"""Where ``auditor demo`` gets its estate from.

By default the demo exercises the real connectors: the AWS half of "Hôpitaux de la Loire" is
seeded into a local moto server (in this process, on 127.0.0.1) and scanned by the AWS
connector over HTTP; the Azure half is served by a local HTTPS fake ARM and scanned by the
Azure connector with real azure-identity credentials. Nothing can reach a real cloud: the
user's AWS variables are set aside for the duration and the Azure connector is given the fake
endpoints explicitly. ``--offline`` judges the same estate without an emulator: the inventory a live demo
scan collected, recorded in ``estate.inventory.json`` (a test compares the two demos' findings, so the
recording cannot drift from the live estate; to record it again: ``auditor demo --out DIR`` and copy
``DIR/inventory.json`` there).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.config import AwsConfig, Config
from auditor.errors import ConfigError
from auditor.model.documents import read_inventory
from auditor.model.inventory import Inventory

RECORDED = Path(__file__).with_name("estate.inventory.json")  # what the live demo's connectors collected


def offline_source(config: Config, reporter: Any) -> Inventory:
    reporter.info("Parc de démonstration\u202f: Hôpitaux de la Loire (inventaire enregistré d'un scan des émulateurs, "
                  "sans émulateur)" if config.lang == "fr" else
                  "Demo estate: Hôpitaux de la Loire (the inventory a scan of the emulators recorded, no emulator)")
    return read_inventory(RECORDED)


SEED = 20261207  # any constant: the emulator's generated ids (snapshots, keys, member accounts) repeat


def deterministic(url: str) -> None:
    """Start the emulator from a clean state with its random source seeded, so that two demo runs build the
    same estate with the same ids: two runs in a row then differ in nothing (``auditor diff`` says so)."""
    import urllib.request

    for path in ("/moto-api/reset", f"/moto-api/seed?a={SEED}"):
        urllib.request.urlopen(urllib.request.Request(url + path, method="POST"), timeout=30).close()  # noqa: S310


def demo_source(config: Config, reporter: Any) -> Inventory:
    try:
        from auditor.demo import aws_estate, azure_estate, gcp_demo
        from auditor.demo.moto_server import aws_environment, emulator_wiring, moto_server
    except ImportError as exc:  # moto/trustme are the [demo] extra
        raise ConfigError("config.demo-extra", hint="hint.demo-offline", name=exc.name) from None
    from auditor.connectors import aws
    from auditor.pipeline import merge_inventories, scope_filter

    in_scope = scope_filter(config)
    reporter.info("Parc de démonstration\u202f: Hôpitaux de la Loire, sur des émulateurs locaux (moto pour AWS, "
                  "un faux ARM pour Azure, de faux serveurs Google Cloud et S3NS)" if config.lang == "fr" else
                  "Demo estate: Hôpitaux de la Loire, on local emulators (moto for AWS, a fake ARM for Azure, "
                  "fake Google Cloud and S3NS servers)")
    with moto_server() as url, aws_environment(url), emulator_wiring():
        deterministic(url)
        aws_estate.seed(url)
        aws_config = replace(config, aws=AwsConfig(organization=True, max_workers=config.aws.max_workers))
        aws_part = aws.collect(aws_config, reporter, in_scope)
    azure_part = azure_estate.collect(config, reporter, in_scope)
    return merge_inventories([aws_part, azure_part, *gcp_demo.collect(config, reporter, in_scope)])
