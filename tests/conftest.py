"""Shared fixtures: a real database per test (SQLite file by default)."""

from __future__ import annotations

import os

import pytest

from monitor.storage.db import open_database


@pytest.fixture
def database_url(tmp_path) -> str:
    """A fresh database: `MONITOR_TEST_DATABASE_URL` if set (e.g. PostgreSQL), else SQLite."""
    return os.environ.get("MONITOR_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def sessions(database_url):
    return open_database(database_url)
