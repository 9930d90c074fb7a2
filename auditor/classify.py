"""Stage 2b: is a data store health data, and which rule said so?

Three kinds of evidence, from tags, from the nature of the service, and from the name. The shipped
rules are in ``classify_defaults.yaml``; ``classification.tags/names/kinds`` in ``auditor.yaml`` add to
them (``replace_defaults: true`` replaces them). All matching folds case, accents and separators
(``Données_de_Santé`` = ``donnees-de-sante`` = ``DonneesDeSante``); patterns are shell globs.

Precedence, strongest first (the first tier that matches decides; inside a tier, tags are read in
key order):

1. **health tag** — a classification-like key whose value says health (``DataClassification=PHI``,
   ``compliance=HIPAA``) or a flag set to true (``hds=true``). An owner's explicit statement.
2. **health kind** — a service that holds health data by nature (kind ``health-api``, AWS HealthLake,
   HealthImaging, HealthOmics, Azure Health Data Services / API for FHIR, Google Cloud Healthcare API).
   It beats a "not health" tag: a FHIR store tagged ``public`` still holds FHIR resources, and the
   safe reading of a contradiction is the one that audits more.
3. **not-health tag** — a label key whose value states the data is not sensitive
   (``data-classification=public``, ``non-business``, ``no-phi``) or a flag set to false (``phi=false``).
   It beats a name: ``patient-portal-assets`` tagged ``public`` is the portal's public assets.
4. **health name** — a name pattern: a whole token of the name (``patients`` in ``prod-patients-eu``,
   never ``ehr`` inside ``behringer``) or a glob. Heuristic, hence below every explicit tag.
5. **other label** — a label key with any other value (``Confidential``) gives that label; it does not
   deny health (confidential data may well be health data), so it ranks below names.
6. nothing matched: ``unclassified``.

A value token preceded by a negation (``non``, ``no``, ``not``, ``sans``…) does not count: ``non-PHI``
is not PHI. Every decision records its rule in readable form: ``tag DataClassification=PHI``,
``native type AWS::HealthLake::FHIRDatastore``, ``name token 'patients'``, ``no rule matched``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fnmatch import translate
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from auditor.config import ClassificationConfig
from auditor.geo.fast import evolve, no_gc
from auditor.model.inventory import Classification, Inventory, LocationRole

HEALTH = "health"
UNCLASSIFIED = "unclassified"
NOT_HEALTH = "not-health"
_DEFAULTS = Path(__file__).resolve().parent / "classify_defaults.yaml"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEP = re.compile(r"[\W_]+")
_SEP_GLOB = re.compile(r"[^\w*?\[\]!]+|_+")
_TRAILING_DIGITS = re.compile(r"(?<=[a-z])\d+$")
_GLOB = re.compile(r"[*?\[]")
_MAX = 512  # longer tag values and names are cut before matching (evidence, not essays)


def fold(text: str, glob: bool = False) -> str:
    """Lower-case, accent-free, separators (and camelCase boundaries) as single ``-``."""
    text = text[:_MAX]
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if not text.islower():  # only mixed case has camelCase boundaries
        text = _CAMEL.sub("-", text)
    text = text.casefold()
    return (_SEP_GLOB if glob else _SEP).sub("-", text).strip("-")


def _show(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 80 else text[:79] + "…"


@dataclass(frozen=True, slots=True)
class _Pattern:
    """A folded pattern: per-token regexes, and one regex for the separator-free form."""

    text: str
    tokens: tuple[re.Pattern[str], ...]
    joined: re.Pattern[str]

    @classmethod
    def of(cls, raw: str) -> _Pattern:
        folded = fold(str(raw), glob=True)
        parts = tuple(re.compile(translate(p)) for p in folded.split("-") if p)
        return cls(str(raw), parts, re.compile(translate(folded.replace("-", ""))))

    def key(self, folded: str) -> bool:
        return bool(self.joined.match(folded.replace("-", "")))

    def within(self, tokens: list[str], negations: frozenset[str]) -> bool:
        """Do the pattern's tokens appear as a run of ``tokens`` that no negation precedes?"""
        size = len(self.tokens)
        if size == 0:
            return False
        for start in range(len(tokens) - size + 1):
            if start > 0 and tokens[start - 1] in negations:
                continue
            if all(p.match(tokens[start + i]) for i, p in enumerate(self.tokens)):
                return True
        if tokens and tokens[0] not in negations:
            return bool(self.joined.match("".join(tokens)))
        return False


@dataclass(frozen=True, slots=True)
class _TagRule:
    key: _Pattern
    values: tuple[_Pattern, ...]


@dataclass(slots=True)
class _Rules:
    """Compiled rules; tag and kind outcomes are memoised (estates repeat the same tags)."""

    tags: tuple[_TagRule, ...]
    flags: tuple[_Pattern, ...]
    label_keys: tuple[_Pattern, ...]
    name_words: frozenset[str]
    name_phrases: tuple[_Pattern, ...]
    name_globs: tuple[tuple[str, re.Pattern[str]], ...]
    kinds: tuple[re.Pattern[str], ...]
    true_values: frozenset[str]
    false_values: frozenset[str]
    not_health: frozenset[str]
    negations: frozenset[str]
    tag_memo: dict[tuple[str, str], tuple[int, str, str] | None] = field(default_factory=dict)
    kind_memo: dict[tuple[str, str], str | None] = field(default_factory=dict)
    made: dict[tuple[str, str], Classification] = field(default_factory=dict)


# Tiers (smaller wins).
_HEALTH_TAG, _HEALTH_KIND, _NOT_HEALTH_TAG, _HEALTH_NAME, _LABEL_TAG = 1, 2, 3, 4, 5


@cache
def _defaults() -> Mapping[str, Any]:
    with _DEFAULTS.open("rb") as fh:
        data: Mapping[str, Any] = yaml.safe_load(fh)
    return data


def _patterns(raw: Iterable[Any]) -> tuple[_Pattern, ...]:
    return tuple(_Pattern.of(str(p)) for p in raw if str(p).strip())


def _folded(raw: Iterable[Any]) -> frozenset[str]:
    return frozenset(fold(str(v)) for v in raw)


def _globs(raw: Iterable[Any], folder: Any) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((str(p), re.compile(translate(folder(str(p))))) for p in raw if str(p).strip())


@lru_cache(maxsize=32)
def _compile(
    tags: tuple[tuple[str, tuple[str, ...]], ...], names: tuple[str, ...], kinds: tuple[str, ...], replace_all: bool
) -> _Rules:
    base = _defaults()
    tag_rules = [] if replace_all else [(k, tuple(v)) for k, v in base["tags"].items()]
    tag_rules += list(tags)
    name_list = [*([] if replace_all else base["names"]), *names]
    kind_list = [*([] if replace_all else base["kinds"]), *kinds]
    label_keys = [*([] if replace_all else base["label_keys"]), *(k for k, _ in tags)]
    plain = [fold(str(n)) for n in name_list if not _GLOB.search(str(n))]
    return _Rules(
        tags=tuple(_TagRule(_Pattern.of(k), _patterns(v)) for k, v in tag_rules if str(k).strip()),
        flags=() if replace_all else _patterns(base["flags"]),
        label_keys=_patterns(label_keys),
        name_words=frozenset(w for w in plain if w and "-" not in w),
        name_phrases=_patterns(w for w in plain if "-" in w),
        name_globs=_globs((n for n in name_list if _GLOB.search(str(n))), lambda t: fold(t, glob=True)),
        kinds=tuple(glob for _, glob in _globs(kind_list, lambda t: t.strip().lower())),
        true_values=_folded(base["true_values"]),
        false_values=_folded(base["false_values"]),
        not_health=_folded(base["not_health_values"]),
        negations=_folded(base["negations"]),
    )


def _rules(config: ClassificationConfig) -> _Rules:
    tags = tuple(sorted((str(k), tuple(str(v) for v in vs)) for k, vs in config.tags.items()))
    return _compile(tags, tuple(map(str, config.names)), tuple(map(str, config.kinds)), bool(config.replace_defaults))


def _tag(rules: _Rules, key: str, value: str) -> tuple[int, str, str] | None:
    """(tier, label, rule) for one tag, or None when it says nothing."""
    memo = rules.tag_memo.get((key, value), ())
    if memo != ():
        return memo  # type: ignore[return-value]
    fkey, fvalue = fold(key), fold(value)
    rule = f"tag {_show(key)}={_show(value)}"
    outcome: tuple[int, str, str] | None = None
    tokens = [t for t in fvalue.split("-") if t]
    for tag_rule in rules.tags:
        if tag_rule.key.key(fkey) and any(v.within(tokens, rules.negations) for v in tag_rule.values):
            outcome = (_HEALTH_TAG, HEALTH, rule)
            break
    if outcome is None and any(flag.key(fkey) for flag in rules.flags):
        if fvalue in rules.true_values:
            outcome = (_HEALTH_TAG, HEALTH, rule)
        elif fvalue in rules.false_values:
            outcome = (_NOT_HEALTH_TAG, NOT_HEALTH, rule)
    if outcome is None and fvalue and any(label.key(fkey) for label in rules.label_keys):
        tier = _NOT_HEALTH_TAG if fvalue in rules.not_health else _LABEL_TAG
        outcome = (tier, fvalue[:64].strip("-") or UNCLASSIFIED, rule)
    if len(rules.tag_memo) > 200_000:
        rules.tag_memo.clear()
    rules.tag_memo[(key, value)] = outcome
    return outcome


def _kind(rules: _Rules, kind: str, native_type: str) -> str | None:
    memo = rules.kind_memo.get((kind, native_type), ())
    if memo != ():
        return memo  # type: ignore[return-value]
    rule: str | None = None
    fkind, fnative = kind.strip().lower(), native_type.strip().lower()
    for glob in rules.kinds:
        if fkind and glob.match(fkind):
            rule = f"kind {_show(kind)}"
            break
        if fnative and glob.match(fnative):
            rule = f"native type {_show(native_type)}"
            break
    if len(rules.kind_memo) > 10_000:
        rules.kind_memo.clear()
    rules.kind_memo[(kind, native_type)] = rule
    return rule


def _name(rules: _Rules, name: str) -> str | None:
    folded = fold(name)
    if not folded:
        return None
    tokens = folded.split("-")
    words = rules.name_words
    for token in tokens:
        if token in words:
            return f"name token '{token}'"
        if token[-1].isdigit():  # "patients2024"
            stem = _TRAILING_DIGITS.sub("", token)
            if stem in words:
                return f"name token '{stem}'"
    for pattern in rules.name_phrases:
        if pattern.within(tokens, frozenset()):
            return f"name token '{pattern.text}'"
    for text, glob in rules.name_globs:
        if glob.match(folded):
            return f"name pattern '{_show(text)}'"
    return None


def _made(rules: _Rules, label: str, health: bool, rule: str) -> Classification:
    """Classifications are immutable and repeat a lot: share them."""
    found = rules.made.get((label, rule))
    if found is None:
        if len(rules.made) > 10_000:
            rules.made.clear()
        found = rules.made[(label, rule)] = Classification(label=label, health=health, rule=rule)
    return found


def _decide(rules: _Rules, kind: str, native_type: str, name: str, tags: Mapping[str, str]) -> Classification:
    best: tuple[int, str, str] | None = None
    try:
        keys = sorted(tags)
    except TypeError:  # keys that are not all text
        keys = sorted(tags, key=str)
    for key in keys:
        value = tags[key]
        outcome = _tag(rules, key if type(key) is str else str(key), value if type(value) is str else str(value))
        if outcome is not None and (best is None or outcome[0] < best[0]):
            best = outcome
            if best[0] == _HEALTH_TAG:
                return _made(rules, HEALTH, True, best[2])
    kind_rule = _kind(rules, str(kind), str(native_type))
    if kind_rule is not None:
        return _made(rules, HEALTH, True, kind_rule)
    if best is not None and best[0] == _NOT_HEALTH_TAG:
        return _made(rules, best[1], False, best[2])
    name_rule = _name(rules, name if type(name) is str else str(name))
    if name_rule is not None:
        return _made(rules, HEALTH, True, name_rule)
    if best is not None:
        return _made(rules, best[1], False, best[2])
    return _made(rules, UNCLASSIFIED, False, "no rule matched")


def classify_one(
    provider: str, kind: str, native_type: str, name: str, tags: Mapping[str, str], rules: ClassificationConfig
) -> Classification:
    """Classify one store from what a cheap listing shows (also used to pick stores for deep reads)."""
    return _decide(_rules(rules), kind or "", native_type or "", name or "", tags or {})


def classify(inventory: Inventory, rules: ClassificationConfig) -> Inventory:
    """Set ``Resource.classification`` on every resource (a new inventory; the input is untouched)."""
    compiled = _rules(rules)
    with no_gc():
        classified = evolve(
            inventory,
            resources=tuple(
                [
                    evolve(r, classification=_decide(compiled, r.kind, r.native_type, r.name, r.tags))
                    for r in inventory.resources
                ]
            ),
        )
    return lineage(classified)


READS = "reads"  # attribute: the ids of the stores a resource ingests (connectors fill it)


def lineage(inventory: Inventory) -> Inventory:
    """Classification by lineage: a resource that reads a health store processes health data.

    An AI or analytics resource lists in ``attributes["reads"]`` the stores it ingests (a Bedrock
    knowledge base's S3 data sources, a training job's input buckets, an Azure ML workspace's storage
    account, a search service's linked stores). When one of them is health, the reader is health too,
    whatever its own tags say (a contradiction is read the way that audits more), with the rule
    ``reads health store <name>``; and its ``processing`` places become places of that store (target:
    the reader), so the dataset shows where it is processed. Ids match case-insensitively (Azure).
    Repeats until nothing changes, so a chain (a job reading a knowledge base's store) is followed.
    """
    readers = [r for r in inventory.resources if r.attributes.get(READS)]
    if not readers:
        return inventory
    resources = {r.id: r for r in inventory.resources}
    ids = {r.id.casefold(): r.id for r in inventory.resources}
    touched: set[str] = set()
    changed = True
    rounds = 0
    while changed and rounds < 8:
        changed, rounds = False, rounds + 1
        for reader_id in [r.id for r in readers]:
            reader = resources[reader_id]
            for read_id in reader.attributes.get(READS) or ():
                store_id = ids.get(str(read_id).casefold())
                store = resources.get(store_id) if store_id else None
                if store is None or store.id == reader.id or not (store.classification and store.classification.health):
                    continue
                if not (reader.classification and reader.classification.health):
                    reader = resources[reader.id] = evolve(reader, classification=Classification(
                        label=HEALTH, health=True, rule=f"reads health store {_show(store.name or store.id)}"))
                    changed = True
                    touched.add(reader.id)
                added = tuple(replace(loc, target=reader.id) for loc in reader.locations
                              if loc.role is LocationRole.PROCESSING)
                merged = tuple(dict.fromkeys((*store.locations, *added)))
                if merged != store.locations:
                    resources[store.id] = evolve(store, locations=merged)
                    changed = True
                    touched.add(store.id)
    if not touched:
        return inventory
    return evolve(inventory, resources=tuple(resources[r.id] if r.id in touched else r for r in inventory.resources))
