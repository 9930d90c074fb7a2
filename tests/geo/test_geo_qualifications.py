"""Qualifications per certificate, service and place, dated and sourced (issue #13 item 1)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from auditor.geo.factsheet import facts, oldest_fact_check
from auditor.geo.qualifications import (
    COVERED,
    NOT_COVERED,
    UNDETERMINED,
    certificates,
    coverage,
    judge,
    load_certificates,
    oldest_check,
    transfer_map,
)

TODAY = date(2026, 12, 7)
URL = re.compile(r"^https://\S+$")


def test_every_fact_has_a_source_and_a_check_day() -> None:
    for fact in facts():
        assert URL.match(fact.source), f"{fact.id}: no source URL"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", fact.checked), f"{fact.id}: no check day"
        assert date.fromisoformat(fact.checked) <= TODAY, fact.id
    for cert in certificates():
        assert cert.provenance, f"{cert.id}: provenance says what was and was not verified"


@pytest.mark.parametrize("missing", ["source", "checked", "provenance"])
def test_an_entry_without_source_or_check_day_is_refused(missing: str) -> None:
    entry: dict[str, Any] = {"id": "x", "provider": "aws", "scheme": "hds", "offering": "X", "status": "confirmed",
                             "source": "https://example.org", "checked": "2026-12-07", "provenance": "p"}
    del entry[missing]
    with pytest.raises(ValueError, match=missing):
        load_certificates({"certificates": [entry]})


def test_the_catalog_age_is_its_oldest_check() -> None:
    assert oldest_check() == min(c.checked for c in certificates())
    assert oldest_fact_check() <= oldest_check().isoformat()


def test_google_cloud_paris_is_hds_certified_for_all_six_activities() -> None:
    cover = coverage("gcp", "europe-west9", "storage", TODAY)["hds"]
    assert cover.state == COVERED and cover.certificate is not None
    assert cover.certificate.activities == (1, 2, 3, 4, 5, 6)


def test_a_local_zone_is_not_a_certified_region() -> None:
    assert coverage("aws", "eu-west-3", "s3", TODAY)["hds"].state == COVERED
    lz = coverage("aws", "eu-central-1-waw-1", "ebs", TODAY)["hds"]
    assert lz.state == NOT_COVERED and "Local Zone eu-central-1-waw-1" in lz.reason


def test_scope_is_per_service_and_per_site() -> None:
    assert coverage("scaleway", "fr-par-2", "object-storage", TODAY)["hds"].state == COVERED
    other_service = coverage("scaleway", "fr-par", "rdb", TODAY)["hds"]
    assert other_service.state == NOT_COVERED and "service rdb" in other_service.reason
    other_site = coverage("scaleway", "nl-ams", "object-storage", TODAY)["hds"]
    assert other_site.state == NOT_COVERED and "nl-ams" in other_site.reason
    # every OVHcloud location is not HDS: Public Cloud object storage is outside the certificate's services
    assert coverage("ovhcloud", "gra", "object-storage", TODAY)["hds"].state == NOT_COVERED
    assert coverage("ovhcloud", "eu-west-rbx-snc", "hosted-private-cloud", TODAY)["secnumcloud"].state == COVERED
    assert coverage("ovhcloud", "eu-west-rbx", "hosted-private-cloud", TODAY)["secnumcloud"].state == NOT_COVERED


def test_a_certificate_after_its_expiry_or_before_its_start_does_not_cover() -> None:
    certs = load_certificates({"certificates": [{
        "id": "old", "provider": "scaleway", "scheme": "hds", "offering": "Old", "status": "confirmed",
        "source": "https://example.org", "checked": "2026-01-01", "provenance": "test",
        "valid_from": "2023-01-01", "valid_until": "2026-01-01"}]})
    expired = judge(certs, "scaleway", "fr-par", "object-storage", TODAY, "hds")
    assert expired.state == NOT_COVERED and "expired on 2026-01-01" in expired.reason
    early = judge(certs, "scaleway", "fr-par", "object-storage", date(2022, 6, 1), "hds")
    assert early.state == NOT_COVERED and "valid from 2023-01-01" in early.reason
    assert judge(certs, "scaleway", "fr-par", "object-storage", date(2025, 6, 1), "hds").state == COVERED


def test_unconfirmed_certificates_and_unknown_places_are_undetermined_not_failed() -> None:
    s3ns = coverage("s3ns", "u-france-east1", "storage", TODAY)
    assert s3ns["secnumcloud"].state == COVERED and s3ns["hds"].state == UNDETERMINED
    outscale = coverage("outscale", "cloudgouv-eu-west-1", "osu", TODAY)
    assert outscale["secnumcloud"].state == COVERED and outscale["hds"].state == UNDETERMINED
    assert coverage("aws", "xx-nowhere-9", "s3", TODAY)["hds"].state == UNDETERMINED
    # a provider with no certificate at all is decided: not covered, whatever the place
    bleu = coverage("bleu", "france-central", "storage", TODAY)["secnumcloud"]
    assert bleu.state == NOT_COVERED and "no secnumcloud certificate of bleu" in bleu.reason


def test_the_hosts_transfer_map_is_known_where_published() -> None:
    assert transfer_map("cloud-temple") == "https://www.cloud-temple.com/en/transparency-in-the-processing-of-health-data/"
    assert transfer_map("aws") is None
