"""Narrative flags with evidence and stance, via monitor.narratives."""

from __future__ import annotations

from scrapy.crawler import Crawler

from monitor.items import ArticleItem
from monitor.narratives import load_watchlist


class NarrativePipeline:
    def __init__(self, crawler: Crawler):
        self.watchlist = load_watchlist(crawler.settings.get("NARRATIVES_PATH") or None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NarrativePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        extracted = item.extracted
        item.flags = self.watchlist.match(extracted.text, item.language, title=extracted.title)
        return item
