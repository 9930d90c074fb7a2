"""The report's map: where health data physically lives, per country, and the copies that leave the zone.

Geometry comes from ``reports/map/geometry.json`` (simplified Natural Earth outlines and country
centroids, built once by ``reports/tools/build_map.py``). This module only projects centroids with
the parameters stored there, sizes the marks and computes the arrows; the template draws them.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from auditor.fsio import shipped

ZONES: tuple[str, ...] = ("eu", "eea", "adequacy", "third", "unknown")


@dataclass(frozen=True, slots=True)
class Placement:
    """One location of one dataset (data or key material), as the map sees it."""

    dataset: str  # display name
    role: str
    country: str | None
    zone: str
    outside: bool  # outside the profile's allowed zone / countries
    origin: str | None  # the dataset's primary country, for arrows


@dataclass(frozen=True, slots=True)
class Mark:
    code: str
    name: str
    x: float
    y: float
    r: float
    zone: str
    datasets: int
    outside: bool


@dataclass(frozen=True, slots=True)
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str  # "FR → US: 2"
    clipped: bool  # the destination lies outside this panel


@dataclass(frozen=True, slots=True)
class Panel:
    name: str  # europe | world
    width: float
    height: int
    paths: tuple[tuple[str, str, str], ...]  # (country, path data, zone of the data held there or "")
    marks: tuple[Mark, ...]
    arrows: tuple[Arrow, ...]


@dataclass(frozen=True, slots=True)
class CountryRow:
    code: str
    name: str
    zone: str
    datasets: int
    roles: tuple[tuple[str, int], ...]
    outside: bool


@dataclass(frozen=True, slots=True)
class MapView:
    panels: tuple[Panel, ...]
    rows: tuple[CountryRow, ...]
    unplaced: int  # locations whose country is unknown: listed, never drawn
    attribution: str


@cache
def geometry() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shipped("reports") / "map" / "geometry.json").read_text("utf-8"))
    return data


def country_name(code: str | None, lang: str) -> str:
    if not code:
        return ""
    entry = geometry()["countries"].get(code.upper())
    if entry is None:
        return code
    return str(entry.get(lang) or entry["en"])


def project(panel: Mapping[str, Any], lat: float, lon: float) -> tuple[float, float]:
    p = panel["projection"]
    cos = math.cos(math.radians(p["parallel"]))
    k = panel["width"] / ((p["lon1"] - p["lon0"]) * cos)
    return (lon - p["lon0"]) * cos * k, (p["lat1"] - lat) * k


def _inside(panel: Mapping[str, Any], x: float, y: float) -> bool:
    return bool(0 <= x <= panel["width"] and 0 <= y <= panel["height"])


def _clip_to_frame(panel: Mapping[str, Any], x1: float, y1: float, x2: float, y2: float) -> tuple[float, float]:
    """Where the segment from an inside point towards an outside point meets the frame (a little inside)."""
    t = 1.0
    for d, lo, hi, start in ((x2 - x1, 0.0, panel["width"], x1), (y2 - y1, 0.0, panel["height"], y1)):
        if d > 0:
            t = min(t, (hi - 6 - start) / d)
        elif d < 0:
            t = min(t, (lo + 6 - start) / d)
    t = max(t, 0.0)
    return x1 + t * (x2 - x1), y1 + t * (y2 - y1)


def build(placements: Iterable[Placement], lang: str) -> MapView:
    geo = geometry()
    centroids: Mapping[str, Any] = geo["countries"]
    datasets: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    zones: dict[str, Counter[str]] = defaultdict(Counter)
    outside: dict[str, bool] = defaultdict(bool)
    flows: Counter[tuple[str, str]] = Counter()
    unplaced = 0
    for p in placements:
        if not p.country:
            unplaced += 1
            continue
        code = p.country.upper()
        datasets[code].add(p.dataset)
        roles[code][p.role] += 1
        zones[code][p.zone] += 1
        outside[code] = outside[code] or p.outside
        if p.outside and p.origin and p.origin.upper() != code:
            flows[(p.origin.upper(), code)] += 1

    def zone_of(code: str) -> str:  # the least protected zone seen for the country
        seen = zones[code]
        return max(seen, key=lambda z: (ZONES.index(z) if z in ZONES else len(ZONES), z))

    rows = tuple(
        CountryRow(code, country_name(code, lang), zone_of(code), len(datasets[code]),
                   tuple(sorted(roles[code].items())), outside[code])
        for code in sorted(datasets, key=lambda c: (-len(datasets[c]), c))
    )
    most = max((len(v) for v in datasets.values()), default=1)
    panels = []
    for name in ("europe", "world"):
        panel = geo[name]
        scale = panel["width"] / 1000
        marks: list[Mark] = []
        for row in rows:
            where = centroids.get(row.code)
            if where is None:
                continue
            x, y = project(panel, where["lat"], where["lon"])
            if not _inside(panel, x, y):
                continue
            grow = math.sqrt(row.datasets / most)
            r = (4 + 10 * grow) * scale if name == "world" else 7 + 13 * grow  # the inset is drawn larger
            marks.append(Mark(row.code, row.name, round(x, 1), round(y, 1), round(r, 1), row.zone,
                              row.datasets, row.outside))
        arrows: list[Arrow] = []
        for (src, dst), n in sorted(flows.items()):
            a, b = centroids.get(src), centroids.get(dst)
            if a is None or b is None:
                continue
            x1, y1 = project(panel, a["lat"], a["lon"])
            x2, y2 = project(panel, b["lat"], b["lon"])
            if not _inside(panel, x1, y1):
                continue
            clipped = not _inside(panel, x2, y2)
            if clipped:
                x2, y2 = _clip_to_frame(panel, x1, y1, x2, y2)
            arrows.append(Arrow(round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1), f"{src} → {dst}: {n}",
                                clipped))
        zone_by_code = {row.code: row.zone for row in rows}
        paths = tuple((code, d, zone_by_code.get(code, "")) for code, d in panel["paths"])
        panels.append(Panel(name, panel["width"], panel["height"], paths, tuple(marks), tuple(arrows)))
    return MapView(tuple(panels), rows, unplaced, str(geo["attribution"]))
