"""CEL from user policies cannot run away: the cost is bounded on the parsed expression, on the
largest inputs the engine accepts, and activations beyond those inputs are never evaluated.

The attacks (issue 12, item 2) side-stepped a bound on the expression text: a space after the
``.`` of a macro, a re-used bound name, a comment; and the allowed depth was not cheap either
(``L.map(a, L.map(b, L))`` on 150 items, a four-deep ``exists`` on 120). No test here times
anything: costs are counted (a ``tick()`` function counts the evaluator's real work).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.engine import limits
from auditor.engine.cel import MAX_LENGTH, compile_expression
from auditor.engine.celcost import estimate
from auditor.engine.celparse import parse
from auditor.engine.shape import SCALAR, list_of, record
from auditor.errors import PolicyError
from tests.engine.test_policy_errors import GOOD, validate, write


def shapes(n: int) -> dict[str, object]:
    """``resource.L``: a list of at most ``n`` numbers (the issue's attacks range over such a list)."""
    return {"resource": record({"L": list_of(SCALAR, n)}), "profile": limits.PROFILE, "gap": limits.GAP}


def cost(source: str, n: int) -> int:
    return estimate(parse(source), shapes(n))[0]  # type: ignore[arg-type]


ATTACKS = {
    "space after the dot": "resource.L. exists (a, resource.L. exists (b, resource.L. exists (c, "
                           "resource.L. exists (d, a + b + c + d == -1))))",
    "re-used bound name": "resource.L.exists(a, resource.L.exists(a, resource.L.exists(a, "
                          "resource.L.exists(a, a == -1))))",
    "comment hides the call": "resource.L.exists(a, resource.L.exists//(\n(b, resource.L.exists//(\n(c, "
                              "resource.L.exists(d, d == -1))))",
    "newline before the call": "resource.L.exists(a, resource.L\n.exists(b, resource.L\n.exists(c, "
                               "resource.L\n.exists(d, d == -1))))",
    "map of maps": "size(resource.L.map(a, resource.L.map(b, resource.L))) > 0",
    "filter of maps": "resource.L.filter(a, resource.L.map(b, resource.L).size() > 0).size() > 0",
    "three-argument map": "size(resource.L.map(a, true, resource.L.map(b, true, resource.L))) > 0",
}


@pytest.mark.parametrize("source", list(ATTACKS.values()), ids=list(ATTACKS))
def test_the_attacks_of_the_review_are_refused_at_load(source: str) -> None:
    cel.compile(source)  # valid CEL: the evaluator would run it
    n = 150 if "map" in source else 120
    with pytest.raises(PolicyError, match="may cost up to"):
        compile_expression(source, "p.yaml:3", "condition", variables=shapes(n))  # type: ignore[arg-type]


def test_the_quadratic_map_is_cubic_in_the_estimate() -> None:
    """``L.map(a, L.map(b, L))`` builds n² lists of n: the estimate grows at least as n³."""
    source = ATTACKS["map of maps"]
    assert cost(source, 150) >= 150**3
    assert cost(source, 20) < limits.BUDGET  # the same shape on small lists is fine


@pytest.mark.parametrize("source", [
    "resource.access.exists(a, resource.access.exists(b, a.principal == b.home))",
    "resource.locations. exists (a, resource.locations. exists (b, a.region + b.region == 'nowhere'))",
    "resource.access.filter(a, true).map(a, resource.access.filter(b, true)).size() > 0",
])
def test_nesting_over_the_largest_lists_is_refused_with_the_real_limits(source: str) -> None:
    with pytest.raises(PolicyError) as err:
        compile_expression(source, "p.yaml:3", "condition")
    line = err.value.one_line()
    assert line.startswith("p.yaml:3: condition: may cost up to") and f"{limits.BUDGET:,}" in line
    assert f"{limits.MAX_LOCATIONS} locations" in line


def test_what_the_shipped_pack_does_stays_within_the_budget() -> None:
    compile_expression("resource.access.exists(a, a.relation == 'external')", "p.yaml:3", "condition")
    compile_expression("resource.locations.exists(l, profile.allowed_zones.exists(z, z == l.zone))", "p", "c")
    with pytest.raises(PolicyError, match="longer than"):
        compile_expression("true || " * (MAX_LENGTH // 8 + 1) + "true", "p.yaml:3", "condition")


def test_functions_without_a_bound_are_refused() -> None:
    for source, words in [("resource.name.matches(resource.id)", "literal pattern"),
                          ("resource.name.matches('\\\\w{1000}')", "too large"),
                          ("resource.secret()", "unknown function"),
                          ("nobody.name == 'x'", "unknown variable 'nobody'")]:
        with pytest.raises(PolicyError, match=words):
            compile_expression(source, "p.yaml:3", "condition")
    compile_expression("resource.name.matches('^patients-[a-z]+$')", "p.yaml:3", "condition")


def test_policies_validate_refuses_a_runaway_policy_in_one_line(tmp_path: Path) -> None:
    runaway = GOOD.replace('resource.primary.country == "AQ"', ATTACKS["space after the dot"].replace(
        "resource.L", "resource.access").replace("a + b + c + d == -1", "false"))
    result = validate(write(tmp_path, runaway))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "XYZ-001.yaml:6:" in result.stderr and "may cost up to" in result.stderr


# --- hypothesis: generated nesting, spacing and names -------------------------------------------------------

MACROS = ["exists", "all", "exists_one", "map", "filter"]


@st.composite
def nests(draw: st.DrawFn) -> tuple[str, str, int]:
    """A random nest of comprehensions over ``resource.L`` with hostile spacing (spaces, newlines,
    comments around the ``.``) and re-used names; also the same nest written plainly."""
    depth = draw(st.integers(1, 4))
    hostile = plain = "tick(1)"  # every level is an int, so any nesting type-checks
    for _ in range(depth):
        macro = draw(st.sampled_from(MACROS))
        name = draw(st.sampled_from(["a", "b", "x", "resource_", "L"]))
        gap = draw(st.sampled_from(["", " ", "\n", " // (note\n", "\t"]))

        def level(inner: str, g: str, macro: str = macro, name: str = name) -> str:
            call = f"resource.L{g}.{g}{macro}{g}({name},{g}"
            if macro == "map":
                return f"size({call}{inner}))"
            if macro == "filter":
                return f"size({call}{inner} >= 0))"
            return f"({call}{inner} >= 0) ? 1 : 0)"

        hostile, plain = level(hostile, gap), level(plain, "")
    return f"{hostile} >= 0", f"{plain} >= 0", depth


@settings(max_examples=60, deadline=None)
@given(nests(), st.integers(1, 4))
def test_generated_nesting_never_does_more_work_than_estimated(nest: tuple[str, str, int], n: int) -> None:
    source, _, depth = nest
    ticks = 0

    def tick(value: int) -> int:
        nonlocal ticks
        ticks += 1
        return value

    bounded = cost(source.replace("tick(1)", "1"), n)
    assert bounded >= n**depth  # the innermost body can run n^depth times, and the estimate says so
    ctx = cel.Context({"resource": {"L": list(range(n))}}, functions={"tick": tick})
    assert cel.compile(source).execute(ctx) is True
    assert 0 < ticks <= bounded


@settings(max_examples=60, deadline=None)
@given(nests())
def test_generated_nesting_deeper_than_the_budget_allows_is_refused(nest: tuple[str, str, int]) -> None:
    hostile, plain, depth = (nest[0].replace("tick(1)", "1"), nest[1].replace("tick(1)", "1"), nest[2])
    n = 40
    assert cost(hostile, n) == cost(plain, n)  # spacing, comments and names change nothing
    budget = 5_000  # small: one level over 40 items fits, two levels (1,600 steps) do not
    if depth >= 2:
        with pytest.raises(PolicyError, match="may cost up to"):
            compile_expression(hostile, "p.yaml:3", "condition", budget=budget, variables=shapes(n))  # type: ignore[arg-type]
    else:
        compile_expression(hostile, "p.yaml:3", "condition", budget=budget, variables=shapes(n))  # type: ignore[arg-type]


# --- the limits are enforced on what the evaluator is given ------------------------------------------------

def test_a_resource_beyond_the_limits_is_never_evaluated_and_never_passes() -> None:
    from auditor.config import Config
    from auditor.model.findings import Status
    from auditor.model.inventory import DataLocation, Inventory, LocationRole
    from auditor.pipeline import assess
    from tests.engine.test_evaluate import bucket

    store = bucket("patients", "eu-west-3")
    many = tuple(DataLocation("eu-west-3", LocationRole.BACKUP, via=f"copy-{i}")
                 for i in range(limits.MAX_LOCATIONS + 1))
    wide = replace(store, id="arn:aws:s3:::wide", locations=(*store.locations, *many))
    doc = assess(Inventory(resources=(wide, store)), Config()).doc
    assert not [pid for pid, ids in doc.passed.items() if "arn:aws:s3:::wide" in ids]
    unknown = [f for f in doc.findings if f.resource_id == "arn:aws:s3:::wide"]
    assert unknown and all(f.status is Status.UNKNOWN for f in unknown)
    assert any(f"the limit is {limits.MAX_LOCATIONS}" in e for f in unknown for e in f.evidence)
    assert any("beyond the engine's input limits" in n for n in doc.run.notices)
    assert doc.passed  # the store within the limits is evaluated as usual


def test_a_gap_with_a_huge_error_is_still_unknown_and_its_text_is_cut_for_the_expressions() -> None:
    from auditor.config import Config
    from auditor.model.findings import Status
    from auditor.model.inventory import CoverageGap, Inventory
    from auditor.pipeline import assess

    gap = CoverageGap("aws", "s3", "error", "boom " * 10_000, account="111122223333", region="eu-west-3")
    doc = assess(Inventory(coverage_gaps=(gap,)), Config()).doc
    assert [f.status for f in doc.findings] == [Status.UNKNOWN]
    assert doc.coverage_gaps[0].error == gap.error  # the report keeps the whole text


def test_texts_beyond_the_limit_are_caught_even_in_a_short_view() -> None:
    view = {"locations": [{"region": "x" * (limits.MAX_TEXT + 1)}]}
    assert limits.problem("resource", view) is not None
    assert limits.problem("resource", {"locations": [{"region": "eu-west-3"}]}, "short") is None
    assert "unexpected key" in str(limits.problem("resource", {"secret": 1}))


def test_the_limits_describe_every_field_the_evaluator_builds() -> None:
    """Every key of every activation the evaluator builds has a shape (else every resource would be unknown)."""
    from auditor.config import Config
    from auditor.demo.sample import sample_inventory
    from auditor.engine.context import FIELDS, ContextBuilder
    from auditor.engine.pack import load_pack
    from auditor.pipeline import enrich

    assert set(FIELDS) <= set(limits.RESOURCE.fields or {})
    pack = load_pack()
    inventory = enrich(sample_inventory(), Config())
    for profile in pack.profiles.values():
        builder = ContextBuilder(profile)
        assert limits.problem("profile", builder.profile_context) is None
        for r in inventory.resources:
            assert limits.problem("resource", builder.resource(r)) is None, r.id
        for g in inventory.coverage_gaps:
            assert limits.problem("gap", builder.gap(g)) is None
