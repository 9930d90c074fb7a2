"""GitLab Code Quality report (``gl-code-quality-report.json``): findings in the merge request widget.

The format is GitLab's subset of the Code Climate issue format, documented at
https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format (checked 2026-12-07):
a JSON array of objects with ``description``, ``check_name``, ``fingerprint``, ``severity`` (``info``,
``minor``, ``major``, ``critical``, ``blocker``) and ``location.path`` (relative to the repository,
no ``./``) with ``location.lines.begin``. GitLab ignores other Code Climate properties; ``type`` and
``categories`` are kept so Code Climate tools read the file too.

One issue per failing or unknown finding (waived ones are accepted: not listed), at the line a
developer changes (see :mod:`auditor.render.fixes`); the description ends with the change. The
fingerprint is the finding's stable key hashed, so GitLab tells new issues from existing ones.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from auditor.model.findings import FindingsDoc, Severity, Status
from auditor.render.base import Renderer, RenderOptions, finding_order, pick
from auditor.render.fixes import fix_for
from auditor.render.i18n import Translator
from auditor.render.sarif import FINDINGS_ARTIFACT, split_at

SEVERITY = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major",
            Severity.LOW: "minor", Severity.INFO: "info"}
LISTED = (Status.FAIL, Status.UNKNOWN)
_FIX = {"en": "Fix", "fr": "Correction"}
_UNKNOWN = {"en": "Could not be decided", "fr": "Impossible à trancher"}


def _path(at: str | None) -> tuple[str, int]:
    found = split_at(at)
    if found is None:
        return FINDINGS_ARTIFACT, 1
    path, line = found
    path = path.replace("\\", "/")
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        path = relative.replace("\\", "/") if not relative.startswith("..") else path
    while path.startswith("./"):
        path = path[2:]
    return path, line


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    lang = options.lang
    t = Translator(lang, escape_param=str)
    resources = {r.id: r for r in doc.resources}
    issues: list[dict[str, Any]] = []
    for f in sorted((f for f in doc.findings if f.status in LISTED), key=finding_order):
        resource = resources.get(f.resource_id)
        fix = fix_for(f, resource, doc, lang)
        at = fix.primary.at if fix.primary is not None else (resource.source_file if resource is not None else None)
        path, line = _path(at)
        message = pick(f.message, lang) or pick(f.title, lang) or f.policy_id
        if f.status is Status.UNKNOWN:
            message = f"{_UNKNOWN.get(lang, _UNKNOWN['en'])}: {message}"
        change = str(fix.text(t, lambda v: f"`{v}`"))
        issue: dict[str, Any] = {
            "type": "issue",
            "check_name": f.policy_id,
            "description": f"{f.policy_id} {f.resource_id}: {message.rstrip('.')}."
                           + (f" {_FIX.get(lang, 'Fix')}: {change}" if change else ""),
            "categories": ["Security"],
            "severity": SEVERITY[f.severity],
            "fingerprint": hashlib.sha256(f.key.encode("utf-8")).hexdigest(),
            "location": {"path": path, "lines": {"begin": line}},
        }
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


RENDERER = Renderer("codequality", "gl-code-quality-report.json", render)
