"""Stage 5: render a FindingsDoc in every output format (``--format``), from a registry.

Adding a format is one module with a ``RENDERER``, one line in ``RENDERERS`` and its name in
:class:`auditor.model.vocab.OutputFormat` (a test keeps the two equal). :func:`parse_formats` is
the one check of format names; :func:`write_reports` the one writer of outputs: each file is
rendered while it is written (``findings.json`` streamed piece by piece, then the others one at a
time), atomically, as a whole set when the caller names the files it owns
(:func:`auditor.fsio.write_set`); :func:`render_set` renders a set in memory.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from auditor.config import ReportInfo
from auditor.errors import ConfigError
from auditor.fsio import PRIVATE, Content, Modes, Streamed, write_atomic, write_set
from auditor.model import vocab
from auditor.model.findings import FindingsDoc
from auditor.model.vocab import OutputFormat
from auditor.render.base import LANGS, Renderer, RenderOptions, TrendPoint

# format name -> (module of auditor.render, its Renderer); a module is imported when its format is first
# used, so checking --format or scanning does not load jinja2 and the templates
_WHERE: dict[str, tuple[str, str]] = {
    "html": ("html", "RENDERER"), "json": ("jsonfmt", "RENDERER"), "sarif": ("sarif", "RENDERER"),
    "junit": ("junit", "RENDERER"), "csv": ("csvfmt", "RENDERER"), "md": ("markdown", "RENDERER"),
    "registers": ("registers", "JSON_RENDERER"), "art30": ("registers", "ART30_RENDERER"),
    "transfer-map": ("registers", "MAP_RENDERER"), "pdf": ("pdf", "RENDERER"),
    "codequality": ("codequality", "RENDERER"),
}
OPTIONAL = frozenset({"pdf"})  # the formats needing an optional extra: the only ones whose check imports them


class _Registry(Mapping[str, Renderer]):
    def __getitem__(self, name: str) -> Renderer:
        module, attr = _WHERE[name]
        renderer: Renderer = getattr(importlib.import_module(f"auditor.render.{module}"), attr)
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(_WHERE)

    def __len__(self) -> int:
        return len(_WHERE)


RENDERERS: Mapping[str, Renderer] = _Registry()

__all__ = ["LANGS", "RENDERERS", "RenderOptions", "Renderer", "TrendPoint", "parse_formats", "render_files",
           "render_set", "render_to", "sha256_file", "with_report", "write_reports"]


def parse_formats(value: str | Iterable[str], option: str = "--format") -> tuple[OutputFormat, ...]:
    """The one format check: names of the vocabulary, in order, once each, that can be written here
    (a format needing an optional extra that is not installed is refused before anything runs)."""
    names = vocab.parse_formats(value, option)
    for name in names:
        reason = RENDERERS[name].unavailable() if name in OPTIONAL else None
        if reason:
            raise reason
    return names


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_set(doc: FindingsDoc, formats: str | Iterable[str], options: RenderOptions) -> dict[str, str | bytes]:
    """Every format rendered in memory, by file name. When ``json`` is among the formats and no digest was
    given, the other reports show the SHA-256 of that ``findings.json``."""
    names = parse_formats(formats)
    rendered: dict[str, str | bytes] = {}
    if OutputFormat.JSON in names:
        findings_json = str(RENDERERS[OutputFormat.JSON].render(doc, options))
        rendered[OutputFormat.JSON] = findings_json
        if options.findings_sha256 is None:
            options = replace(options, findings_sha256=hashlib.sha256(findings_json.encode("utf-8")).hexdigest())
    for name in names:
        if name not in rendered:
            rendered[name] = RENDERERS[name].render(doc, options)
    return {RENDERERS[name].filename: rendered[name] for name in names}


def _streamed_set(doc: FindingsDoc, names: Sequence[OutputFormat], options: RenderOptions) -> dict[str, Content]:
    """:func:`render_set`'s files, each made while it is written (one at a time, each freed once written):
    ``findings.json`` first, streamed and hashed as it goes, so the other reports can show its SHA-256."""
    from auditor.render import jsonfmt

    digest: list[RenderOptions] = [options]
    files: dict[str, Content] = {}
    if OutputFormat.JSON in names:
        def findings_json() -> Iterator[str]:
            sha = hashlib.sha256()
            for piece in jsonfmt.encode(doc):
                sha.update(piece.encode("utf-8"))
                yield piece
            if options.findings_sha256 is None:
                digest[0] = replace(options, findings_sha256=sha.hexdigest())

        files[RENDERERS[OutputFormat.JSON].filename] = Streamed(findings_json)
    def report(name: OutputFormat) -> Streamed:
        return Streamed(lambda: RENDERERS[name].render(doc, digest[0]))

    for name in names:
        if name != OutputFormat.JSON:
            files[RENDERERS[name].filename] = report(name)
    return files


def write_reports(doc: FindingsDoc, formats: str | Iterable[str], out: Path, options: RenderOptions, *,
                  extra: Mapping[str, Content] | None = None, modes: Modes = PRIVATE,
                  owned: Iterable[str] | None = None) -> list[Path]:
    """Render, then write; return the paths written.

    ``out`` is a folder (each format under its default file name, plus ``extra`` files such as
    ``inventory.json``; with ``owned``, the folder's set is swapped as a whole), or, for a single
    format, a file name (it has a suffix and is not a folder).
    """
    names = parse_formats(formats)
    if out.is_dir() or not out.suffix:
        files = {**(extra or {}), **_streamed_set(doc, names, options)}
        if owned is not None:
            return write_set(out, files, modes, set(owned))
        return [write_atomic(out / file, content, modes) for file, content in files.items()]
    if len(names) != 1 or extra:
        raise ConfigError("cli.out-file", hint="hint.out-folder", out=out, n=len(names))
    return [write_atomic(out, RENDERERS[names[0]].render(doc, options), modes)]


def render_files(doc: FindingsDoc, formats: Sequence[str], out_dir: Path, options: RenderOptions,
                 modes: Modes = PRIVATE) -> list[Path]:
    """:func:`write_reports` into a folder."""
    return write_reports(doc, formats, out_dir, options, modes=modes)


def render_to(doc: FindingsDoc, formats: Sequence[str], out: Path, options: RenderOptions,
              modes: Modes = PRIVATE) -> list[Path]:
    """:func:`write_reports` into a folder or, for one format, a file."""
    return write_reports(doc, formats, out, options, modes=modes)


def with_report(options: RenderOptions, info: ReportInfo, *, dpf: bool = False) -> RenderOptions:
    """The options with the ``report:`` configuration (organisation, scope, author, approver, time zone, CSV,
    declared transfer bases) and whether US transfers rest on the Data Privacy Framework."""
    return replace(options, organization=info.organization, scope_statement=info.scope, author=info.author,
                   approver=info.approver, timezone=info.timezone, csv_separator=info.csv_separator,
                   transfer_bases=dict(info.transfer_bases), dpf=dpf)
