"""The language the CLI prints an error in, found even when the error came before the run knew it.

``--lang`` on the command line first (an unreadable configuration is still reported in French with
``--lang fr``), else ``lang:`` of the configuration (``--config``/``-c``, or ``./auditor.yaml``), else
English. Runs only when an error is printed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from auditor.errors import AuditorError

LANGS = ("en", "fr")


def _option(argv: Sequence[str], *names: str) -> str | None:
    """The value of the last ``--name VALUE`` or ``--name=VALUE`` before a ``--``."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        for name in names:
            if arg == name and i + 1 < len(argv):
                found = argv[i + 1]
            elif arg.startswith(name + "=") and name.startswith("--"):
                found = arg[len(name) + 1:]
    return found


def language(argv: Sequence[str]) -> str:
    """``en`` or ``fr``: what ``argv`` (the command line, without the program) asks for errors."""
    asked = _option(argv, "--lang")
    if asked is not None:
        return asked.strip().lower() if asked.strip().lower() in LANGS else "en"
    config = _option(argv, "--config", "-c")
    try:
        from auditor import config as cfg

        return str(cfg.load(Path(config) if config else None).lang.value)
    except (AuditorError, OSError, ValueError):  # the configuration is what is wrong: say so in English
        return "en"


def report(exc: AuditorError | OSError, argv: Sequence[str]) -> int:
    """Print ``exc`` as one line on stderr in the language ``argv`` asks for; the exit code (2, or 3 for a cloud)."""
    from auditor.safetext import one_line

    lang = language(argv)
    if isinstance(exc, AuditorError):
        print(one_line(error_line(exc, lang)), file=sys.stderr)
        return exc.exit_code
    print(one_line(os_error_line(exc, lang)), file=sys.stderr)
    return 2


def error_line(exc: AuditorError, lang: str) -> str:
    """``error: file:line: message (hint)``, in ``lang`` (``erreur : …`` in French)."""
    from auditor.errors.render import PREFIX, colon

    return f"{PREFIX.get(lang, PREFIX['en'])}{colon(lang)} {exc.one_line(lang)}"


def os_error_line(exc: OSError, lang: str) -> str:
    """The line for an error of the operating system (full disk, read-only, permission), in ``lang``."""
    from auditor.errors.render import PREFIX, colon, os_reason

    where = f"{exc.filename}{colon(lang)} " if exc.filename else ""
    return f"{PREFIX.get(lang, PREFIX['en'])}{colon(lang)} {where}{os_reason(exc, lang)}"
