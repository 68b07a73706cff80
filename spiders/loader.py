"""Scrapy spider loader that turns every outlet of the catalog into a spider.

`scrapy list` lists the catalog's keys and `scrapy crawl KEY` crawls one outlet. An outlet
the generic path cannot handle may get a subclass of NewsSpider in `spiders/<key>.py`
(hyphens as underscores) whose `name` is the key; it is used instead.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from monitor.catalog import Catalog, CatalogError, Outlet, load_catalog
from spiders.news import NewsSpider

LOGGER = logging.getLogger(__name__)


def spider_class_for(outlet: Outlet) -> type[NewsSpider]:
    """The spider class for one catalog entry: an outlet-specific subclass if one exists."""
    module_name = f"spiders.{outlet.key.replace('-', '_')}"
    base: type[NewsSpider] = NewsSpider
    if importlib.util.find_spec(module_name) is not None:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, NewsSpider)
                # NewsSpider itself, imported into the module, has no `name` at all.
                and getattr(value, "name", None) == outlet.key
            ):
                base = value
    class_name = "".join(part.title() for part in outlet.key.split("-")) + "Spider"
    return type(
        class_name,
        (base,),
        {"name": outlet.key, "outlet": outlet, "allowed_domains": list(outlet.allowed_domains)},
    )


class CatalogSpiderLoader:
    """Implements Scrapy's spider-loader protocol over the outlet catalog."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._spiders = {outlet.key: spider_class_for(outlet) for outlet in catalog}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CatalogSpiderLoader:
        try:
            return cls(load_catalog(settings.get("CATALOG_PATH") or None))
        except CatalogError as exc:
            # A one-line message naming file, entry and field beats a traceback here.
            raise SystemExit(f"outlet catalog error: {exc}") from None

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [key for key in self.list() if self.catalog.get(key).allows(request.url)]
