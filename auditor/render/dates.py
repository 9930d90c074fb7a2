"""Dates as a reader expects them: in her time zone, in her language ("7 décembre 2026 à 01:30")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from auditor.errors import ConfigError

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}


def zone(name: str) -> ZoneInfo:
    """The IANA time zone, or a ConfigError naming the option."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("cli.timezone", hint="hint.timezone-option", name=name) from None


def parse(iso: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _day(value: dt.datetime, lang: str) -> str:
    month = _MONTHS.get(lang, _MONTHS["en"])[value.month - 1]
    day = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return f"{day} {month} {value.year}"


def long(iso: str, lang: str, tz: str) -> str:
    """``2026-12-07T00:30:00Z`` -> ``7 décembre 2026 à 01:30`` (fr) / ``7 December 2026, 01:30 CET`` (en).

    A value that is not an ISO date is shown as it is.
    """
    value = parse(iso)
    if value is None:
        return iso
    local = value.astimezone(zone(tz))
    if lang == "fr":
        return f"{_day(local, lang)} à {local:%H:%M}"
    return f"{_day(local, lang)}, {local:%H:%M} {local.tzname()}"


def short(iso: str, lang: str, tz: str) -> str:
    """The day only: ``7 décembre 2026``."""
    value = parse(iso)
    return iso if value is None else _day(value.astimezone(zone(tz)), lang)
