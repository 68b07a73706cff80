"""Stores each article once and counts new and duplicate articles for the run record."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from monitor.crawl_context import store_for
from monitor.crawl_runs import count
from monitor.items import ArticleItem

LOGGER = logging.getLogger(__name__)


class StoragePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.store = store_for(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        result = self.store.save_article(item)
        if result.outcome == "new":
            count(self.crawler.stats, "articles_new")
            flags = ", ".join(flag.narrative_id for flag in item.flags) or "no flag"
            LOGGER.info("stored %s [%s] %s", item.url, item.language, flags)
        else:
            count(self.crawler.stats, "articles_duplicate")
            LOGGER.info("%s: %s (article %d)", result.outcome, item.url, result.article_id)
        return item
