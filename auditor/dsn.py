"""PostgreSQL connection strings: recognised in both libpq forms, and never shown with their password.

libpq (and so psycopg) accepts a URI (``postgresql://user:pw@host/db?sslmode=require&password=pw``)
or a keyword/value string (``host=db.example dbname=audit user=auditor password='p w'``). Both
are a PostgreSQL history; anything else is a SQLite file. The recommended way to give a password
is none of these: ``PGPASSWORD``, a ``~/.pgpass`` file (``PGPASSFILE``) or a ``PGSERVICE`` entry
of ``pg_service.conf``, which libpq reads itself (docs/history.md).

:func:`display` is the only form of a connection string any message carries.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

MASK = "***"
SCHEMES = ("postgresql://", "postgres://")
# libpq connection keywords (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS,
# checked 2026-12-07); a string starting with one of them and "=" is a keyword/value connection string.
KEYWORDS = (
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth", "channel_binding",
    "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
    "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
    "replication", "gssencmode", "sslmode", "requiressl", "sslnegotiation", "sslcompression", "sslcert",
    "sslkey", "sslkeylogfile", "sslpassword", "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir", "sslsni",
    "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib",
    "gssdelegation", "service", "target_session_attrs", "load_balance_hosts", "servicefile",
)
SECRET_KEYS = ("password", "sslpassword")
_KEYWORD_START = re.compile(r"^\s*(?:" + "|".join(KEYWORDS) + r")\s*=")
# password=value in a keyword string or a URI query: a quoted value (with \' and \\ escapes) or a bare word
_SECRET_VALUE = re.compile(r"(?i)\b((?:ssl)?password\s*=\s*)('(?:\\.|[^'\\])*'?|[^\s&]*)")


def is_uri(target: object) -> bool:
    return isinstance(target, str) and target.strip().lower().startswith(SCHEMES)


def is_keywords(target: object) -> bool:
    return isinstance(target, str) and _KEYWORD_START.match(target) is not None


def is_postgres(target: object) -> bool:
    """A ``postgresql://`` URI or a libpq ``key=value`` string (never to be taken as a file name)."""
    return is_uri(target) or is_keywords(target)


def display(target: object) -> str:
    """The connection string with every password (user part, ``password=`` anywhere) replaced by ``***``."""
    text = str(target)
    if is_uri(text):
        try:
            parts = urlsplit(text.strip())
            if parts.password is not None:
                user, _, host = parts.netloc.rpartition("@")
                text = urlunsplit(parts._replace(netloc=f"{user.partition(':')[0]}:{MASK}@{host}"))
        except ValueError:  # an unparsable URI (bad port, bracket): hide the whole user part
            text = re.sub(r"(?<=://)[^/@]*@", f"{MASK}@", text)
    return _SECRET_VALUE.sub(lambda m: m.group(1) + MASK, text)


def secrets_in(target: object) -> tuple[str, ...]:
    """Every password the string carries, in the forms a driver may echo (raw and decoded)."""
    text = str(target)
    found: list[str] = []
    if is_uri(text):
        try:
            parts = urlsplit(text.strip())
            userinfo = parts.netloc.rpartition("@")[0]
            if ":" in userinfo:
                raw = userinfo.partition(":")[2]
                found += [raw, unquote(raw)]
            found += [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() in SECRET_KEYS]
        except ValueError:  # not a URI: its key=value secrets are found just below
            pass
    for match in _SECRET_VALUE.finditer(text):
        value = match.group(2)
        found += [value, value.strip("'").replace("\\'", "'").replace("\\\\", "\\")]
    return tuple(sorted({s for s in found if s}, key=len, reverse=True))


def mask(message: str, target: object) -> str:
    """``message`` (e.g. a driver's error) without any password of ``target``."""
    for secret in secrets_in(target):
        message = message.replace(secret, MASK)
    return display(message) if "password" in message.lower() else message
