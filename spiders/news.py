"""The generic NewsSpider: any catalog entry becomes a spider that discovers article URLs
from feeds, sitemaps and listing pages and fetches the articles it has not stored yet."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from monitor.catalog import Outlet
from monitor.crawl_context import store_for
from monitor.crawl_runs import count, note_problem
from monitor.dedup import canonical_url
from monitor.feeds import FeedEntry, FeedError, parse_discovery
from monitor.items import ArticleItem

LOGGER = logging.getLogger(__name__)


class NewsSpider(scrapy.Spider):
    """Crawls one outlet; the catalog loader sets `name`, `outlet` and `allowed_domains`."""

    outlet: Outlet

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        store = store_for(crawler)
        store.ensure_outlet(cls.outlet)
        # Already-stored articles are never downloaded again: re-crawls stay cheap and polite.
        spider.known_urls = store.known_urls(cls.outlet.key)
        spider.scheduled_urls = set()
        spider.articles_requested = 0
        spider.max_articles = crawler.settings.getint("CRAWL_MAX_ARTICLES_PER_RUN", 300)
        spider.max_sitemaps = crawler.settings.getint("CRAWL_MAX_SITEMAPS", 20)
        spider.sitemaps_read = 0
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        sources = self.outlet.sources
        for url in sources.feeds + sources.news_sitemaps + sources.sitemaps:
            yield self._request(url, self.parse_discovery_document, via="feed")
        for url in sources.listings:
            yield self._request(url, self.parse_listing, via="listing")

    def _request(self, url: str, callback, *, via: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, meta={"via": via, **meta}
        )

    def parse_discovery_document(self, response: Response) -> Iterable[scrapy.Request]:
        """A feed or a sitemap: queue its article links, and the sitemaps an index names."""
        count(self.crawler.stats, "pages_fetched")
        declared = http_content_type_encoding(
            response.headers.get("Content-Type", b"").decode("latin-1")
        )
        try:
            discovery = parse_discovery(response.body, response.url, declared)
        except FeedError as exc:
            note_problem(self.crawler.stats, "errors", response.url, f"unreadable feed: {exc}")
            return
        for sitemap_url in discovery.sitemaps:
            if self.sitemaps_read >= self.max_sitemaps or not self.outlet.allows(sitemap_url):
                continue
            self.sitemaps_read += 1
            yield self._request(sitemap_url, self.parse_discovery_document, via="sitemap")
        # Newest first, so a run that hits its bound still gets today's news.
        entries = sorted(
            discovery.entries,
            key=lambda e: e.published_at.timestamp() if e.published_at else 0,
            reverse=True,
        )
        for entry in entries:
            request = self._article_request(entry, via=discovery.kind)
            if request is not None:
                yield request

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        """A section page: every link that looks like one of the outlet's articles."""
        count(self.crawler.stats, "pages_fetched")
        # A plain Response has .css() too, but it raises NotSupported.
        if not isinstance(response, TextResponse):
            note_problem(self.crawler.stats, "errors", response.url, "listing page is not HTML")
            return
        for href in response.css("a::attr(href)").getall():
            request = self._article_request(FeedEntry(response.urljoin(href)), via="listing")
            if request is not None:
                yield request

    def _article_request(self, entry: FeedEntry, *, via: str) -> scrapy.Request | None:
        if not self.outlet.is_article_url(entry.url):
            return None
        key = canonical_url(entry.url)
        if key in self.scheduled_urls:
            return None
        self.scheduled_urls.add(key)
        count(self.crawler.stats, "articles_found")
        if key in self.known_urls:
            self.crawler.stats.inc_value("monitor/articles_already_stored")
            return None
        # Only downloads count against the bound: stored articles cost nothing.
        if self.articles_requested >= self.max_articles:
            self.crawler.stats.inc_value("monitor/articles_over_limit")
            return None
        self.articles_requested += 1
        return self._request(
            entry.url,
            self.parse_article,
            via=via,
            feed_published_at=entry.published_at,
            feed_title=entry.title,
        )

    def parse_article(self, response: Response) -> Iterable[ArticleItem]:
        """Hand the page over to the pipelines (extraction happens there, off the spider)."""
        count(self.crawler.stats, "pages_fetched")
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if content_type and "html" not in content_type:
            note_problem(
                self.crawler.stats, "extraction_failures", response.url, f"not HTML: {content_type}"
            )
            return
        yield ArticleItem(
            outlet_key=self.outlet.key,
            url=response.url,
            html=response.body,
            encoding=getattr(response, "encoding", None),
            discovered_via=response.meta.get("via"),
            feed_published_at=response.meta.get("feed_published_at"),
            feed_title=response.meta.get("feed_title"),
        )

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason = failure.getErrorMessage() or failure.type.__name__
        if failure.check(IgnoreRequest) and "robots.txt" in reason:
            # The outlet asked not to be crawled there: a choice, not an error of the run.
            self.crawler.stats.inc_value("monitor/robots_forbidden")
            LOGGER.info("not fetched, forbidden by robots.txt: %s", url)
            return
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"HTTP {response.status}"
        note_problem(self.crawler.stats, "errors", url, reason)
