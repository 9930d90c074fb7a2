"""Google Cloud API universes -> the provider code the geography catalog and the reports use (outside the
gcp package so that the plan reader can ask without importing the connector).

``googleapis.com`` is Google Cloud; ``s3nsapis.fr`` is S3NS's PREMI3NS
(https://documentation.s3ns.fr/docs/get-started-tpc/use-client-libraries, checked 2026-12-07). Any
other universe keeps its domain as provider code: the catalog does not know its places, so they
resolve to ``unknown`` (never compliant) rather than to Google's.
"""

from __future__ import annotations

DEFAULT_UNIVERSE = "googleapis.com"
UNIVERSES = {DEFAULT_UNIVERSE: "gcp", "s3nsapis.fr": "s3ns"}
GOOGLE_PROVIDERS = frozenset({"gcp", "s3ns"})  # provider codes that speak the Google Cloud APIs (plans included)


def provider_of(universe: str | None) -> str:
    domain = (universe or DEFAULT_UNIVERSE).strip().lower()
    return UNIVERSES.get(domain, domain)
