"""``auditor diff`` and the reports' "since last run" are one computation: on the same pair of runs
they name the same new and resolved findings (the HTML view, the Markdown fix list and the command)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from auditor.commands.diff import diff_command
from auditor.model.documents import read_findings
from auditor.render import RenderOptions, write_reports
from auditor.render.i18n import Translator
from auditor.render.markdown import _rows, md
from auditor.render.view import build
from tests.results.estates import edited, evaluated, resource, without


def test_diff_and_since_last_run_agree(estate, pack, tmp_path: Path) -> None:
    clone = replace(resource(estate, "loire-urgences-rpu-londres"), id="arn:aws:s3:::loire-urgences-bis",
                    name="loire-urgences-bis")
    night2 = edited(without(estate, "loire-dpi-dr-virginia"), "loire-pacs-imagerie", access=())
    night2 = replace(night2, resources=(*night2.resources, clone))
    paths = []
    for day, inventory in ((1, estate), (3, night2)):
        folder = tmp_path / f"night{day}"
        folder.mkdir()
        write_reports(evaluated(inventory, pack, day), ["json"], folder, RenderOptions())
        paths.append(folder / "findings.json")
    old, new = paths

    text, _ = diff_command(str(old), str(new), tmp_path / "unused.db", "critical", "json", 0)
    said = json.loads(text)
    new_by_diff = {(f["policy_id"], f["resource_id"]) for f in said["new_findings"]}
    resolved_by_diff = {(r["finding"]["policy_id"], r["finding"]["resource_id"]) for r in said["resolved"]}
    assert new_by_diff and resolved_by_diff  # the pair of runs has both

    options = RenderOptions(previous=read_findings(old))
    doc = read_findings(new)
    since = build(doc, options).since
    assert since is not None
    assert {(v.f.policy_id, v.f.resource_id) for v in since.new} == new_by_diff
    assert {(r.policy_id, r.resource_id) for r in since.resolved} == resolved_by_diff

    groups, unknown = _rows(doc, options, Translator("en", escape_param=md))
    rows = [*unknown, *(row for g in groups for row in g.rows)]
    assert {(row.f.policy_id, row.f.resource_id) for row in rows if row.new} == new_by_diff
