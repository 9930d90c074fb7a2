"""Report wording of the inventory's own vocabulary: mechanisms (``via``), classification rules, run notices.

Fixed values are catalog keys (``via.s3-replication``); values built by the connectors around a cloud name
(``backup storage redundancy GRS``, ``sql-failover-group fog-pmsi``) are translated by pattern here, the
cloud part kept as it is and shown as code. What is not known is shown as it is, as code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

from auditor.engine import wording
from auditor.render.base import typography
from auditor.render.i18n import Translator

# (pattern, French words before the cloud part): the cloud part is group 1.
_VIA_FR: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^backup storage redundancy (.+)$"), "redondance du stockage des sauvegardes"),
    (re.compile(r"^sql-failover-group (.+)$"), "groupe de basculement SQL"),
    (re.compile(r"^sql-geo-replication (.+)$"), "géoréplication SQL"),
    (re.compile(r"^cosmos periodic backup (.+)$"), "sauvegarde périodique Cosmos DB"),
    (re.compile(r"^diagnostic settings -> (.+)$"), "paramètres de diagnostic vers"),
    (re.compile(r"^azure-backup (.+)$"), "Azure Backup"),
    (re.compile(r"^(.+) secondaryLocation$"), "secondaryLocation de la redondance"),
    (re.compile(r"^(\S+) \(custom secondary\)$"), "secondaire choisi, redondance"),
    (re.compile(r"^(\S+) pair$"), "région appairée, redondance"),
    (re.compile(r"^cloudfront (.+)$"), "CloudFront, classe de prix"),
    (re.compile(r"^(?:front-door|cdn) (.*)$"), "réseau de diffusion Azure"),
)


def via(value: str, t: Translator) -> Markup:
    """A copy's mechanism in the report's language."""
    if not value:
        return Markup("")
    if t.has("via." + value):
        return t("via." + value)
    if t.lang == "fr":
        for pattern, words in _VIA_FR:
            m = pattern.match(value)
            if m:
                return Markup("{} <code>{}</code>").format(typography(words, "fr"), m.group(1))
        return Markup("<code>{}</code>").format(value)
    return escape(value)


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
    """What the templates call: ``w.via(l.via)``, ``w.rule(d.rule)``, ``w.label(d.label)``, ``w.notice(n)``."""
    return {"via": lambda v: via(v, t), "rule": lambda v: rule(v, t), "label": lambda v: label(v, t),
            "notice": lambda v: escape(notice(v, t.lang)), "attribution": lambda v: attribution(v, t.lang),
            "legal": lambda v: typography(legal(v, t.lang), t.lang),
            "roles": lambda rs: ", ".join(str(t("role." + r)) if t.has("role." + r) else r for r in rs)}
