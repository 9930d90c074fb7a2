"""Build ``reports/map/geometry.json`` — the map outlines and country centroids the HTML report draws.

Run once by a maintainer, never at render time::

    mkdir /tmp/wa && cd /tmp/wa && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m venv /tmp/mapvenv && /tmp/mapvenv/bin/pip install pycountry
    /tmp/mapvenv/bin/python reports/tools/build_map.py /tmp/wa/package reports/map/geometry.json

Sources:

* ``world-atlas`` 2.0.2 (https://github.com/topojson/world-atlas, ISC licence), TopoJSON derived from
  Natural Earth 1:110m and 1:50m Admin 0 countries (https://www.naturalearthdata.com/, public domain).
  Country ids there are ISO 3166-1 numeric codes.
* ``pycountry`` (ISO 3166-1 numeric -> alpha-2, and the French country names from the iso-codes
  translations), used only by this script.

What it writes (plain JSON, small enough to inline into every report):

* ``world``: an equirectangular world (Antarctica cropped) from the 1:110m outlines;
* ``europe``: a Europe inset, equirectangular with a 50°N standard parallel, from the 1:50m outlines
  clipped to the inset's frame;
* each view carries its projection parameters (``auditor.render.geomap`` projects marks with them)
  and ``paths``: ``[[alpha-2 or "", svg path data], ...]`` with integer coordinates;
* ``countries``: alpha-2 -> ``{"lat", "lon", "en", "fr"}``; the point is the area centroid of the
  country's largest polygon (mainland), in degrees rounded to 0.1.
"""

from __future__ import annotations

import gettext
import json
import math
import sys
from pathlib import Path
from typing import Any

import pycountry

Point = tuple[float, float]
Ring = list[Point]

VIEWS: dict[str, dict[str, Any]] = {
    "world": {"source": "countries-110m.json", "lon0": -180.0, "lon1": 180.0, "lat0": -58.0, "lat1": 84.0,
              "parallel": 0.0, "width": 1000.0, "tolerance": 0.4},
    "europe": {"source": "countries-50m.json", "lon0": -25.0, "lon1": 45.0, "lat0": 34.0, "lat1": 71.5,
               "parallel": 50.0, "width": 600.0, "tolerance": 0.5},
}
# Natural Earth features without an ISO 3166-1 code that still have a usual alpha-2 use
EXTRA_CODES = {"Kosovo": "XK"}
# short everyday names where the ISO names read like a registry entry
SHORT_NAMES = {
    "AX": ("Åland Islands", "Îles Åland"), "BO": ("Bolivia", "Bolivie"),
    "CD": ("DR Congo", "République démocratique du Congo"), "FK": ("Falkland Islands", "Îles Malouines"),
    "FM": ("Micronesia", "Micronésie"), "IR": ("Iran", "Iran"), "KP": ("North Korea", "Corée du Nord"),
    "KR": ("South Korea", "Corée du Sud"), "LA": ("Laos", "Laos"), "MD": ("Moldova", "Moldavie"),
    "PS": ("Palestine", "Palestine"), "RU": ("Russia", "Russie"), "SB": ("Solomon Islands", "Îles Salomon"),
    "SY": ("Syria", "Syrie"), "TW": ("Taiwan", "Taïwan"), "TZ": ("Tanzania", "Tanzanie"),
    "VA": ("Vatican City", "Vatican"), "VE": ("Venezuela", "Venezuela"),
    "VG": ("British Virgin Islands", "Îles Vierges britanniques"),
    "VI": ("US Virgin Islands", "Îles Vierges des États-Unis"), "XK": ("Kosovo", "Kosovo"),
}


def decode(topo: dict[str, Any]) -> list[tuple[str, str, list[list[Ring]]]]:
    """Countries as (numeric id, name, polygons of rings of (lon, lat))."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts: Ring = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes: list[int]) -> Ring:
        out: Ring = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    countries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom["type"] == "Polygon":
            polys = [[ring(r) for r in geom["arcs"]]]
        elif geom["type"] == "MultiPolygon":
            polys = [[ring(r) for r in p] for p in geom["arcs"]]
        else:
            continue
        countries.append((str(geom.get("id", "")), geom["properties"]["name"], polys))
    return countries


def alpha2(numeric: str, name: str) -> str:
    if name in EXTRA_CODES:
        return EXTRA_CODES[name]
    country = pycountry.countries.get(numeric=numeric) if numeric.isdigit() else None
    return country.alpha_2 if country else ""


def unwrap(ring: Ring) -> list[Ring]:
    """Rings crossing the antimeridian (Fiji, Chukotka) made continuous, plus a copy shifted by 360°."""
    out: Ring = [ring[0]]
    for lon, lat in ring[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        out.append((lon, lat))
    lons = [p[0] for p in out]
    copies = [out]
    if min(lons) < -180:
        copies.append([(lon + 360, lat) for lon, lat in out])
    if max(lons) > 180:
        copies.append([(lon - 360, lat) for lon, lat in out])
    return copies


def area_centroid(ring: Ring) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        return 0.0, ring[0][0], ring[0][1]
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def project(view: dict[str, Any], lon: float, lat: float) -> Point:
    k = view["width"] / ((view["lon1"] - view["lon0"]) * math.cos(math.radians(view["parallel"])))
    return ((lon - view["lon0"]) * math.cos(math.radians(view["parallel"])) * k, (view["lat1"] - lat) * k)


def clip(ring: Ring, xmin: float, ymin: float, xmax: float, ymax: float) -> Ring:
    """Sutherland-Hodgman against the view's rectangle (enough for drawing filled outlines)."""
    edges = [(0, xmin, True), (0, xmax, False), (1, ymin, True), (1, ymax, False)]
    out = ring
    for axis, bound, keep_above in edges:
        if not out:
            break
        src, out = out, []
        for i, cur in enumerate(src):
            prev = src[i - 1]
            cur_in = (cur[axis] >= bound) if keep_above else (cur[axis] <= bound)
            prev_in = (prev[axis] >= bound) if keep_above else (prev[axis] <= bound)
            if cur_in != prev_in:
                t = (bound - prev[axis]) / (cur[axis] - prev[axis])
                out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
            if cur_in:
                out.append(cur)
    return out


def simplify(ring: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker on a closed ring (iterative, keeps the first and the farthest point)."""
    if len(ring) < 5:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2)
    keep[far] = True
    stack = [(0, far), (far, len(ring) - 1)]
    while stack:
        i0, i1 = stack.pop()
        (x0, y0), (x1, y1) = ring[i0], ring[i1]
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy) or 1e-12
        best, best_d = -1, tolerance
        for i in range(i0 + 1, i1):
            d = abs(dy * (ring[i][0] - x0) - dx * (ring[i][1] - y0)) / norm
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(i0, best), (best, i1)]
    return [p for p, k in zip(ring, keep, strict=True) if k]


def path_data(rings: list[Ring]) -> str:
    parts: list[str] = []
    for ring in rings:
        pts: list[tuple[int, int]] = []
        for x, y in ring:
            p = (round(x), round(y))
            if not pts or p != pts[-1]:
                pts.append(p)
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts.pop()
        if len(pts) < 3:
            continue
        cmd = [f"M{pts[0][0]} {pts[0][1]}l"]
        prev = pts[0]
        nums: list[str] = []
        for p in pts[1:]:
            nums += [str(p[0] - prev[0]), str(p[1] - prev[1])]
            prev = p
        body = ""
        for n in nums:  # a minus sign separates numbers by itself
            body += n if (not body or n.startswith("-")) else " " + n
        parts.append(cmd[0] + body + "z")
    return "".join(parts)


def build(package: Path) -> dict[str, Any]:
    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    out: dict[str, Any] = {
        "attribution": "Made with Natural Earth (public domain), via world-atlas 2.0.2 (ISC). "
                       "Simplified by reports/tools/build_map.py.",
    }
    centroids: dict[str, dict[str, Any]] = {}
    for name, view in VIEWS.items():
        topo = json.loads((package / view["source"]).read_text("utf-8"))
        xmax, ymax = project(view, view["lon1"], view["lat0"])
        paths: list[list[str]] = []
        for numeric, cname, polys in decode(topo):
            code = alpha2(numeric, cname)
            rings = []
            for poly in polys:
                for r in (copy for ring in poly for copy in unwrap(ring)):
                    projected = [project(view, lon, lat) for lon, lat in r]
                    clipped = clip(projected, 0, 0, xmax, ymax)
                    if len(clipped) >= 3:
                        rings.append(simplify([*clipped, clipped[0]], view["tolerance"]))
            d = path_data(rings)
            if d:
                paths.append([code, d])
            if view["source"] == "countries-50m.json" and code and code not in centroids:
                _, lon, lat = max(area_centroid(p[0]) for p in polys)
                country = pycountry.countries.get(alpha_2=code)
                en = getattr(country, "common_name", None) or (country.name if country else cname)
                fr_name = fr.gettext(country.name) if country else cname
                en, fr_name = SHORT_NAMES.get(code, (en, fr_name))
                centroids[code] = {"lat": round(lat, 1), "lon": round(lon, 1), "en": en, "fr": fr_name}
        paths.sort()
        out[name] = {"width": view["width"], "height": round(ymax),
                     "projection": {k: view[k] for k in ("lon0", "lon1", "lat0", "lat1", "parallel")},
                     "paths": paths}
    out["countries"] = dict(sorted(centroids.items()))
    return out


def main() -> None:
    package, target = Path(sys.argv[1]), Path(sys.argv[2])
    data = build(package)
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{target}: {target.stat().st_size} bytes, {len(data['countries'])} countries")


if __name__ == "__main__":
    main()
