"""HTML -> clean text and metadata (monitor.extraction), publication time (monitor.dates)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from monitor.crawl_context import catalog_for
from monitor.crawl_runs import note_problem
from monitor.dates import choose_published_at, zone_named
from monitor.extraction import ExtractionFailed, extract
from monitor.items import ArticleItem


class ExtractionPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.timezones = crawler.settings.getdict("OUTLET_TIMEZONES")
        self.catalog = catalog_for(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        outlet = self.catalog.get(item.outlet_key)
        zone_name = self.timezones.get(outlet.country)
        try:
            extracted = extract(
                item.html,
                item.url,
                encoding=item.encoding,
                timezone=zone_name,
                overrides=outlet.extraction_overrides(),
            )
        except ExtractionFailed as exc:
            note_problem(self.crawler.stats, "extraction_failures", item.url, str(exc))
            raise DropItem(f"extraction failed: {exc}") from None
        published_at = choose_published_at(
            extracted.published_at,
            item.feed_published_at,
            now=datetime.now(UTC),
            zone=zone_named(zone_name),
            founded=outlet.founded,
        )
        item.extracted = replace(
            extracted, published_at=published_at, title=extracted.title or item.feed_title
        )
        return item
