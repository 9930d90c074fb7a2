"""The command line: parse options, call the pipeline, turn AuditorError into one line + exit code.

No logic lives here, and little is loaded: the commands are declared in ``auditor/commands/``
(``audit``: demo, scan, plan, evaluate, merge; ``saved``: report, history, diff; ``info``:
regions, permissions, version; ``pack``: policies; ``catalog``; ``evidence``: sign, verify) and
each is built (its options read by typer) only when it runs. ``auditor --help`` lists them from
their docstrings; ``auditor --version`` answers before typer is imported.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from auditor import __version__
from auditor.errors import AuditorError

# name -> "module:attribute": a function (one command) or a typer.Typer (a group), in the order --help lists them.
COMMANDS = {
    "sign": "auditor.commands.evidence:sign_cmd",
    "verify": "auditor.commands.evidence:verify_cmd",
    "demo": "auditor.commands.audit:demo",
    "scan": "auditor.commands.audit:scan",
    "plan": "auditor.commands.audit:plan_cmd",
    "evaluate": "auditor.commands.audit:evaluate_cmd",
    "report": "auditor.commands.saved:report",
    "regions": "auditor.commands.info:regions",
    "catalog": "auditor.commands.catalog:catalog_command",
    "permissions": "auditor.commands.info:permissions",
    "history": "auditor.commands.saved:history_cmd",
    "diff": "auditor.commands.saved:diff_cmd",
    "merge": "auditor.commands.audit:merge_cmd",
    "version": "auditor.commands.info:version",
    "policies": "auditor.commands.pack:app",
}
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


def _target(name: str) -> Any:
    module, _, attribute = COMMANDS[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def _build(name: str) -> Any:
    """The click command of ``name``: typer reads its options now, not at start-up."""
    target = _target(name)
    if isinstance(target, typer.Typer):
        return _plain_values(typer.main.get_command(target))
    single = typer.Typer(add_completion=False, rich_markup_mode=None, context_settings=HELP_OPTIONS)
    single.command(name)(target)
    return _plain_values(typer.main.get_command(single))


# typer (0.29) converts every option's value with a pydantic validator, built when the command runs:
# importing pydantic and building them costs ~0.1-0.2 s of CPU before a command does anything. Our
# options are plain text, paths, whole numbers and lists of those, with none of typer's checks; their
# values are converted here the way typer converts them, and anything else (another type, a check, a
# value that is not plainly valid, such as "12x" for a number) goes to typer's own validator, which
# converts it or words the error as always (tests/test_cli_startup.py compares both on every option).
_PLAIN = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False, "readable": True,
          "resolve_path": False, "allow_dash": False, "path_type": None, "min": None, "max": None,
          "clamp": False, "parser": None}
_KINDS: dict[Any, str] = {str: "str", Path: "path", int: "int", bool: "bool", list[str]: "strs", list[Path]: "paths"}


class _Plain:
    """The value of one option, converted as typer converts it, or by typer itself when in doubt."""

    def __init__(self, param: Any, kind: str) -> None:
        self.param, self.kind = param, kind

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return () if param.multiple or param.nargs == -1 else None
        try:
            return self._convert(value)
        except ValueError:  # typer's validator decides, with its own words
            self.param._runtime_param = None
            return self.param.get_runtime_param().coerce(value, param=param, ctx=ctx)

    def _convert(self, value: Any) -> Any:
        if self.kind in ("strs", "paths"):
            if not isinstance(value, (list, tuple)):
                raise ValueError(value)
            return [self._one(item, self.kind[:-1]) for item in value]
        return self._one(value, self.kind)

    @staticmethod
    def _one(value: Any, kind: str) -> Any:
        if kind == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.isascii() and value.isdigit():
                return int(value)
        elif (kind == "str" and isinstance(value, str)) or (kind == "bool" and isinstance(value, bool)):
            return value
        elif kind == "path" and isinstance(value, (str, Path)):
            if os.path.exists(value) and not os.access(value, os.R_OK):
                raise ValueError(value)  # typer refuses an unreadable path: its message
            return Path(value)
        raise ValueError(value)


def _plain(param: Any) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    info = getattr(descriptor, "parameter_info", None)
    annotation: Any = getattr(descriptor, "annotation", None)
    kind = _KINDS.get(annotation) if isinstance(annotation, type) or annotation in _KINDS else None
    if (kind is not None and getattr(param, "_runtime_param", False) is None
            and getattr(descriptor, "file_annotation", True) is None
            and all(getattr(info, k, object()) == v for k, v in _PLAIN.items())):
        param._runtime_param = _Plain(param, kind)
    return param


def _plain_params(command: Any) -> None:
    """Give ``command``'s plain options, its ``--help`` included (made when first asked for), the conversion above."""
    for param in getattr(command, "params", ()):
        _plain(param)
    made = getattr(command, "get_help_option", None)
    if made is not None:
        command.get_help_option = lambda ctx: None if (option := made(ctx)) is None else _plain(option)


def _plain_values(command: Any) -> Any:
    """:func:`_plain_params` for ``command`` and its subcommands."""
    _plain_params(command)
    for sub in getattr(command, "commands", {}).values():
        _plain_values(sub)
    return command


def _summary(name: str) -> str | None:
    """A command's help as written (the group's ``help=``, else the function's docstring), unbuilt."""
    target = _target(name)
    return target.info.help if isinstance(target, typer.Typer) else inspect.getdoc(target)


class _Lazy(MutableMapping[str, Any]):
    """The root group's commands: every name known at once, each built when first looked up."""

    def __init__(self, built: MutableMapping[str, Any]) -> None:
        self.built = dict(built)

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            if name not in COMMANDS:
                raise KeyError(name)
            self.built[name] = _build(name)
        return self.built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        del self.built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*COMMANDS, *self.built]))

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self.built))


class LazyGroup(TyperGroup):
    """typer's group, with commands built on demand; ``--help`` reads each one's summary without building it."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Lazy(self.commands)
        _plain_params(self)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        shown = {name: TyperCommand(name, help=_summary(name), rich_markup_mode=None) for name in self.commands}
        limit = formatter.width - 6 - max(len(name) for name in shown)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in shown.items()])


app = typer.Typer(
    name="auditor",
    cls=LazyGroup,
    help=(
        "Where does each health dataset live (primary, replicas, backups, keys), under which jurisdiction, "
        "and who can reach it? Audits AWS, Azure and Terraform plans against GDPR, HDS and SecNumCloud "
        "profiles. Exit codes: 0 compliant at --fail-on, 1 findings, 2 bad input, 3 incomplete."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=HELP_OPTIONS,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"sovereign-auditor {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_show_version, is_eager=True, help="Print the tool version and exit.")] = False,
          ) -> None:
    """Where does each health dataset live, under which jurisdiction, and who can reach it?"""


def main() -> None:
    try:
        app()
    except (AuditorError, OSError) as exc:  # OSError: the system refused (full disk, read-only, permission)
        from auditor.errors.lang import report  # one line, in the run's language (--lang, else the configuration's)

        sys.exit(report(exc, sys.argv[1:]))

