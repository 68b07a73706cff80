"""Engine and session set-up, and schema upgrades through Alembic."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

LOGGER = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def default_database_url() -> str:
    """`MONITOR_DATABASE_URL`, else a SQLite file under `MONITOR_DATA_DIR` (default ./data)."""
    url = os.environ.get("MONITOR_DATABASE_URL")
    if url:
        return url
    data_dir = Path(os.environ.get("MONITOR_DATA_DIR", "data")).resolve()
    return f"sqlite:///{data_dir / 'monitor.sqlite'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the digest or web app read while a crawl writes; foreign keys are off by
    # default in SQLite; the busy timeout rides out a concurrent writer instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: `default_database_url()`); SQLite files get WAL mode."""
    url = url or default_database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` with the project's Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade_schema(engine: Engine, revision: str) -> None:
    """Take the database back to `revision` (e.g. 'base')."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def open_database(url: str | None = None) -> sessionmaker[Session]:
    """Engine + up-to-date schema + session factory: what every command needs."""
    engine = make_engine(url)
    upgrade_schema(engine)
    return sessionmaker(engine, expire_on_commit=False)
