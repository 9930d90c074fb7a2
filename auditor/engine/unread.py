"""What a finding says when a check is unknown because an aspect of its store was not read.

``{name}`` is the store; ``{why}`` the reads that failed (service and reason); ``{what}`` the
aspects a plan cannot show. Every text exists in English and French.
"""

from __future__ import annotations

from auditor.model.inventory import NOT_IN_PLAN, CoverageGap, GapAspect, Resource

# What a finding says when a check is unknown because an aspect of its store was not read.
UNREAD: dict[GapAspect, dict[str, str]] = {
    GapAspect.STORE: {
        "en": "Part of {name} could not be read ({why}); this check cannot be decided on what was read",
        "fr": "Une partie de {name} n'a pas pu être lue ({why}) ; ce contrôle ne peut être tranché sur ce qui a "
              "été lu"},
    GapAspect.LOCATION: {
        "en": "Where {name} copies its data (replication, geo-redundancy, backups) could not be read ({why}); "
              "this check depends on it and cannot be decided",
        "fr": "Les destinations de copie de {name} (réplication, géo-redondance, sauvegardes) n'ont pas pu être "
              "lues ({why}) ; ce contrôle en dépend et ne peut être tranché"},
    GapAspect.KEY: {
        "en": "The encryption settings of {name} could not be read ({why}); this check depends on them and "
              "cannot be decided",
        "fr": "Les paramètres de chiffrement de {name} n'ont pas pu être lus ({why}) ; ce contrôle en dépend et "
              "ne peut être tranché"},
    GapAspect.ACCESS: {
        "en": "Who can reach {name} could not be read in full ({why}); the grants that were read do not decide "
              "this check",
        "fr": "Les accès à {name} n'ont pas pu être lus en entier ({why}) ; les accès lus ne suffisent pas à "
              "trancher ce contrôle"},
    GapAspect.NETWORK: {
        "en": "The network rules of {name} could not be read ({why}); this check depends on them and cannot be "
              "decided",
        "fr": "Les règles réseau de {name} n'ont pas pu être lues ({why}) ; ce contrôle en dépend et ne peut être "
              "tranché"},
    GapAspect.LOGGING: {
        "en": "The logging settings of {name} could not be read ({why}), so whether and where its access logs "
              "are written is not known; this check depends on it and cannot be decided",
        "fr": "Les paramètres de journalisation de {name} n'ont pas pu être lus ({why}) : on ne sait pas si ni "
              "où ses journaux d'accès sont écrits ; ce contrôle en dépend et ne peut être tranché"},
    GapAspect.CLASSIFICATION: {
        "en": "The tags of {name} could not be read ({why}); this check depends on its classification and "
              "cannot be decided",
        "fr": "Les étiquettes de {name} n'ont pas pu être lues ({why}) ; ce contrôle dépend de sa classification "
              "et ne peut être tranché"},
}
ASPECT_NAME: dict[GapAspect, dict[str, str]] = {
    GapAspect.STORE: {"en": "settings", "fr": "les paramètres"},
    GapAspect.LOCATION: {"en": "copy destinations", "fr": "les destinations de copie"},
    GapAspect.KEY: {"en": "encryption settings", "fr": "les paramètres de chiffrement"},
    GapAspect.ACCESS: {"en": "access grants", "fr": "les accès"},
    GapAspect.NETWORK: {"en": "network rules", "fr": "les règles réseau"},
    GapAspect.LOGGING: {"en": "logging settings", "fr": "les paramètres de journalisation"},
    GapAspect.CLASSIFICATION: {"en": "tags", "fr": "les étiquettes"},
}
NOT_IN_PLAN_TEXT = {
    "en": "Not assessable from a plan: a plan never shows what is configured outside Terraform ({name}'s "
          "{what}); a live scan decides this check",
    "fr": "Non évaluable depuis un plan : un plan ne montre jamais ce qui est configuré hors de Terraform "
          "({what} de {name}) ; un scan de l'environnement réel tranche ce contrôle",
}


def not_in_plan(r: Resource) -> CoverageGap:
    """What a plan can never show: whether access logging is set outside Terraform (Azure Policy
    diagnostic settings, an organisation trail). Its checks are "not assessable from a plan"."""
    return CoverageGap(r.provider, "terraform", NOT_IN_PLAN, "access logging is not set in this plan and may be "
                       "set outside Terraform", account=r.account, region=r.region, resource_id=r.id,
                       aspect=GapAspect.LOGGING)
