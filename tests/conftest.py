"""Shared fixtures: a real, fresh database per test.

SQLite by default. With `MONITOR_TEST_POSTGRES_URL` set (a server URL, as printed by
`bash scripts/postgres.sh start`), every test gets its own new PostgreSQL database instead,
so the same suite runs against both backends.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from monitor.storage.db import open_database

POSTGRES_SERVER_ENV = "MONITOR_TEST_POSTGRES_URL"


@pytest.fixture
def database_url(tmp_path):
    """The URL of an empty database that only this test uses."""
    server = os.environ.get(POSTGRES_SERVER_ENV)
    if not server:
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def sessions(database_url):
    return open_database(database_url)
