"""How long a CEL cost unit takes: the estimate (``auditor.engine.celcost``) against the CPU time
of real evaluations on the largest activation the engine accepts (``auditor.engine.limits``).

    python benchmarks/cel_cost.py

For each expression: the estimated bound, the CPU time of one evaluation on a maximal resource,
and microseconds per estimated unit. The estimate must stay above the time (a bound, not a
prediction), so the time of the budget is at most BUDGET x the largest us/unit printed.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.engine import limits
from auditor.engine.cel import compile_expression, context
from auditor.engine.pack import load_pack

WIDE = "x" * limits.MAX_TEXT


def location(i: int) -> dict[str, object]:
    return {"region": f"r{i}-{WIDE}"[: limits.MAX_TEXT], "role": "replica", "via": WIDE, "target": WIDE,
            "account": WIDE, "provider": "aws", "country": "FR", "zone": "eu", "allowed": True,
            "place_kind": "region", "parent_country": ""}


def grant(i: int) -> dict[str, object]:
    return {"principal": f"p{i}-{WIDE}"[: limits.MAX_TEXT], "kind": "role", "relation": "internal",
            "permission": "read", "source": WIDE, "home": WIDE, "condition": WIDE}


def maximal() -> dict[str, object]:
    locations = [location(i) for i in range(limits.MAX_LOCATIONS)]
    return {
        "id": WIDE, "kind": "object-store", "name": WIDE, "region": "eu-west-3", "health": True,
        "locations": locations, "copies": locations, "primary": locations[0],
        "key": {"present": True, "manager": "customer", "key_id": WIDE, "region": "eu-west-3", "origin": WIDE,
                "country": "FR", "zone": "eu", "allowed": True, "locations": locations},
        "access": [grant(i) for i in range(limits.MAX_GRANTS)],
        "tags": {f"k{i}": WIDE for i in range(limits.MAX_TAGS)},
        "network": {"public_endpoint": "yes", "private_endpoints": 0,
                    "allowed_ranges": [f"10.0.{i}.0/24" for i in range(limits.MAX_RANGES)]},
        "jurisdiction": {"headquarters": "US", "parent_country": "US", "offering": WIDE,
                         "exposure": ["US"] * limits.MAX_CATALOG_ITEMS,
                         "qualifications": ["HDS"] * limits.MAX_CATALOG_ITEMS, "eu_headquartered": False},
    }


PROFILE = {"id": "p", "dpf": False, "require_customer_keys": True, "require_eu_jurisdiction": True,
           "allowed_zones": ["eu"] * limits.MAX_PROFILE_ITEMS, "allowed_countries": ["FR"] * limits.MAX_PROFILE_ITEMS,
           "accepted_key_origins": [WIDE] * limits.MAX_PROFILE_ITEMS,
           "required_qualifications": [f"Q{i}" for i in range(limits.MAX_PROFILE_ITEMS)]}

PROBES = [
    ("one exists over grants", 'resource.access.exists(a, a.principal == "nobody")'),
    ("filter over grants (n² accumulator)", "resource.access.filter(a, true).size() > 0"),
    ("map over locations", 'resource.locations.map(l, l.region + " " + l.via).size() > 0'),
    ("nested exists, grants x profile", "resource.access.exists(a, profile.allowed_countries.exists(c, c == a.home))"),
    ("two-level over 64 tags x 64 ranges",
     'resource.tags.exists(k, resource.network.allowed_ranges.exists(r, r == k))'),
    ("string work in a loop", 'resource.access.exists(a, a.condition + a.home == a.principal)'),
]


def main() -> None:
    resource = maximal()
    assert limits.problem("resource", resource) is None, limits.problem("resource", resource)
    ctx = context({"resource": resource, "profile": PROFILE})
    pack = load_pack()
    probes = list(PROBES)
    for policy in pack.policies:
        if policy.target == "resource":
            probes.extend((f"{policy.id} {what}", e.source) for what, e in
                          (("condition", policy.condition), ("details", policy.details)) if e is not None)
    print(f"budget {limits.BUDGET:,} units; largest resource: {limits.describe()}")
    compile_expression("size(resource.access) > 0", "bench", "warm-up").run(ctx)  # first run converts the context
    worst = 0.0
    for name, source in probes:
        try:
            expr = compile_expression(source, "bench", name, budget=10**12)
        except Exception as exc:  # an expression the engine refuses outright
            print(f"{name:45} refused: {exc}")
            continue
        t0 = time.process_time()
        with contextlib.suppress(Exception):  # an error is an unknown; still timed
            expr.run(ctx)
        spent = time.process_time() - t0
        per = spent * 1e6 / max(expr.cost, 1)
        if expr.cost >= 10_000:  # below that, the fixed cost of a call (a few us) dominates
            worst = max(worst, per)
        flag = "" if expr.cost <= limits.BUDGET else "  (over budget: refused at load)"
        print(f"{name:45} {expr.cost:>14,} units {spent * 1000:>9.1f} ms {per:>8.4f} us/unit{flag}")
    print(f"largest us/unit (estimates of 10,000 units or more) {worst:.4f}: "
          f"the budget is about {limits.BUDGET * worst / 1e6:.2f} s of CPU at most")


if __name__ == "__main__":
    main()
