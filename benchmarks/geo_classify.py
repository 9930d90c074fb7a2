"""Stage 2 throughput: resolve() + classify() on a synthetic estate (seeded). Prints figures; asserts nothing.

    python benchmarks/geo_classify.py [--resources 100000] [--seed 7]

Each resource has a primary location, often a replica and a key with its own region, a handful of
tags (classification tags on some) and a unique name, across AWS and Azure regions (a few unknown).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.classify import classify
from auditor.config import ClassificationConfig
from auditor.geo.resolve import resolve
from auditor.model.inventory import (
    DataLocation,
    Inventory,
    KeyManager,
    KeyRef,
    LocationRole,
    Resource,
)

AWS = ["eu-west-3", "eu-west-1", "eu-central-1", "eu-west-2", "us-east-1", "eusc-de-east-1", "eu-west-99"]
AZURE = ["francecentral", "West Europe", "northeurope", "uksouth", "brazilsouth", "eastus"]
WORDS = ["prod", "dev", "patients", "logs", "app", "web", "data", "dpi", "backup", "eu", "fhir", "assets"]
CLASSES = ["Confidential", "PHI", "public", "General", "Highly Confidential", "santé"]


def estate(n: int, seed: int) -> Inventory:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        azure = rng.random() < 0.4
        provider, regions = ("azure", AZURE) if azure else ("aws", AWS)
        region = rng.choice(regions)
        locations = [DataLocation(region)]
        if rng.random() < 0.5:
            locations.append(DataLocation(rng.choice(regions), LocationRole.REPLICA, via="replication"))
        tags = {"Environment": rng.choice(["prod", "dev"]), "Owner": f"team-{rng.randrange(40)}"}
        if rng.random() < 0.4:
            tags["DataClassification"] = rng.choice(CLASSES)
        name = "-".join(rng.sample(WORDS, 3)) + f"-{i}"
        key = KeyRef(KeyManager.CUSTOMER, f"k{i}", region=rng.choice(regions)) if rng.random() < 0.6 else None
        out.append(Resource(id=f"{provider}:{i}", provider=provider, account="a", service="s", kind="object-store",
                            native_type="AWS::S3::Bucket", name=name, region=region, tags=tags,
                            locations=tuple(locations), encryption=key))
    return Inventory(resources=tuple(out))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    inventory = estate(args.resources, args.seed)
    started = time.perf_counter()
    resolved = resolve(inventory)
    middle = time.perf_counter()
    classified = classify(resolved, ClassificationConfig())
    ended = time.perf_counter()
    health = sum(1 for r in classified.resources if r.classification and r.classification.health)
    print(f"resources: {args.resources:,}  health: {health:,}")
    print(f"resolve:  {middle - started:6.3f} s")
    print(f"classify: {ended - middle:6.3f} s")
    print(f"total:    {ended - started:6.3f} s  ({args.resources / (ended - started):,.0f} resources/s)")


if __name__ == "__main__":
    main()
