"""Report size with many unclassified stores: findings.json, inventory.json and report.html.

    python benchmarks/unclassified.py [--snapshots 10000] [--health 300]

Builds one AWS account's inventory: ``--health`` health-tagged buckets (encrypted, some replicated
to a US region) and ``--snapshots`` untagged EBS snapshots spread over 8 regions (what moto's
default machine images look like to a scan, or an estate nobody tagged). Runs the real stages 2-5
(enrichment, the shipped pack under ``hds``, the JSON and HTML writers) twice: as shipped (unclassified
stores counted per account/service/region, ``auditor/results/unclassified.py``) and with that step
left out (one resource and one finding per store, as before), and prints the file sizes side by side
(target: findings.json < 2 MB at 10,000 snapshots). Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.config import Config
from auditor.model.inventory import DataLocation, Inventory, KeyManager, KeyRef, LocationRole, Resource, Scope
from auditor.pipeline import assess, write_outputs
from auditor.results import unclassified

REGIONS = ["eu-west-3", "eu-west-1", "eu-central-1", "us-east-1", "eu-west-2", "eu-north-1", "us-west-2",
           "ap-southeast-1"]
ACCOUNT = "123456789012"


def estate(snapshots: int, health: int) -> Inventory:
    out = []
    for i in range(health):
        region = REGIONS[i % 3]
        copies = (DataLocation("us-east-1", LocationRole.REPLICA, via="s3-replication"),) if i % 10 == 0 else ()
        out.append(Resource(
            id=f"arn:aws:s3:::patients-{i}", provider="aws", account=ACCOUNT, service="s3", kind="object-store",
            native_type="AWS::S3::Bucket", name=f"patients-{i}", region=region,
            tags={"data-classification": "health"}, locations=(DataLocation(region), *copies),
            encryption=KeyRef(KeyManager.CUSTOMER, f"arn:aws:kms:{region}:{ACCOUNT}:key/k{i}", region, "AWS_KMS"),
            logging=True))
    for i in range(snapshots):
        region = REGIONS[i % len(REGIONS)]
        sid = f"snap-{i:017x}"
        out.append(Resource(
            id=f"arn:aws:ec2:{region}:{ACCOUNT}:snapshot/{sid}", provider="aws", account=ACCOUNT, service="ec2",
            kind="snapshot", native_type="AWS::EC2::Snapshot", name=sid, region=region,
            locations=(DataLocation(region),),
            encryption=KeyRef(KeyManager.PROVIDER)))
    return Inventory(resources=tuple(out), scope=Scope(providers=("aws",), accounts=(ACCOUNT,),
                                                       regions=tuple(REGIONS), source="synthetic"))


def measure(raw: Inventory, out: Path) -> dict[str, float]:
    config = Config(profile="hds")
    start = time.perf_counter()
    doc = assess(raw, config).doc
    write_outputs(doc, out, ("json", "html"), "en", inventory=raw)
    return {"seconds": time.perf_counter() - start, "findings": len(doc.findings),
            **{name: (out / name).stat().st_size / 1e6 for name in ("findings.json", "inventory.json", "report.html")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshots", type=int, default=10_000)
    ap.add_argument("--health", type=int, default=300)
    args = ap.parse_args()
    raw = estate(args.snapshots, args.health)
    shipped = unclassified.fold
    with tempfile.TemporaryDirectory() as tmp:
        alone = measure(estate(0, args.health), Path(tmp, "health-only"))
        counted = measure(raw, Path(tmp, "counted"))
        unclassified.fold = lambda doc: doc  # type: ignore[assignment]  # the previous behaviour, for comparison
        try:
            listed = measure(raw, Path(tmp, "listed"))
        finally:
            unclassified.fold = shipped  # type: ignore[method-assign]
    print(f"{args.snapshots:,} unclassified snapshots over {len(REGIONS)} regions + {args.health} health buckets")
    print(f"{'':16}{'counted (shipped)':>20}{'one per store':>16}")
    for key, unit in (("findings", ""), ("findings.json", " MB"), ("inventory.json", " MB"), ("report.html", " MB"),
                      ("seconds", " s")):
        fmt = "{:,.0f}" if key == "findings" else "{:,.2f}"
        print(f"{key:16}{fmt.format(counted[key]) + unit:>20}{fmt.format(listed[key]) + unit:>16}")
    added = {k: (d["findings.json"] - alone["findings.json"]) * 1000 for k, d in (("counted", counted),
                                                                                 ("listed", listed))}
    print(f"findings.json of the {args.health} health buckets alone: {alone['findings.json']:.2f} MB; added by the "
          f"{args.snapshots:,} unclassified stores: {added['counted'] / 1000:.2f} MB counted vs "
          f"{added['listed'] / 1000:.2f} MB listed")
    per = 1000 / max(args.snapshots, 1)
    print(f"per 1,000 unclassified stores: {added['counted'] * per:,.0f} KB counted vs {added['listed'] * per:,.0f} KB "
          "listed")


if __name__ == "__main__":
    main()
