"""Where an AWS scan's memory goes: tracemalloc over the connector on the benchmark's moto estate.

    python benchmarks/aws_memory.py [--buckets 1000] [--images off|on] [--top 15] [--cli]

Seeds the same estate as ``benchmarks/aws_scan.py`` on a fresh moto server, then runs
``auditor.connectors.aws.collect`` in a child process under ``tracemalloc`` and prints: the traced
peak, the peak RSS, what is still held once the inventory is built (by file and line, the ``--top``
largest), and the size of the inventory itself. With ``--cli``, the child runs the whole
``auditor scan --provider aws --format json`` instead and prints, for each stage (the scan, enrichment,
evaluation, the outputs, the run's record in the history), the traced memory when it starts and ends
and its traced peak, then what is held when the outputs start being written. tracemalloc slows Python
down ~2x; the figures are for finding what is kept, not for timing. Asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aws_scan import Emulator, environment, seed

CHILD = """
import gc, sys, tracemalloc
from pathlib import Path
def high_water():  # VmHWM: the process's own peak (ru_maxrss would count the parent's size at fork)
    return next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines()
                if l.startswith("VmHWM:")) / 1024
tracemalloc.start(8)
from auditor.config import AwsConfig, Config
from auditor.connectors.aws import collect
from auditor.demo.moto_server import emulator_wiring
from auditor.pipeline import scope_filter
from auditor.progress import NullReporter
config = Config(aws=AwsConfig(max_workers=8))
base, _ = tracemalloc.get_traced_memory()
with emulator_wiring():
    inventory = collect(config, NullReporter(), scope_filter(config))
gc.collect()
held, peak = tracemalloc.get_traced_memory()
snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
print(f"resources {len(inventory.resources):,}, gaps {len(inventory.coverage_gaps)}")
print(f"traced: peak {peak / 1e6:,.1f} MB, held after the scan {held / 1e6:,.1f} MB "
      f"(imports and start-up {base / 1e6:,.1f} MB); peak RSS "
      f"{high_water():,.0f} MB (with tracemalloc's own)")
print("held after the scan, by the line that allocated it (innermost auditor frame):")
by: dict[str, int] = {}
for stat in snap.statistics("traceback"):
    frames = [f for f in stat.traceback if "/auditor/" in f.filename] or list(stat.traceback)
    f = frames[-1]
    key = f"{f.filename.split('/auditor/')[-1]}:{f.lineno}"
    by[key] = by.get(key, 0) + stat.size
for key, size in sorted(by.items(), key=lambda kv: -kv[1])[:int(sys.argv[1])]:
    print(f"  {size / 1e6:8.2f} MB  {key}")
"""


CLI = """
import resource, sys, tempfile, tracemalloc
tracemalloc.start(8)
import auditor.engine.evaluate as evaluation
import auditor.pipeline as pipeline
from auditor.cli import main
rows = []
top = int(sys.argv[1])

def held(label):
    snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    by = {}
    for stat in snap.statistics("traceback"):
        frames = [f for f in stat.traceback if "/auditor/" in f.filename] or list(stat.traceback)
        f = frames[-1]
        key = f"{f.filename.split('/auditor/')[-1]}:{f.lineno}"
        by[key] = by.get(key, 0) + stat.size
    print(f"held when {label}, by the line that allocated it (innermost auditor frame):")
    for key, size in sorted(by.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {size / 1e6:8.2f} MB  {key}")

def traced(module, name, label):
    inner = getattr(module, name)

    def stage(*args, **kwargs):
        if name == "write_outputs":
            held("the outputs start")
        start, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()  # after the snapshot, which is not the stage's
        try:
            return inner(*args, **kwargs)
        finally:
            end, peak = tracemalloc.get_traced_memory()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            rows.append(f"  {label:<14} start {start / 1e6:7.1f}  peak {peak / 1e6:7.1f}  end {end / 1e6:7.1f} MB"
                        f"  (peak RSS so far {rss:,.0f} MB)")

    setattr(module, name, stage)

for module, name, label in ((pipeline, "collect", "scan"), (pipeline, "enrich", "enrichment"),
                            (evaluation, "evaluate", "evaluation"), (pipeline, "write_outputs", "outputs"),
                            (pipeline, "publish", "outputs+record")):
    traced(module, name, label)
with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as past:
    sys.argv = ["auditor", "scan", "--provider", "aws", "--out", out, "--format", "json", "--quiet",
                "--allow-unknown", "--history", f"{past}/history.db"]
    try:
        main()
    except SystemExit:
        pass
print("traced memory by stage (each stage's peak counted from its start):")
print("\\n".join(rows))
print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB (with tracemalloc's own)")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--buckets", type=int, default=1000)
    ap.add_argument("--images", choices=("off", "on"), default="off")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--cli", action="store_true", help="the whole 'auditor scan --provider aws', by stage")
    args = ap.parse_args()
    emulator = Emulator(args.images == "on")
    try:
        seed(emulator.url, args.buckets)
        print(f"{args.buckets:,} buckets, default images {args.images}", flush=True)
        subprocess.run([sys.executable, "-c", CLI if args.cli else CHILD, str(args.top)], env=environment(emulator.url),
                       check=True)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
