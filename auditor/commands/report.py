"""``auditor report``: render a saved findings.json again, in any format and language, offline."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from auditor import config as cfg
from auditor.fsio import modes_for
from auditor.model.documents import read_findings
from auditor.model.vocab import Lang, parse
from auditor.render import RenderOptions, parse_formats, sha256_file, with_report, write_reports
from auditor.render.dates import zone


def report_command(findings: Path, formats: str, *, lang: str | None = None, out: Path | None = None,
                   previous: Path | None = None, link: str | None = None, config: Path | None = None,
                   timezone: str | None = None, group_readable: bool = False) -> list[Path]:
    if timezone is not None:
        zone(timezone)  # refused before anything is read
    names = parse_formats(formats)
    loaded = cfg.load(config)
    modes = modes_for("group" if group_readable else loaded.output_mode)
    language = parse(Lang, lang, "--lang") if lang is not None else loaded.lang
    doc = read_findings(findings)
    options = with_report(RenderOptions(
        lang=language, findings_sha256=sha256_file(findings), generated_at=doc.run.finished or doc.run.started,
        previous=read_findings(previous) if previous is not None else None, report_link=link,
    ), loaded.report, dpf=loaded.dpf)
    if timezone is not None:
        options = replace(options, timezone=timezone)
    return write_reports(doc, names, out if out is not None else findings.parent, options, modes=modes)
