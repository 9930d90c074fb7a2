"""The one AWS IAM resource-policy interpreter: a policy document -> who can do what, as AccessGrants.

Used by the live scan (bucket, key, vault, table, file-system policies) and by the plan gate
(planned policies), so both sources judge a document the same way. Pure functions, no I/O.

* ``Allow`` statements grant. ``Action`` / ``NotAction`` are probed against what a service
  considers reading, writing and administering its data (the ``probes`` its service module
  declares, :func:`probes`), so wildcards
  (``s3:Get*``, ``*``) are judged as IAM would; a permission is granted when one probe matches.
* ``Principal: "*"`` and ``Allow`` + ``NotPrincipal`` (everyone but a few) are public unless a
  condition pins the caller to an identity (organisation, account, principal ARN, AWS service —
  see :mod:`.policy_conditions`). A network-only condition (``aws:SourceIp``, ``aws:SourceVpc(e)``)
  or a condition key the interpreter does not understand gives an ``unknown`` principal: who is let
  in cannot be told, and unknown is never treated as safe.
* ``Resource`` / ``NotResource`` are matched against the store's ARNs when the caller gives them
  (for S3, the bucket and its objects); a statement that surely does not cover the store is skipped.
* ``Deny`` statements take access away only where they surely apply: to the store, for every probe
  of a permission, and to principals the interpreter can name. ``Deny * unless aws:PrincipalOrgID``
  (or an account / principal ARN / network) narrows public grants to that identity; ``Deny`` +
  ``NotPrincipal`` keeps only the listed principals; an unconditional ``Deny *`` removes the
  permission. A Deny whose condition is not understood, or that holds only for some requests
  (``aws:SecureTransport``…), takes nothing away: more access is the cautious reading.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from auditor.connectors.aws.policy_conditions import Entry, Narrowing, entries, kind_of, listed, summary
from auditor.model.inventory import AccessGrant, Permission, PrincipalKind
from auditor.model.vocab import GrantSource

# Services whose ARN names a container of objects that statements address as ``ARN/...``.
_CONTAINERS = frozenset({"s3"})
_ORDER = (Permission.READ, Permission.WRITE, Permission.ADMIN)
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}")

Who = tuple[str, PrincipalKind, str | None]


def permissions(actions: Sequence[str], service: str, *, negated: bool = False, every: bool = False
                ) -> set[Permission]:
    """Which of read/write/admin the action patterns reach (``negated``: a ``NotAction`` list).

    ``every``: a permission counts only when all its probes are reached (what a Deny must cover
    to take the permission away); otherwise one probe is enough (what an Allow needs to grant it).
    """
    reached: set[Permission] = set()
    for permission, wanted in probes(service).items():
        hits = [any(fnmatch.fnmatchcase(p.lower(), _glob(a.lower())) for a in actions) != negated for p in wanted]
        if (all if every else any)(hits):
            reached.add(permission)
    return reached


def probes(service: str) -> Mapping[Permission, tuple[str, ...]]:
    """The access probes the service modules declare for an IAM prefix (``Service.probes``).

    A prefix nobody declares is a programming error, raised: judged against no probe, every
    statement would grant nothing and a public policy would pass.
    """
    table = _declared()
    if service not in table:
        raise LookupError(f"no service module declares IAM access probes for {service!r}")
    return table[service]


@functools.cache
def _declared() -> dict[str, Mapping[Permission, tuple[str, ...]]]:
    from auditor.connectors.aws import SERVICES  # the registry imports the modules that import this one

    out: dict[str, Mapping[Permission, tuple[str, ...]]] = {}
    for svc in SERVICES:
        for prefix, table in svc.probes.items():
            if prefix in out:
                raise LookupError(f"IAM access probes for {prefix!r} are declared twice")
            out[prefix] = table
    return out


def principal(value: str) -> tuple[PrincipalKind, str | None]:
    """Kind and home account of one principal string."""
    if value == "*":
        return PrincipalKind.PUBLIC, None
    if _ACCOUNT_ID.match(value):
        return PrincipalKind.ACCOUNT, value
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) == 6:
            account, resource = parts[4], parts[5]
            home = account if _ACCOUNT_ID.match(account) else None
            if resource == "root":
                return PrincipalKind.ACCOUNT, home
            head = resource.split("/", 1)[0]
            kind = {"role": PrincipalKind.ROLE, "assumed-role": PrincipalKind.ROLE, "user": PrincipalKind.USER,
                    "federated-user": PrincipalKind.USER, "group": PrincipalKind.GROUP}.get(head,
                                                                                          PrincipalKind.UNKNOWN)
            return kind, home
    return PrincipalKind.UNKNOWN, None


def _who(raw: Any) -> list[Who]:
    """The principals of a ``Principal`` / ``NotPrincipal`` value."""
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [(p, *principal(p)) for p in listed(raw)]
    out: list[Who] = []
    for ptype, values in raw.items():
        for p in listed(values):
            if ptype == "AWS":
                out.append((p, *principal(p)))
            elif ptype == "Service":
                out.append((p, PrincipalKind.SERVICE, None))
            elif ptype == "CanonicalUser":
                out.append((p, PrincipalKind.ACCOUNT, None))
            else:  # Federated and anything new
                out.append((p, PrincipalKind.UNKNOWN, None))
    return out


def _glob(pattern: str) -> str:
    """An IAM wildcard (``*``, ``?``) as an fnmatch pattern (``[`` is literal in IAM)."""
    return pattern.replace("[", "[[]")


def _arn_glob(pattern: str) -> str:
    parts = pattern.split(":", 2)
    if len(parts) == 3 and parts[0] == "arn":  # any partition: the store's ARN may be aws-cn, aws-eusc…
        pattern = f"arn:*:{parts[2]}"
    return _glob(pattern)


def _covers(pattern: str, arn: str, service: str) -> bool:
    """The resource pattern names the store or (for S3) some of its objects."""
    glob, arn = _arn_glob(pattern), re.sub(r"^arn:[^:]*:", "arn:*:", arn)
    if fnmatch.fnmatchcase(arn, glob):
        return True
    return service in _CONTAINERS and (fnmatch.fnmatchcase(f"{arn}/x", glob) or
                                       _arn_glob(pattern).startswith(f"{arn}/"))


def _excludes(patterns: Sequence[str], arn: str, service: str) -> bool:
    """The ``NotResource`` patterns take the whole store (and all its objects) out of the statement."""
    globs, arn = [_arn_glob(p) for p in patterns], re.sub(r"^arn:[^:]*:", "arn:*:", arn)
    names = [arn, f"{arn}/*"] if service in _CONTAINERS else [arn]
    return all(any(fnmatch.fnmatchcase(name, g) for g in globs) for name in names)


def _applies(statement: Mapping[str, Any], arns: Sequence[str], service: str) -> bool | None:
    """Does the statement cover the store? ``None``: cannot tell (the store's ARNs were not given)."""
    if "NotResource" in statement:
        patterns = listed(statement["NotResource"])
        if not arns:
            return None
        return not all(_excludes(patterns, a, service) for a in arns)
    if "Resource" not in statement:
        return True  # key policies and the like may leave it out: the policy's own resource
    patterns = listed(statement["Resource"])
    if "*" in patterns:
        return True
    if not arns:
        return None
    return any(_covers(p, a, service) for p in patterns for a in arns)


@dataclass(frozen=True, slots=True)
class _Statement:
    allow: bool
    who: list[Who]
    not_principal: bool
    actions: list[str]
    not_action: bool
    applies: bool | None
    conditions: list[Entry]
    text: str | None  # the condition as shown in reports

    def reaches(self, service: str) -> set[Permission]:
        return permissions(self.actions, service, negated=self.not_action, every=not self.allow)


def _statements(document: str | Mapping[str, Any], arns: Sequence[str], service: str) -> list[_Statement]:
    doc = json.loads(document) if isinstance(document, str) else document
    if not isinstance(doc, Mapping):
        raise ValueError("policy document is not a JSON object")
    raw = doc.get("Statement") or []
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        raise ValueError("policy Statement is neither an object nor a list")
    out = []
    for st in raw:
        if not isinstance(st, Mapping) or st.get("Effect") not in ("Allow", "Deny"):
            continue
        not_principal = "NotPrincipal" in st
        not_action = "NotAction" in st
        out.append(_Statement(
            allow=st["Effect"] == "Allow", who=_who(st.get("NotPrincipal" if not_principal else "Principal")),
            not_principal=not_principal, actions=listed(st.get("NotAction" if not_action else "Action")),
            not_action=not_action, applies=_applies(st, arns, service), conditions=entries(st), text=summary(st)))
    return out


def _narrowed(st: _Statement) -> list[tuple[str, PrincipalKind, str | None, str | None]]:
    """What a wildcard principal of an Allow statement is, given its conditions."""
    kinds = [(e, kind_of(e)) for e in st.conditions]
    pinned = [e for e, k in kinds if k is Narrowing.IDENTITY]
    if pinned:
        return _identities(pinned)
    if any(k in (Narrowing.NETWORK, Narrowing.UNKNOWN) for _, k in kinds):
        return [("*", PrincipalKind.UNKNOWN, None, st.text)]
    return [("*", PrincipalKind.PUBLIC, None, st.text)]


def _identities(pinned: Sequence[Entry]) -> list[tuple[str, PrincipalKind, str | None, str | None]]:
    """The identities the first kind of pinning entry names (conditions are ANDed: one kind suffices)."""
    for want in ("org", "account", "arn", "service"):
        chosen = [e for e in pinned if e.pins_to == want]
        if not chosen:
            continue
        out: list[tuple[str, PrincipalKind, str | None, str | None]] = []
        for entry in chosen:
            for value in entry.values:
                cond = f"{entry.key}={value}"
                if want == "org":
                    match = _ORG_ID.match(value)
                    out.append(("*", PrincipalKind.ACCOUNT, match.group(0) if match else None, cond))
                elif want == "account":
                    out.append(("*", PrincipalKind.ACCOUNT, value if _ACCOUNT_ID.match(value) else None, cond))
                elif want == "arn":
                    out.append((value, *principal(value), cond))
                elif entry.key.lower() == "aws:principalisawsservice":
                    out.append(("*", PrincipalKind.SERVICE, None, f"{entry.key}=true"))
                else:
                    out.append((value, PrincipalKind.SERVICE, None, cond))
        return out
    return []


def grants(document: str | Mapping[str, Any], *, service: str, source: GrantSource,
           resource_arns: Sequence[str] = ()) -> list[AccessGrant]:
    """Every (principal, permission) the policy leaves open on the store named by ``resource_arns``.

    Raises ``ValueError`` when the document is not a policy (callers record a gap).
    """
    statements = _statements(document, resource_arns, service)
    out: list[AccessGrant] = []
    for st in statements:
        if not st.allow or st.applies is False:
            continue
        perms = st.reaches(service)
        if not perms:
            continue
        who = [("*", PrincipalKind.PUBLIC, None)] if st.not_principal else st.who
        for p, kind, home in who:
            targets = _narrowed(st) if kind is PrincipalKind.PUBLIC else [(p, kind, home, st.text)]
            for tp, tk, th, cond in targets:
                out += [AccessGrant(principal=tp, principal_kind=tk, permission=perm, source=source, home=th,
                                    condition=cond) for perm in _ORDER if perm in perms]
    for st in statements:
        if not st.allow and st.applies is True:
            out = _deny(st, service, out)
    return dedupe(out)


def _deny(st: _Statement, service: str, current: list[AccessGrant]) -> list[AccessGrant]:
    """The grants left once a Deny statement that covers the store is applied."""
    denied = st.reaches(service)
    if not denied:
        return current
    everyone = not st.not_principal and any(k is PrincipalKind.PUBLIC for _, k, _ in st.who)
    kinds = [kind_of_deny(e) for e in st.conditions]
    if st.not_principal:  # everyone but the listed principals
        if st.conditions:
            return current
        return _keep_only(current, denied, st.who)
    if not everyone:  # named principals, unconditionally
        if st.conditions:
            return current
        named = {p for p, _, _ in st.who}
        return [g for g in current if not (g.permission in denied and g.principal in named)]
    if not st.conditions:
        return [g for g in current if g.permission not in denied]
    if any(k is None for k in kinds):  # a condition that holds only for some requests, or not understood
        return current
    return _narrow_to_exceptions(current, denied, st.conditions)


def kind_of_deny(entry: Entry) -> Narrowing | None:
    """A Deny-everyone entry that exempts an identity or network (``StringNotEquals aws:PrincipalOrgID``…).

    ``None``: anything else — the deny then holds only for some requests, or cannot be read.
    """
    if entry.key.lower() == "aws:principalisawsservice" and entry.operator.lower() == "bool":
        return Narrowing.IDENTITY if {v.lower() for v in entry.values} == {"false"} else None
    if not entry.negated or entry.operator.lower().endswith("ifexists") or not entry.values:
        return None
    if any(v.strip() in ("", "*") for v in entry.values):
        return None
    flipped = Entry(entry.operator.replace("Not", "", 1).replace("not", "", 1), entry.key, entry.values)
    kind = kind_of(flipped)
    return kind if kind in (Narrowing.IDENTITY, Narrowing.NETWORK) else None


def _narrow_to_exceptions(current: list[AccessGrant], denied: set[Permission], conditions: Sequence[Entry]
                          ) -> list[AccessGrant]:
    """``Deny *`` unless one of the conditions' identities / networks: the exceptions stay reachable."""
    network = any(kind_of_deny(e) is Narrowing.NETWORK for e in conditions)
    pinned = [e for e in conditions if kind_of_deny(e) is Narrowing.IDENTITY]
    exempt = [i for kind in ("org", "account", "arn", "service")
              for i in _identities([e for e in pinned if e.pins_to == kind])]
    text = " OR ".join(e.text for e in conditions)
    only_accounts = not network and bool(pinned) and all(e.pins_to == "account" for e in pinned)
    accounts = {v for e in pinned for v in e.values}
    out: list[AccessGrant] = []
    for g in current:
        if g.permission not in denied:
            out.append(g)
        elif g.principal_kind is PrincipalKind.PUBLIC:
            out += [replace(g, principal=p, principal_kind=k, home=h, condition=c) for p, k, h, c in exempt]
            if network:
                out.append(replace(g, principal_kind=PrincipalKind.UNKNOWN, condition=text))
        elif only_accounts and g.home and g.home not in accounts and g.principal_kind in _NAMED:
            continue  # surely outside every exempt account
        else:
            out.append(replace(g, condition=" AND ".join(c for c in (g.condition, text) if c)))
    return out


_NAMED = (PrincipalKind.ACCOUNT, PrincipalKind.ROLE, PrincipalKind.USER, PrincipalKind.GROUP)


def _keep_only(current: list[AccessGrant], denied: set[Permission], listed_: Sequence[Who]) -> list[AccessGrant]:
    """``Deny`` + ``NotPrincipal``: only the listed principals keep the denied permissions."""
    names = {p for p, _, _ in listed_}
    out: list[AccessGrant] = []
    for g in current:
        if g.permission not in denied or g.principal in names:
            out.append(g)
        elif g.principal_kind is PrincipalKind.PUBLIC:
            out += [replace(g, principal=p, principal_kind=k, home=h) for p, k, h in listed_]
    return out


def dedupe(items: Iterable[AccessGrant]) -> list[AccessGrant]:
    return list(dict.fromkeys(items))
