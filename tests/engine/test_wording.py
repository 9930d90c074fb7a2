"""The values a finding's message quotes read in the message's language; run notices too."""

from __future__ import annotations

from auditor.engine import wording


def test_a_place_reads_in_french_with_role_and_zone_translated() -> None:
    item = {"role": "replica", "region": "us-east-1", "country": "US", "zone": "third"}
    assert wording.describe(item) == "replica us-east-1 (US, third)"
    assert wording.describe(item, "fr") == "réplique us-east-1 (US, pays tiers)"


def test_a_principal_keeps_its_id_and_translates_the_words() -> None:
    item = {"principal": "arn:aws:iam::999988887777:root", "home": "999988887777"}
    assert wording.describe(item, "fr") == "arn:aws:iam::999988887777:root (compte/tenant 999988887777)"


def test_exposure_labels_and_catalog_phrases_read_in_french() -> None:
    assert wording.describe("US_CLOUD_ACT", "fr") == "CLOUD Act (États-Unis)"
    assert wording.describe("operator in US, parent in US (Azure)", "fr") == \
        "opérateur établi en US, maison mère en US (Azure)"
    assert wording.describe("hds: place xx-1 not in the catalog", "fr") == "hds: lieu xx-1 absent du catalogue"
    gap = "hds: us-east-1 outside Amazon Web Services (HDS v2) scope (zones eea, eu; kinds region)"
    assert wording.describe(gap, "fr") == \
        "hds: us-east-1 hors du périmètre de Amazon Web Services (HDS v2) (zones eea, eu; types région)"


def test_notices_read_in_french_and_unknown_ones_stay() -> None:
    assert wording.notice("profile hds raises JUR-001 from info to medium", "fr") == \
        "le profil hds relève la sévérité de JUR-001 de info à moyenne"
    assert wording.notice("waiver W-1 (RES-002 on b) matches nothing: stale", "fr") == \
        "la dérogation W-1 (RES-002 sur b) ne correspond à rien : obsolète"
    assert wording.notice("something new", "fr") == "something new"
    assert wording.notice("profile hds raises JUR-001 from info to medium", "en").startswith("profile hds raises")
