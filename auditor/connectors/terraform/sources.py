"""Plan address -> ``path/to/file.tf:LINE`` of its ``resource "TYPE" "NAME"`` block.

Plan JSON carries no source positions. With the repository root, the module tree of the
plan's ``configuration`` tells which directory holds each module: local sources
(``./modules/x``) relative to the calling module, registry/git modules through Terraform's
own manifest ``.terraform/modules/modules.json``. Each directory's ``*.tf`` files are scanned
once for block headers. Nothing found -> ``None`` (the report then points at the plan).

Paths are shown relative to the *repository* root (``infra/storage.tf``, what code-scanning
annotations and merge-request widgets need), not to ``repo_root`` (the Terraform root module):
the repository root is given (``base``) or found by looking for ``.git`` from ``repo_root``
upwards; without one, ``repo_root`` itself is the base.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from auditor.connectors.terraform.document import Plan
from auditor.connectors.terraform.hcl_lines import Block, parse
from auditor.connectors.terraform.resolve import Entry
from auditor.connectors.terraform.values import parent_module, strip_keys

_BLOCK = re.compile(r'^\s*resource\s+"([A-Za-z0-9_-]+)"\s+"([A-Za-z0-9_-]+)"\s*\{?')
_MAX_FILE_BYTES = 8 * 1024 * 1024


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder, or a file for worktrees)."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


class SourceFile:
    """One parsed ``.tf`` file: its path as shown, its lines and its top-level blocks."""

    def __init__(self, shown: str, lines: list[str]) -> None:
        self.shown = shown
        self.lines = lines
        self.blocks = parse(lines)

    def at(self, line: int) -> str:
        return f"{self.shown}:{line}"


class SourceIndex:
    def __init__(self, plan: Plan, repo_root: Path, base: Path | None = None) -> None:
        self.plan = plan
        self.root = repo_root.resolve()
        self.base = base.resolve() if base is not None else (repository_root(self.root) or self.root)
        self._dirs: dict[str, Path | None] = {"": self.root}
        self._blocks: dict[Path, dict[tuple[str, str], str]] = {}
        self._files: dict[Path, list[SourceFile]] = {}
        self._resources: dict[Path, dict[tuple[str, str], tuple[SourceFile, Block]]] = {}
        self._manifest = self._read_manifest()

    def locate(self, entry: Entry) -> str | None:
        directory = self._module_dir(strip_keys(entry.module))
        if directory is None:
            return None
        return self._scan(directory).get((entry.type, entry.name))

    def resource_block(self, module: str, rtype: str, name: str) -> tuple[SourceFile, Block] | None:
        """The ``resource "TYPE" "NAME"`` block of a module (configuration path, no instance keys)."""
        directory = self._module_dir(module)
        if directory is None:
            return None
        self._scan(directory)
        return self._resources[directory].get((rtype, name))

    def files(self, module: str) -> list[SourceFile]:
        """Every parsed ``.tf`` file of a module (configuration path), in name order."""
        directory = self._module_dir(module)
        if directory is None:
            return []
        self._scan(directory)
        return self._files[directory]

    def text_files(self, module: str, pattern: str) -> list[SourceFile]:
        """Other files of a module's folder (``*.tfvars``), parsed the same way."""
        directory = self._module_dir(module)
        if directory is None:
            return []
        out = []
        for file in sorted(directory.glob(pattern)):
            try:
                if file.stat().st_size > _MAX_FILE_BYTES:
                    continue
                out.append(SourceFile(self._shown(file), file.read_text(encoding="utf-8", errors="replace")
                                      .splitlines()))
            except OSError:
                continue
        return out

    def _module_dir(self, module: str) -> Path | None:
        if module in self._dirs:
            return self._dirs[module]
        found: Path | None = None
        key = ".".join(part for i, part in enumerate(module.split(".")) if i % 2 == 1)
        info = self.plan.modules.get(module)
        source = info.source if info is not None else None
        if source is not None and source.startswith(("./", "../")):
            parent = self._module_dir(parent_module(module))
            found = (parent / source).resolve() if parent is not None else None
        elif key in self._manifest:
            found = (self.root / self._manifest[key]).resolve()
        if found is not None and not found.is_dir():
            found = None
        self._dirs[module] = found
        return found

    def _read_manifest(self) -> dict[str, str]:
        path = self.root / ".terraform" / "modules" / "modules.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        modules = data.get("Modules") if isinstance(data, dict) else None
        out: dict[str, str] = {}
        for item in modules if isinstance(modules, list) else []:
            if isinstance(item, dict) and isinstance(item.get("Key"), str) and isinstance(item.get("Dir"), str):
                out[item["Key"]] = item["Dir"]
        return out

    def _scan(self, directory: Path) -> dict[tuple[str, str], str]:
        cached = self._blocks.get(directory)
        if cached is not None:
            return cached
        blocks: dict[tuple[str, str], str] = {}
        files: list[SourceFile] = []
        resources: dict[tuple[str, str], tuple[SourceFile, Block]] = {}
        for file in sorted(directory.glob("*.tf")):
            try:
                if file.stat().st_size > _MAX_FILE_BYTES:
                    continue
                lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            shown = self._shown(file)
            for number, line in enumerate(lines, start=1):
                match = _BLOCK.match(line)
                if match is not None:
                    blocks.setdefault((match.group(1), match.group(2)), f"{shown}:{number}")
            parsed = SourceFile(shown, lines)
            files.append(parsed)
            for block in parsed.blocks:
                if block.type == "resource" and len(block.labels) == 2:
                    resources.setdefault((block.labels[0], block.labels[1]), (parsed, block))
        self._blocks[directory] = blocks
        self._files[directory] = files
        self._resources[directory] = resources
        return blocks

    def _shown(self, file: Path) -> str:
        """The path as a report shows it: relative to the repository root, with ``/``."""
        try:
            return file.relative_to(self.base).as_posix()
        except ValueError:
            return Path(os.path.relpath(file, self.base)).as_posix()


_ADDRESS = re.compile(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"')


class PlanLines:
    """Plan address -> ``plan.json:LINE`` of its entry in ``resource_changes`` (where the
    report points when the ``.tf`` source is not known)."""

    def __init__(self, path: Path, text: str | None = None) -> None:
        self.path = path
        self._text = text  # the decoded plan (it may have been UTF-16 on disk)
        self._lines: dict[str, int] | None = None

    def locate(self, address: str) -> str | None:
        if self._lines is None:
            self._lines = self._index()
        line = self._lines.get(address)
        return None if line is None else f"{self.path}:{line}"

    def _index(self) -> dict[str, int]:
        text = self._text
        if text is None:
            try:
                text = self.path.read_text(encoding="utf-8-sig")
            except (OSError, ValueError):
                return {}
        start = text.find('"resource_changes"')
        if start < 0:
            return {}
        lines: dict[str, int] = {}
        line, pos = text.count("\n", 0, start) + 1, start
        for match in _ADDRESS.finditer(text, start):
            line += text.count("\n", pos, match.start())
            pos = match.start()
            try:
                address = json.loads(f'"{match.group(1)}"')
            except ValueError:
                continue
            lines.setdefault(address, line)
        return lines
