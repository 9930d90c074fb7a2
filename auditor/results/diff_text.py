"""A diff as text (terminal, logs), Markdown (chat webhooks, CI summaries) or JSON (scripts)."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from auditor.engine import wording
from auditor.model.codec import to_dict
from auditor.model.findings import SEVERITIES, Finding
from auditor.model.inventory import CoverageGap
from auditor.model.vocab import DiffFormat
from auditor.results.diff import Diff, Open, Resolved

HOW = {"fixed": "fixed", "waived": "now waived", "resource-gone": "resource no longer audited"}
NBSP = "\u202f"  # French typography: a narrow no-break space before : ; ! ?
# The diff's words in French (``--lang fr``); severities and statuses as the French report names them.
FR = {
    "fixed": "corrigé", "now waived": "désormais couvert par une dérogation",
    "resource no longer audited": "ressource plus auditée",
    "New": "Nouveaux", "Resolved": "Résolus", "Changed": "Modifiés",
    "Still open (oldest first)": "Toujours ouverts (les plus anciens d'abord)",
    "New coverage gaps": "Nouvelles lacunes de couverture", "Coverage gaps gone": "Lacunes de couverture disparues",
    "critical": "critique", "high": "élevée", "medium": "moyenne", "low": "faible", "info": "info",
    "fail": "échec", "unknown": "inconnu", "waived": "dérogé", "pass": "conforme",
}


def _w(word: str, lang: str) -> str:
    return FR.get(word, word) if lang == "fr" else word


def _title(f: Finding, lang: str = "en") -> str:
    return f.title.get(lang) or f.title.get("en") or next(iter(f.title.values()), "") or f.policy_id


def _plain(value: str) -> str:
    """One line, no control characters (no terminal escape sequences) from cloud-provided text."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in value)


def _by_severity(findings: Iterable[Finding], lang: str = "en") -> str:
    n = Counter(f.severity.value for f in findings)
    return ", ".join(f"{n[s.value]} {_w(s.value, lang)}" for s in SEVERITIES if n[s.value])


def headline(d: Diff, lang: str = "en") -> str:
    sev = f" ({_by_severity(d.new_findings, lang)})" if d.new_findings else ""
    if lang == "fr":
        return (f"{len(d.new_findings)} nouveaux{sev}, {len(d.resolved)} résolus, {len(d.still_open)} toujours "
                f"ouverts, {len(d.changed)} modifiés, {len(d.new_gaps)} nouvelles lacunes de couverture")
    return (f"{len(d.new_findings)} new{sev}, {len(d.resolved)} resolved, {len(d.still_open)} still open, "
            f"{len(d.changed)} changed, {len(d.new_gaps)} new coverage gaps")


def _gap(g: CoverageGap, lang: str = "en") -> str:
    """A gap; its reason and the cloud's error text are quoted as they are."""
    where = " ".join(x for x in (g.provider, g.account, g.region, g.service) if x)
    if lang == "fr":
        reason = wording.value(wording.REASONS_FR, g.reason, lang)
        return _plain(f"{where}{NBSP}: {reason} (erreur renvoyée par le cloud{NBSP}: «{NBSP}{g.error}{NBSP}»)"
                      + (f" sur {g.resource_id}" if g.resource_id else ""))
    return _plain(f"{where}: {g.reason} ({g.error})" + (f" on {g.resource_id}" if g.resource_id else ""))


def _age(o: Open, lang: str = "en") -> str:
    if lang == "fr":
        return f"ouvert depuis {'' if o.exact else 'au moins '}{o.age_days} jours (depuis le {o.since})"
    return f"open {'' if o.exact else '>= '}{o.age_days} days (since {o.since})"


def _limited(items: Sequence[Any], limit: int, line: Callable[[Any], str], lang: str = "en") -> list[str]:
    shown = items if limit <= 0 else items[:limit]
    out = [line(i) for i in shown]
    if len(items) > len(shown):
        more = len(items) - len(shown)
        out.append(f"  … {more} de plus (--limit 0 les liste tous)" if lang == "fr"
                   else f"  … {more} more (--limit 0 lists all)")
    return out


def _label(label: str, lang: str) -> str:
    """A recorded run's label (``run #3 (id, started)``) in ``lang``."""
    return f"exécution n\u00b0\u00a0{label[5:]}" if lang == "fr" and label.startswith("run #") else label


def text(d: Diff, limit: int = 20, lang: str = "en") -> str:
    lines = [_plain(f"{_label(d.old.label, lang)} -> {_label(d.new.label, lang)}"), headline(d, lang)]
    lines += [f"remarque{NBSP}: {n}" if lang == "fr" else f"note: {n}" for n in d.notes]

    def row(f: Finding, tail: str = "") -> str:
        head = f"  {_w(f.severity.value, lang):<8} {_w(f.status.value, lang):<7} {f.policy_id:<8}"
        return _plain(f"{head} {f.resource_id}  {_title(f, lang)}{tail}")

    def changed(c: Any) -> str:
        return _plain(f"  {_w(c.old.severity.value, lang)}/{_w(c.old.status.value, lang)} -> "
                      f"{_w(c.new.severity.value, lang)}/{_w(c.new.status.value, lang)}  {c.new.policy_id} "
                      f"{c.new.resource_id}  {_title(c.new, lang)}")

    sections: list[tuple[str, Sequence[Any], Callable[[Any], str]]] = [
        ("New", d.new_findings, lambda f: row(f)),
        ("Resolved", d.resolved, lambda r: row(r.finding, f"  [{_w(HOW[r.how], lang)}]")),
        ("Changed", d.changed, changed),
        ("Still open (oldest first)", d.still_open, lambda o: row(o.finding, f"  {_age(o, lang)}")),
        ("New coverage gaps", d.new_gaps, lambda g: f"  {_gap(g, lang)}"),
        ("Coverage gaps gone", d.resolved_gaps, lambda g: f"  {_gap(g, lang)}"),
    ]
    for title, items, line in sections:
        if items:
            lines += ["", f"{_w(title, lang)} ({len(items)})", *_limited(items, limit, line, lang)]
    return "\n".join(lines) + "\n"


def _md(value: str) -> str:
    """Cloud-provided text inert in Markdown: no links, emphasis, HTML or table breaks."""
    out = _plain(value).replace("\\", "\\\\")
    for ch in "`*_[]()<>|#!~":
        out = out.replace(ch, "\\" + ch)
    return out


def markdown(d: Diff, limit: int = 20, lang: str = "en") -> str:
    fr = lang == "fr"
    lines = [f"**Modifications de l'audit**{NBSP}: {_md(headline(d, lang))}" if fr
             else f"**Audit changes**: {_md(headline(d))}", "",
             f"_{_md(d.old.run.started)} → {_md(d.new.run.started)}, {'profil' if fr else 'profile'} "
             f"{_md(d.new.run.profile)}_"]
    lines += [f"> {'remarque' + NBSP if fr else 'note'}: {_md(n)}" for n in d.notes]

    def table(title: str, items: Sequence[Any], cells: Callable[[Any], tuple[str, ...]], head: str) -> None:
        if not items:
            return
        lines.extend(["", f"### {title} ({len(items)})", "", head, "|" + "---|" * head.count("|", 1)])
        shown = items if limit <= 0 else items[:limit]
        lines.extend("| " + " | ".join(_md(c) for c in cells(i)) + " |" for i in shown)
        if len(items) > len(shown):
            lines.append(f"\n… {len(items) - len(shown)} {'de plus' if fr else 'more'}")

    def f_cells(f: Finding) -> tuple[str, ...]:
        return (_w(f.severity.value, lang), f.policy_id, f.resource_id, _title(f, lang))

    head = ("| sévérité | règle | ressource | constat |" if fr else "| severity | policy | resource | finding |")
    table(_w("New", lang), d.new_findings, f_cells, head)
    table(_w("Resolved", lang), d.resolved, lambda r: (*f_cells(r.finding), _w(HOW[r.how], lang)),
          head[:-1] + ("| comment |" if fr else "| how |"))
    table(_w("Changed", lang), d.changed, lambda c: (
        f"{_w(c.old.severity.value, lang)} → {_w(c.new.severity.value, lang)}", c.new.policy_id,
        c.new.resource_id, _title(c.new, lang)), head)
    table(_w("New coverage gaps", lang), d.new_gaps, lambda g: (g.provider, g.account or "", g.service, g.reason),
          "| fournisseur | compte | service | motif |" if fr else "| provider | account | service | reason |")
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


FORMATS: dict[DiffFormat, Callable[[Diff, int, str], str]] = {
    DiffFormat.TEXT: text,
    DiffFormat.MD: markdown,
    DiffFormat.JSON: lambda d, _limit, _lang: as_json(d),
}
