"""Objects one crawl's components share: the catalog and the store, made once per crawler."""

from __future__ import annotations

from scrapy.crawler import Crawler

from monitor.catalog import Catalog, load_catalog
from monitor.dedup import DedupSettings
from monitor.storage.db import open_database
from monitor.storage.store import Store


def store_for(crawler: Crawler) -> Store:
    """The one Store of a crawl, shared by the spider, the pipelines and the run recorder."""
    store = getattr(crawler, "_monitor_store", None)
    if store is None:
        store = Store(open_database(crawler.settings.get("STORAGE_DATABASE_URL") or None),
                      DedupSettings.from_settings(crawler.settings))
        crawler._monitor_store = store
    return store


def catalog_for(crawler: Crawler) -> Catalog:
    """The outlet catalog named by the crawl's CATALOG_PATH setting, loaded once."""
    catalog = getattr(crawler, "_monitor_catalog", None)
    if catalog is None:
        catalog = load_catalog(crawler.settings.get("CATALOG_PATH") or None)
        crawler._monitor_catalog = catalog
    return catalog
