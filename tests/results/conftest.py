"""Run-store tests run on SQLite and on a real PostgreSQL server.

PostgreSQL: ``AUDITOR_TEST_POSTGRES_URL`` names a server where the tests may create databases
(``.ci/run`` starts a throwaway one and exports it). Each test gets a fresh database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from auditor.demo.sample import sample_inventory
from auditor.engine.pack import PolicyPack, load_pack
from auditor.model.inventory import Inventory

POSTGRES_ENV = "AUDITOR_TEST_POSTGRES_URL"
NO_POSTGRES = f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against (.ci/run starts one)"


@pytest.fixture(scope="session")
def pack() -> PolicyPack:
    return load_pack(())


@pytest.fixture
def estate() -> Inventory:
    return sample_inventory()


def _postgres_database() -> Iterator[str]:
    admin = os.environ.get(POSTGRES_ENV)
    if not admin:
        pytest.skip(NO_POSTGRES)
    import psycopg

    name = f"auditor_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    """Where a test's run store lives: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield tmp_path / "audit-history.db"
    else:
        yield from _postgres_database()
