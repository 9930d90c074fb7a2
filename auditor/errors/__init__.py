"""The one small exception hierarchy the CLI turns into a one-line message and an exit code.

An error carries a key of the error catalog (:mod:`auditor.errors.texts`) and the values of its
placeholders, so the CLI prints it in the run's language (``--lang``)::

    raise ConfigError("config.unknown-profile", name=name, known=known)

A first argument that is not a catalog key is shown as it is (in every language). Anything that is
not an ``AuditorError`` is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

from auditor.safetext import one_line


class AuditorError(Exception):
    """A problem the user can fix; ``location`` is ``file:line`` when known.

    ``hint`` is a catalog key too (it shares the error's values), or a text shown as it is.
    """

    exit_code = 2

    def __init__(self, key: str, /, *, location: str | None = None, hint: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.location = location
        self.hint_key = hint

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.key, self.location, self.hint_key, self.params))

    def at(self, where: str) -> AuditorError:
        """The same error, its location prefixed with ``where`` (e.g. the provider it came from)."""
        location = where if self.location is None else f"{where}: {self.location}"
        return type(self)(self.key, location=location, hint=self.hint_key, **self.params)

    def __str__(self) -> str:
        return self.message

    @property
    def hint(self) -> str | None:
        """The hint in English, or None."""
        return self.hint_text("en")

    def hint_text(self, lang: str = "en") -> str | None:
        from auditor.errors.render import render

        return None if self.hint_key is None else render(self.hint_key, self.params, lang)

    @property
    def message(self) -> str:
        """The message in English (no location, no hint)."""
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English when the catalog has no such language)."""
        from auditor.errors.render import render

        return render(self.key, self.params, lang)

    def one_line(self, lang: str = "en") -> str:
        """``location: message (hint)`` in ``lang``, on one line."""
        from auditor.errors.render import colon

        text = self.text(lang)
        if self.location is not None:
            text = f"{self.location}{colon(lang)} {text}"
        hint = self.hint_text(lang)
        if hint:
            text = f"{text} ({hint})"
        return one_line(text)


def _rebuild(cls: type[AuditorError], key: str, location: str | None, hint: str | None,
             params: dict[str, Any]) -> AuditorError:
    return cls(key, location=location, hint=hint, **params)


class ConfigError(AuditorError):
    """auditor.yaml, command-line options or profiles are wrong."""


class PolicyError(AuditorError):
    """A policy, framework or waiver file is wrong."""


class InputError(AuditorError):
    """An input file (inventory, findings, plan) is unreadable or malformed."""


class OutputError(AuditorError):
    """The output folder, a report or the history cannot be written (full disk, read-only, permissions)."""


class ConnectorError(AuditorError):
    """A cloud could not be reached at all (no credentials, endpoint down).

    Partial failures are not errors: they become coverage gaps.
    """

    exit_code = 3
