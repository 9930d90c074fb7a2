"""Translation catalogs (``reports/i18n/<lang>.yaml``): flat ``key: text`` maps, ``{name}`` placeholders.

Both catalogs carry exactly the same keys (a test holds that). Catalog texts are ours, so they are
trusted markup; the values put into their placeholders are not, and are escaped by the caller's
escape function (HTML or Markdown).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import yaml
from markupsafe import Markup, escape

from auditor.errors import ConfigError
from auditor.fsio import shipped
from auditor.render.base import LANGS, typography


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ConfigError("cli.lang", lang=lang, known=", ".join(LANGS))
    path = shipped("reports") / "i18n" / f"{lang}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict):
        raise ConfigError("config.i18n-not-mapping", location=str(path))
    return {str(k): typography(str(v), lang) for k, v in data.items()}


class Translator:
    """``t("verdict.compliant")`` or ``t("since.new", n=3)``: catalog text as trusted markup."""

    def __init__(self, lang: str, escape_param: Callable[[Any], str] = escape) -> None:
        self.lang = lang
        self._texts = catalog(lang)
        self._escape = escape_param
        self._plain: dict[str, Markup] = {}

    def __call__(self, key: str, **params: Any) -> Markup:
        if not params and key in self._plain:
            return self._plain[key]
        text = self._texts.get(key)
        if text is None:
            raise KeyError(f"translation key {key!r} missing from the {self.lang} catalog")
        if not params:
            self._plain[key] = Markup(text)  # noqa: S704 - our own catalog text, never cloud data
            return self._plain[key]
        safe = {name: Markup(self._escape(value)) for name, value in params.items()}  # noqa: S704
        return Markup(text.format(**safe))  # noqa: S704 - placeholders were escaped just above

    def has(self, key: str) -> bool:
        return key in self._texts
