"""The Markdown summary for pull-request comments and CI job summaries (GitHub, GitLab).

Verdict, counts, what changed, then **what to change**: failing findings grouped by the change that
fixes them (a provider's region, a replication rule, a policy statement; see :mod:`.fixes`), each with
its Terraform address (or cloud id), file:line and what is wrong in one sentence; then the findings
that **could not be decided**, each with what would decide it; then what could not be read. Kept under
65,000 characters (GitHub's comment limit) by listing fewer rows and pointing at the full report.

Cloud strings are made inert: identifiers go in code spans; prose is backslash-escaped for Markdown,
HTML-escaped, and autolinks, @mentions and #references are broken with a zero-width space, so a
bucket called ``[x](http://evil)`` or ``<img src=x>`` shows as text and links nowhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from auditor.fsio import shipped
from auditor.model.findings import Finding, FindingsDoc, Status
from auditor.render import view
from auditor.render.base import Renderer, RenderOptions, finding_order, pick, strip_controls
from auditor.render.fixes import fix_for
from auditor.render.i18n import Translator
from auditor.render.trend import changes

MAX_CHARS = 65_000
TOP_ROWS = 50
GAP_ROWS = 20
_BREAK = re.compile(r"(://|www\.|[@#])", re.IGNORECASE)
# Inline Markdown, and what GitHub adds to it: "$" opens math, "~" strikethrough. "<", ">", "&" are
# HTML-escaped; ":shortcode:" emoji are broken below.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_LEADING = re.compile(r"^([-+#>=])")  # what would start a block if the value began a line
_ORDINAL = re.compile(r"^([0-9]+)([.)])")
_EMOJI = re.compile(r":(?=[a-z0-9_+-]*[a-z][a-z0-9_+-]*:)", re.IGNORECASE)
_ZWSP = "\u200b"


def md(value: Any) -> Markup:
    """Prose from a cloud, inert in GitHub/GitLab Markdown (also inside a table cell)."""
    if isinstance(value, Markup):
        return value
    text = " ".join(strip_controls(str(value)).split())
    text = _BREAK.sub(lambda m: _ZWSP + m.group(1) if m.group(1) in "@#" else m.group(1)[0] + _ZWSP + m.group(1)[1:],
                      text)
    text = _SPECIAL.sub(r"\\\1", text)
    # a leading "1." or "2)" would start a list: escape the punctuation (CommonMark escapes only punctuation)
    text = _LEADING.sub(lambda m: "\\" + m.group(1), _ORDINAL.sub(r"\1\\\2", text))
    text = _EMOJI.sub(":" + _ZWSP, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(text)  # noqa: S704 - escaped for Markdown and HTML just above


def code(value: Any) -> Markup:
    """An identifier as a code span: no Markdown, HTML or autolink inside; pipes escaped for tables."""
    text = " ".join(strip_controls(str(value)).split()).replace("|", "\\|")
    if not text:
        return Markup("")
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")  # noqa: S704 - a code span renders its content as text


def link(url: str | None) -> str:
    """The report link, only http(s) or a relative path, with characters that could end it encoded."""
    if not url:
        return ""
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE) and not re.match(r"^https?://", url, re.IGNORECASE):
        return ""
    return quote(url, safe=":/?&=#%+,;~@!$*'-._")


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(shipped("reports") / "md")), autoescape=True, finalize=md,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["code"] = code
    return env


@dataclass(frozen=True, slots=True)
class Row:
    f: Finding
    where: str  # the resource's own file:line ("" when not from a plan)
    message: str
    new: bool | None  # not in the baseline / not open in the previous run; None: nothing to compare with
    other: Markup | None  # the alternative change (the rule naming a copy's destination)
    resolve: Markup | None  # for an unknown: what would decide it


@dataclass(frozen=True, slots=True)
class FixGroup:
    change: Markup
    at: str
    rows: tuple[Row, ...]


def _rows(doc: FindingsDoc, options: RenderOptions, t: Translator) -> tuple[list[FixGroup], list[Row]]:
    resources = {r.id: r for r in doc.resources}
    since = changes(options.previous, doc)  # "since last run": what ``auditor diff`` says is new
    new_keys = {f.key for f in since.new_findings} if since is not None else None
    groups: dict[str, tuple[Markup, str, list[Row]]] = {}
    unknown: list[Row] = []
    for f in sorted(doc.findings, key=finding_order):
        if f.status not in (Status.FAIL, Status.UNKNOWN):
            continue
        resource = resources.get(f.resource_id)
        fix = fix_for(f, resource, doc, options.lang)
        new = (not options.baseline.knows(f)) if options.baseline is not None else (
            f.key in new_keys if new_keys is not None else None)
        where = resource.source_file or "" if resource is not None else ""
        message = pick(f.message, options.lang) or pick(f.title, options.lang)
        if f.status is Status.UNKNOWN:
            unknown.append(Row(f, where, message, new, None, fix.text(t, code)))
            continue
        change = fix.main(t, code)
        group = groups.setdefault(str(change), (change, fix.primary.at if fix.primary else "", []))
        group[2].append(Row(f, where, message, new, fix.other(t, code), None))
    ordered = sorted(groups.values(), key=lambda g: (-max(r.f.severity.rank for r in g[2]), -len(g[2]), str(g[0])))
    return [FixGroup(change, at, tuple(rows)) for change, at, rows in ordered], unknown


def _cut(groups: list[FixGroup], limit: int) -> tuple[list[FixGroup], int]:
    """At most ``limit`` rows, whole groups first; how many rows were left out."""
    out: list[FixGroup] = []
    left = limit
    total = sum(len(g.rows) for g in groups)
    for g in groups:
        if left <= 0:
            break
        out.append(FixGroup(g.change, g.at, g.rows[:left]))
        left -= len(out[-1].rows)
    return out, total - sum(len(g.rows) for g in out)


def _baseline(options: RenderOptions, doc: FindingsDoc) -> dict[str, Any] | None:
    b = options.baseline
    if b is None:
        return None
    counted = [f for f in doc.findings if f.status in (Status.FAIL, Status.UNKNOWN)]
    known = sum(1 for f in counted if b.knows(f))
    today = dt.date.fromisoformat((doc.run.finished or doc.run.started)[:10]) \
        if (doc.run.finished or doc.run.started)[:10].count("-") == 2 else dt.date.today()
    return {"path": b.path, "recorded": (b.recorded or "")[:10], "age": b.age_days(today), "size": b.size,
            "known": known, "new": len(counted) - known}


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    v = view.build(doc, options)
    t = Translator(options.lang, escape_param=md)
    groups, unknown = _rows(doc, options, t)
    template = environment().get_template("summary.md.j2")
    top, unknowns, gaps = TOP_ROWS, min(len(unknown), TOP_ROWS), min(len(v.gaps), GAP_ROWS)
    baseline = _baseline(options, doc)
    while True:
        shown, more = _cut(groups, top)
        text = template.render(v=v, t=t, groups=shown, more=more, unknown=unknown[:unknowns],
                               more_unknown=len(unknown) - unknowns, gaps=v.gaps[:gaps], more_gaps=len(v.gaps) - gaps,
                               baseline=baseline, report_link=Markup(link(options.report_link)))  # noqa: S704
        if len(text) <= MAX_CHARS or (top == 0 and unknowns == 0 and gaps == 0):
            return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"
        top, unknowns, gaps = top // 2, unknowns // 2, gaps // 2


RENDERER = Renderer("md", "summary.md", render)
