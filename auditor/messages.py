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
        "config-fast-unreadable": "aws: AWS Config aggregator {name} unreadable, every store is read directly: {why}",
        "config-fast-served": "aws: AWS Config aggregator {name}: {n} in-scope stores answered from configuration "
                              "items",
        "demo-azure": "Azure demo estate on a local fake ARM at {url}",
        "demo-gcp": "Google Cloud API demo estate ({universe}) on a local fake at {url}",
        "wrote": "wrote {path}",
        "notice": "notice: {text}",
        # auditor sign / auditor verify
        "sign.digest": "manifest SHA-256: {digest}",
        "sign.check": "check it: openssl cms -verify -binary -inform DER -in {signature} -content {manifest} "
                      "-CAfile YOUR-CA.pem",
        "verify.signer": "signer: {signer}",
        "verify.signed-at": "signed at: {at}",
        "verify.manifest": "manifest SHA-256: {digest} ({n} files)",
        "verify.problem": "NOT VALID: {text}",
        "verify.valid": "valid: every file is as signed",
        "verify.outside": "{path}: a path outside the folder",
        "verify.missing": "{path}: missing",
        "verify.changed": "{path}: changed since it was signed",
        "verify.not-covered": "{path}: not covered by the signature (added after signing)",
        "verify.not-plain-data": "the signature is not over plain data",
        "verify.digest-differs": "manifest.json: changed since it was signed (message digest differs)",
        "verify.bad-signature": "the signature does not match the signer's certificate",
        "verify.no-ca": "no --ca given: the signer's certificate was not checked against a trusted issuer",
        "verify.expired": "certificate {subject} is not valid today",
        "verify.no-chain": "the signer's certificate does not chain to the given --ca",
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
        "config-fast-unreadable": "aws\u202f: agrégateur AWS Config {name} illisible, chaque stockage "
                                  "est lu directement\u202f: {why}",
        "config-fast-served": "aws\u202f: agrégateur AWS Config {name}\u202f: {n} stockages du périmètre "
                              "lus dans les éléments de configuration",
        "demo-azure": "Parc Azure de démonstration sur un faux ARM local à {url}",
        "demo-gcp": "Parc de démonstration aux API Google Cloud ({universe}) sur un faux serveur local à {url}",
        "wrote": "écrit\u202f: {path}",
        "notice": "remarque\u202f: {text}",
        "sign.digest": "SHA-256 du manifeste\u202f: {digest}",
        "sign.check": "pour le vérifier\u202f: openssl cms -verify -binary -inform DER -in {signature} -content "
                      "{manifest} -CAfile VOTRE-AC.pem",
        "verify.signer": "signataire\u202f: {signer}",
        "verify.signed-at": "signé le\u202f: {at}",
        "verify.manifest": "SHA-256 du manifeste\u202f: {digest} ({n} fichiers)",
        "verify.problem": "NON VALIDE\u202f: {text}",
        "verify.valid": "valide\u202f: chaque fichier est tel qu'il a été signé",
        "verify.outside": "{path}\u202f: chemin hors du dossier",
        "verify.missing": "{path}\u202f: manquant",
        "verify.changed": "{path}\u202f: modifié depuis la signature",
        "verify.not-covered": "{path}\u202f: non couvert par la signature (ajouté après la signature)",
        "verify.not-plain-data": "la signature ne porte pas sur des données brutes",
        "verify.digest-differs": "manifest.json\u202f: modifié depuis la signature (l'empreinte du message diffère)",
        "verify.bad-signature": "la signature ne correspond pas au certificat du signataire",
        "verify.no-ca": "pas de --ca\u202f: le certificat du signataire n'a pas été vérifié auprès d'un émetteur de "
                        "confiance",
        "verify.expired": "le certificat {subject} n'est pas valide aujourd'hui",
        "verify.no-chain": "le certificat du signataire ne remonte pas à l'autorité donnée par --ca",
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
