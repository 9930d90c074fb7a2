"""The run store: every recorded run, its findings with first/last seen, and its coverage gaps.

SQLite by default (``./audit-history.db``, WAL), or PostgreSQL when the history is a
``postgresql://`` URL; the same schema on both (see :mod:`auditor.results.sqldb`).

Runs belong to a *series* — the profile and the providers audited ("hds|aws+azure") — so an
AWS-only and an Azure-only scan sharing one store never see each other's findings as resolved.

Findings are stored as *spans*: one row per finding identity (``Finding.key``) with unchanged
severity and status, covering the consecutive runs of its series in which it was present, from
``first_run`` to ``last_run``. A span still present in the series' latest run is *open*
(``last_run`` and ``last_seen`` are NULL), so a run that changes nothing writes nothing but its
``runs`` row: recording costs what changed, and the table grows only with change.
``first_seen`` is when the finding appeared and has been present since without interruption
(carried across severity or status changes), so "open for 45 days" is a column read. Resources
audited are kept as spans the same way, so a diff can tell a fixed finding from a resource that
is no longer there. The findings of run R are the spans of its series with
``first_run <= R AND (last_run IS NULL OR last_run >= R)``.

A run is recorded in one transaction: a process killed while recording leaves the store as the
previous run left it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.fsio import PRIVATE, Modes, dump_json
from auditor.model.codec import from_dict, to_dict
from auditor.model.findings import SEVERITIES, Finding, FindingsDoc, Run, Severity, Status, WaiverRef
from auditor.model.inventory import CoverageGap
from auditor.results.diff import Snapshot, load_file
from auditor.results.gate import counts, verdict
from auditor.results.history_schema import (
    FINDING_COLUMNS,
    FINDING_KEY,
    MIGRATIONS,
    RUN_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    RunRecord,
    content_digest,
    series_of,
)
from auditor.results.sqldb import Db, connect

__all__ = ["DEFAULT_PATH", "History", "RunRecord", "open_history", "opened", "previous", "previous_file",
           "series_of", "trend"]

DEFAULT_PATH = Path("audit-history.db")
_SEVERITY = {s.value: s for s in Severity}
_STATUS = {s.value: s for s in Status}
PAUSE_ENV = "AUDITOR_TEST_PAUSE_IN_RECORD"  # tests only: a file to create, then wait, inside the transaction


class History:
    """A run store, open. Use as a context manager, or call :meth:`close`."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self.where = db.where
        self._ensure_schema()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- schema -------------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        found = self._version()
        if found is None:
            with self.db.transaction():
                for statement in SCHEMA:
                    self.db.execute(self.db.ddl(statement))
                self.db.execute("INSERT INTO meta (name, value) VALUES ('schema_version', ?) "
                                "ON CONFLICT (name) DO NOTHING", (str(SCHEMA_VERSION),))
            found = self._version()
        while found in MIGRATIONS:
            with self.db.transaction():
                for statement in MIGRATIONS[found]:
                    self.db.execute(statement)
                self.db.execute("UPDATE meta SET value = ? WHERE name = 'schema_version'", (str(found + 1),))
            found = self._version()
        if found != SCHEMA_VERSION:
            raise InputError("history.schema", location=self.where, hint="hint.history-version", found=found,
                             expected=SCHEMA_VERSION)

    def _version(self) -> int | None:
        tables = self.db.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'" if self.db.dialect.name == "sqlite"
            else "SELECT table_name FROM information_schema.tables WHERE table_name = 'meta' "
                 "AND table_schema = current_schema()")
        if not tables:
            return None
        row = self.db.one("SELECT value FROM meta WHERE name = 'schema_version'")
        return int(row[0]) if row and str(row[0]).isdigit() else -1

    # -- writing ------------------------------------------------------------------------------
    def record(self, doc: FindingsDoc, *, findings_sha256: str | None = None) -> tuple[RunRecord, bool]:
        """Record ``doc`` as the newest run of its series; ``(record, False)`` when it was recorded already.

        Run ids come from the start time, profile and policy pack: two different runs started in the same
        second share one, so the second is stored as ``<run id>-2``; the same run recorded again is a no-op.
        """
        run = doc.run
        series = series_of(run)
        content = findings_sha256 or content_digest(doc)
        with self.db.transaction():
            same = self.db.rows(f"SELECT {RUN_COLUMNS}, content_sha256 FROM runs WHERE run_id = ? OR run_id LIKE ?",
                                (run.run_id, run.run_id + "-%"))
            for earlier in same:
                if earlier[-1] == content:
                    return RunRecord.from_row(earlier[:-1]), False
            run_id = run.run_id if not same else f"{run.run_id}-{len(same) + 1}"
            prev = self.db.one("SELECT seq, started FROM runs WHERE series = ? ORDER BY seq DESC LIMIT 1", (series,))
            seq = self._insert_run(doc, run_id, series, findings_sha256, content)
            self._record_findings(doc, series, seq, prev)
            self._record_resources(doc, series, seq, None if prev is None else int(prev[0]))
            self.db.many("INSERT INTO gaps (run, provider, service, reason, error, account, region, resource_id) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [(seq, g.provider, g.service, g.reason, g.error, g.account, g.region, g.resource_id)
                          for g in dict.fromkeys(doc.coverage_gaps)])
            _pause_for_tests()
            stored = self.db.one(f"SELECT {RUN_COLUMNS} FROM runs WHERE seq = ?", (seq,))
        assert stored is not None
        return RunRecord.from_row(stored), True

    def _insert_run(self, doc: FindingsDoc, run_id: str, series: str, sha: str | None, content: str) -> int:
        run = doc.run
        failing, unknown, waived = counts(doc.findings)
        recorded = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        row = self.db.one(
            "INSERT INTO runs (run_id, series, started, finished, recorded, profile, policy_digest, tool_version, "
            "source, providers, accounts, regions, verdict, critical, high, medium, low, info, unknown, waived, gaps, "
            "resources, findings_sha256, content_sha256, run_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            (run_id, series, run.started, run.finished, recorded, run.profile, run.policy_digest,
             run.tool_version, run.source, json.dumps(list(run.providers)), json.dumps(list(run.accounts)),
             json.dumps(list(run.regions)), verdict(doc).value, *(failing[s.value] for s in SEVERITIES),
             unknown, waived, len(doc.coverage_gaps), len(doc.resources), sha, content,
             json.dumps(to_dict(run), separators=(",", ":"))))
        assert row is not None
        return int(row[0])

    def _record_findings(self, doc: FindingsDoc, series: str, seq: int, prev: Sequence[Any] | None) -> None:
        started = doc.run.started
        current: dict[str, Finding] = {}
        for f in doc.findings:
            current.setdefault(f.key, f)
        close: list[int] = []
        carried: dict[str, str] = {}  # key -> first_seen, for findings whose severity or status changed
        if prev is not None:
            moved: list[tuple[str, int]] = []  # a rotated resource (same logical identity, new id)
            for span_id, key, severity, status, first_seen, resource in self.db.rows(
                    f"SELECT id, {FINDING_KEY}, severity, status, first_seen, resource "
                    "FROM findings WHERE series = ? AND last_run IS NULL", (series,)):
                now = current.get(key)
                if now is not None and now.severity == severity and now.status == status:  # StrEnum == str
                    current.pop(key)  # unchanged: its open span simply goes on
                    if now.resource_id != resource:
                        moved.append((now.resource_id, span_id))
                else:
                    close.append(span_id)
                    if now is not None:
                        carried[key] = first_seen
            self.db.in_chunks("UPDATE findings SET last_run = ?, last_seen = ? WHERE id IN ({ids})", close,
                              (int(prev[0]), str(prev[1])))
            self.db.many("UPDATE findings SET resource = ? WHERE id = ?", moved)
        titles: dict[int, str] = {}
        self.db.many(
            "INSERT INTO findings (series, policy, resource, location, severity, status, provider, account, region, "
            "country, zone, category, title, message, waiver, first_seen, first_run, subject) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(series, f.policy_id, f.resource_id, f.location_key, f.severity.value, f.status.value, f.provider,
              f.account, f.region, f.country, f.zone, f.category, _text(f.title, titles), _text(f.message, {}),
              None if f.waiver is None else json.dumps(to_dict(f.waiver)), carried.get(key, started), seq,
              f.subject or None)
             for key, f in current.items()])

    def _record_resources(self, doc: FindingsDoc, series: str, seq: int, prev: int | None) -> None:
        present = dict.fromkeys(r.id for r in doc.resources)
        close: list[int] = []
        if prev is not None:
            for span_id, resource in self.db.rows(
                    "SELECT id, resource FROM resources WHERE series = ? AND last_run IS NULL", (series,)):
                if resource in present:
                    present.pop(resource)
                else:
                    close.append(span_id)
            self.db.in_chunks("UPDATE resources SET last_run = ? WHERE id IN ({ids})", close, (prev,))
        self.db.many("INSERT INTO resources (series, resource, first_run) VALUES (?, ?, ?)",
                     [(series, r, seq) for r in present])

    # -- reading ------------------------------------------------------------------------------
    def runs(self, last: int | None = None, series: str | None = None) -> list[RunRecord]:
        """Recorded runs, oldest first (the ``last`` N when given)."""
        where, params = ("WHERE series = ?", [series]) if series is not None else ("", [])
        limit = f" LIMIT {int(last)}" if last is not None else ""
        rows = self.db.rows(f"SELECT {RUN_COLUMNS} FROM runs {where} ORDER BY seq DESC{limit}", params)
        return [RunRecord.from_row(r) for r in reversed(rows)]

    def latest(self, series: str | None = None) -> RunRecord | None:
        found = self.runs(1, series)
        return found[0] if found else None

    def resolve(self, ref: str) -> RunRecord:
        """A run by its number (``12``), its run id or a prefix of it, or ``latest`` / ``previous``."""
        text = ref.strip().lower()
        row: Sequence[Any] | None = None
        if text == "latest":
            newest = self.latest()
            if newest is None:
                return self._found(None, ref)
            return newest
        if text == "previous":
            newest = self.latest()
            if newest is not None:
                row = self.db.one(f"SELECT {RUN_COLUMNS} FROM runs WHERE series = ? AND seq < ? "
                                  "ORDER BY seq DESC LIMIT 1", (newest.series, newest.seq))
            return self._found(row, ref)
        if text.isdigit() and len(text) <= 9:
            row = self.db.one(f"SELECT {RUN_COLUMNS} FROM runs WHERE seq = ?", (int(text),))
        elif len(text) >= 4 and all(c in "0123456789abcdef" for c in text):
            rows = self.db.rows(f"SELECT {RUN_COLUMNS} FROM runs WHERE run_id LIKE ?", (text + "%",))
            if len(rows) > 1:
                raise InputError("history.ambiguous", location=self.where, ref=ref, n=len(rows))
            row = rows[0] if rows else None
        return self._found(row, ref)

    def _found(self, row: Sequence[Any] | None, ref: str) -> RunRecord:
        if row is None:
            raise InputError("history.no-run", location=self.where, ref=ref)
        return RunRecord.from_row(row)

    def snapshot(self, record: RunRecord, *, messages: bool = False) -> Snapshot:
        """A recorded run as :func:`auditor.results.diff.diff` compares it (and reports render it).

        Findings carry identity, severity, status, title, place and waiver; their messages only with
        ``messages=True`` (decoding them is most of the cost, and neither a diff nor "since last run" shows them).
        """
        span = (record.series, record.seq, record.seq)
        titles: dict[str, Mapping[str, str]] = {}
        findings: list[Finding] = []
        since: dict[str, str] = {}
        for (policy, resource, location, severity, status, provider, account, region, country, zone, category,
             title, message, waiver, first_seen, subject) in self.db.rows(
                f"SELECT {FINDING_COLUMNS} FROM findings WHERE series = ? AND first_run <= ? "
                "AND (last_run IS NULL OR last_run >= ?)", span):
            f = Finding(policy_id=policy, title=titles.get(title) or titles.setdefault(title, json.loads(title)),
                        severity=_SEVERITY[severity], status=_STATUS[status], resource_id=resource, provider=provider,
                        account=account, region=region, country=country, zone=zone,
                        message=json.loads(message) if messages else {},
                        category=category, location_key=location, subject=subject or "",
                        waiver=None if waiver is None else from_dict(WaiverRef, json.loads(waiver)))
            findings.append(f)
            since[f.key] = first_seen
        resources = frozenset(r for (r,) in self.db.rows(
            "SELECT resource FROM resources WHERE series = ? AND first_run <= ? "
            "AND (last_run IS NULL OR last_run >= ?)", span))
        gaps = tuple(CoverageGap(provider=p, service=s, reason=r, error=e, account=a, region=g, resource_id=i)
                     for p, s, r, e, a, g, i in self.db.rows(
                         "SELECT provider, service, reason, error, account, region, resource_id FROM gaps "
                         "WHERE run = ?", (record.seq,)))
        row = self.db.one("SELECT run_json FROM runs WHERE seq = ?", (record.seq,))
        assert row is not None
        run = from_dict(Run, json.loads(row[0]))
        return Snapshot(label=f"run #{record.seq} ({record.run_id}, {record.started})", run=run,
                        findings=tuple(findings), gaps=gaps, resources=resources, since=since)

    def size(self) -> int | None:
        """Bytes on disk (SQLite) or of the database (PostgreSQL), for figures."""
        if self.db.dialect.name == "sqlite":
            row = self.db.one("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        else:
            row = self.db.one("SELECT pg_database_size(current_database())")
        return None if row is None else int(row[0])


def _text(value: Mapping[str, str], cache: dict[int, str]) -> str:
    """JSON of a title/message; titles repeat across findings, so they are encoded once per object."""
    key = id(value)
    if key not in cache:
        cache[key] = json.dumps(dict(value), ensure_ascii=False, sort_keys=True)
    return cache[key]


def open_history(target: str | Path, *, create: bool = True, modes: Modes = PRIVATE) -> History:
    """Open (and, when ``create``, create: a SQLite file ``modes.file``) the run store at a path or a PostgreSQL DSN."""
    return History(connect(target, create=create, modes=modes))


@contextmanager
def opened(target: str | Path, *, create: bool = True, modes: Modes = PRIVATE) -> Iterator[History]:
    store = open_history(target, create=create, modes=modes)
    try:
        yield store
    finally:
        store.close()


def trend(store: History, run: Run, last: int = 30) -> list[RunRecord]:
    """The last runs of ``run``'s series (oldest first), for the report's sparkline."""
    return store.runs(last, series_of(run))


def previous(store: History, run: Run) -> FindingsDoc | None:
    """The last recorded run of ``run``'s series, rebuilt for "since last run" (see :meth:`Snapshot.as_doc`)."""
    record = store.latest(series_of(run))
    return None if record is None or record.run_id == run.run_id else store.snapshot(record).as_doc()


def previous_file(path: Path, run: Run) -> FindingsDoc | None:
    """The ``findings.json`` a previous run left in the output folder, when it is of the same series."""
    if not path.is_file():
        return None
    try:
        snap = load_file(path)
    except InputError:  # not ours to judge here: the new run replaces it
        return None
    same = series_of(snap.run) == series_of(run) and snap.run.run_id != run.run_id
    return snap.as_doc() if same else None


def _pause_for_tests() -> None:
    marker = os.environ.get(PAUSE_ENV)
    if marker:
        Path(marker).write_text(dump_json({"pid": os.getpid()}), "utf-8")
        time.sleep(120)
