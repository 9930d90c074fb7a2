"""The lines the console prints while a run goes on (progress, notices, skipped providers), in the run's
language (``--lang``). No dependency: the CLI imports it before anything heavy.

The end-of-run summary is :mod:`auditor.console`; the gate line :mod:`auditor.results.console`.
"""

from __future__ import annotations

# What the console says while a run goes on, in English and French (``--lang``). French typography: a narrow
# no-break space before ":" and ";" and as the thousands separator. Cloud names and the cloud's own error texts
# are put in as they are.
MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "reading": "{label}: reading {n} data stores",
        "reading-some": "{label}: reading",
        "done": "{label}: done, {n} data stores read",
        "not-audited": "{provider}: not audited: {error}",
        "skipped": "notice: skipped {why}",
        "not-configured": "{provider}: not configured in {source}",
        "no-credential": "{provider}: no {name} credential in the environment ({hint})",
        "api-calls": "{provider}: {n} API calls ({parts})",
        "no-api-calls": "{provider}: 0 API calls",
        "config-fast-unreadable": "aws: AWS Config aggregator {name} unreadable, every bucket is read directly: {why}",
        "config-fast-served": "aws: AWS Config aggregator {name}: {n} in-scope buckets answered from configuration "
                              "items",
        "demo-azure": "Azure demo estate on a local fake ARM at {url}",
        "demo-gcp": "Google Cloud API demo estate ({universe}) on a local fake at {url}",
        "wrote": "wrote {path}",
        "notice": "notice: {text}",
    },
    "fr": {
        "reading": "{label}\u202f: lecture de {n} stockages de données",
        "reading-some": "{label}\u202f: lecture",
        "done": "{label}\u202f: terminé, {n} stockages de données lus",
        "not-audited": "{provider}\u202f: non audité\u202f: {error}",
        "skipped": "remarque\u202f: fournisseur écarté, {why}",
        "not-configured": "{provider}\u202f: absent de {source}",
        "no-credential": "{provider}\u202f: aucun identifiant {name} dans l'environnement ({hint})",
        "api-calls": "{provider}\u202f: {n} appels d'API ({parts})",
        "no-api-calls": "{provider}\u202f: aucun appel d'API",
        "config-fast-unreadable": "aws\u202f: agrégateur AWS Config {name} illisible, chaque compartiment S3 "
                                  "est lu directement\u202f: {why}",
        "config-fast-served": "aws\u202f: agrégateur AWS Config {name}\u202f: {n} compartiments S3 du périmètre "
                              "lus dans les éléments de configuration",
        "demo-azure": "Parc Azure de démonstration sur un faux ARM local à {url}",
        "demo-gcp": "Parc de démonstration aux API Google Cloud ({universe}) sur un faux serveur local à {url}",
        "wrote": "écrit\u202f: {path}",
        "notice": "remarque\u202f: {text}",
    },
}


def number(n: int, lang: str = "en") -> str:
    """``1,234`` in English, ``1 234`` (narrow no-break space) in French."""
    text = f"{n:,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def say(key: str, lang: str = "en", **values: object) -> str:
    """One console line in ``lang`` (English when the language is not known)."""
    texts = MESSAGES.get(lang, MESSAGES["en"])
    return texts[key].format(**{k: number(v, lang) if isinstance(v, int) and not isinstance(v, bool) else v
                                for k, v in values.items()})


# How to give a provider a credential, in French (the English texts are ``auditor.connectors.CREDENTIAL_HINTS``).
CREDENTIAL_HINTS_FR = {
    "aws": "définir AWS_PROFILE, lancer 'aws sso login', exporter AWS_ACCESS_KEY_ID, ou ajouter une section aws: "
           "à auditor.yaml pour utiliser un rôle d'instance",
    "azure": "définir AZURE_TENANT_ID/AZURE_CLIENT_ID avec AZURE_CLIENT_SECRET, un certificat ou un jeton fédéré, "
             "lancer 'az login', ou ajouter une section azure: à auditor.yaml pour utiliser l'identité managée "
             "d'une VM",
    "gcp": "définir GOOGLE_APPLICATION_CREDENTIALS (clé de compte de service ou fichier de fédération d'identité de "
           "charge de travail), lancer 'gcloud auth application-default login', ou ajouter une section gcp: à "
           "auditor.yaml pour utiliser le serveur de métadonnées",
}


def credential_hint(provider: str, english: str, lang: str = "en") -> str:
    """How to give ``provider`` a credential, in ``lang`` (``english`` when there is no translation)."""
    return CREDENTIAL_HINTS_FR.get(provider, english) if lang == "fr" else english
