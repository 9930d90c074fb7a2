"""Render time and output size of every format for 100, 1,000 and 10,000 findings.

    python benchmarks/report.py [--sizes 100,1000,10000] [--seed 11] [--out DIR]

For each size, a seeded synthetic estate (S3 buckets and Azure storage accounts: mostly health data,
replicas and backups in and out of the EEA, public and foreign access, unknown regions) is evaluated
by the real pipeline (stage 2 + engine, profile hds); the findings are cut to the size asked and every
format is rendered from that FindingsDoc. Prints the time to produce the findings, each format's
render time and size, and the HTML bytes per finding (target: <= 2 KB at 10,000). Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.config import Config
from auditor.model.findings import FindingsDoc
from auditor.model.inventory import (
    AccessGrant,
    CoverageGap,
    DataLocation,
    Inventory,
    KeyManager,
    KeyRef,
    LocationRole,
    PrincipalKind,
    Resource,
    Scope,
)
from auditor.pipeline import assess
from auditor.render import RENDERERS, RenderOptions, TrendPoint

AWS = ["eu-west-3", "eu-west-1", "eu-central-1", "eu-north-1", "eu-south-2", "us-east-1", "eu-west-2",
       "ap-southeast-1", "ca-central-1", "xx-unknown-1"]
AZURE = ["francecentral", "westeurope", "northeurope", "germanywestcentral", "eastus", "uksouth", "switzerlandnorth"]
ROLES = [LocationRole.REPLICA, LocationRole.BACKUP, LocationRole.GEO_SECONDARY, LocationRole.SNAPSHOT_COPY]


def estate(n: int, seed: int) -> Inventory:
    rnd = random.Random(seed)
    out = []
    accounts = [f"{rnd.randrange(10**11, 10**12)}" for _ in range(max(2, n // 200))]
    for i in range(n):
        azure = rnd.random() < 0.35
        regions = AZURE if azure else AWS
        region = rnd.choice(regions)
        health = rnd.random() < 0.7
        copies = [DataLocation(rnd.choice(regions), rnd.choice(ROLES), via="synthetic-copy")
                  for _ in range(rnd.choice([0, 0, 1, 1, 2]))]
        key = KeyRef(KeyManager.CUSTOMER, f"key-{i}", rnd.choice(regions), "AWS_KMS") if rnd.random() < 0.5 else (
            KeyRef(KeyManager.PROVIDER))
        access = []
        if rnd.random() < 0.06:
            access.append(AccessGrant("*", PrincipalKind.PUBLIC, source="bucket-policy"))
        if rnd.random() < 0.08:
            access.append(AccessGrant("arn:aws:iam::999999999999:root", PrincipalKind.ACCOUNT, home="999999999999",
                                      source="bucket-policy"))
        account = rnd.choice(accounts)
        name = f"{'patients' if health else 'app'}-{rnd.choice(['records', 'imaging', 'labs', 'exports'])}-{i:06d}"
        rid = (f"/subscriptions/{account}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st{i:06d}"
               if azure else f"arn:aws:s3:::{name}")
        out.append(Resource(
            id=rid, provider="azure" if azure else "aws", account=account, service="storage" if azure else "s3",
            kind="object-store", native_type="Microsoft.Storage/storageAccounts" if azure else "AWS::S3::Bucket",
            name=name, region=region, tags={"data-classification": "phi"} if health else {"team": "web"},
            locations=(DataLocation(region), *copies), encryption=key, access=tuple(access),
            logging=rnd.random() < 0.6,
        ))
    gaps = tuple(CoverageGap("aws", "rds", "access-denied", "AccessDenied", account=a, region="eu-west-3")
                 for a in accounts[:3])
    return Inventory(resources=tuple(out), coverage_gaps=gaps,
                     scope=Scope(providers=("aws", "azure"), accounts=tuple(accounts), source="synthetic"))


def produce(findings: int, seed: int) -> tuple[FindingsDoc, float]:
    """A FindingsDoc with exactly ``findings`` findings, and how long the pipeline took to produce it."""
    resources = max(20, findings // 2)
    while True:
        inventory = estate(resources, seed)
        t0 = time.perf_counter()
        doc = assess(inventory, Config(profile="hds")).doc
        took = time.perf_counter() - t0
        if len(doc.findings) >= findings:
            kept = doc.findings[:findings]
            ids = {f.resource_id for f in kept}
            passed = {p: tuple(r for r in rs if r in ids) for p, rs in doc.passed.items()}
            doc = replace(doc, findings=kept, resources=tuple(r for r in doc.resources if r.id in ids),
                          passed={p: rs for p, rs in passed.items() if rs})
            return doc, took
        resources = int(resources * findings / max(len(doc.findings), 1) * 1.1) + 10


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, default=None, help="keep the rendered files here")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="report-bench-"))
    trend = tuple(TrendPoint(f"2026-01-{d:02d}", {"critical": 40 - d, "high": 30, "medium": 50 + d})
                  for d in range(1, 8))
    print(f"{'findings':>9} {'resources':>9} {'produce':>8}  " + "  ".join(f"{n:>14}" for n in RENDERERS)
          + "  html B/finding")
    for size in (int(s) for s in args.sizes.split(",")):
        doc, took = produce(size, args.seed)
        options = RenderOptions(lang="fr", findings_sha256="0" * 64, previous=doc, trend=trend,
                                report_link="https://ci.example/report.html", generated_at=doc.run.finished)
        cells = []
        html_bytes = 0
        for name, renderer in RENDERERS.items():
            t0 = time.perf_counter()
            text = renderer.render(doc, options)
            elapsed = time.perf_counter() - t0
            data = text.encode("utf-8")
            (out / f"{size}").mkdir(parents=True, exist_ok=True)
            (out / f"{size}" / renderer.filename).write_bytes(data)
            if name == "html":
                html_bytes = len(data)
            cells.append(f"{elapsed:5.2f}s {len(data) / 1e6:6.2f}MB")
        print(f"{len(doc.findings):>9,} {len(doc.resources):>9,} {took:7.2f}s  " + "  ".join(cells)
              + f"  {html_bytes / len(doc.findings):,.0f}")
    print(f"files in {out}")


if __name__ == "__main__":
    main()
