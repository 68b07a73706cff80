"""HTML -> clean text and metadata, via monitor.extraction."""

from __future__ import annotations

from dataclasses import replace

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from monitor.crawl_context import catalog_for
from monitor.crawl_runs import note_problem
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
        country = self.catalog.get(item.outlet_key).country
        try:
            extracted = extract(
                item.html, item.url, encoding=item.encoding, timezone=self.timezones.get(country)
            )
        except ExtractionFailed as exc:
            note_problem(self.crawler.stats, "extraction_failures", item.url, str(exc))
            raise DropItem(f"extraction failed: {exc}") from None
        if extracted.published_at is None and item.feed_published_at is not None:
            # The page's own date wins; the feed's stands in when the page has none.
            extracted = replace(extracted, published_at=item.feed_published_at)
        if not extracted.title and item.feed_title:
            extracted = replace(extracted, title=item.feed_title)
        item.extracted = extracted
        return item
