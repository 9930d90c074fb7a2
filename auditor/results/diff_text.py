"""A diff as text (terminal, logs), Markdown (chat webhooks, CI summaries) or JSON (scripts)."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from auditor.model.codec import to_dict
from auditor.model.findings import SEVERITIES, Finding
from auditor.model.inventory import CoverageGap
from auditor.results.diff import Diff, Open, Resolved

HOW = {"fixed": "fixed", "waived": "now waived", "resource-gone": "resource no longer audited"}


def _title(f: Finding) -> str:
    return f.title.get("en") or next(iter(f.title.values()), "") or f.policy_id


def _plain(value: str) -> str:
    """One line, no control characters (no terminal escape sequences) from cloud-provided text."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in value)


def _by_severity(findings: Iterable[Finding]) -> str:
    n = Counter(f.severity.value for f in findings)
    return ", ".join(f"{n[s.value]} {s.value}" for s in SEVERITIES if n[s.value])


def headline(d: Diff) -> str:
    new = f"{len(d.new_findings)} new" + (f" ({_by_severity(d.new_findings)})" if d.new_findings else "")
    return (f"{new}, {len(d.resolved)} resolved, {len(d.still_open)} still open, {len(d.changed)} changed, "
            f"{len(d.new_gaps)} new coverage gaps")


def _gap(g: CoverageGap) -> str:
    where = " ".join(x for x in (g.provider, g.account, g.region, g.service) if x)
    return _plain(f"{where}: {g.reason} ({g.error})" + (f" on {g.resource_id}" if g.resource_id else ""))


def _age(o: Open) -> str:
    return f"open {'' if o.exact else '>= '}{o.age_days} days (since {o.since})"


def _limited(items: Sequence[Any], limit: int, line: Callable[[Any], str]) -> list[str]:
    shown = items if limit <= 0 else items[:limit]
    out = [line(i) for i in shown]
    if len(items) > len(shown):
        out.append(f"  … {len(items) - len(shown)} more (--limit 0 lists all)")
    return out


def text(d: Diff, limit: int = 20) -> str:
    lines = [_plain(f"{d.old.label} -> {d.new.label}"), headline(d)]
    lines += [f"note: {n}" for n in d.notes]

    def row(f: Finding, tail: str = "") -> str:
        head = f"  {f.severity.value:<8} {f.status.value:<7} {f.policy_id:<8}"
        return _plain(f"{head} {f.resource_id}  {_title(f)}{tail}")

    sections: list[tuple[str, Sequence[Any], Callable[[Any], str]]] = [
        ("New", d.new_findings, lambda f: row(f)),
        ("Resolved", d.resolved, lambda r: row(r.finding, f"  [{HOW[r.how]}]")),
        ("Changed", d.changed, lambda c: _plain(f"  {c.old.severity.value}/{c.old.status.value} -> "
                                                f"{c.new.severity.value}/{c.new.status.value}  {c.new.policy_id} "
                                                f"{c.new.resource_id}  {_title(c.new)}")),
        ("Still open (oldest first)", d.still_open, lambda o: row(o.finding, f"  {_age(o)}")),
        ("New coverage gaps", d.new_gaps, lambda g: f"  {_gap(g)}"),
        ("Coverage gaps gone", d.resolved_gaps, lambda g: f"  {_gap(g)}"),
    ]
    for title, items, line in sections:
        if items:
            lines += ["", f"{title} ({len(items)})", *_limited(items, limit, line)]
    return "\n".join(lines) + "\n"


def _md(value: str) -> str:
    """Cloud-provided text inert in Markdown: no links, emphasis, HTML or table breaks."""
    out = _plain(value).replace("\\", "\\\\")
    for ch in "`*_[]()<>|#!~":
        out = out.replace(ch, "\\" + ch)
    return out


def markdown(d: Diff, limit: int = 20) -> str:
    lines = [f"**Audit changes**: {_md(headline(d))}", "",
             f"_{_md(d.old.run.started)} → {_md(d.new.run.started)}, profile {_md(d.new.run.profile)}_"]
    lines += [f"> note: {_md(n)}" for n in d.notes]

    def table(title: str, items: Sequence[Any], cells: Callable[[Any], tuple[str, ...]], head: str) -> None:
        if not items:
            return
        lines.extend(["", f"### {title} ({len(items)})", "", head, "|" + "---|" * head.count("|", 1)])
        shown = items if limit <= 0 else items[:limit]
        lines.extend("| " + " | ".join(_md(c) for c in cells(i)) + " |" for i in shown)
        if len(items) > len(shown):
            lines.append(f"\n… {len(items) - len(shown)} more")

    def f_cells(f: Finding) -> tuple[str, ...]:
        return (f.severity.value, f.policy_id, f.resource_id, _title(f))

    head = "| severity | policy | resource | finding |"
    table("New", d.new_findings, f_cells, head)
    table("Resolved", d.resolved, lambda r: (*f_cells(r.finding), HOW[r.how]), head[:-1] + "| how |")
    table("Changed", d.changed, lambda c: (f"{c.old.severity.value} → {c.new.severity.value}", c.new.policy_id,
                                           c.new.resource_id, _title(c.new)), head)
    table("New coverage gaps", d.new_gaps, lambda g: (g.provider, g.account or "", g.service, g.reason),
          "| provider | account | service | reason |")
    return "\n".join(lines) + "\n"


def as_json(d: Diff) -> str:
    def side(s: Any) -> dict[str, Any]:
        return {"label": s.label, "run": to_dict(s.run)}

    def opened(o: Open) -> dict[str, Any]:
        return {"finding": to_dict(o.finding), "since": o.since, "age_days": o.age_days, "exact": o.exact}

    def resolved(r: Resolved) -> dict[str, Any]:
        return {"finding": to_dict(r.finding), "how": r.how}

    body = {
        "old": side(d.old), "new": side(d.new), "notes": list(d.notes),
        "new_findings": [to_dict(f) for f in d.new_findings],
        "resolved": [resolved(r) for r in d.resolved],
        "changed": [{"old": to_dict(c.old), "new": to_dict(c.new)} for c in d.changed],
        "still_open": [opened(o) for o in d.still_open],
        "new_gaps": [to_dict(g) for g in d.new_gaps],
        "resolved_gaps": [to_dict(g) for g in d.resolved_gaps],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Diff, int], str]] = {
    "text": text,
    "md": markdown,
    "json": lambda d, _limit: as_json(d),
}
