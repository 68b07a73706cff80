"""Canonical URL and body fingerprint, so storage can recognise an article it already has."""

from __future__ import annotations

from scrapy.crawler import Crawler

from monitor.crawl_context import catalog_for
from monitor.dedup import choose_canonical, content_hash
from monitor.items import ArticleItem


class DedupPipeline:
    def __init__(self, crawler: Crawler):
        self.catalog = catalog_for(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        outlet = self.catalog.get(item.outlet_key)
        # A page's own rel=canonical is trusted only while it names one of the outlet's
        # articles: a canonical pointing off-site, or at the homepage as some CMSes do on
        # every page, would make unrelated articles look like one.
        item.canonical_url = choose_canonical(
            item.url, item.extracted.canonical_url, None, outlet.is_article_url
        )
        item.content_hash = content_hash(item.extracted.text)
        return item
