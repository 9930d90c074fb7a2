"""Azure connector speed against its floor, on the local fake ARM.

    python benchmarks/azure_scan.py [--subscriptions 10] [--resources 1000] [--workers 8] [--seed 7]

The fake ARM runs in its own process (so client and server do not share one interpreter lock)
holding N subscriptions x M resources of the types the connector reads (storage, SQL, Cosmos,
Key Vault, PostgreSQL, Health Data Services, backup vaults, Front Door, plus non-data types
Resource Graph filters out), ~30% of the data stores tagged as health data, with role
assignments and a Lighthouse delegation per subscription.

Measured:
- **connector**: ``auditor.connectors.azure.collect`` with the shipped health scope filter;
- **floor**: a minimal script sending exactly the same requests (taken from the fake's request
  log of the connector run) with one bearer token and a plain ``requests`` session: the Resource
  Graph pages one after the other, then every other read in a pool of the same size. It does no
  parsing, no modelling, no retries: the cost of the HTTP alone;
- **auditor scan --provider azure**: the whole CLI (scan + evaluation + JSON) for reference.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests

from auditor.config import AzureConfig, Config
from auditor.connectors import azure
from auditor.demo import armjson as a
from auditor.demo import armjson_more as m
from auditor.demo import azure_estate as est
from auditor.demo.fakearm import FakeARM
from auditor.pipeline import scope_filter
from auditor.progress import NullReporter

CPU: dict[str, float] = {}  # client-side CPU seconds (the fake ARM runs in its own process)
REGIONS = ["francecentral", "westeurope", "northeurope", "germanywestcentral", "eastus", "uksouth"]
MIX = [("storage", 400), ("sqlserver", 50), ("sqldb", 150), ("cosmos", 100), ("vault", 100), ("postgres", 50),
       ("workspace", 25), ("fhir", 25), ("backup", 20), ("cdn", 5), ("vnet", 75)]  # 1,000 per subscription


def seed_bench(fake: FakeARM, subs: int, per_sub: int, rnd: random.Random) -> None:
    fake.locations = [a.location("00000000-0000-0000-0000-000000000000", *row) for row in est.LOCATIONS]
    fake.data_boundary = m.data_boundary(est.TENANT, "EU")
    for guid, name, actions, data in ((a.READER, "Reader", ["*/read"], []), (a.CONTRIBUTOR, "Contributor", ["*"], []),
                                      (a.BLOB_DATA_READER, "Storage Blob Data Reader", [],
                                       ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"])):
        fake.put(m.role_definition(guid, name, actions, data))
    scale = per_sub / 1000
    for s in range(subs):
        sub = f"00000000-0000-4000-8000-{s:012d}"
        fake.add_subscription(sub, f"bench-{s}")
        rg = "rg-bench"
        servers: list[str] = []
        workspaces: list[str] = []
        for kind, count in MIX:
            for i in range(max(1, round(count * scale))):
                where = rnd.choice(REGIONS)
                tags = est.HEALTH if rnd.random() < 0.3 else {"env": "prod"}
                name = f"{kind}{s:02d}{i:04d}"
                if kind == "storage":
                    sku = rnd.choice(["Standard_LRS", "Standard_GRS"])
                    fake.put(a.storage_account(sub, rg, f"st{name}", where, sku, secondary="northeurope", tags=tags))
                elif kind == "sqlserver":
                    servers.append(fake.put(a.sql_server(sub, rg, name, where, tags=tags))["id"])
                    fake.put(a.encryption_protector(servers[-1], where))
                elif kind == "sqldb":
                    server = rnd.choice(servers)
                    fake.put(a.sql_database(server, name, where, "Geo", "francesouth", tags=tags))
                elif kind == "cosmos":
                    fake.put(m.cosmos_account(sub, rg, name, where, [where, "eastus"], backup="Geo", tags=tags))
                elif kind == "vault":
                    fake.put(m.key_vault(sub, rg, f"kv{name}", where, est.TENANT, tags=tags))
                elif kind == "postgres":
                    fake.put(m.flexible_server("Microsoft.DBforPostgreSQL", sub, rg, name, where, geo_backup=True,
                                               tags=tags))
                elif kind == "workspace":
                    workspaces.append(fake.put(m.health_workspace(sub, rg, f"ws{name}", where))["id"])
                elif kind == "fhir":
                    fake.put(m.fhir_service(rnd.choice(workspaces), name, where, est.TENANT))
                elif kind == "backup":
                    fake.put(m.backup_vault(sub, rg, name, where, "GeoRedundant", crr=True))
                elif kind == "cdn":
                    fake.put(m.cdn_profile(sub, rg, name))
                else:
                    fake.put({"id": f"{a.rg_id(sub, rg)}/providers/Microsoft.Network/virtualNetworks/{name}",
                              "name": name, "type": "Microsoft.Network/virtualNetworks", "location": where,
                              "tags": tags, "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}})
        for i in range(20):
            user = f"1111{s:04d}-0000-4000-8000-{i:012d}"
            fake.put(m.role_assignment(f"/subscriptions/{sub}", f"0000{s:04d}-0000-4000-8000-{i:012d}", user, "User",
                                       a.READER))
            fake.graph_put(m.graph_user(user, f"user{i}@bench.example", "Guest" if i % 7 == 0 else "Member"))
        fake.put(m.registration_assignment(f"/subscriptions/{sub}", f"2222{s:04d}-0000-4000-8000-000000000001",
                                           "26c128c2-fefa-4340-9bb1-8e081c90ada2", managed_by=est.MSP_TENANT,
                                           managed_by_name="MSP", managee=est.TENANT, name="ops",
                                           authorizations=[("33333333-0000-4000-8000-000000000001", "ops",
                                                            a.CONTRIBUTOR)]))


def serve(conn: Any, subs: int, per_sub: int, seed: int, workdir: str) -> None:
    fake = FakeARM(est.TENANT, ca_dir=Path(workdir), page_size=100, graph_page_size=1000,
                   client_secret=est.CLIENT_SECRET)
    seed_bench(fake, subs, per_sub, random.Random(seed))
    fake.start()
    conn.send((fake.base_url, fake.ca_path, len(fake.objects)))
    while True:
        msg = conn.recv()
        if msg == "log":
            conn.send(list(fake.requests))
            fake.requests.clear()
        elif msg == "stop":
            fake.stop()
            return


def run_connector(base: str, ca: str, workers: int) -> tuple[float, int, int]:
    config = Config(azure=AzureConfig(tenant=est.TENANT, authority_host=base, arm_endpoint=base, max_workers=workers))
    started, cpu = time.perf_counter(), time.process_time()
    inventory = azure.collect(config, NullReporter(), scope_filter(Config()))
    CPU["connector"] = min(CPU.get("connector", 1e9), time.process_time() - cpu)
    return time.perf_counter() - started, len(inventory.resources), len(inventory.coverage_gaps)


def run_floor(base: str, ca: str, log: list[tuple[str, str, dict[str, str]]], workers: int) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    http = requests.Session()
    http.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=workers * 2))
    token = http.post(f"{base}/{est.TENANT}/oauth2/v2.0/token", verify=ca,
                      data={"grant_type": "client_credentials", "client_id": est.CLIENT_ID,
                            "client_secret": est.CLIENT_SECRET, "scope": f"{base}/.default"}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    graph = [(p, q) for meth, p, q in log if meth == "POST" and "resourcegraph" in p.lower()]
    reads = [(p, q) for meth, p, q in log if meth == "GET" and "well-known" not in p]
    types = "', '".join(sorted({t.native.lower() for s in azure.SERVICES for t in s.types} | {"microsoft.sql/servers"}))
    subs = sorted({p.split("/")[2] for p, _ in reads if p.lower().startswith("/subscriptions/")})
    for i, _ in enumerate(graph):  # the same pages, in order: each needs the previous page's token
        body = {"subscriptions": subs, "query": f"Resources | where type in~ ('{types}')",
                "options": {"$top": 1000, "$skipToken": str(i * 1000) if i else None}}
        http.post(f"{base}/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01", json=body,
                  headers=auth, verify=ca).json()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda pq: http.get(f"{base}{pq[0]}", params=pq[1], headers=auth, verify=ca).content, reads))
    CPU["floor"] = min(CPU.get("floor", 1e9), time.process_time() - cpu)
    return time.perf_counter() - started


def run_cli(base: str, ca: str, workdir: str, workers: int) -> float:
    cfg = Path(workdir) / "auditor.yaml"
    cfg.write_text(f"azure:\n  tenant: {est.TENANT}\n  authority_host: {base}\n  arm_endpoint: {base}\n"
                   f"  max_workers: {workers}\n", "utf-8")
    env = {**os.environ, **{"AZURE_TENANT_ID": est.TENANT, "AZURE_CLIENT_ID": est.CLIENT_ID,
                            "AZURE_CLIENT_SECRET": est.CLIENT_SECRET, "REQUESTS_CA_BUNDLE": ca}}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "auditor", "scan", "--config", str(cfg), "--provider", "azure",
                    "--out", str(Path(workdir) / "out"), "--format", "json", "--quiet", "--allow-unknown"],
                   env=env, check=False, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=10)
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="azure-bench-")
    os.environ.update({"REQUESTS_CA_BUNDLE": "", "AZURE_CLIENT_ID": est.CLIENT_ID,
                       "AZURE_CLIENT_SECRET": est.CLIENT_SECRET, "AZURE_TENANT_ID": est.TENANT})
    here, there = mp.Pipe()
    server = mp.get_context("fork").Process(target=serve, args=(there, args.subscriptions, args.resources,
                                                                args.seed, workdir), daemon=True)
    server.start()
    base, ca, objects = here.recv()
    os.environ["REQUESTS_CA_BUNDLE"] = ca
    print(f"fake ARM: {args.subscriptions} subscriptions x {args.resources} resources ({objects} ARM objects), "
          f"{args.workers} workers")
    best_connector, best_floor, log = float("inf"), float("inf"), []
    for _ in range(2):
        took, found, gaps = run_connector(base, ca, args.workers)
        here.send("log")
        log = here.recv()
        best_connector = min(best_connector, took)
        best_floor = min(best_floor, run_floor(base, ca, log, args.workers))
        here.send("log")
        here.recv()
    print(f"connector: {best_connector:6.2f} s  ({found} resources read deeply, {gaps} gaps, {len(log)} requests)")
    print(f"floor:     {best_floor:6.2f} s  (same requests, no processing)")
    print(f"ratio:     {best_connector / best_floor:6.2f}x  (target <= 1.3x)")
    print(f"client CPU: connector {CPU['connector']:.2f} s, floor {CPU['floor']:.2f} s "
          "(what the connector itself costs on top of the HTTP)")
    cli = run_cli(base, ca, workdir, args.workers)
    print(f"auditor scan --provider azure (CLI, evaluation and JSON included): {cli:6.2f} s")
    print(json.dumps({"connector_s": round(best_connector, 2), "floor_s": round(best_floor, 2),
                      "connector_cpu_s": round(CPU["connector"], 2), "floor_cpu_s": round(CPU["floor"], 2),
                      "ratio": round(best_connector / best_floor, 2), "cli_s": round(cli, 2)}))
    here.send("stop")
    server.join(timeout=10)


if __name__ == "__main__":
    main()
