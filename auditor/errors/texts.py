"""The error catalog: every one-line error the CLI prints, in English and French.

One entry per error, ``key: (English, French)``, with ``{name}`` placeholders filled from the values
the raise site gives (``raise ConfigError("config.unknown-profile", name=name, known=known)``).
French texts are written with plain spaces; French typography (a narrow no-break space before
``: ; ! ?``) is applied when they are shown. Values are put in as they are (file names, cloud error
texts), except:

- an ``AuditorError`` value is its message in the same language; a list is its items joined by ``; ``,
  a tuple by ``, `` (an ``AuditorError`` item is its whole line: ``location: message (hint)``);
- a mapping ``{"en": …, "fr": …}`` is a text already written in both languages;
- an ``OSError`` value is the system's reason (``Permission denied``), translated when known;
- a text that is one of the JSON or YAML parser's phrases (:data:`PHRASES_FR`) is translated;
- a ``type`` (of the value a file holds where another was expected) is its name, in French as :data:`TYPES_FR`.

Loaded only when an error's text is needed (:mod:`auditor.errors.render`): plain dicts and strings.
A test holds that every key a raise site names is here, in both languages, with the same placeholders.
"""

from __future__ import annotations

import errno

ERRORS: dict[str, tuple[str, str]] = {
    # --- command line and options -----------------------------------------------------------------------------
    "cli.shard-history": (
        "--history with --shard: a shard is a partial run; record the merged run ('auditor merge … --history')",
        "--history avec --shard : un fragment est une exécution partielle ; enregistrez l'exécution fusionnée "
        "(« auditor merge … --history »)"),
    "cli.not-a-directory": ("{name} {folder}: not a directory", "{name} {folder} : ce n'est pas un dossier"),
    "cli.policy-or-profile": ("give a policy id (auditor policies show RES-001) or --profile NAME",
                              "donnez un identifiant de politique (auditor policies show RES-001) ou --profile NOM"),
    "cli.one-of": ("{what} {value!r}: expected one of {known}", "{what} {value!r} : valeur attendue parmi {known}"),
    "cli.no-format": ("no output format given", "aucun format de sortie donné"),
    "cli.region-owner": ("{option} {region!r} is {owner} region, not {provider} one",
                         "{option} {region!r} est une région {owner_name}, pas {provider_name}"),
    "cli.shard": ("--shard {text!r}: expected I/N with 1 <= I <= N (e.g. 2/5)",
                  "--shard {text!r} : attendu I/N avec 1 <= I <= N (par exemple 2/5)"),
    "cli.provider": ("--provider {requested!r}: expected {known} or all",
                     "--provider {requested!r} : attendu {known} ou all"),
    "cli.provider-no-credential": ("--provider {requested}: no {name} credential found",
                                   "--provider {requested} : aucun identifiant {name} trouvé"),
    "cli.no-credential": ("no cloud credential found: nothing to audit",
                          "aucun identifiant de cloud trouvé : rien à auditer"),
    "cli.expect": ("--expect {expect}: expected the number of shards (1 or more)",
                   "--expect {expect} : attendu le nombre de fragments (1 ou plus)"),
    "cli.unknown-provider": ("unknown provider {provider!r}", "fournisseur inconnu {provider!r}"),
    "cli.last": ("--last {last}: expected a positive number of runs",
                 "--last {last} : attendu un nombre d'exécutions positif"),
    "cli.no-framework-policy": ("no policy is mapped to framework {framework!r} (known: {known})",
                                "aucune politique n'est rattachée au référentiel {framework!r} (connus : {known})"),
    "cli.timezone": ("--timezone {name!r}: not an IANA time zone", "--timezone {name!r} : pas un fuseau horaire IANA"),
    "cli.out-file": ("--out {out} is a file name, but {n} formats were asked for",
                     "--out {out} est un nom de fichier, mais {n} formats sont demandés"),
    "cli.lang": ("unknown report language {lang!r} (choose one of: {known})",
                 "langue de rapport inconnue {lang!r} (au choix : {known})"),
    # --- configuration (auditor.yaml) ---------------------------------------------------------------------------
    "config.history-not-text": (
        "history: expected a text: a SQLite file or a PostgreSQL connection string (the value is not shown, it may "
        "hold a password)",
        "history : un texte est attendu : un fichier SQLite ou une chaîne de connexion PostgreSQL (la valeur n'est "
        "pas affichée, elle peut contenir un mot de passe)"),
    "config.timezone": ("report.timezone {timezone!r} is not an IANA time zone",
                        "report.timezone {timezone!r} n'est pas un fuseau horaire IANA"),
    "config.output-mode": ("output_mode {name!r}: expected one of {known}",
                           "output_mode {name!r} : valeur attendue parmi {known}"),
    "config.aws-credentials": ("AWS credentials: {error}", "identifiants AWS : {error}"),
    "config.role-name": (
        "aws.role_name {name!r} is not an IAM role name (optionally with its path, e.g. audit/SovereignAuditor)",
        "aws.role_name {name!r} n'est pas un nom de rôle IAM (éventuellement avec son chemin, par exemple "
        "audit/SovereignAuditor)"),
    "config.demo-extra": ("the demo needs its emulators: pip install 'sovereign-auditor[demo]' ({name} missing)",
                          "la démonstration a besoin de ses émulateurs : pip install 'sovereign-auditor[demo]' "
                          "({name} manquant)"),
    "config.postgres-extra": ("a postgresql:// history needs the 'postgres' extra",
                              "un historique postgresql:// a besoin de l'extra 'postgres'"),
    "config.pdf-extra": (
        "--format pdf needs WeasyPrint: pip install 'sovereign-auditor[pdf]' (WeasyPrint and the Pango library)",
        "--format pdf a besoin de WeasyPrint : pip install 'sovereign-auditor[pdf]' (WeasyPrint et la bibliothèque "
        "Pango)"),
    "config.pdf-libraries": ("--format pdf: WeasyPrint cannot load its libraries ({error})",
                             "--format pdf : WeasyPrint ne peut pas charger ses bibliothèques ({error})"),
    "config.i18n-not-mapping": ("the translation catalog is not a mapping",
                                "le catalogue de traductions n'est pas un dictionnaire"),
    "config.incomplete-install": ("the installation is incomplete: no {name}/ folder next to {package}",
                                  "l'installation est incomplète : pas de dossier {name}/ à côté de {package}"),
    # --- policy pack: policies, profiles, frameworks, waivers, CEL ----------------------------------------------
    "policy.unknown-profile": ("unknown profile {name!r} (known: {known})",
                               "profil inconnu {name!r} (connus : {known})"),
    "policy.unknown-policy": ("unknown policy {policy!r}", "politique inconnue {policy!r}"),
    "policy.folder-missing": ("policy directory not found", "dossier de politiques introuvable"),
    "policy.twice": ("policy {id} is defined twice (also in {other})", "la politique {id} est définie deux fois "
                     "(aussi dans {other})"),
    "policy.profile-names-unknown": ("profile {profile!r} names unknown policy {policy!r}",
                                     "le profil {profile!r} nomme une politique inconnue {policy!r}"),
    "policy.profile-disables-gap": ("profile {profile!r} cannot disable {policy}: coverage gaps are never dropped",
                                    "le profil {profile!r} ne peut pas désactiver {policy} : les lacunes de couverture "
                                    "ne sont jamais écartées"),
    "policy.example-resource": ("example resource: {error}", "ressource d'exemple : {error}"),
    "policy.example-gap": ("example gap: {error}", "lacune d'exemple : {error}"),
    "policy.framework-twice": ("framework {id!r} is defined twice (also in {other})",
                               "le référentiel {id!r} est défini deux fois (aussi dans {other})"),
    "policy.control-names-unknown": ("control {framework}:{control} names unknown policy {policy!r}",
                                     "le contrôle {framework}:{control} nomme une politique inconnue {policy!r}"),
    "policy.examples-needed": ("a policy needs at least one failing ('fail' or 'unknown') and one 'pass' example",
                               "une politique a besoin d'au moins un exemple en échec ('fail' ou 'unknown') et d'un "
                               "exemple 'pass'"),
    "policy.gap-example": ("every example of a coverage-gap policy needs a 'gap'",
                           "chaque exemple d'une politique de lacune de couverture a besoin d'un 'gap'"),
    "policy.beyond-limits": ("profile {profile} is beyond the engine's limits: {beyond}",
                             "le profil {profile} dépasse les limites du moteur : {beyond}"),
    "policy.not-a-value": ('{what}: {receiver}.{name} is compared with "{literal}", which is not one of its values '
                           "({allowed})",
                           '{what} : {receiver}.{name} est comparé à "{literal}", qui ne fait pas partie de ses '
                           "valeurs ({allowed})"),
    "policy.profile-id": ("a profile needs an 'id'", "un profil a besoin d'un 'id'"),
    "policy.profile-twice": ("profile {id!r} is defined twice (also in {other})",
                             "le profil {id!r} est défini deux fois (aussi dans {other})"),
    "policy.profile-cycle": ("profile {id!r} extends itself through {chain}",
                             "le profil {id!r} s'étend lui-même par {chain}"),
    "policy.profile-extends-unknown": ("profile {id!r} extends unknown profile {parent!r}",
                                       "le profil {id!r} étend un profil inconnu {parent!r}"),
    "policy.cel-too-long": ("{what}: expression longer than {limit} characters",
                            "{what} : expression de plus de {limit} caractères"),
    "policy.cel-compile": ("{what}: CEL does not compile: {detail}", "{what} : le CEL ne compile pas : {detail}"),
    "policy.cel-unsupported": ("{what}: CEL not supported by the engine: {detail}",
                               "{what} : CEL non pris en charge par le moteur : {detail}"),
    "policy.cel-cost-unknown": ("{what}: {detail} (use resource, profile or gap, and CEL's own functions)",
                                "{what} : {detail} (utilisez resource, profile ou gap, et les fonctions du CEL)"),
    "policy.cel-budget": (
        "{what}: may cost up to {cost:,} units per evaluation on the largest inputs the engine accepts ({limits}), "
        "more than the budget of {budget:,}: loop over fewer or smaller lists, or do not nest comprehensions",
        "{what} : peut coûter jusqu'à {cost:,} unités par évaluation sur les plus grandes entrées que le moteur "
        "accepte ({limits}), plus que le budget de {budget:,} : parcourez des listes moins nombreuses ou plus "
        "courtes, ou n'imbriquez pas les compréhensions"),
    "policy.not-a-date": ("{what}: {text!r} is not a date (YYYY-MM-DD)",
                          "{what} : {text!r} n'est pas une date (AAAA-MM-JJ)"),
    "policy.waiver-everything": (
        "waiver {id}: policy {policy!r} and resource {resource!r} match everything, which would waive the whole "
        "audit; name the policies or resources, or mark it 'scope: all' (expiring within {days} days)",
        "dérogation {id} : la politique {policy!r} et la ressource {resource!r} couvrent tout, ce qui exempterait "
        "tout l'audit ; nommez les politiques ou les ressources, ou marquez-la 'scope: all' (avec une expiration "
        "sous {days} jours)"),
    "policy.waiver-all-expiry": (
        "waiver {id}: a 'scope: all' waiver must expire within {days} days of the run (by {limit}), not on {expires}",
        "dérogation {id} : une dérogation 'scope: all' doit expirer dans les {days} jours de l'exécution (au plus "
        "tard le {limit}), pas le {expires}"),
    "policy.waiver-id-twice": ("waiver id {id!r} is used twice", "l'identifiant de dérogation {id!r} est utilisé "
                               "deux fois"),
    "policy.waiver-expires-first": ("waiver {id}: expires before it was created",
                                    "dérogation {id} : expire avant d'avoir été créée"),
    # --- input files: JSON, YAML, schemas, Terraform plans ------------------------------------------------------
    "input.too-big": ("file is larger than {mib} MiB", "fichier de plus de {mib} Mio"),
    "input.not-found": ("file not found", "fichier introuvable"),
    "input.is-directory": ("is a directory, expected a {kind} file", "est un dossier, un fichier {kind} est attendu"),
    "input.unreadable": ("cannot read: {reason}", "lecture impossible : {reason}"),
    "input.not-utf8": ("not valid UTF-8 text", "texte UTF-8 invalide"),
    "input.json": ("invalid JSON: {detail} (column {column})", "JSON invalide : {detail} (colonne {column})"),
    "input.json-value": ("invalid JSON: {detail}", "JSON invalide : {detail}"),
    "input.json-duplicate-key": ("duplicate key {key!r}", "clé en double {key!r}"),
    "input.json-too-deep": ("JSON nested too deeply", "JSON trop profondément imbriqué"),
    "input.surrogate": ("text is not valid Unicode: a lone UTF-16 surrogate escape (\\uD800-\\uDFFF)",
                        "texte Unicode invalide : un échappement de demi-codet UTF-16 isolé (\\uD800-\\uDFFF)"),
    "input.yaml-aliases": ("more than {limit} YAML aliases: refusing a possible alias bomb",
                           "plus de {limit} alias YAML : refus d'une possible bombe d'alias"),
    "input.yaml-key-not-text": ("mapping keys must be text, got {got}",
                                "les clés d'un dictionnaire doivent être du texte, reçu {got}"),
    "input.yaml-duplicate-key": ("duplicate key {key!r} (first at line {line})",
                                 "clé en double {key!r} (première à la ligne {line})"),
    "input.yaml-bomb": ("document expands to more than 2,000,000 nodes (alias bomb?)",
                        "le document se développe en plus de 2 000 000 de nœuds (bombe d'alias ?)"),
    "input.yaml-syntax": ("YAML syntax error: {problem}", "erreur de syntaxe YAML : {problem}"),
    "input.yaml": ("YAML error: {detail}", "erreur YAML : {detail}"),
    "input.too-deep": ("nesting deeper than {limit} levels", "imbrication de plus de {limit} niveaux"),
    "input.yaml-value": ("YAML value error: {detail}", "valeur YAML invalide : {detail}"),
    "input.top-not-object": ("expected a JSON object at the top, got {got}",
                             "un objet JSON est attendu au premier niveau, reçu {got}"),
    "input.schema-version": ("schema_version is {found!r}, this tool reads {name}.json version {expected}",
                             "schema_version vaut {found!r}, cet outil lit {name}.json en version {expected}"),
    "input.schema": ("{path}: {detail}", "{path} : {detail}"),
    "input.expected-list": ("{path}: expected a list, got {got}", "{path} : une liste est attendue, reçu {got}"),
    "input.expected-object": ("{path}: expected an object, got {got}", "{path} : un objet est attendu, reçu {got}"),
    "input.not-one-of": ("{path}: {value!r} is not one of {allowed}",
                         "{path} : {value!r} ne fait pas partie de {allowed}"),
    "input.expected-type": ("{path}: expected {expected}, got {got}", "{path} : {expected} attendu, reçu {got}"),
    "input.unknown-field": ("{path}: unknown field {field!r}", "{path} : champ inconnu {field!r}"),
    "input.missing-field": ("{path}: missing field {field!r}", "{path} : champ manquant {field!r}"),
    "plan.not-object": ("not a Terraform plan: the document is not a JSON object",
                        "pas un plan Terraform : le document n'est pas un objet JSON"),
    "plan.no-format-version": ("not a Terraform plan: no format_version", "pas un plan Terraform : pas de "
                               "format_version"),
    "plan.format-version": (
        "unsupported plan format_version {version!r}: this tool reads formats 0.1 to 1.x (Terraform 0.12 and later)",
        "format_version de plan non pris en charge {version!r} : cet outil lit les formats 0.1 à 1.x (Terraform 0.12 "
        "et suivants)"),
    "plan.errored": ("the plan is marked errored: terraform plan failed, fix it first",
                     "le plan est marqué en erreur : terraform plan a échoué, corrigez-le d'abord"),
    "plan.no-changes": ("not a Terraform plan: no resource_changes list",
                        "pas un plan Terraform : pas de liste resource_changes"),
    "plan.binary": ("this is a binary Terraform plan (the zip file terraform plan -out writes), not its JSON",
                    "c'est un plan Terraform binaire (le zip qu'écrit terraform plan -out), pas son JSON"),
    "plan.encoding": ("not valid {name} text (byte {byte})", "texte {name} invalide (octet {byte})"),
    # JSON Schema checks of auditor.yaml, policies, profiles, frameworks and waivers: the English text is
    # jsonschema's message ({detail}); {path} is "where.in.the.file: " or "".
    "schema.required": ("{path}{detail}", "{path}la clé {name!r} est obligatoire"),
    "schema.additional": ("{path}{detail}", "{path}clé non prévue : {names}"),
    "schema.type": ("{path}{detail}", "{path}{value} n'est pas du type attendu ({expected})"),
    "schema.enum": ("{path}{detail}", "{path}{value} ne fait pas partie de {rule}"),
    "schema.pattern": ("{path}{detail}", "{path}{value} ne correspond pas au motif {rule}"),
    "schema.minimum": ("{path}{detail}", "{path}{value} est inférieur au minimum de {rule}"),
    "schema.maximum": ("{path}{detail}", "{path}{value} est supérieur au maximum de {rule}"),
    "schema.minLength": ("{path}{detail}", "{path}{value} est trop court (au moins {rule} caractères)"),
    "schema.maxLength": ("{path}{detail}", "{path}{value} est trop long (au plus {rule} caractères)"),
    "schema.minItems": ("{path}{detail}", "{path}{value} a trop peu d'éléments (au moins {rule})"),
    "schema.maxItems": ("{path}{detail}", "{path}{value} a trop d'éléments (au plus {rule})"),
    "schema.uniqueItems": ("{path}{detail}", "{path}{value} contient des éléments en double"),
    "schema.const": ("{path}{detail}", "{path}{rule} est attendu, pas {value}"),
    "schema.format": ("{path}{detail}", "{path}{value} n'est pas au format {rule}"),
    "schema.other": ("{path}{detail}", "{path}{detail}"),
    # --- results: history, merge, signatures --------------------------------------------------------------------
    "history.schema": ("run history schema version {found} is not the one this tool reads ({expected})",
                       "la version de schéma {found} de l'historique n'est pas celle que lit cet outil ({expected})"),
    "history.ambiguous": ("run id prefix {ref!r} matches {n} runs; give more characters",
                          "le préfixe d'exécution {ref!r} correspond à {n} exécutions ; donnez plus de caractères"),
    "history.no-run": ("no run {ref!r} in the run history (see 'auditor history')",
                       "aucune exécution {ref!r} dans l'historique (voir « auditor history »)"),
    "history.driver": ("run history: {error}", "historique des exécutions : {error}"),
    "history.missing": ("no run history here (runs are recorded by 'auditor scan'; see --history)",
                        "pas d'historique ici (les exécutions sont enregistrées par « auditor scan » ; voir "
                        "--history)"),
    "history.is-directory": ("is a directory, expected the run history database",
                             "est un dossier, la base de l'historique est attendue"),
    "history.cannot-open": ("cannot open the run history: {error}", "impossible d'ouvrir l'historique : {error}"),
    "merge.nothing": ("nothing to merge: give the findings.json of each shard",
                      "rien à fusionner : donnez le findings.json de chaque fragment"),
    "merge.profile-differs": (
        "cannot merge: profile {profile} ({digest}) differs from {first} (profile {first_profile}, {first_digest}); "
        "shards must be audited with the same profile, allowed zones and policy pack",
        "fusion impossible : le profil {profile} ({digest}) diffère de {first} (profil {first_profile}, "
        "{first_digest}) ; les fragments doivent être audités avec le même profil, les mêmes zones autorisées et "
        "les mêmes politiques"),
    "merge.splits": ("cannot merge shards of different splits: {splits}",
                     "fusion impossible de fragments de découpages différents : {splits}"),
    "merge.split": ("{label} is {index}/{total}", "{label} est {index}/{total}"),
    "merge.expect": ("--expect {expect}, but the shard results say they are {total} slices",
                     "--expect {expect}, mais les résultats des fragments indiquent {total} tranches"),
    "sign.password-env": ("the environment variable {env} (the key's password) is not set",
                          "la variable d'environnement {env} (le mot de passe de la clé) n'est pas définie"),
    "sign.pkcs12": ("cannot open the PKCS #12 bundle: {reason}", "impossible d'ouvrir le paquet PKCS #12 : {reason}"),
    "sign.pkcs12-empty": ("the PKCS #12 bundle holds no key and certificate",
                          "le paquet PKCS #12 ne contient pas de clé et de certificat"),
    "sign.needs-key": ("signing needs --key and --cert (PEM), or --pkcs12",
                       "la signature a besoin de --key et --cert (PEM), ou de --pkcs12"),
    "sign.key": ("cannot read the private key: {reason}", "impossible de lire la clé privée : {reason}"),
    "sign.key-type": ("the key must be RSA or EC", "la clé doit être RSA ou EC"),
    "sign.certificate": ("not a PEM certificate: {reason}", "pas un certificat PEM : {reason}"),
    "sign.symlink": ("is a symbolic link: only regular files are signed",
                     "est un lien symbolique : seuls les fichiers ordinaires sont signés"),
    "sign.not-outputs": ("not a folder of audit outputs", "pas un dossier de résultats d'audit"),
    "sign.nothing": ("no output files to sign", "aucun fichier de résultat à signer"),
    "sign.not-cms": ("not a CMS signature this tool can read ({reason})",
                     "pas une signature CMS que cet outil sait lire ({reason})"),
    "sign.not-manifest": ("not a manifest written by auditor sign", "pas un manifeste écrit par auditor sign"),
    # --- outputs ------------------------------------------------------------------------------------------------
    "output.not-folder": ("exists and is not a folder", "existe et n'est pas un dossier"),
    "output.out-is-file": ("is a file, expected the output folder (--out)",
                           "est un fichier, le dossier de sortie (--out) est attendu"),
    "output.cannot-create-folder": ("cannot create the folder: {reason}", "impossible de créer le dossier : {reason}"),
    "output.cannot-write": ("cannot write: {reason}", "écriture impossible : {reason}"),
    "output.cannot-write-in": ("cannot write in the output folder: {reason}",
                               "écriture impossible dans le dossier de sortie : {reason}"),
    "output.cannot-write-set": ("cannot write the output set: {reason}",
                                "impossible d'écrire l'ensemble des résultats : {reason}"),
    "output.cannot-create": ("cannot create: {reason}", "création impossible : {reason}"),
    # --- clouds -------------------------------------------------------------------------------------------------
    "cloud.failed": ("{failures}", "{failures}"),
    "cloud.aws-no-credentials": ("no AWS credentials found", "aucun identifiant AWS trouvé"),
    "cloud.aws-unreachable": ("AWS cannot be reached: {error}", "AWS est injoignable : {error}"),
    "cloud.gcp-no-credential": ("no usable Google Cloud credential: {error}",
                                "aucun identifiant Google Cloud utilisable : {error}"),
    "cloud.azure-no-credential": ("no usable Azure credential{refused}", "aucun identifiant Azure utilisable{refused}"),
    "cloud.azure-sign-in": ("the Azure credential found ({given}) could not sign in: {cause}",
                            "l'identifiant Azure trouvé ({given}) n'a pas pu se connecter : {cause}"),
    "cloud.azure-unreachable": ("cannot list Azure subscriptions at {endpoint}: {error}",
                                "impossible de lister les abonnements Azure sur {endpoint} : {error}"),
    # --- hints (the part in brackets) ---------------------------------------------------------------------------
    "hint.choose-among": ("choose among {choices}", "choisir parmi {choices}"),
    "hint.did-you-mean": ("did you mean {near}?", "vouliez-vous dire {near} ?"),
    "hint.credential": ("{how}", "{how}"),
    "hint.timezone": ("e.g. Europe/Paris or UTC", "par exemple Europe/Paris ou UTC"),
    "hint.timezone-option": ("e.g. Europe/Paris, UTC", "par exemple Europe/Paris, UTC"),
    "hint.aws-config": ("check AWS_PROFILE and ~/.aws/config", "vérifiez AWS_PROFILE et ~/.aws/config"),
    "hint.role-wildcards": ("wildcards would let the scan assume any role",
                            "des jokers permettraient à l'analyse d'endosser n'importe quel rôle"),
    "hint.demo-offline": ("or run: auditor demo --offline", "ou lancez : auditor demo --offline"),
    "hint.postgres-extra": ("pip install 'sovereign-auditor[postgres]'", "pip install 'sovereign-auditor[postgres]'"),
    "hint.pdf-extra": ("pip install 'sovereign-auditor[pdf]' (WeasyPrint and the Pango library)",
                       "pip install 'sovereign-auditor[pdf]' (WeasyPrint et la bibliothèque Pango)"),
    "hint.known-providers": ("known providers: {known}", "fournisseurs connus : {known}"),
    "hint.out-folder": ("give a folder for several formats", "donnez un dossier pour plusieurs formats"),
    "hint.history-version": ("use the auditor version that wrote it, or a new history",
                             "utilisez la version d'auditor qui l'a écrit, ou un nouvel historique"),
    "hint.terraform-show": ("produce it with: terraform show -json PLANFILE > plan.json",
                            "produisez-le avec : terraform show -json PLANFILE > plan.json"),
    "hint.terraform-show-utf8": ("produce it with: terraform show -json PLANFILE > plan.json (in UTF-8)",
                                 "produisez-le avec : terraform show -json PLANFILE > plan.json (en UTF-8)"),
    "hint.state-not-plan": ("a state file is not a plan; produce one with: terraform show -json PLANFILE > plan.json",
                            "un fichier d'état n'est pas un plan ; produisez-en un avec : terraform show -json "
                            "PLANFILE > plan.json"),
    "hint.aws-sign-in": ("set AWS_PROFILE, run 'aws sso login', or export AWS_ACCESS_KEY_ID",
                         "définissez AWS_PROFILE, lancez 'aws sso login' ou exportez AWS_ACCESS_KEY_ID"),
    "hint.aws-reach": ("check the credentials and AWS_ENDPOINT_URL", "vérifiez les identifiants et AWS_ENDPOINT_URL"),
    "hint.gcp-sign-in": (
        "set GOOGLE_APPLICATION_CREDENTIALS (a service-account key or a workload identity federation file), run "
        "'gcloud auth application-default login', or run on Google Cloud with an attached service account",
        "définissez GOOGLE_APPLICATION_CREDENTIALS (une clé de compte de service ou un fichier de fédération "
        "d'identité de charge de travail), lancez 'gcloud auth application-default login', ou exécutez sur Google "
        "Cloud avec un compte de service associé"),
    "hint.azure-sign-in": (
        "set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, sign in with 'az login', or run on a managed "
        "identity",
        "définissez AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, connectez-vous avec 'az login', ou "
        "exécutez avec une identité managée"),
    "hint.azure-authority": (
        "check the network, the authority host (azure.authority_host, AZURE_AUTHORITY_HOST), the tenant and whether "
        "the secret has expired",
        "vérifiez le réseau, l'hôte d'autorité (azure.authority_host, AZURE_AUTHORITY_HOST), le locataire et si le "
        "secret a expiré"),
    "hint.azure-arm": ("check azure.arm_endpoint, the network and REQUESTS_CA_BUNDLE",
                       "vérifiez azure.arm_endpoint, le réseau et REQUESTS_CA_BUNDLE"),
}

# The system's reasons (``strerror``) a user meets most, in French; others are shown as the system says them.
OS_REASONS_FR: dict[int, str] = {
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EISDIR: "est un dossier",
    errno.ENOTDIR: "n'est pas un dossier",
    errno.EEXIST: "le fichier existe",
    errno.ELOOP: "trop de liens symboliques",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EIO: "erreur d'entrée/sortie",
}

# What the JSON and YAML parsers say (the ``{detail}``/``{problem}`` of ``input.json`` and ``input.yaml-syntax``),
# in French: (regular expression matching the whole English text, French with \\1… for its groups).
PHRASES_FR: tuple[tuple[str, str], ...] = (
    (r"Expecting value", "valeur attendue"),
    (r"Expecting property name enclosed in double quotes", "nom de propriété entre guillemets doubles attendu"),
    (r"Expecting '(.)' delimiter", r"séparateur '\1' attendu"),
    (r"Extra data", "données en trop"),
    (r"Unterminated string starting at", "chaîne non terminée"),
    (r"Invalid control character at", "caractère de contrôle invalide"),
    (r"Invalid \\escape", "séquence d'échappement invalide"),
    (r"Illegal trailing comma before end of object", "virgule en trop avant la fin de l'objet"),
    (r"Illegal trailing comma before end of array", "virgule en trop avant la fin de la liste"),
    (r"mapping values are not allowed here", "valeur de dictionnaire inattendue ici (deux-points en trop ?)"),
    (r"found character '(.*)' that cannot start any token", r"le caractère '\1' ne peut commencer aucun élément"),
    (r"expected (.+), but (?:got|found) (.+)", r"\1 attendu, trouvé \2"),
    (r"found undefined alias '(.*)'", r"alias '\1' non défini"),
    (r"found unexpected end of stream", "fin de fichier inattendue"),
    (r"found unknown escape character '(.*)'", r"caractère d'échappement inconnu '\1'"),
    (r"could not find expected ':'", "':' attendu introuvable"),
    (r"did not find expected key", "clé attendue introuvable"),
    (r"did not find expected node content", "contenu attendu introuvable"),
    (r"malformed YAML", "YAML mal formé"),
)

# Python's names of the JSON/YAML value types an error names (``got``), in French.
TYPES_FR: dict[str, str] = {"str": "texte", "int": "entier", "float": "nombre", "bool": "booléen", "list": "liste",
                            "dict": "objet", "NoneType": "null", "YamlMap": "objet", "YamlList": "liste"}
