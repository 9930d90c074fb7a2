"""AWS connector cost against a naive script (and, optionally, Prowler), on one moto server.

    python benchmarks/aws_scan.py [--buckets 1000 5000] [--images off on] [--workers 8] [--repeat 2]
                                  [--with-prowler] [--with-cli]

For each estate size a fresh moto server runs in its own process (so tools and emulator do not
share one interpreter lock) and is seeded with N buckets round-robin over 8 regions: 30% tagged as
health data, some replicated to the next region, some public (policy or ACL), some health buckets
encrypted with a KMS key of another region, 10% untagged. Then, one after the other on the same
server, each in its own process:

- **auditor**: ``auditor.connectors.aws.collect`` with the shipped health scope filter (the stage
  ``auditor scan --provider aws`` runs first); ``--with-cli`` adds the whole CLI (scan, evaluation,
  JSON output) as a further row;
- **naive**: a threaded boto3 script (16 threads) making GetBucketLocation, GetBucketTagging,
  GetBucketReplication and GetBucketPolicyStatus for every bucket (4 calls per bucket): region,
  tags and "has replication / is public", without the destination regions, keys, ACLs, Block
  Public Access or any other account;
- **prowler** (``--with-prowler``): ``prowler aws --service s3``, installed by this script into its
  own virtualenv (never a project dependency).

API calls are counted from the emulator's request log; CPU and peak RSS are the tool process's own (peak RSS
from ``/proc/<pid>/status`` ``VmHWM``, read while it runs: a child's ``ru_maxrss`` would include this script's
own size at ``fork``);
"emulator CPU" is the moto server's CPU while the tool ran (what real AWS spends on its side: on this
machine the emulator and the tool share the same cores, so a tool that makes the emulator work less is
faster); "first call" is the time from a tool's start to its first request in the emulator's log. Each
size runs without and with the emulator's default machine images (``--images``); medians over
``--repeat`` runs, the connector/naive and CLI/naive ratios, the S3 calls per bucket (health and not,
on the emulator and on real AWS), ``auditor --help``'s start-up time and the load average are
printed, and, once every size has run, the memory per 1,000 stores (the peak RSS difference between
two estates over their store difference). Asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from botocore.config import Config as BotoConfig  # noqa: E402
from botocore.exceptions import BotoCoreError, ClientError  # noqa: E402

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1",
           "sa-east-1", "ca-central-1"]
ACCOUNT = "123456789012"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

# moto, plus the demo's gap filler for the APIs moto lacks (HealthLake, HealthImaging…), which the
# connector lists in every region: without it they would answer HTTP 500 and be retried.
SERVER = """
import sys
sys.path.insert(0, {root!r})
from auditor.demo.moto_server import moto_server
with moto_server(quiet=False, default_images={images}) as url:  # request lines on stderr, counted below
    print(url.rsplit(":", 1)[1], flush=True)
    sys.stdin.read()
"""

AUDITOR = """
import json, sys
from auditor.config import AwsConfig, Config
from auditor.connectors.aws import calls, collect
from auditor.demo.moto_server import emulator_wiring
from auditor.pipeline import scope_filter
from auditor.progress import NullReporter
config = Config(aws=AwsConfig(max_workers=int(sys.argv[1])))
with emulator_wiring():
    inventory = collect(config, NullReporter(), scope_filter(config))
deep = [r for r in inventory.resources if r.service == "s3" and r.attributes.get("depth") == "deep"]
eu = ("eu-",)
print(json.dumps({
    "stores": len(inventory.resources),
    "buckets": sum(1 for r in inventory.resources if r.service == "s3"),
    "read deeply": len(deep),
    "replicas outside EU": sum(1 for r in deep for l in r.locations[1:] if not l.region.startswith(eu)),
    "public": sum(1 for r in deep if r.network.public_endpoint),
    "keys in another region": sum(1 for r in deep if r.encryption and r.encryption.region
                                  and r.encryption.key_id and r.encryption.region != r.region),
    "gaps": len(inventory.coverage_gaps),
    "client-side count": sum(calls.last_scan().values()),
    "s3 calls": {k[3:]: v for k, v in calls.last_scan().items() if k.startswith("s3:")},
}))
"""

NAIVE = """
import json, os, sys
from concurrent.futures import ThreadPoolExecutor
import boto3
from botocore.exceptions import ClientError
REGIONS = json.loads(sys.argv[1])
clients = {r: boto3.client("s3", region_name=r) for r in REGIONS}
home = clients["us-east-1"]
buckets = [b["Name"] for b in home.list_buckets()["Buckets"]]

def audit(name):
    region = home.get_bucket_location(Bucket=name)["LocationConstraint"] or "us-east-1"
    region = "eu-west-1" if region == "EU" else region
    c = clients.get(region) or home
    out = {"name": name, "region": region}
    for op, key in (("get_bucket_tagging", "TagSet"), ("get_bucket_replication", "ReplicationConfiguration"),
                    ("get_bucket_policy_status", "PolicyStatus")):
        try:
            out[key] = getattr(c, op)(Bucket=name).get(key)
        except ClientError as exc:
            out[key] = exc.response["Error"]["Code"]
    return out

with ThreadPoolExecutor(16) as pool:
    results = list(pool.map(audit, buckets))
print(json.dumps({"buckets": len(results),
                  "with replication": sum(1 for r in results if isinstance(r["ReplicationConfiguration"], dict)),
                  "public policy": sum(1 for r in results if isinstance(r["PolicyStatus"], dict)
                                       and r["PolicyStatus"].get("IsPublic"))}))
"""


class Emulator:
    """A moto server in its own process; counts the requests its log reports."""

    def __init__(self, default_images: bool = False) -> None:
        script = SERVER.format(root=str(ROOT), images=default_images)
        self.process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.url = f"http://127.0.0.1:{int(self.process.stdout.readline())}"
        self.requests = 0
        self.seen: list[float] = []  # when each request line arrived (perf_counter)
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True)
        self._reader.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            if '" ' in line and "HTTP/1." in line and "/moto-api/" not in line:
                with self._lock:
                    self.requests += 1
                    self.seen.append(time.perf_counter())

    def first_after(self, start: float) -> float | None:
        """Seconds from ``start`` to the first request logged after it (logged once answered)."""
        with self._lock:
            return next((t - start for t in self.seen if t >= start), None)

    def cpu(self) -> float:
        """The emulator process's CPU seconds so far (what real AWS would spend on its side)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def count(self) -> int:
        time.sleep(0.3)  # let the log reader catch up
        with self._lock:
            return self.requests

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def environment(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": url, "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_DISABLE_HOST_PREFIX_INJECTION": "true", "PYTHONPATH": str(ROOT)})
    return env


def seed(url: str, n: int) -> dict[str, int]:
    clients = {r: boto3.client("s3", region_name=r, endpoint_url=url, **CREDS) for r in REGIONS}
    keys = {r: boto3.client("kms", region_name=r, endpoint_url=url, **CREDS).create_key()["KeyMetadata"]["Arn"]
            for r in REGIONS}
    stats = {"health": 0, "replicated": 0, "public": 0, "foreign key": 0}
    lock = threading.Lock()

    def name(i: int) -> str:
        return f"bench-{i:05d}"

    def create(i: int) -> None:
        region = REGIONS[i % len(REGIONS)]
        c = clients[region]
        c.create_bucket(Bucket=name(i), **({} if region == "us-east-1" else
                                           {"CreateBucketConfiguration": {"LocationConstraint": region}}))
        health = i % 10 < 3
        tags = {"data-classification": "health"} if health else (
            {"data-classification": "internal"} if i % 10 != 9 else None)
        if tags:
            c.put_bucket_tagging(Bucket=name(i), Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
        if i % 20 == 5 or i % 50 == 1:  # public: a policy on some non-health buckets, an ACL on some health ones
            if i % 50 == 1:
                c.put_bucket_acl(Bucket=name(i), ACL="public-read")
            else:
                c.put_bucket_policy(Bucket=name(i), Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{name(i)}/*"}]}))
            with lock:
                stats["public"] += 1
        if health and i % 5 == 2:
            other = REGIONS[(i + 3) % len(REGIONS)]
            c.put_bucket_encryption(Bucket=name(i), ServerSideEncryptionConfiguration={"Rules": [{
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys[other]}}]})
            with lock:
                stats["foreign key"] += 1
        with lock:
            stats["health"] += int(health)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, range(n)))

    def replicate(i: int) -> None:  # to the next bucket, which sits in the next region
        c = clients[REGIONS[i % len(REGIONS)]]
        c.put_bucket_versioning(Bucket=name(i), VersioningConfiguration={"Status": "Enabled"})
        c.put_bucket_replication(Bucket=name(i), ReplicationConfiguration={
            "Role": f"arn:aws:iam::{ACCOUNT}:role/replication", "Rules": [{
                "ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {},
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": f"arn:aws:s3:::{name((i + 1) % n)}"}}]})

    replicated = [i for i in range(n) if i % 10 < 3 and i % 7 == 0]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(replicate, replicated))
    stats["replicated"] = len(replicated)
    # Emulator warm-up, not a tool's cost: moto builds each service's backend for a region (EC2's:
    # ~2 s of CPU) on the first call it serves there, which real AWS does not; whichever tool asked
    # first would pay for it. The connector lists these services in every enabled region (all of its
    # regional listings are warmed: the Bedrock, SageMaker and CloudWatch ones were missing before).
    enabled = [r["RegionName"] for r in boto3.client("ec2", region_name="us-east-1", endpoint_url=url, **CREDS)
               .describe_regions()["Regions"] if r.get("OptInStatus") != "not-opted-in"]
    listings = [("rds", "describe_db_instances", {}), ("rds", "describe_db_clusters", {}),
                ("dynamodb", "list_tables", {}), ("ec2", "describe_snapshots", {"OwnerIds": ["self"]}),
                ("redshift", "describe_clusters", {}), ("efs", "describe_file_systems", {}),
                ("backup", "list_backup_vaults", {}), ("sagemaker", "list_endpoints", {}),
                ("sagemaker", "list_training_jobs", {}), ("sagemaker", "list_domains", {}),
                ("sagemaker", "list_notebook_instances", {}), ("bedrock", "list_inference_profiles", {}),
                ("bedrock", "list_guardrails", {}), ("bedrock", "list_provisioned_model_throughputs", {}),
                ("bedrock", "get_model_invocation_logging_configuration", {}), ("bedrock-agent", "list_agents", {}),
                ("bedrock-agent", "list_knowledge_bases", {}), ("cloudwatch", "list_metrics", {}),
                ("resourcegroupstaggingapi", "get_resources", {})]
    once = BotoConfig(retries={"total_max_attempts": 1})

    def warm(region: str) -> None:
        for service, operation, params in listings:
            client = boto3.client(service, region_name=region, endpoint_url=url, config=once, **CREDS)
            with contextlib.suppress(BotoCoreError, ClientError):  # what the emulator lacks, it lacks for all
                getattr(client, operation)(**params)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(warm, enabled))
    return stats


def high_water_mb(pid: int | str = "self") -> float | None:
    """The process's own peak RSS (``VmHWM``), ``None`` once its memory is gone.

    Not ``ru_maxrss`` (``wait4``/``getrusage``): on Linux a child's ``ru_maxrss`` starts at its parent's RSS
    at ``fork`` (the kernel carries the old memory's high-water mark across ``exec``), so every tool run from
    this script, itself holding the seeding clients, would report at least this script's own size."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class PeakWatch:
    """Reads a child's ``VmHWM`` every 20 ms while it runs: the last reading before it exits is its peak."""

    def __init__(self, pid: int) -> None:
        self.peak = 0.0
        self._pid = pid
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            mb = high_water_mb(self._pid)
            if mb is None:
                return
            self.peak = max(self.peak, mb)
            self._stop.wait(0.02)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def measure(label: str, command: list[str], env: dict[str, str], emulator: Emulator) -> dict[str, Any]:
    before = emulator.count()
    served = emulator.cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    streams: dict[str, str] = {}
    readers = [threading.Thread(target=lambda k=k, f=f: streams.__setitem__(k, f.read()), daemon=True)
               for k, f in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    watch = PeakWatch(process.pid)
    _, status, usage = os.wait4(process.pid, 0)  # its CPU; its peak RSS comes from the watch
    peak = watch.stop()
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    calls = emulator.count() - before
    emulator_cpu = emulator.cpu() - served
    first = emulator.first_after(start)
    result: dict[str, Any] = {"tool": label, "wall_s": round(wall, 1), "calls": calls,
                              "first_call_s": None if first is None or first > wall else round(first, 2),
                              "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                              "emulator_cpu_s": round(emulator_cpu, 1),
                              "peak_rss_mb": round(peak), "exit": process.returncode}
    last = [line for line in streams.get("out", "").splitlines() if line.startswith("{")]
    if last:
        result["facts"] = json.loads(last[-1])
    if process.returncode not in (0, 1, 3) and not last:  # 1/3: the CLI's findings / incomplete verdicts
        result["error"] = (streams.get("err", "").strip().splitlines() or ["?"])[-1][:200]
    return result


def prowler_command(out: Path) -> list[str] | None:
    venv = Path(tempfile.gettempdir()) / "sovereign-auditor-bench-prowler"
    prowler = venv / "bin" / "prowler"
    if not prowler.exists():
        print("installing Prowler into its own virtualenv (once)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "prowler"], check=False)
        if done.returncode != 0 or not prowler.exists():
            print("  Prowler could not be installed here; skipped", flush=True)
            return None
    return [str(prowler), "aws", "--service", "s3", "--region", *REGIONS, "--no-banner", "--no-color", "-z",
            "--output-formats", "json-ocsf", "-o", str(out), "-F", "findings"]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def startup(env: dict[str, str], times: int = 3) -> float:
    """Median wall time of ``auditor --help`` (imports and argument parsing only)."""
    walls = []
    for _ in range(times):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "auditor", "--help"], env=env, stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
    return median(walls)


CLI = "auditor scan --provider aws"
KEYS = ("wall_s", "calls", "cpu_s", "emulator_cpu_s", "peak_rss_mb", "first_call_s")


def run(n: int, workers: int, with_prowler: bool, with_cli: bool, repeat: int = 1, default_images: bool = False
        ) -> dict[str, Any]:
    """One estate size, one image setting: every tool ``repeat`` times; returns the medians and the store count."""
    emulator = Emulator(default_images)
    try:
        t = time.perf_counter()
        stats = seed(emulator.url, n)
        seeded = emulator.count()
        images = "with" if default_images else "without"
        print(f"\n== {n:,} buckets over {len(REGIONS)} regions, {images} the emulator's default machine images: "
              f"{stats}; seeded with {seeded:,} requests in {time.perf_counter() - t:.0f} s; load {load()}",
              flush=True)
        env = environment(emulator.url)
        auditor = ("auditor (connector)", [sys.executable, "-c", AUDITOR, str(workers)])
        naive = ("naive boto3, 4 calls/bucket", [sys.executable, "-c", NAIVE, json.dumps(REGIONS)])
        tools = [auditor, naive]
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for turn in range(repeat):  # alternate who goes first: a shared machine drifts
                for label, command in (tools if turn % 2 == 0 else tools[::-1]):
                    rows.append(measure(label, command, env, emulator))
                if with_cli:
                    rows.append(measure(CLI, [
                        sys.executable, "-m", "auditor", "scan", "--provider", "aws", "--out", tmp, "--format",
                        "json", "--quiet", "--allow-unknown"], env, emulator))
            if with_cli:
                sizes = {f.name: f.stat().st_size for f in Path(tmp).glob("*.json")}
                print("  outputs: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(sizes.items())))
            if with_prowler and (command := prowler_command(Path(tmp) / "prowler")):
                rows.append(measure("prowler aws --service s3", command, env, emulator))
        for row in rows:
            extra = f"  {row['facts']}" if "facts" in row else (f"  error: {row['error']}" if "error" in row else "")
            first = "" if row["first_call_s"] is None else f"  first call {row['first_call_s']:.2f} s"
            print(f"{row['tool']:<30} {row['wall_s']:>7.1f} s  {row['calls']:>7,} calls  {row['cpu_s']:>6.1f} s CPU  "
                  f"emulator {row['emulator_cpu_s']:>5.1f} s CPU  {row['peak_rss_mb']:>5} MB peak RSS  "
                  f"exit {row['exit']}{first}{extra}", flush=True)
        medians = {label: {k: median([r[k] for r in rows if r["tool"] == label and r.get(k) is not None])
                           for k in KEYS}
                   for label in dict.fromkeys(r["tool"] for r in rows)}
        print(f"medians of {repeat} run(s) (CPU: the tool's own; emulator: the moto server's while the tool ran):")
        for label, m in medians.items():
            print(f"  {label:<30} {m['wall_s']:>7.1f} s  {m['calls']:>7,.0f} calls  {m['cpu_s']:>6.1f} s CPU  "
                  f"emulator {m['emulator_cpu_s']:>5.1f} s CPU  {m['peak_rss_mb']:>5.0f} MB  "
                  f"first call {m['first_call_s']:.2f} s")
        b = medians[naive[0]]
        for label in (auditor[0], *([CLI] if CLI in medians else [])):
            a = medians[label]
            print(f"  {label} / naive: wall {a['wall_s'] / b['wall_s']:.2f}x, "
                  f"API calls {a['calls'] / b['calls']:.2f}x, "
                  f"CPU {a['cpu_s'] / b['cpu_s']:.2f}x, emulator CPU {a['emulator_cpu_s'] / b['emulator_cpu_s']:.2f}x, "
                  f"peak RSS {a['peak_rss_mb'] / b['peak_rss_mb']:.2f}x; calls per bucket {a['calls'] / n:.2f} vs "
                  f"{b['calls'] / n:.2f}", flush=True)
        facts = next((r["facts"] for r in rows if r["tool"] == auditor[0] and "facts" in r), {})
        per_bucket(facts, n)
        print(f"  start-up: auditor --help {startup(env):.2f} s (median of 3); load after {load()}", flush=True)
        return {"n": n, "images": default_images, "stores": facts.get("stores"), "medians": medians}
    finally:
        emulator.stop()


def per_bucket(facts: dict[str, Any], n: int) -> None:
    """The auditor's S3 calls per bucket, health (read deeply) and not, here and on real AWS."""
    s3 = facts.get("s3 calls") or {}
    deep = facts.get("read deeply") or 0
    if not s3 or not n:
        return
    location = s3.get("GetBucketLocation", 0) / n  # the emulator's ListBuckets gives no BucketRegion
    per_deep = sum(v for k, v in s3.items() if k not in ("GetBucketLocation", "ListBuckets")) / max(deep, 1)
    other = facts.get("client-side count", 0) - sum(s3.values())
    listings = s3.get("ListBuckets", 0)
    print(f"  S3 calls per bucket: not health {location:.2f} on the emulator ({listings} ListBuckets in all: once, "
          f"then once per enabled region with the BucketRegion filter, since its listing gives no "
          f"region), 0 on real AWS (ListBuckets gives the region); health {location + per_deep:.2f} (real AWS "
          f"{per_deep:.2f}; {deep} read deeply: health buckets and replica destinations); other services "
          f"{other:,} calls in all (per account and region, not per bucket)", flush=True)


def slopes(results: list[dict[str, Any]]) -> None:
    """MB per 1,000 stores: the peak RSS difference between two estates of the same run, over their store counts."""
    print("\nmemory per 1,000 stores (peak RSS difference / store difference, medians):")
    pairs = [(a, b) for i, a in enumerate(results) for b in results[i + 1:]
             if a["stores"] and b["stores"] and a["stores"] != b["stores"]
             and (a["n"] == b["n"] or a["images"] == b["images"])]
    for a, b in pairs:
        lo, hi = sorted((a, b), key=lambda r: r["stores"])
        what = (f"{lo['n']:,} buckets, default images off -> on" if lo["n"] == hi["n"] else
                f"{lo['n']:,} -> {hi['n']:,} buckets, default images {'on' if lo['images'] else 'off'}")
        for label in hi["medians"]:
            if label in lo["medians"]:
                d = hi["medians"][label]["peak_rss_mb"] - lo["medians"][label]["peak_rss_mb"]
                print(f"  {what}: {label:<30} {lo['medians'][label]['peak_rss_mb']:>5.0f} -> "
                      f"{hi['medians'][label]['peak_rss_mb']:>5.0f} MB over {lo['stores']:,} -> {hi['stores']:,} "
                      f"stores: {1000 * d / (hi['stores'] - lo['stores']):+.1f} MB per 1,000 stores")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buckets", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--workers", type=int, default=8, help="aws.max_workers for the auditor")
    parser.add_argument("--with-prowler", action="store_true", help="also run Prowler (installed in its own venv)")
    parser.add_argument("--with-cli", action="store_true", help="also run the whole 'auditor scan --provider aws'")
    parser.add_argument("--repeat", type=int, default=2, help="runs of auditor and naive, alternating who goes first")
    parser.add_argument("--images", nargs="+", choices=("off", "on"), default=["off", "on"],
                        help="the emulator's default machine images (~1,350 snapshots per region listed as the "
                             "account's own): off, on, or both")
    args = parser.parse_args()
    results = [run(n, args.workers, args.with_prowler, args.with_cli, args.repeat, images == "on")
               for n in args.buckets for images in args.images]
    if len(results) > 1:
        slopes(results)


if __name__ == "__main__":
    main()
