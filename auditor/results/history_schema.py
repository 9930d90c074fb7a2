"""The run store's tables, the run record ``auditor history`` lists, and what identifies a run.

See :mod:`auditor.results.history` for how runs and finding spans are written and read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.model.codec import to_dict
from auditor.model.findings import SEVERITIES, FindingsDoc, Run
from auditor.results.diff import gap_key

SCHEMA_VERSION = 2  # 2: findings.subject (the logical identity of a resource whose id does not last)

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS runs (
        seq {serial}, run_id TEXT NOT NULL UNIQUE, series TEXT NOT NULL,
        started TEXT NOT NULL, finished TEXT NOT NULL, recorded TEXT NOT NULL,
        profile TEXT NOT NULL, policy_digest TEXT NOT NULL, tool_version TEXT NOT NULL, source TEXT NOT NULL,
        providers TEXT NOT NULL, accounts TEXT NOT NULL, regions TEXT NOT NULL, verdict TEXT NOT NULL,
        critical INTEGER NOT NULL, high INTEGER NOT NULL, medium INTEGER NOT NULL, low INTEGER NOT NULL,
        info INTEGER NOT NULL, unknown INTEGER NOT NULL, waived INTEGER NOT NULL, gaps INTEGER NOT NULL,
        resources INTEGER NOT NULL, findings_sha256 TEXT, content_sha256 TEXT NOT NULL, run_json TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS runs_series ON runs (series, seq)",
    """CREATE TABLE IF NOT EXISTS findings (
        id {serial}, series TEXT NOT NULL,
        policy TEXT NOT NULL, resource TEXT NOT NULL, location TEXT NOT NULL,
        severity TEXT NOT NULL, status TEXT NOT NULL, provider TEXT NOT NULL, account TEXT, region TEXT,
        country TEXT, zone TEXT, category TEXT NOT NULL, title TEXT NOT NULL, message TEXT NOT NULL, waiver TEXT,
        first_seen TEXT NOT NULL, last_seen TEXT,
        first_run {bigint} NOT NULL REFERENCES runs (seq), last_run {bigint} REFERENCES runs (seq), subject TEXT)""",
    "CREATE INDEX IF NOT EXISTS findings_open ON findings (series, last_run)",
    "CREATE INDEX IF NOT EXISTS findings_key ON findings (policy, resource)",
    """CREATE TABLE IF NOT EXISTS resources (
        id {serial}, series TEXT NOT NULL, resource TEXT NOT NULL,
        first_run {bigint} NOT NULL REFERENCES runs (seq), last_run {bigint} REFERENCES runs (seq))""",
    "CREATE INDEX IF NOT EXISTS resources_open ON resources (series, last_run)",
    """CREATE TABLE IF NOT EXISTS gaps (
        run {bigint} NOT NULL REFERENCES runs (seq), provider TEXT NOT NULL, service TEXT NOT NULL,
        reason TEXT NOT NULL, error TEXT NOT NULL, account TEXT, region TEXT, resource_id TEXT)""",
    "CREATE INDEX IF NOT EXISTS gaps_run ON gaps (run)",
)

RUN_COLUMNS = ("seq, run_id, series, started, finished, recorded, profile, policy_digest, tool_version, source, "
                "providers, accounts, verdict, critical, high, medium, low, info, unknown, waived, gaps, resources, "
                "findings_sha256")
FINDING_COLUMNS = ("policy, resource, location, severity, status, provider, account, region, country, zone, "
                    "category, title, message, waiver, first_seen, subject")
# A finding's identity in SQL, as Finding.key spells it.
FINDING_KEY = "policy || '|' || COALESCE(subject, resource) || '|' || location"
# Stores written by an older version, brought up to this one (each step in one transaction).
MIGRATIONS = {1: ("ALTER TABLE findings ADD COLUMN subject TEXT",)}


def content_digest(doc: FindingsDoc) -> str:
    """What makes two recordings the same run (when no findings.json digest is given): its metadata and findings."""
    h = hashlib.sha256(json.dumps(to_dict(doc.run), sort_keys=True).encode())
    for line in sorted(f"{f.key}|{f.severity}|{f.status}" for f in doc.findings):
        h.update(line.encode() + b"\n")
    for gap in sorted(repr(gap_key(g)) for g in doc.coverage_gaps):
        h.update(gap.encode() + b"\n")
    for rid in sorted(r.id for r in doc.resources):
        h.update(rid.encode() + b"\n")
    return h.hexdigest()


def series_of(run: Run) -> str:
    """Runs compare with the runs of the same profile over the same providers."""
    return f"{run.profile}|{'+'.join(sorted(run.providers))}"


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One recorded run, as ``auditor history`` lists it."""

    seq: int
    run_id: str
    series: str
    started: str
    finished: str
    recorded: str
    profile: str
    policy_digest: str
    tool_version: str
    source: str
    providers: tuple[str, ...]
    accounts: tuple[str, ...]
    verdict: str
    failing: Mapping[str, int]  # severity -> failing findings (not waived)
    unknown: int
    waived: int
    gaps: int
    resources: int
    findings_sha256: str | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> RunRecord:
        (seq, run_id, series, started, finished, recorded, profile, digest, version, source, providers, accounts,
         verdict_, *severities, unknown, waived, gaps, resources, sha) = row
        return cls(int(seq), run_id, series, started, finished, recorded, profile, digest, version, source,
                   tuple(json.loads(providers)), tuple(json.loads(accounts)), verdict_,
                   {s.value: int(n) for s, n in zip(SEVERITIES, severities, strict=True)},
                   int(unknown), int(waived), int(gaps), int(resources), sha)

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "run_id": self.run_id, "series": self.series, "started": self.started,
                "finished": self.finished, "recorded": self.recorded, "profile": self.profile,
                "policy_digest": self.policy_digest, "tool_version": self.tool_version, "source": self.source,
                "providers": list(self.providers), "accounts": list(self.accounts), "verdict": self.verdict,
                "failing": dict(self.failing), "unknown": self.unknown, "waived": self.waived, "gaps": self.gaps,
                "resources": self.resources, "findings_sha256": self.findings_sha256}
