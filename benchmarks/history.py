"""Run history at scale: a year of nightly runs of ~10,000 findings each.

    python benchmarks/history.py [--days 365] [--findings 10000] [--churn 0.01] [--postgres URL]

Evaluates a synthetic estate (the engine benchmark's generator) sized to give ``--findings``
findings, records it, then records ``--days`` nightly runs in which ``--churn`` of the
findings are resolved and as many appear, and a few change severity. Prints: evaluation time,
record time per run (mean, p95, max, and as a share of the evaluation), the time to diff two
runs from the store and from two findings.json files, the time to rebuild the previous run
for a report, and the database size. Targets: recording < 10% of the evaluation; a diff of two
10,000-finding runs < 1 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import synthetic

from auditor.config import Config
from auditor.engine.pack import load_pack
from auditor.model.findings import SEVERITIES, Finding, FindingsDoc
from auditor.pipeline import assess, write_outputs
from auditor.results import history
from auditor.results.diff import diff, load_file
from auditor.results.sqldb import display

FINDINGS_PER_RESOURCE = 0.78  # what the synthetic estate yields under hds (measured)


def night(base: FindingsDoc, findings: list[Finding], day: int) -> FindingsDoc:
    started = "2026-01-01T02:00:00Z" if day == 0 else time.strftime(
        "%Y-%m-%dT02:00:00Z", time.gmtime(1767225600 + day * 86400))
    run = replace(base.run, started=started, finished=started.replace("02:00:00", "02:20:00"),
                  run_id=f"night{day:04d}")
    return replace(base, run=run, findings=tuple(findings))


def evolve(findings: list[Finding], rnd: random.Random, churn: float, day: int) -> list[Finding]:
    """Resolve ``churn`` of the findings, add as many new ones, change the severity of a few."""
    n = max(1, int(len(findings) * churn))
    kept = findings[:]
    for _ in range(n):
        kept.pop(rnd.randrange(len(kept)))
    templates = rnd.sample(findings, n)
    kept += [replace(t, resource_id=f"{t.resource_id}-d{day}-{i}") for i, t in enumerate(templates)]
    for _ in range(max(1, n // 5)):
        i = rnd.randrange(len(kept))
        kept[i] = replace(kept[i], severity=rnd.choice(SEVERITIES))
    return kept


@dataclass
class Clock:
    """Wall-clock and CPU time of a block (CPU time is what a loaded machine does not distort)."""

    wall: float = 0.0
    cpu: float = 0.0

    def __enter__(self) -> Clock:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self._w, time.process_time() - self._c

    def ms(self) -> str:
        return f"{self.wall * 1000:.0f} ms (CPU {self.cpu * 1000:.0f} ms)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--churn", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--postgres", help="a postgresql:// URL (an empty database) instead of a SQLite file")
    args = ap.parse_args()
    rnd = random.Random(args.seed)

    pack = load_pack(())
    inventory = synthetic(int(args.findings / FINDINGS_PER_RESOURCE), args.seed)
    evaluations = []
    for _ in range(3):
        with Clock() as clock:
            base = assess(inventory, Config(profile="hds"), pack=pack).doc
        evaluations.append(clock)
    evaluation = sorted(evaluations, key=lambda c: c.cpu)[1]  # the median
    print(f"estate               {len(base.resources):,} resources, {len(base.findings):,} findings")
    print(f"evaluation           {evaluation.ms()}  enrich + evaluate of this estate, median of 3")

    with tempfile.TemporaryDirectory() as tmp:
        # The pipeline records a run with the SHA-256 of the findings.json it wrote: that hashing counts too.
        written = write_outputs(base, Path(tmp) / "first", ["json"], "en")[0].read_bytes()
        with Clock() as hashing:
            hashlib.sha256(written).hexdigest()
        target = args.postgres or Path(tmp) / "audit-history.db"
        findings = list(base.findings)
        records: list[Clock] = []
        docs: list[FindingsDoc] = []
        with history.opened(target) as store:
            print(f"store                {display(target) if args.postgres else 'SQLite (WAL)'}, "
                  f"{args.days} nightly runs, {args.churn:.0%} of the findings resolved and as many new each night")
            for day in range(args.days):
                if day:
                    findings = evolve(findings, rnd, args.churn, day)
                doc = night(base, findings, day)
                sha = hashlib.sha256(doc.run.run_id.encode()).hexdigest()  # stands for the file's digest
                with Clock() as clock:
                    store.record(doc, findings_sha256=sha)
                records.append(clock)
                docs = [*docs[-1:], doc]
            first, nightly = records[0], records[1:] or records
            wall = sorted(c.wall for c in nightly)
            cpu = statistics.mean(c.cpu for c in nightly) + hashing.cpu
            print(f"record, first run    {first.ms()}  {len(base.findings):,} findings, all new")
            print(f"record, nightly      mean {statistics.mean(wall) * 1000:.0f} ms, p95 "
                  f"{wall[int(0.95 * (len(wall) - 1))] * 1000:.0f} ms, max {wall[-1] * 1000:.0f} ms "
                  f"(CPU mean {cpu * 1000:.0f} ms), plus {hashing.ms()} hashing the {len(written) / 1e6:.0f} MB "
                  "findings.json")
            print(f"record / evaluation  {cpu / evaluation.cpu:.1%} of the CPU time   (target < 10%)")

            runs = store.runs()
            with Clock() as clock:
                d = diff(store.snapshot(runs[-2]), store.snapshot(runs[-1]))
            print(f"diff, store          {clock.ms()}  last two runs: {len(d.new_findings)} new, "
                  f"{len(d.resolved)} resolved, {len(d.changed)} changed, {len(d.still_open):,} still open "
                  "(target < 1 s)")
            with Clock() as clock:
                d = diff(store.snapshot(runs[0]), store.snapshot(runs[-1]))
            print(f"diff, first vs last  {clock.ms()}  {len(d.new_findings):,} new, {len(d.resolved):,} resolved")
            with Clock() as clock:
                history.previous(store, replace(docs[-1].run, run_id="next"))
            print(f"previous run rebuilt {clock.ms()}  for the report's 'since last run'")
            with Clock() as clock:
                history.trend(store, docs[-1].run)
            print(f"trend (30 runs)      {clock.ms()}")
            size = store.size()
        for i, doc in enumerate(docs):
            write_outputs(doc, Path(tmp) / f"run{i}", ["json"], "en")
        with Clock() as clock:
            diff(load_file(Path(tmp) / "run0" / "findings.json"), load_file(Path(tmp) / "run1" / "findings.json"))
        print(f"diff, two files      {clock.ms()}  two findings.json of {len(written) / 1e6:.0f} MB "
              "(most of it: parsing the JSON, resources included)")
        if size is not None:
            print(f"database size        {size / 1e6:.1f} MB after {args.days} runs "
                  f"({size / max(args.days, 1) / 1e3:.0f} kB per run)")


if __name__ == "__main__":
    main()
