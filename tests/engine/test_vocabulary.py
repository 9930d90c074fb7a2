"""A policy naming a value outside a field's vocabulary is refused at load, with file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.engine.vocabulary import check, comparisons
from auditor.errors import PolicyError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("source", "found"), [
    ('resource.kind == "objectstore"', [("resource", "kind", "objectstore")]),
    ('resource.locations.exists(l, l.role == "replicaa")', [("l", "role", "replicaa")]),
    ('"backup" != l.role', [("l", "role", "backup")]),
    ('l["via"] == "s3-replication"', [("l", "via", "s3-replication")]),
    ('l.via in ["s3-replication", "ftp"]', [("l", "via", "s3-replication"), ("l", "via", "ftp")]),
    ('l.region == "a.role == \\"x\\"" && l.zone != "eu"', [("l", "region", 'a.role == \\"x\\"'), ("l", "zone", "eu")]),
    ('resource.locations.size() == 2', []),
])
def test_the_comparisons_an_expression_makes(source: str, found: list[tuple[str, str, str]]) -> None:
    assert list(comparisons(source)) == found


@pytest.mark.parametrize("source", [
    'resource.kind == "objectstore"', 'resource.copies.exists(l, l.role == "replicaa")',
    'resource.access.exists(a, a.source == "bucket_policy")', 'gap.reason == "denied"',
    'resource.locations.exists(l, l.via in ["s3-replication", "rsync"])', 'resource.kind == "public"',
])
def test_unknown_values_are_refused(source: str) -> None:
    with pytest.raises(PolicyError, match="is not one of its values") as caught:
        check(source, "p.yaml:7", "condition")
    assert caught.value.one_line().startswith("p.yaml:7")


@pytest.mark.parametrize("source", [
    'resource.kind == "object-store"', 'resource.access.exists(a, a.kind == "public")',
    'resource.locations.exists(l, l.via == "" || l.zone == "unknown")', 'resource.attributes["kind"] == "x"',
    'resource.tags["role"] == "anything"', 'resource.name == "replicaa"',
])
def test_known_values_and_free_fields_pass(source: str) -> None:
    check(source, "p.yaml:7", "condition")


def test_policies_validate_names_the_file_and_line(tmp_path: Path) -> None:
    text = (ROOT / "policies" / "residency" / "RES-002.yaml").read_text("utf-8")
    text = text.replace("id: RES-002", "id: XRES-002", 1)
    text = text.replace('l.role != "edge-cache" && l.zone == "unknown"',
                        'l.role != "edge-cashe" && l.zone == "unknown"')
    (tmp_path / "x.yaml").write_text(text, "utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("unknown_when"))
    result = subprocess.run([sys.executable, "-m", "auditor", "policies", "validate", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'x.yaml'}:{line}: unknown_when: l.role is compared with "
                                    '"edge-cashe"'), result.stderr
