"""What the report decides: verdict, what is outside the zone, the map, what changed since the last run."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from auditor.model.findings import FindingsDoc, Run, Status
from auditor.render import RenderOptions, TrendPoint, geomap, view


def _without(doc: FindingsDoc, *statuses: Status) -> FindingsDoc:
    return replace(doc, findings=tuple(f for f in doc.findings if f.status not in statuses))


def test_verdicts(doc: FindingsDoc) -> None:
    v = view.build(doc, RenderOptions())
    assert (v.verdict, v.incomplete) == ("non-compliant", True)
    only_unknown = _without(doc, Status.FAIL)
    assert (view.build(only_unknown, RenderOptions()).verdict, view.build(only_unknown, RenderOptions()).incomplete) \
        == ("incomplete", True)
    no_gap_unknown = replace(_without(only_unknown, Status.UNKNOWN), coverage_gaps=())
    v = view.build(no_gap_unknown, RenderOptions())
    assert (v.verdict, v.incomplete) == ("compliant", False)
    gaps_only = replace(_without(only_unknown, Status.UNKNOWN))
    assert view.build(gaps_only, RenderOptions()).verdict == "incomplete"


def test_counts_and_score(doc: FindingsDoc) -> None:
    v = view.build(doc, RenderOptions())
    assert v.counts.failing == {"critical": 4, "high": 1, "medium": 1, "low": 0, "info": 2}
    assert (v.counts.unknown, v.counts.waived, v.counts.gaps) == (2, 1, 1)
    assert v.counts.passed == 5  # three pass findings + two passes kept compactly
    assert v.score == round(100 * 5 / (5 + 8 + 2))


def test_outside_follows_the_profile() -> None:
    hds = Run("0", "hds", "d", "s", "f", allowed_zones=("eu", "eea"))
    gdpr = replace(hds, allowed_zones=("eu", "eea", "adequacy"))
    france = replace(hds, allowed_countries=("FR",))
    assert view.is_outside("adequacy", "GB", hds) and not view.is_outside("adequacy", "GB", gdpr)
    assert view.is_outside("eu", "DE", france) and not view.is_outside("eu", "FR", france)
    for run in (hds, gdpr, france):
        assert view.is_outside("unknown", "", run)  # never compliant


def test_datasets_health_first_worst_first_with_locations_keys_and_access(doc: FindingsDoc) -> None:
    v = view.build(doc, RenderOptions())
    assert all(d.health for d in v.datasets) and [d.r.name for d in v.others] == ["app-logs"]
    assert [d.worst for d in v.datasets][:3] == ["critical", "critical", "critical"]
    paris = next(d for d in v.datasets if d.r.name == "patients-records-paris")
    assert [(loc.role, loc.country, loc.outside) for loc in paris.locations] == [
        ("primary", "FR", False), ("replica", "US", True)]
    assert paris.grants[0].relation == "public" and paris.grants[0].concern
    berlin = next(d for d in v.datasets if d.r.id.endswith("lab-results"))
    assert berlin.key is not None and berlin.key.outside  # the KMS key sits in us-east-1
    assert any(g.relation == "external" for g in berlin.grants)


def test_map_marks_and_arrows(doc: FindingsDoc) -> None:
    m = view.build(doc, RenderOptions()).map
    rows = {r.code: r for r in m.rows}
    assert set(rows) == {"FR", "DE", "US", "GB"}
    assert rows["US"].outside and not rows["FR"].outside and rows["GB"].outside  # GB is outside the EEA (hds)
    assert m.unplaced == 1  # xx-mars-1: listed, not drawn
    world = next(p for p in m.panels if p.name == "world")
    europe = next(p for p in m.panels if p.name == "europe")
    assert {k.code for k in world.marks} == {"FR", "DE", "US", "GB"}
    assert "US" not in {k.code for k in europe.marks}
    labels = {a.label.split(":")[0] for a in world.arrows}
    assert {"FR → US", "DE → GB", "DE → US"} <= labels
    assert any(a.clipped for a in europe.arrows)  # FR → US leaves the Europe inset at its edge
    for panel in m.panels:
        for k in panel.marks:
            assert 0 <= k.x <= panel.width and 0 <= k.y <= panel.height
    assert geomap.country_name("DE", "fr") == "Allemagne" and geomap.country_name("ZZ", "en") == "ZZ"


def test_since_last_run_and_trend(doc: FindingsDoc, make_options: Any) -> None:
    v = view.build(doc, make_options(doc))
    assert v.since is not None
    assert [fv.f.policy_id for fv in v.since.new] == ["ACC-001"]
    assert [r.resource_id for r in v.since.resolved] == ["arn:aws:s3:::old-archive"]
    assert v.trend is not None and len(v.trend.points) == 4  # three past runs and this one
    assert {sev for sev, _ in v.trend.lines} == {"critical", "high", "medium", "info"}
    plain = view.build(doc, RenderOptions())
    assert plain.since is None and plain.trend is None


def test_trend_point_counts_are_optional() -> None:
    point = TrendPoint("2026-01-01")
    assert point.counts == {} and point.unknown == 0


def test_the_method_section_says_how_old_the_fact_catalog_is(doc: FindingsDoc) -> None:
    from datetime import date

    from auditor.geo.factsheet import oldest_fact_check
    from auditor.render.html import render as render_html

    oldest = oldest_fact_check()
    later = date.fromisoformat(oldest).replace(year=date.fromisoformat(oldest).year + 1).isoformat()
    v = view.build(doc, RenderOptions(generated_at=f"{later}T00:00:00Z"))
    assert v.catalog_checked == oldest and v.catalog_age_days in (365, 366)
    html = render_html(doc, RenderOptions(generated_at=f"{later}T00:00:00Z", lang="fr"))
    assert f"fait le plus ancien vérifié le {oldest} ({v.catalog_age_days} jours avant ce rapport)" in html
