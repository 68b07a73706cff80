"""Scrapy and project settings in one module (`scrapy.cfg` points here).

Project settings carry a component prefix (STORAGE_, CATALOG_, DIGEST_, CRAWL_); paths and
secrets come from the environment so that no file holds a password.
"""

import os

from monitor.storage.db import default_database_url

BOT_NAME = "monitor"
SPIDER_LOADER_CLASS = "spiders.loader.CatalogSpiderLoader"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# The outlet catalog and the narrative watchlist (data files; see config/).
CATALOG_PATH = os.environ.get("MONITOR_OUTLETS", "")
NARRATIVES_PATH = os.environ.get("MONITOR_NARRATIVES", "")
STORAGE_DATABASE_URL = default_database_url()

# Politeness: obey robots.txt, let AutoThrottle find each site's pace.
USER_AGENT = "news-monitor/0.1 (disinformation research crawler)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 3 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = os.environ.get("MONITOR_LOG_LEVEL", "INFO")
# The run's figures go to crawl_runs and the crawl summary; the raw stats dump is noise.
STATS_DUMP = False
LOGSTATS_INTERVAL = 30.0

# Bounds on one run of one outlet, so a broken sitemap cannot make a crawl endless.
CRAWL_MAX_ARTICLES_PER_RUN = 300
CRAWL_MAX_SITEMAPS = 20

ITEM_PIPELINES = {
    "pipelines.extraction.ExtractionPipeline": 100,
    "pipelines.language.LanguagePipeline": 200,
    "pipelines.dedup.DedupPipeline": 300,
    "pipelines.narratives.NarrativePipeline": 400,
    "pipelines.storage.StoragePipeline": 500,
}
EXTENSIONS = {
    "monitor.crawl_runs.CrawlRunRecorder": 500,
    # An HTTP control port per crawl is an open door nobody here uses.
    "scrapy.extensions.remote_control.RemoteControl": None,
}

# Near-duplicate story clustering (monitor.dedup; values justified by `monitor bench dedup`).
DEDUP_MINHASH_THRESHOLD = 0.45
DEDUP_FURNITURE_MIN_ARTICLES = 1
DEDUP_WINDOW_DAYS = 14

# Local time zone of each country's outlets, for pages that print naive local times.
OUTLET_TIMEZONES = {"UA": "Europe/Kyiv", "KZ": "Asia/Almaty"}
DIGEST_TIMEZONE = os.environ.get("MONITOR_DIGEST_TIMEZONE", "Europe/Kyiv")
