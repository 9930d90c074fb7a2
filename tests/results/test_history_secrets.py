"""A PostgreSQL password never reaches a message, in any form it is given; a libpq key=value
connection string is a PostgreSQL history (never a SQLite file named after the password)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor import dsn
from auditor.demo.sample import sample_inventory
from auditor.model.codec import to_dict
from tests.reliability.conftest import run_cli
from tests.results.conftest import _postgres_database

SECRET = "hunter2-Pa55"
NO_SERVER = "/nonexistent-socket-dir"  # libpq fails at once: no server there
FORMS = [
    f"postgresql://auditor:{SECRET}@/audit?host={NO_SERVER}",
    f"postgresql://auditor@/audit?host={NO_SERVER}&password={SECRET}",
    f"postgres://auditor@/audit?password={SECRET}&host={NO_SERVER}",
    f"host={NO_SERVER} user=auditor password={SECRET} dbname=audit",
    f"host={NO_SERVER} dbname=audit password = '{SECRET} with space' user=auditor",
    f"dbname=audit sslpassword={SECRET} host={NO_SERVER}",
    f"host={NO_SERVER} password='{SECRET}",  # unterminated quote: libpq refuses to parse it
]


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inv") / "inventory.json"
    path.write_text(json.dumps(to_dict(sample_inventory()), ensure_ascii=False), "utf-8")
    return path


@pytest.mark.parametrize("target", FORMS)
def test_display_masks_every_form(target: str) -> None:
    assert dsn.is_postgres(target)
    assert SECRET not in dsn.display(target)
    assert "***" in dsn.display(target)
    assert SECRET not in dsn.mask(f"connection failed: {target}", target)
    assert dsn.secrets_in(target)  # what a driver could echo on its own is masked too


def test_a_sqlite_file_name_is_not_a_connection_string() -> None:
    for path in ("audit-history.db", "runs=2026.db", "/srv/audit/host.db", "./password.db"):
        assert not dsn.is_postgres(path)


@pytest.mark.parametrize("target", FORMS)
def test_the_password_is_in_no_error_message(target: str, tmp_path: Path, inventory: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["history", "--db", target],
                 ["evaluate", str(inventory), "--out", "out", "--quiet", "--history", target]):
        result = run_cli(args)
        assert result.code == 2, result
        assert SECRET not in result.out + result.err
        assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no SQLite file named after the password, no output


@pytest.mark.parametrize("value", [{"password": SECRET}, [f"postgresql://u:{SECRET}@h/db"], 1234])
def test_a_history_value_of_the_wrong_type_is_not_echoed(value: object, tmp_path: Path) -> None:
    config = tmp_path / "auditor.yaml"
    config.write_text("profile: hds\nhistory: " + json.dumps(value) + "\n")
    result = run_cli(["history", "--config", str(config)])
    assert result.code == 2
    assert f"{config}:2" in result.err and "history" in result.err
    assert SECRET not in result.err and "1234" not in result.err


@pytest.fixture
def keyword_target() -> Iterator[str]:
    """A fresh database on the test server, as a libpq key=value string (with a password the server ignores)."""
    for url in _postgres_database():
        import psycopg.conninfo

        params = psycopg.conninfo.conninfo_to_dict(url)
        params["password"] = f"{SECRET} quoted"
        yield psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})


def test_a_keyword_value_connection_string_is_a_postgres_history(keyword_target: str, tmp_path: Path,
                                                                 inventory: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "auditor.yaml"
    config.write_text("history: " + json.dumps(keyword_target) + "\n")
    for night in range(2):
        if night:  # two identical runs started in the same second are one run (see History.record)
            time.sleep(1.05 - time.time() % 1)
        result = run_cli(["evaluate", str(inventory), "--out", "out", "--quiet", "--history", keyword_target])
        assert result.code in (1, 3), result.err
    listed = run_cli(["history", "--config", str(config), "--json"])
    assert listed.code == 0, listed.err
    assert len(json.loads(listed.out)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["auditor.yaml", "out"]  # nothing taken as a file
    assert SECRET not in listed.out + listed.err


def test_the_recommended_way_is_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    text = (root / "docs" / "history.md").read_text("utf-8") + (root / "SECURITY.md").read_text("utf-8")
    for name in ("PGPASSWORD", ".pgpass", "PGSERVICE"):
        assert name in text, name
    assert os.sep  # (docs are checked by name only: their wording is free)
