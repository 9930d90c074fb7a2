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


# What the connectors say about a grant (``AccessGrant.condition``, parts joined by "; ") and a copy
# (``DataLocation.via_detail``), in French: fixed phrases translated, cloud names (roles, scopes, offers,
# tenants, deployments) kept as they are, as code.
_CONDITION_FR: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(.+) at (/\S*)$"), "rôle <code>{0}</code> sur <code>{1}</code>"),
    (re.compile(r"^Lighthouse '(.*)' from (.+): (.*?)\s*as (.+)$"),
     "délégation Lighthouse <code>{0}</code> de <code>{1}</code>\u202f: <code>{2}</code> "
     "avec le rôle <code>{3}</code>"),
    (re.compile(r"^Lighthouse '(.*)': (.*?)\s*as (.+)$"),
     "délégation Lighthouse <code>{0}</code>\u202f: <code>{1}</code> avec le rôle <code>{2}</code>"),
    (re.compile(r"^ForeignGroup: a group of another tenant$"), "groupe d'un autre tenant (<code>ForeignGroup</code>)"),
    (re.compile(r"^condition: (.+)$"), "condition\u202f: <code>{0}</code>"),
    (re.compile(r"^app (.+) owned by tenant (\S+)$"), "application <code>{0}</code> du tenant <code>{1}</code>"),
    (re.compile(r"^eligible \(just-in-time\)$"), "éligible (juste à temps)"),
    (re.compile(r"^whoever controls the destination account reads every replicated blob$"),
     "qui contrôle le compte de destination lit chaque blob répliqué"),
    (re.compile(r"^identities this Entra tenant issues tokens to, subject to data roles$"),
     "identités auxquelles ce tenant Entra délivre des jetons, selon leurs rôles de données"),
    (re.compile(r"^guest (.+)$"), "invité <code>{0}</code>"),
    (re.compile(r"^principal not found in the directory$"), "principal absent de l'annuaire"),
    (re.compile(r"^container (\S+) publicAccess=(\S+)$"), "conteneur <code>{0}</code> public (<code>{1}</code>)"),
    (re.compile(r"^container (\S+)$"), "conteneur public (<code>{0}</code>)"),
    (re.compile(r"^network blocks the internet$"), "le réseau bloque Internet"),
    (re.compile(r"^GetBucketPolicyStatus: IsPublic$"), "public selon AWS (<code>GetBucketPolicyStatus</code>)"),
    (re.compile(r"^authorized view/routine/dataset: its readers see this data$"),
     "vue, routine ou jeu de données autorisé\u202f: ses lecteurs voient ces données"),
    (re.compile(r"^subscription managedByTenants$"),
     "abonnement géré par un autre tenant (<code>managedByTenants</code>)"),
    (re.compile(r"^delegation details unreadable$"), "détails de la délégation illisibles"),
    (re.compile(r"^Lighthouse '(.*)': authorizations not listed$"),
     "délégation Lighthouse <code>{0}</code>\u202f: autorisations non listées"),
    (re.compile(r"^access policy of key vault (\S+): keys (.+)$"),
     "stratégie d'accès du coffre de clés <code>{0}</code>\u202f: clés <code>{1}</code>"),
    (re.compile(r"^inherited from (\S+)$"), "hérité de <code>{0}</code>"),
    (re.compile(r"^((?:organizations/\S+/|projects/\S+/)?roles/\S+)$"), "rôle <code>{0}</code>"),  # Google Cloud IAM
    (re.compile(r"^((?:organizations/\S+/|projects/\S+/)?roles/\S+) if (.+)$"),
     "rôle <code>{0}</code> sous condition <code>{1}</code>"),
    (re.compile(r"^networkAcls\.resourceAccessRules: resources (\S+) of tenant (\S+) pass the firewall and read with "
                r"their managed identity's roles$"),
     "les ressources <code>{0}</code> du tenant <code>{1}</code> franchissent le pare-feu et lisent avec les rôles "
     "de leur identité managée (<code>networkAcls.resourceAccessRules</code>)"),
    (re.compile(r"^network_rules\.private_link_access: (\S+) of tenant (\S+) passes the firewall$"),
     "<code>{0}</code> du tenant <code>{1}</code> franchit le pare-feu "
     "(<code>network_rules.private_link_access</code>)"),
)
_DETAIL_FR: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^vault region$"), "région du coffre"),
    (re.compile(r"^storage account$"), "compte de stockage"),
    (re.compile(r"^(\S+) deployment (\S+)$"), "déploiement <code>{1}</code> (<code>{0}</code>)"),
    (re.compile(r"^log analytics workspace$"), "espace de travail Log Analytics"),
    (re.compile(r"^event hub$"), "Event Hub"),
    (re.compile(r"^(\S+), (?:default)?[sS]econdaryLocation$"), "<code>{0}</code>, région secondaire"),
    (re.compile(r"^dual-region (\S+): every object in each region$"), "bi-région <code>{0}</code>\u202f: chaque objet "
     "dans chaque région"),
    (re.compile(r"^dual-region (\S+)$"), "bi-région <code>{0}</code>"),
    (re.compile(r"^(\S+) compute$"), "calcul <code>{0}</code>"),
    (re.compile(r"^Geo \(Azure SQL default\)$"), "<code>Geo</code> (valeur par défaut d'Azure SQL)"),
    (re.compile(r"^default: the multi-region nearest the instance$"), "par défaut\u202f: la multirégion la plus proche "
     "de l'instance"),
    (re.compile(r"^default location not documented for this region or universe$"),
     "emplacement par défaut non documenté pour cette région ou cet univers"),
)


def _phrases(value: str, t: Translator, table: tuple[tuple[re.Pattern[str], str], ...], sep: str) -> Markup:
    if not value:
        return Markup("")
    if t.lang != "fr":
        return Markup("{}").format(value)
    out = []
    for part in value.split(sep):
        for pattern, text in table:
            m = pattern.match(part.strip())
            if m:
                out.append(Markup(text).format(*m.groups()).replace("<code></code>", ""))  # noqa: S704
                break
        else:
            out.append(Markup("<code>{}</code>").format(part.strip()))  # not ours to translate: quoted as it is
    return Markup(escape(sep)).join(out)  # noqa: S704 - the separator is escaped


def condition(value: str, t: Translator) -> Markup:
    """A grant's condition as the connector wrote it, in the report's language."""
    return _phrases(value, t, _CONDITION_FR, "; ")


def detail(value: str, t: Translator) -> Markup:
    """A copy mechanism's particulars (``via_detail``), in the report's language."""
    return _phrases(value, t, _DETAIL_FR, "; ")


def helpers(t: Translator) -> dict[str, Callable[..., object]]:
    """What the templates call: ``w.rule(d.rule)``, ``w.label(d.label)``, ``w.notice(n)``."""
    return {"rule": lambda v: rule(v, t), "label": lambda v: label(v, t),
            "notice": lambda v: escape(notice(v, t.lang)), "attribution": lambda v: attribution(v, t.lang),
            "legal": lambda v: typography(legal(v, t.lang), t.lang),
            "condition": lambda v: condition(v, t), "detail": lambda v: detail(v, t),
            "roles": lambda rs: ", ".join(str(t("role." + r)) if t.has("role." + r) else r for r in rs)}
