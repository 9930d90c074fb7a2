"""The AWS Config fast path (``aws.config_aggregator``) against direct reads, on one moto server.

    python benchmarks/aws_config_fast.py [--buckets 1000] [--repeat 2] [--workers 8]

The estate is ``benchmarks/aws_scan.py``'s (N buckets over 8 regions, 30% health data, replicas,
public buckets, keys in other regions; its emulator, seeding and measuring helpers are reused), plus a
configuration aggregator over the account. Each case runs the connector (``collect``, the shipped
health scope) in its own process, once without and once with the fast path, alternating who goes first:

- **as seeded**: some health buckets have a ``public-read`` ACL. The emulator cannot build the item
  of a bucket whose ACL grants AllUsers or AuthenticatedUsers: ``BatchGetAggregateResourceConfig``
  answers HTTP 500 for the whole batch of 100; the fast path asks again in batches of ten, and those
  holding such a bucket are read directly (the cost of the fallback: the failed calls, retried by botocore);
- **ACLs as policies**: the same estate where those ACLs are replaced by a public bucket policy, so
  every in-scope bucket's item can be served.

Printed per run: wall time, API calls (the emulator's request log), CPU, peak RSS, and the
connector's own per-operation S3/Config counts; then the medians and fast/direct ratios, and whether
both paths gave the same inventory (a digest of every S3 resource without its evidence and its
``aws_config`` attribute, which say *how* it was read). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import aws_scan  # noqa: E402
import boto3  # noqa: E402

AGGREGATOR = "bench-aggregator"

AUDITOR = """
import dataclasses, hashlib, json, sys
from auditor.config import AwsConfig, Config
from auditor.connectors.aws import calls, collect
from auditor.demo.moto_server import emulator_wiring
from auditor.pipeline import scope_filter
from auditor.progress import NullReporter
aggregator = sys.argv[2] or None
config = Config(aws=AwsConfig(max_workers=int(sys.argv[1]), config_aggregator=aggregator))
with emulator_wiring():
    inventory = collect(config, NullReporter(), scope_filter(config))
s3 = sorted((r for r in inventory.resources if r.service == "s3"), key=lambda r: r.id)
bare = [dataclasses.replace(r, evidence=(), attributes={k: v for k, v in r.attributes.items() if k != "aws_config"})
        for r in s3]
digest = hashlib.sha256(json.dumps([dataclasses.asdict(r) for r in bare], default=str, sort_keys=True).encode())
said = [r.attributes["aws_config"][0] for r in s3 if "aws_config" in r.attributes]
counts = calls.last_scan()
print(json.dumps({
    "read deeply": sum(1 for r in s3 if r.attributes.get("depth") == "deep"),
    "served from items": sum(1 for s in said if s["from_item"]),
    "reads answered by items": sum(len(s["from_item"]) for s in said),
    "gaps": len(inventory.coverage_gaps),
    "s3 digest": digest.hexdigest()[:12],
    "calls": {k: v for k, v in sorted(counts.items()) if k.startswith(("s3:", "config:"))},
}))
"""


def aggregator(url: str) -> None:
    boto3.client("config", region_name="us-east-1", endpoint_url=url, **aws_scan.CREDS).put_configuration_aggregator(
        ConfigurationAggregatorName=AGGREGATOR,
        AccountAggregationSources=[{"AccountIds": [aws_scan.ACCOUNT], "AllAwsRegions": True}])


def acls_as_policies(url: str) -> int:
    """Replace every public-read ACL by a public bucket policy (the same exposure, an item the emulator builds)."""
    clients = {r: boto3.client("s3", region_name=r, endpoint_url=url, **aws_scan.CREDS) for r in aws_scan.REGIONS}
    home = clients["us-east-1"]
    changed = 0
    for b in home.list_buckets()["Buckets"]:
        name = b["Name"]
        region = home.get_bucket_location(Bucket=name)["LocationConstraint"] or "us-east-1"
        c = clients[region]
        if any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in c.get_bucket_acl(Bucket=name)["Grants"]):
            c.put_bucket_acl(Bucket=name, ACL="private")
            c.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}]}))
            changed += 1
    return changed


def case(label: str, emulator: Any, workers: int, repeat: int) -> None:
    env = aws_scan.environment(emulator.url)
    tools = [("direct reads", [sys.executable, "-c", AUDITOR, str(workers), ""]),
             ("Config fast path", [sys.executable, "-c", AUDITOR, str(workers), AGGREGATOR])]
    rows = []
    for turn in range(repeat):
        for tool, command in (tools if turn % 2 == 0 else tools[::-1]):
            rows.append(aws_scan.measure(tool, command, env, emulator))
    print(f"-- {label}; load {aws_scan.load()}")
    for row in rows:
        extra = f"  {row['facts']}" if "facts" in row else f"  error: {row.get('error')}"
        print(f"  {row['tool']:<18} {row['wall_s']:>6.1f} s  {row['calls']:>6,} calls  {row['cpu_s']:>5.1f} s CPU  "
              f"{row['peak_rss_mb']:>4} MB{extra}", flush=True)
    medians = {tool: {k: aws_scan.median([r[k] for r in rows if r["tool"] == tool]) for k in
                      ("wall_s", "calls", "cpu_s", "peak_rss_mb")} for tool, _ in tools}
    d, f = medians["direct reads"], medians["Config fast path"]
    digests = {r["facts"]["s3 digest"] for r in rows if "facts" in r}
    print(f"  medians: direct {d['wall_s']:.1f} s / {d['calls']:,.0f} calls / {d['peak_rss_mb']:.0f} MB; "
          f"fast {f['wall_s']:.1f} s / {f['calls']:,.0f} calls / {f['peak_rss_mb']:.0f} MB; "
          f"fast/direct: wall {f['wall_s'] / d['wall_s']:.2f}x, calls {f['calls'] / d['calls']:.2f}x, "
          f"CPU {f['cpu_s'] / d['cpu_s']:.2f}x; same S3 inventory: {len(digests) == 1}", flush=True)


def run(n: int, workers: int, repeat: int) -> None:
    emulator = aws_scan.Emulator(False)
    try:
        stats = aws_scan.seed(emulator.url, n)
        aggregator(emulator.url)
        print(f"\n== {n:,} buckets over {len(aws_scan.REGIONS)} regions: {stats}; load {aws_scan.load()}", flush=True)
        case("as seeded (public-read ACLs: the emulator fails their batches, split in tens)", emulator, workers, repeat)
        changed = acls_as_policies(emulator.url)
        case(f"ACLs as policies ({changed} public-read ACLs replaced by public policies)", emulator, workers, repeat)
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buckets", type=int, nargs="+", default=[1000])
    parser.add_argument("--workers", type=int, default=8, help="aws.max_workers")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, alternating who goes first")
    args = parser.parse_args()
    for n in args.buckets:
        run(n, args.workers, args.repeat)


if __name__ == "__main__":
    main()
