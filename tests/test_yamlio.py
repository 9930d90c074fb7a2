"""Safe YAML loading: line numbers, duplicate keys, YAML 1.1 traps, hostile documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor import yamlio
from auditor.errors import InputError, PolicyError
from auditor.yamlio import YamlList, YamlMap, load, loads


def test_nodes_remember_their_lines() -> None:
    data = loads("a: 1\nb:\n  - x\n  - y\nc:\n  d: 2\n", "f.yaml")
    assert isinstance(data, YamlMap)
    assert data.where("b") == "f.yaml:2"
    assert data["b"].where(1) == "f.yaml:4"
    assert data["c"].where("d") == "f.yaml:6"


def test_norway_stays_norway_and_dates_stay_text() -> None:
    data = loads("countries: [FR, NO, no, yes, on]\nexpires: 2026-12-31\nflag: true\n")
    assert data == {"countries": ["FR", "NO", "no", "yes", "on"], "expires": "2026-12-31", "flag": True}


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        (b"a: 1\nb: 2\na: 3\n", "f.yaml:3", "duplicate key 'a'"),
        (b"a: [1, 2\n", "f.yaml:2", "YAML syntax error"),
        (b"a: 1\n\xff\xfe: 2\n", "f.yaml:2", "not valid UTF-8"),
        (b"x:\n\t- 1\n", "f.yaml:2", "YAML syntax error"),
        (b"[" * 3000, "f.yaml", "nest"),
    ],
)
def test_bad_documents_are_located(text: bytes, where: str, what: str) -> None:
    with pytest.raises(InputError) as err:
        loads(text, "f.yaml")
    assert err.value.one_line().startswith(where)
    assert what in err.value.one_line()


def test_alias_bombs_are_refused() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(InputError, match="alias"):
        loads("\n".join(levels) + "\n", "bomb.yaml")
    many = "a: &a 1\n" + "".join(f"k{i}: *a\n" for i in range(500))
    with pytest.raises(InputError, match="alias"):
        loads(many, "bomb.yaml")


def test_missing_file_uses_the_callers_error(tmp_path) -> None:
    with pytest.raises(PolicyError, match="file not found"):
        load(tmp_path / "nope.yaml", PolicyError)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        loads(data, "fuzz.yaml")
    except InputError as exc:
        assert "\n" not in exc.one_line()


def _same(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, YamlMap) and isinstance(b, YamlMap):
        return (a.line, a.key_lines, list(a)) == (b.line, b.key_lines, list(b)) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, YamlList) and isinstance(b, YamlList):
        return (a.line, a.item_lines, len(a)) == (b.line, b.item_lines, len(b)) and all(map(_same, a, b))
    return a == b


def test_the_fast_loader_reads_every_shipped_file_as_the_reference_loader_does() -> None:
    """libyaml parses; the data, and the line of every key and item, are the pure-Python loader's."""
    root = Path(yamlio.__file__).resolve().parents[1]
    files = [*root.joinpath("policies").rglob("*.yaml"), *root.joinpath("auditor").rglob("*.yaml"),
             *root.joinpath("examples").glob("*.yaml")]
    assert len(files) > 30
    for path in files:
        text = path.read_text("utf-8")
        fast, reference = (yamlio._parse(loader, text, str(path)) for loader in (yamlio._Loader, yamlio._PyLoader))
        assert _same(fast, reference), path


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a:\n  b: 1\n c: 2\n", "a: 'x\n", "x: 1\n\tb: 2\n", "a: *nope\n"])
def test_errors_are_worded_and_placed_by_the_reference_loader(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError) as fast:
        loads(text, "f.yaml")
    monkeypatch.setattr(yamlio, "_Loader", yamlio._PyLoader)
    with pytest.raises(InputError) as reference:
        loads(text, "f.yaml")
    assert fast.value.one_line() == reference.value.one_line()
