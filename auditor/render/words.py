"""Report wording of values the tool builds around a cloud name: classification rules, labels, run notices,
register roles, legal references and the map credit, in the report's language.

Fixed values are catalog keys (``rule.no rule matched``); values built around a cloud name (``tag
data-classification=PHI``) are translated by pattern here, the cloud part kept as it is and shown as code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

from auditor.engine import wording
from auditor.render.base import typography
from auditor.render.i18n import Translator

_RULES_FR: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^tag (.+)$"), "étiquette"),
    (re.compile(r"^kind (.+)$"), "type de stockage"),
    (re.compile(r"^native type (.+)$"), "type natif"),
    (re.compile(r"^name token (.+)$"), "élément du nom"),
    (re.compile(r"^name pattern (.+)$"), "motif du nom"),
)


def rule(value: str, t: Translator) -> Markup:
    """The classification rule that decided (``tag data-classification=PHI``): fixed words translated, the
    tag, type or name it quotes kept as code."""
    if not value:
        return Markup("")
    if t.has("rule." + value):
        return t("rule." + value)
    if t.lang == "fr":
        for pattern, words in _RULES_FR:
            m = pattern.match(value)
            if m:
                return Markup("{} <code>{}</code>").format(words, m.group(1))
    return Markup("<code>{}</code>").format(value)


def label(value: str, t: Translator) -> Markup:
    """A classification label: ours translated, one read from a tag value kept as code."""
    if not value:
        return Markup("—")
    if t.has("label." + value):
        return t("label." + value)
    return Markup("<code>{}</code>").format(value)


def notice(value: str, lang: str) -> str:
    return typography(wording.notice(value, lang), lang)


_ATTRIBUTION_FR = (("Made with ", "Réalisé avec "), ("(public domain)", "(domaine public)"), (", via ", ", d'après "),
                   ("Simplified by ", "Simplifié par "))


def attribution(text: str, lang: str) -> str:
    """The map's data credit (names and licences kept) in ``lang``."""
    if lang == "fr":
        for en, fr in _ATTRIBUTION_FR:
            text = text.replace(en, fr)
    return text


def legal(text: str, lang: str) -> str:
    """A legal reference from the catalog (``(EU) 2021/1772 (2021-06-28, renewed 2025-12-19)``) in ``lang``."""
    if lang == "fr":
        text = text.replace(", renewed ", ", renouvelée le ").replace("(EU)", "(UE)")
    return text


def helpers(t: Translator) -> dict[str, Callable[..., object]]:
    """What the templates call: ``w.rule(d.rule)``, ``w.label(d.label)``, ``w.notice(n)``."""
    return {"rule": lambda v: rule(v, t), "label": lambda v: label(v, t),
            "notice": lambda v: escape(notice(v, t.lang)), "attribution": lambda v: attribution(v, t.lang),
            "legal": lambda v: typography(legal(v, t.lang), t.lang),
            "roles": lambda rs: ", ".join(str(t("role." + r)) if t.has("role." + r) else r for r in rs)}
