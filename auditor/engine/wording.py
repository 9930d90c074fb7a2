"""The values a finding's message quotes, in the reader's language.

A policy's message is a template per language ("{name} has copies outside …: {details}"); the values it
quotes come from the inventory and from the policies' ``details`` expressions, which speak the tool's
vocabulary in English (roles ``replica``, zones ``third``, ``operator in US``, ``US_CLOUD_ACT``…). This module
gives each such value its French wording, so a French message reads French throughout. Cloud names, ids,
regions and country codes are kept as they are; a value it does not know is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

ROLES_FR = {
    "primary": "principal", "replica": "réplique", "backup": "sauvegarde", "geo-secondary": "secondaire géo-redondant",
    "snapshot-copy": "copie d'instantané", "edge-cache": "cache en périphérie",
    "log-destination": "destination des journaux",
    "key": "clé de chiffrement",
}
ZONES_FR = {"eu": "UE", "eea": "EEE", "adequacy": "décision d'adéquation", "third": "pays tiers", "unknown": "inconnue"}
KINDS_FR = {
    "all": "tous", "public": "tout le monde (public)", "any-authenticated": "tout principal authentifié",
    "guest": "invité", "foreign-tenant-app": "application d'un tenant étranger", "account": "compte",
    "role": "rôle", "user": "utilisateur", "group": "groupe", "service": "service", "unknown": "inconnu",
}
EXPOSURES_FR = {
    "US_CLOUD_ACT": "CLOUD Act (États-Unis)",
    "US_FISA_702": "FISA, section 702 (États-Unis)",
    "CN_NATIONAL_INTELLIGENCE_LAW": "loi chinoise sur le renseignement national",
    "CA_CRIMINAL_CODE_PRODUCTION": "ordonnances de communication du Code criminel (Canada)",
    "UNKNOWN": "inconnue",
}
REASONS_FR = {
    "access-denied": "accès refusé", "region-disabled": "région désactivée", "throttled": "limitation de débit",
    "unassumable-role": "rôle impossible à endosser", "api-unavailable": "API indisponible", "error": "erreur",
    "not-read": "non lu", "missing-shard": "fragment manquant", "deferred": "différé",
    "unreadable-plan-entry": "entrée du plan illisible",
}
# Fixed English phrases the policies' ``details`` expressions and the catalog build, in French; applied in
# order to a detail string (each a whole-phrase pattern, so cloud names inside them are kept).
_PHRASES_FR: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"\boperator in ([A-Z]{2}|\?)"), r"opérateur établi en \1"),
    (re.compile(r", parent in ([A-Z]{2}|\?)"), r", maison mère en \1"),
    (re.compile(r"HDS v2 allows it with disclosure: requirements 29-30 \(third-country access and laws, in the "
                r"contract\), 31 \(published transfer map"),
     "HDS v2 l'admet avec information du client : exigences 29-30 (accès et lois de pays tiers, dans le contrat), "
     "31 (cartographie publiée des transferts"),
    (re.compile(r"\bplace (\S+) not in the catalog"), r"lieu \1 absent du catalogue"),
    (re.compile(r": certificate not confirmed\b"), " : certificat non confirmé"),  # JUR-002, an unconfirmed certificate
    (re.compile(r"^(\S+) outside (.+) scope \((.*)\)$"),
     lambda m: f"{m.group(1)} hors du périmètre de {m.group(2)} ({_scope_fr(m.group(3))})"),
    (re.compile(r"^service (\S+) outside (.+) scope \((.*)\)$"),
     r"service \1 hors du périmètre de \2 (\3)"),
    (re.compile(r"^worldwide\b"), "monde entier"),
    (re.compile(r" via "), " par "),
    # RES-006/007: the resource that processes a store's data (classification by lineage)
    (re.compile(r" by (arn:\S+|/subscriptions/\S+|\S+\.\S+)$"), r" par la ressource \1"),
    (re.compile(r"\(account/tenant "), "(compte/tenant "),
)
_SCOPE_WORDS_FR = {"partitions": "partitions", "zones": "zones", "kinds": "types", "regions": "régions",
                   "countries": "pays", "services": "services", "region": "région", "local-zone": "zone locale"}
_QUALIFIED = re.compile(r"^([a-z0-9-]+): (.+)$")  # "hds: <why>" from JUR-002


def _scope_fr(text: str) -> str:
    return re.sub(r"[a-z][a-z-]*", lambda m: _SCOPE_WORDS_FR.get(m.group(0), m.group(0)), text)


def phrase(text: str, lang: str) -> str:
    """A detail string in ``lang``: its fixed English phrases translated, cloud names kept."""
    if lang != "fr" or not text:
        return text
    if text in EXPOSURES_FR:
        return EXPOSURES_FR[text]
    qualified = _QUALIFIED.match(text)
    if qualified and " " in qualified.group(2):
        return f"{qualified.group(1)}: {phrase(qualified.group(2), lang)}"
    for pattern, replacement in _PHRASES_FR:
        text = pattern.sub(replacement, text)
    return text


def value(table: Mapping[str, str], text: str, lang: str) -> str:
    """One vocabulary value (a role, a zone, a kind, a reason) in ``lang``; unknown values unchanged."""
    return table.get(text, text) if lang == "fr" else text


def describe(item: Any, lang: str = "en") -> str:
    """One entry of a policy's ``details``, as a message quotes it."""
    if isinstance(item, Mapping):
        if "principal" in item:
            home = item.get("home")
            words = "account/tenant" if lang != "fr" else "compte/tenant"
            where = f"{words} {home}" if home and home != item["principal"] else ""
            name = item.get("name")
            if name and name != item["principal"]:  # a display name the directory gave: named, id after it
                return f"{name} ({item['principal']}" + (f", {where})" if where else ")")
            return f"{item['principal']}" + (f" ({where})" if where else "")
        region = item.get("region") or "?"
        role = item.get("role")
        country = item.get("country") or "?"
        zone = value(ZONES_FR, str(item.get("zone") or "unknown"), lang)
        shown_role = value(ROLES_FR, str(role), lang) if role else ""
        return f"{shown_role + ' ' if shown_role else ''}{region} ({country}, {zone})"
    return phrase(str(item), lang)


_PLACE = re.compile(r"^(.*)\(([A-Z]{2}|\?), ([a-z]+)\)(.*)$")


def localised_values(values: Mapping[str, str], details: list[Any], lang: str) -> dict[str, str]:
    """The values a message template quotes, in ``lang``."""
    if lang != "fr":
        return dict(values)
    out = dict(values)
    out["zone"] = value(ZONES_FR, values.get("zone", ""), lang)
    out["reason"] = value(REASONS_FR, values.get("reason", ""), lang)
    out["details"] = ", ".join(_zone_in_place(describe(d, lang)) for d in details)
    return out


def _zone_in_place(text: str) -> str:
    """``eu-west-2 (GB, adequacy) par cloudfront``: the zone word of a place built by a policy, in French."""
    m = _PLACE.match(text)
    if m is None or m.group(3) not in ZONES_FR:
        return text
    return f"{m.group(1)}({m.group(2)}, {ZONES_FR[m.group(3)]}){m.group(4)}"


_SEVERITIES_FR = {"critical": "critique", "high": "élevée", "medium": "moyenne", "low": "faible", "info": "info"}


def _sev(m: re.Match[str], group: int) -> str:
    return _SEVERITIES_FR.get(m.group(group), m.group(group))


# The run notices the engine and the merge write (English, in findings.json), and their French.
_NOTICES_FR: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^profile (\S+) raises (\S+) from (\w+) to (\w+)(.*)$", re.S),
     lambda m: f"le profil {m.group(1)} relève la sévérité de {m.group(2)} de {_sev(m, 3)} à {_sev(m, 4)}"
               f"{m.group(5)}"),
    (re.compile(r"^profile (\S+) LOWERS (\S+) from (\w+) to (\w+)(.*)$", re.S),
     lambda m: f"le profil {m.group(1)} ABAISSE la sévérité de {m.group(2)} de {_sev(m, 3)} à {_sev(m, 4)}"
               f"{m.group(5)}"),
    (re.compile(r"^profile (\S+) disables (\S+)$"), lambda m: f"le profil {m.group(1)} désactive {m.group(2)}"),
    (re.compile(r"^waiver (\S+) \((\S+) on (.+)\) expired on (\S+) and no longer applies$"),
     lambda m: f"la dérogation {m.group(1)} ({m.group(2)} sur {m.group(3)}) a expiré le {m.group(4)} "
               "et ne s'applique plus"),
    (re.compile(r"^waiver (\S+) expired on (\S+) and no longer applies$"),
     lambda m: f"la dérogation {m.group(1)} a expiré le {m.group(2)} et ne s'applique plus"),
    (re.compile(r"^waiver (\S+) lasts (\d+) days, more than the (\d+) allowed by waiver_max_days: it does not apply$"),
     lambda m: f"la dérogation {m.group(1)} dure {m.group(2)} jours, plus que les {m.group(3)} permis par "
               "waiver_max_days : elle ne s'applique pas"),
    (re.compile(r"^waiver (\S+) \((\S+) on (.+)\) matches nothing: stale$"),
     lambda m: f"la dérogation {m.group(1)} ({m.group(2)} sur {m.group(3)}) ne correspond à rien : obsolète"),
    (re.compile(r"^shard (\d+)/(\d+): only the accounts and subscriptions of this slice were audited$"),
     lambda m: f"fragment {m.group(1)}/{m.group(2)} : seuls les comptes et abonnements de cette tranche ont été "
               "audités"),
    (re.compile(r"^shard (\d+)/(\d+) is missing: its accounts and subscriptions were not audited$"),
     lambda m: f"le fragment {m.group(1)}/{m.group(2)} manque : ses comptes et abonnements n'ont pas été audités"),
    (re.compile(r"^shard (\d+)/(\d+) given (\d+) times \((.+)\): all kept$"),
     lambda m: f"fragment {m.group(1)}/{m.group(2)} donné {m.group(3)} fois ({m.group(4)}) : tous gardés"),
    (re.compile(r"^overlap: (\d+) resources were audited by more than one shard \((.*?)\)"
                r"(?:; (\d+) of them differ between shards \(the first shard's copy is kept\))?$", re.S),
     lambda m: f"chevauchement : {m.group(1)} ressources ont été auditées par plus d'un fragment ({m.group(2)})"
               + (f" ; {m.group(3)} d'entre elles diffèrent (la copie du premier fragment est gardée)"
                  if m.group(3) else "")),
    (re.compile(r"^some inputs are not shard results: (.+)$"),
     lambda m: f"certaines entrées ne sont pas des résultats de fragment : {m.group(1)}"),
    (re.compile(r"^duplicate input: (.+) is the same run as (.+); counted once$"),
     lambda m: f"entrée en double : {m.group(1)} est la même exécution que {m.group(2)} ; comptée une fois"),
    (re.compile(r"^(\d+) findings differ between shards auditing the same resource; the worse is kept$"),
     lambda m: f"{m.group(1)} constats diffèrent entre fragments auditant la même ressource ; le plus grave est "
               "retenu"),
)


def notice(text: str, lang: str) -> str:
    """A run notice in ``lang`` (French typography applied by the caller's renderer); unknown ones unchanged."""
    if lang != "fr":
        return text
    for pattern, replacement in _NOTICES_FR:
        m = pattern.match(text)
        if m:
            return replacement(m)
    return text
