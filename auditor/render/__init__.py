"""Stage 5: render a FindingsDoc in every output format (``--format``), from a registry.

Adding a format is one module with a ``RENDERER`` and one line in ``RENDERERS``. Every file is
written atomically; a report can be rendered again at any time from a saved ``findings.json``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from auditor.config import ReportInfo
from auditor.errors import ConfigError
from auditor.fsio import PRIVATE, Modes, modes_for, read_json, write_atomic
from auditor.model import codec, schema
from auditor.model.findings import FindingsDoc
from auditor.render import codequality, csvfmt, html, jsonfmt, junit, markdown, pdf, registers, sarif
from auditor.render.base import LANGS, Renderer, RenderOptions, TrendPoint

RENDERERS: dict[str, Renderer] = {
    r.name: r for r in (html.RENDERER, jsonfmt.RENDERER, sarif.RENDERER, junit.RENDERER, csvfmt.RENDERER,
                        markdown.RENDERER, registers.JSON_RENDERER, registers.ART30_RENDERER,
                        registers.MAP_RENDERER, pdf.RENDERER, codequality.RENDERER)
}

__all__ = ["LANGS", "RENDERERS", "RenderOptions", "Renderer", "TrendPoint", "load_findings", "parse_formats",
           "render_files", "render_to", "sha256_file"]


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """``"html,md"`` (or a list of such) -> ``("html", "md")``; unknown names are a ConfigError."""
    items = [value] if isinstance(value, str) else list(value)
    names: list[str] = []
    for item in items:
        for name in item.split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in RENDERERS:
                raise ConfigError(f"unknown format {name!r}", hint="choose among " + ", ".join(RENDERERS))
            reason = RENDERERS[name].unavailable()
            if reason:
                raise ConfigError(reason)
            if name not in names:
                names.append(name)
    if not names:
        raise ConfigError("no output format given", hint="choose among " + ", ".join(RENDERERS))
    return tuple(names)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_findings(path: Path) -> FindingsDoc:
    """Read and validate a saved ``findings.json`` (InputError with file and JSON path when it is wrong)."""
    data = read_json(path)
    schema.validate("findings", data, str(path))
    return codec.from_dict(FindingsDoc, data, "$")


def render_files(doc: FindingsDoc, formats: Sequence[str], out_dir: Path, options: RenderOptions,
                 modes: Modes = PRIVATE) -> list[Path]:
    """Write each format into ``out_dir`` under its default file name; return the paths written.

    When ``json`` is among the formats and no digest was given, the other reports show the SHA-256
    of the ``findings.json`` written here.
    """
    names = parse_formats(formats)
    rendered: dict[str, str | bytes] = {}
    if "json" in names:
        findings_json = str(RENDERERS["json"].render(doc, options))
        rendered["json"] = findings_json
        if options.findings_sha256 is None:
            digest = hashlib.sha256(findings_json.encode("utf-8")).hexdigest()
            options = replace(options, findings_sha256=digest)
    for name in names:
        if name not in rendered:
            rendered[name] = RENDERERS[name].render(doc, options)
    return [write_atomic(out_dir / RENDERERS[name].filename, rendered[name], modes) for name in names]


def render_to(doc: FindingsDoc, formats: Sequence[str], out: Path, options: RenderOptions,
              modes: Modes = PRIVATE) -> list[Path]:
    """``--out`` is a folder, or, for a single format, a file name (it has a suffix and is not a folder)."""
    names = parse_formats(formats)
    if out.is_dir() or not out.suffix:
        return render_files(doc, names, out, options, modes)
    if len(names) != 1:
        raise ConfigError(f"--out {out} is a file name, but {len(names)} formats were asked for",
                          hint="give a folder for several formats")
    return [write_atomic(out, RENDERERS[names[0]].render(doc, options), modes)]


def with_report(options: RenderOptions, info: ReportInfo, *, dpf: bool = False) -> RenderOptions:
    """The options with the ``report:`` configuration (organisation, scope, author, approver, time zone, CSV,
    declared transfer bases) and whether US transfers rest on the Data Privacy Framework."""
    return replace(options, organization=info.organization, scope_statement=info.scope, author=info.author,
                   approver=info.approver, timezone=info.timezone, csv_separator=info.csv_separator,
                   transfer_bases=dict(info.transfer_bases), dpf=dpf)


def report_command(findings: Path, formats: str, *, lang: str | None = None, out: Path | None = None,
                   previous: Path | None = None, link: str | None = None, config: Path | None = None,
                   timezone: str | None = None, group_readable: bool = False) -> list[Path]:
    """``auditor report``: render a saved findings.json again (any format, any language), offline."""
    from auditor import config as cfg
    from auditor.render.dates import zone

    if timezone is not None:
        zone(timezone)  # refused before anything is read

    names = parse_formats(formats)
    loaded = cfg.load(config)
    language = lang or loaded.lang
    modes = modes_for("group" if group_readable else loaded.output_mode)
    if language not in LANGS:
        raise ConfigError(f"--lang {language!r}: expected one of {', '.join(LANGS)}")
    doc = load_findings(findings)
    options = with_report(RenderOptions(
        lang=language, findings_sha256=sha256_file(findings), generated_at=doc.run.finished or doc.run.started,
        previous=load_findings(previous) if previous is not None else None, report_link=link,
    ), loaded.report, dpf=loaded.dpf)
    if timezone is not None:
        options = replace(options, timezone=timezone)
    return render_to(doc, names, out if out is not None else findings.parent, options, modes)
