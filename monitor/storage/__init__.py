"""Persistence: SQLAlchemy models, engine set-up, Alembic migrations and the store API."""
