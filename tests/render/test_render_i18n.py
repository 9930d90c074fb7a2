"""Both report languages are complete: same keys, no empty text, every key the templates use exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import auditor.render as render_pkg
from auditor.fsio import shipped
from auditor.model.findings import SEVERITIES, FindingsDoc, Status
from auditor.model.inventory import KeyManager, LocationRole, Permission, PrincipalKind, Relation, Zone
from auditor.model.vocab import Via
from auditor.render import LANGS, RENDERERS, RenderOptions
from auditor.render.html import _JS_TEXTS
from auditor.render.i18n import catalog

TEMPLATES = sorted((shipped("reports") / "html").glob("*.j2")) + sorted((shipped("reports") / "md").glob("*.j2"))
STATES = ("fail", "unknown", "waived", "pass", "manual", "out-of-scope", "not-evaluated", "ds-noncompliant",
          "ds-unassessed", "ds-review", "ds-compliant")
# keys the templates build from data ("severity." ~ sev): every value the data can take
DYNAMIC = {
    "severity": [s.value for s in SEVERITIES],
    "status": [s.value for s in Status],
    "zone": [z.value for z in Zone],
    "role": [r.value for r in LocationRole] + ["key"],
    "manager": [m.value for m in KeyManager],
    "kind": [k.value for k in PrincipalKind],
    "relation": [r.value for r in Relation],
    "permission": [p.value for p in Permission],
    "state": list(STATES),
    "verdict": ["compliant", "non-compliant", "incomplete"],
    "verdict.why": ["compliant", "non-compliant", "incomplete"],
    "map": ["europe", "world"],
    "js": list(_JS_TEXTS),
    # looked up with t.has() first: a value without a translation is shown as it is
    "provider": [], "source": [], "kindof": [], "label": ["health", "unclassified"], "rule": [],
    "via": [v.value for v in Via],
    "law": [], "reason": [], "runsource": [],
    "basis": ["adequacy", "declared", "none", "unknown"],
    "coverage": ["covered", "not_covered", "undetermined"],
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys_and_no_empty_text() -> None:
    en, fr = catalog("en"), catalog("fr")
    assert set(en) == set(fr), f"only en: {sorted(set(en) - set(fr))}; only fr: {sorted(set(fr) - set(en))}"
    for lang in LANGS:
        empty = [k for k, v in catalog(lang).items() if not v.strip()]
        assert not empty, f"{lang}: empty texts for {empty}"
    for key in en:
        assert _fields(en[key]) == _fields(fr[key]), f"{key}: placeholders differ between en and fr"


def test_every_key_used_in_the_templates_exists() -> None:
    used: set[str] = set()
    code = sorted(Path(render_pkg.__file__).parent.glob("*.py"))
    for path in [*TEMPLATES, *code]:
        used |= set(re.findall(r"""\bt(?:\.has)?\(\s*f?['"]([a-z0-9_.-]+)['"]\s*[,)]""", path.read_text("utf-8")))
    assert len(used) > 100 and "since.new_badge" in used
    for prefix, values in DYNAMIC.items():
        used |= {f"{prefix}.{v}" for v in values}
    for lang in LANGS:
        missing = sorted(used - set(catalog(lang)))
        assert not missing, f"{lang} catalog misses {missing}"


def test_dynamic_prefixes_cover_the_templates() -> None:
    """A template that builds a key from data must have its prefix listed in DYNAMIC above."""
    prefixes: set[str] = set()
    for path in TEMPLATES:
        prefixes |= set(re.findall(r"""\bt(?:\.has)?\(\s*['"]([a-z0-9_.-]+)\.['"]\s*~""", path.read_text("utf-8")))
    assert prefixes <= set(DYNAMIC), sorted(prefixes - set(DYNAMIC))


@pytest.mark.parametrize("lang", LANGS)
def test_reports_render_in_each_language(doc: FindingsDoc, lang: str) -> None:
    html = RENDERERS["html"].render(doc, RenderOptions(lang=lang))
    assert f'<html lang="{lang}">' in html
    assert catalog(lang)["verdict.non-compliant"] in html
    assert catalog(lang)["verdict.non-compliant"] in RENDERERS["md"].render(doc, RenderOptions(lang=lang))


def test_finding_texts_fall_back_to_english(doc: FindingsDoc) -> None:
    html = RENDERERS["html"].render(doc, RenderOptions(lang="fr"))
    assert "Données de santé copiées hors de la zone autorisée" in html  # the finding's own French title
    assert "Stop sharing the snapshot" in html  # no French remediation: the English one, not nothing
