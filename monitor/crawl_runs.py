"""Per-run crawl figures: counting what a run did and storing it as a `crawl_runs` row."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from monitor.crawl_context import store_for

LOGGER = logging.getLogger(__name__)
FIGURES = (
    "pages_fetched",
    "articles_found",
    "articles_new",
    "articles_duplicate",
    "extraction_failures",
    "errors",
)
MAX_PROBLEMS_KEPT = 200


def count(stats: StatsCollector, figure: str, by: int = 1) -> None:
    """Add to one of the run's FIGURES."""
    stats.inc_value(f"monitor/{figure}", by)


def note_problem(stats: StatsCollector, figure: str, url: str, reason: str) -> None:
    """Count an error or extraction failure and keep its URL and reason for the run record."""
    count(stats, figure)
    problems = stats.get_value("monitor/problems") or []
    if len(problems) < MAX_PROBLEMS_KEPT:
        problems.append({"kind": figure, "url": url, "reason": reason[:500]})
    stats.set_value("monitor/problems", problems)
    LOGGER.warning("%s: %s (%s)", figure.replace("_", " "), url, reason)


class CrawlRunRecorder:
    """Writes the run's figures to `crawl_runs` when a spider closes, and says loudly
    when an outlet yielded no article at all (a changed site, a dead feed, no network)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.started_at = datetime.now(timezone.utc)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider) -> None:
        self.started_at = datetime.now(timezone.utc)

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats
        figures = {name: int(stats.get_value(f"monitor/{name}", 0)) for name in FIGURES}
        store_for(self.crawler).record_run(
            spider.name,
            started_at=self.started_at,
            finished_at=datetime.now(timezone.utc),
            figures=figures,
            finish_reason=reason,
            problems=list(stats.get_value("monitor/problems") or []),
        )
        summary = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in figures.items())
        if figures["articles_found"] == 0:
            LOGGER.error("%s: NO ARTICLE FOUND (%s; finish reason %s)", spider.name, summary, reason)
        else:
            LOGGER.info("%s: %s (finish reason %s)", spider.name, summary, reason)
