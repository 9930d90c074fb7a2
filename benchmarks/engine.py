"""Engine throughput on a synthetic estate (seeded): resources/s, evaluation vs json.load, peak memory.

    python benchmarks/engine.py [--resources 100000] [--seed 7]

Builds an inventory of N data stores (30% health, replicas, keys, grants), writes it as
inventory.json, then measures: json.load of that file; decoding + stage-2 enrichment; policy
evaluation of the shipped pack under the hds profile. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.config import Config
from auditor.engine.evaluate import evaluate
from auditor.engine.pack import load_pack
from auditor.engine.waivers import WaiverSet
from auditor.model.codec import from_dict, to_dict
from auditor.model.inventory import (
    AccessGrant,
    DataLocation,
    Inventory,
    KeyManager,
    KeyRef,
    LocationRole,
    PrincipalKind,
    Resource,
    Scope,
)
from auditor.model.vocab import Via
from auditor.pipeline import enrich

AWS_REGIONS = ["eu-west-3", "eu-west-1", "eu-central-1", "us-east-1", "eu-west-2", "ap-southeast-1", "eu-north-1"]
AZ_REGIONS = ["francecentral", "westeurope", "northeurope", "eastus", "uksouth", "germanywestcentral"]


def synthetic(n: int, seed: int) -> Inventory:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        azure = rnd.random() < 0.4
        region = rnd.choice(AZ_REGIONS if azure else AWS_REGIONS)
        health = rnd.random() < 0.3
        tags = {"data-classification": "health" if health else rnd.choice(["public", "internal", "confidential"])}
        if rnd.random() < 0.1:
            tags = {}
        copies = []
        if rnd.random() < 0.25:
            role = rnd.choice([LocationRole.REPLICA, LocationRole.BACKUP, LocationRole.GEO_SECONDARY])
            via = Via.STORAGE_GEO_REPLICATION if azure else Via.S3_REPLICATION
            copies.append(DataLocation(rnd.choice(AZ_REGIONS if azure else AWS_REGIONS), role, via=via))
        key = None
        if rnd.random() < 0.5:
            key = KeyRef(KeyManager.CUSTOMER, f"key-{i}", rnd.choice(AWS_REGIONS if not azure else AZ_REGIONS),
                         "AWS_KMS")
        access = []
        if rnd.random() < 0.05:
            access.append(AccessGrant("*", PrincipalKind.PUBLIC, source="bucket-policy"))
        if rnd.random() < 0.05:
            access.append(AccessGrant("arn:aws:iam::999999999999:root", PrincipalKind.ACCOUNT, home="999999999999",
                                      source="bucket-policy"))
        account = f"{rnd.randrange(10**11, 10**12)}"
        out.append(Resource(
            id=f"arn:aws:s3:::bucket-{i}" if not azure else f"/subscriptions/s/providers/Microsoft.Storage/st{i}",
            provider="azure" if azure else "aws", account=account, service="s3", kind="object-store",
            native_type="AWS::S3::Bucket", name=f"{'patients' if health else 'data'}-{i}", region=region, tags=tags,
            locations=(DataLocation(region), *copies), encryption=key, access=tuple(access),
            logging=rnd.random() < 0.7,
        ))
    return Inventory(resources=tuple(out), scope=Scope(providers=("aws", "azure"), source="synthetic"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    inv = synthetic(args.resources, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inventory.json"
        path.write_text(json.dumps(to_dict(inv)), encoding="utf-8")
        size = path.stat().st_size
        del inv
        t0 = time.perf_counter()
        data = json.loads(path.read_text("utf-8"))
        t_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    raw = from_dict(Inventory, data)
    t_decode = time.perf_counter() - t0
    del data
    pack = load_pack()
    config = Config(profile="hds")
    profile = pack.profile("hds")
    t0 = time.perf_counter()
    enriched = enrich(raw, config)
    t_enrich = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = evaluate(enriched, pack, profile, WaiverSet((), ()))
    t_eval = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(enriched.resources)
    print(f"resources            {n:,} ({size / 1e6:.1f} MB inventory.json, {len(pack.policies)} policies)")
    print(f"findings             {len(result.findings):,}")
    print(f"json.load            {t_parse:.2f} s")
    print(f"decode (codec)       {t_decode:.2f} s")
    print(f"enrich (geo+classify+trust) {t_enrich:.2f} s")
    print(f"evaluate             {t_eval:.2f} s  ({n / t_eval:,.0f} resources/s)")
    print(f"evaluate / json.load {t_eval / t_parse:.2f}x   (target <= 3x)")
    print(f"enrich+evaluate / json.load {(t_enrich + t_eval) / t_parse:.2f}x")
    print(f"peak RSS             {peak:,.0f} MB   (target <= 1,500 MB)")


if __name__ == "__main__":
    main()
