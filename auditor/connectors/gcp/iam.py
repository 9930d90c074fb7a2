"""IAM members -> :class:`AccessGrant`, and Cloud KMS key names -> :class:`KeyRef` (pure functions).

Member forms (https://cloud.google.com/iam/docs/principal-identifiers, checked 2026-12-07):
``allUsers`` (anyone on the internet), ``allAuthenticatedUsers`` (any Google account),
``user:``/``group:`` + e-mail, ``domain:`` + domain, ``serviceAccount:`` + e-mail
(``…@<project>.iam.gserviceaccount.com``), ``projectOwner:|projectEditor:|projectViewer:`` + project
(Cloud Storage's convenience values), ``principal://`` / ``principalSet://`` (workforce and workload
identity pools). A member of one of the organisation's domains (``gcp.domains``) is given the
organisation as home (internal); a member of another domain keeps that domain (``trusted.gcp_domains``
may trust it); a service account's home is its project.

A Cloud KMS key name carries its place: ``projects/P/locations/L/keyRings/R/cryptoKeys/K``, L being
the key ring's location, so a store's CMEK is located without a call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from auditor.model.inventory import AccessGrant, KeyManager, KeyRef, Permission, PrincipalKind
from auditor.model.vocab import GrantSource

_KEY = re.compile(r"^(?://cloudkms\.[^/]+/)?projects/([^/]+)/locations/([^/]+)/keyRings/([^/]+)/cryptoKeys/([^/]+)")
_SA_PROJECT = re.compile(r"@([a-z0-9:.-]+)\.iam\.gserviceaccount\.com$")


def permission(role: str) -> Permission:
    low = role.lower()
    if any(w in low for w in ("admin", "owner")):
        return Permission.ADMIN
    if any(w in low for w in ("editor", "writer", "creator", "legacybucketwriter", "dataeditor", "user")):
        return Permission.WRITE
    return Permission.READ


def grant(member: str, role: str, source: GrantSource, organization: str | None, domains: Iterable[str],
          condition: str | None = None) -> AccessGrant:
    """One member of one binding."""
    own = {d.lower() for d in domains}
    perm = permission(role)
    where = f"{role}" + (f" if {condition}" if condition else "")
    if member == "allUsers":
        return AccessGrant("allUsers", PrincipalKind.PUBLIC, perm, source, condition=where)
    if member == "allAuthenticatedUsers":
        return AccessGrant("allAuthenticatedUsers", PrincipalKind.ANY_AUTHENTICATED, perm, source, condition=where)
    kind_text, _, ident = member.partition(":")
    kind_text = kind_text.lower()
    if kind_text in ("user", "group", "domain"):
        domain = (ident.rsplit("@", 1)[-1] if kind_text != "domain" else ident).lower()
        home = organization if domain in own and organization else domain
        kind = {"user": PrincipalKind.USER, "group": PrincipalKind.GROUP}.get(kind_text, PrincipalKind.GROUP)
        return AccessGrant(member, kind, perm, source, home=home, condition=where)
    if kind_text == "serviceaccount":
        found = _SA_PROJECT.search(ident.lower())
        return AccessGrant(member, PrincipalKind.SERVICE, perm, source, home=found.group(1) if found else None,
                           condition=where)
    if kind_text in ("projectowner", "projecteditor", "projectviewer"):
        return AccessGrant(member, PrincipalKind.ACCOUNT, perm, source, home=ident, condition=where)
    if kind_text.startswith("deleted"):
        return AccessGrant(member, PrincipalKind.UNKNOWN, perm, source, condition=where)
    return AccessGrant(member, PrincipalKind.UNKNOWN, perm, source, condition=where)  # principal://, principalSet://


def policy_grants(policy: Mapping[str, Any], source: GrantSource, organization: str | None,
                  domains: Iterable[str]) -> list[AccessGrant]:
    """Every member of every binding of an IAM policy (``{"bindings": [{"role", "members", "condition"}]}``)."""
    out: list[AccessGrant] = []
    for binding in policy.get("bindings") or ():
        if not isinstance(binding, Mapping):
            continue
        role = str(binding.get("role") or "")
        cond = binding.get("condition")
        condition = str(cond.get("expression") or cond.get("title") or "") if isinstance(cond, Mapping) else None
        for member in binding.get("members") or ():
            out.append(grant(str(member), role, source, organization, domains, condition or None))
    return out


def key_ref(name: str | None, region_of: Any, fallback_region: str) -> KeyRef:
    """The store's key: Google-managed (in the store's region) or the named Cloud KMS key."""
    if not name:
        return KeyRef(manager=KeyManager.PROVIDER, region=fallback_region, origin="google-managed")
    found = _KEY.match(name)
    if found is None:
        return KeyRef(manager=KeyManager.CUSTOMER, key_id=name, origin="cloudkms")
    return KeyRef(manager=KeyManager.CUSTOMER, key_id=name.lstrip("/").split("cryptoKeyVersions")[0].rstrip("/"),
                  region=region_of(found.group(2)), origin="cloudkms")


def key_location(name: str | None) -> str | None:
    """The key ring location a Cloud KMS key name states."""
    found = _KEY.match(name or "")
    return found.group(2) if found else None
