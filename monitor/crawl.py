"""Running crawls in this process (one Twisted reactor, so once per process)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

LOGGER = logging.getLogger(__name__)


def crawl_settings(
    catalog_path: Path | None, database_url: str, overrides: dict[str, Any] | None = None
) -> Settings:
    """The project's Scrapy settings with the catalog and database of this run."""
    settings = Settings()
    settings.setmodule("monitor.settings", priority="project")
    if catalog_path is not None:
        settings.set("CATALOG_PATH", str(catalog_path), priority="cmdline")
    settings.set("STORAGE_DATABASE_URL", database_url, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    outlet_keys: Iterable[str],
    *,
    catalog_path: Path | None,
    database_url: str,
    overrides: dict[str, Any] | None = None,
) -> None:
    """Crawl the given outlets concurrently and return when every spider has closed.

    Twisted's reactor cannot be restarted: call this at most once per process (the
    scheduler runs each crawl as its own `scrapy crawl` process for that reason)."""
    settings = crawl_settings(catalog_path, database_url, overrides)
    # The CLI has configured logging already; a second root handler would print every line twice.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    for key in outlet_keys:
        process.crawl(key)
    process.start()
