"""Offline tests for spiders/loader.py and spiders/news.py: responses are built by hand and
handed to the spider callbacks; no network, no server, a SQLite file per test."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import types
from datetime import datetime, timezone
from urllib.parse import unquote

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from monitor.catalog import parse_catalog
from monitor.crawl_context import store_for
from monitor.dedup import canonical_url, content_hash
from monitor.extraction import Extracted
from monitor.items import ArticleItem
from spiders.loader import CatalogSpiderLoader
from spiders.news import NewsSpider

CATALOG = """\
outlets:
  - key: example-pravda
    name: Приклад правда
    country: UA
    homepage: https://www.example.ua/
    allowed_domains: [example.ua]
    languages: [uk, ru]
    sources:
      feeds: [https://www.example.ua/rss/]
      news_sitemaps: [https://www.example.ua/news-sitemap.xml]
      sitemaps: [https://www.example.ua/sitemap.xml]
      listings: [https://www.example.ua/news/]
    article_url_pattern: '/news/\\d{4}/\\d{2}/\\d{2}/\\d+'
  - key: example-kz
    name: Example KZ
    country: KZ
    homepage: https://example.kz/
    allowed_domains: [example.kz]
    languages: [ru, kk]
    sources:
      feeds: [https://example.kz/rss]
    article_url_pattern: '/news/\\d+'
"""
FEED_URL = "https://www.example.ua/rss/"
ARTICLE = "https://www.example.ua/news/2024/05/14/{}/"


@pytest.fixture
def catalog_path(tmp_path):
    path = tmp_path / "outlets.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    return str(path)


@pytest.fixture
def loader(catalog_path):
    return CatalogSpiderLoader.from_settings(Settings({"CATALOG_PATH": catalog_path}))


@pytest.fixture
def make_spider(loader, catalog_path, database_url):
    """A spider of one outlet bound to a crawler with stats and a fresh database."""

    def make(key: str = "example-pravda", **settings):
        spidercls = loader.load(key)
        crawler = get_crawler(
            spidercls,
            settings_dict={
                "STORAGE_DATABASE_URL": database_url,
                "CATALOG_PATH": catalog_path,
                **settings,
            },
        )
        return spidercls.from_crawler(crawler)

    return make


def stat(spider, name: str):
    return spider.crawler.stats.get_value(f"monitor/{name}")


UTF8_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'


def rss(*items: tuple[str, str, str | None], declaration: str = UTF8_DECLARATION) -> str:
    """An RSS 2.0 document of (link, title, pubDate) items."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for link, title, date in items
    )
    return f"{declaration}<rss version=\"2.0\"><channel><title>Новини</title>{body}</channel></rss>"


def feed_response(text: str | bytes, url: str = FEED_URL, **kwargs) -> XmlResponse:
    body = text.encode("utf-8") if isinstance(text, str) else text
    return XmlResponse(url=url, body=body, request=Request(url, meta={"via": "feed"}), **kwargs)


def discover(spider, text: str | bytes, url: str = FEED_URL, **kwargs) -> list[Request]:
    """What the spider makes of a feed or sitemap served at url."""
    return list(spider.parse_discovery_document(feed_response(text, url, **kwargs)))


def urls(requests) -> list[str]:
    return [request.url for request in requests]


# --- the loader ------------------------------------------------------------------------


def test_loader_lists_every_catalog_key(loader):
    assert loader.list() == ["example-kz", "example-pravda"]


def test_loaded_class_is_a_news_spider_of_its_outlet(loader):
    spidercls = loader.load("example-kz")
    assert issubclass(spidercls, NewsSpider)
    assert spidercls.name == "example-kz"
    assert spidercls.outlet.key == "example-kz" and spidercls.outlet.country == "KZ"
    assert spidercls.allowed_domains == ["example.kz"]
    assert loader.load("example-pravda").allowed_domains == ["example.ua"]


def test_loading_an_unknown_key_raises_key_error(loader):
    with pytest.raises(KeyError, match="no-such-outlet"):
        loader.load("no-such-outlet")


def test_find_by_request_names_the_outlet_owning_the_host(loader):
    owner = loader.find_by_request(Request("https://m.example.ua/news/2024/05/14/1/"))
    assert owner == ["example-pravda"]
    assert loader.find_by_request(Request("https://example.kz/news/5")) == ["example-kz"]
    assert loader.find_by_request(Request("https://example.com/news/5")) == []


def test_loader_accepts_a_parsed_catalog():
    loader = CatalogSpiderLoader(parse_catalog(CATALOG, "inline.yaml"))
    assert loader.load("example-kz").outlet.homepage == "https://example.kz/"


def test_broken_catalog_exits_with_a_message_naming_entry_and_field(tmp_path):
    path = tmp_path / "outlets.yaml"
    broken = CATALOG.replace("feeds: [https://example.kz/rss]", "feeds: [ftp://example.kz/rss]")
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(SystemExit) as raised:
        CatalogSpiderLoader.from_settings(Settings({"CATALOG_PATH": str(path)}))
    message = str(raised.value)
    assert "outlets.yaml" in message
    assert "entry 2 ('example-kz')" in message
    assert "sources.feeds[0]" in message


def test_outlet_specific_subclass_is_used_even_beside_its_imported_base(monkeypatch):
    # An outlet module imports NewsSpider (which has no `name`) and may hold helper
    # subclasses without one; only the subclass named after the outlet is picked up.
    module = types.ModuleType("spiders.example_kz")
    module.__spec__ = importlib.util.spec_from_loader("spiders.example_kz", loader=None)

    class Helper(NewsSpider):
        pass

    class ExampleKz(Helper):
        name = "example-kz"
        custom = True

    module.NewsSpider, module.Helper, module.ExampleKz = NewsSpider, Helper, ExampleKz
    monkeypatch.setitem(sys.modules, "spiders.example_kz", module)
    loader = CatalogSpiderLoader(parse_catalog(CATALOG, "inline.yaml"))
    spidercls = loader.load("example-kz")
    assert issubclass(spidercls, ExampleKz) and spidercls.custom
    assert spidercls.outlet.key == "example-kz"
    assert not issubclass(loader.load("example-pravda"), ExampleKz)


# --- discovery ---------------------------------------------------------------------


def test_start_requests_every_feed_sitemap_and_listing(make_spider):
    spider = make_spider()

    async def collect():
        return [request async for request in spider.start()]

    requests = asyncio.run(collect())
    callbacks = {request.url: request.callback for request in requests}
    assert callbacks == {
        "https://www.example.ua/rss/": spider.parse_discovery_document,
        "https://www.example.ua/news-sitemap.xml": spider.parse_discovery_document,
        "https://www.example.ua/sitemap.xml": spider.parse_discovery_document,
        "https://www.example.ua/news/": spider.parse_listing,
    }
    assert all(request.errback == spider.on_error for request in requests)


def test_feed_yields_only_outlet_articles_newest_first(make_spider):
    spider = make_spider()
    feed = rss(
        (ARTICLE.format(1), "Старіша", "Mon, 13 May 2024 08:00:00 +0300"),
        (ARTICLE.format(2), "Без дати", None),
        (ARTICLE.format(3), "Найновіша", "Tue, 14 May 2024 10:00:00 +0300"),
        ("https://www.example.ua/about/", "Про нас", "Tue, 14 May 2024 11:00:00 +0300"),
        ("https://example.com/news/2024/05/14/9/", "Чужий сайт", "Tue, 14 May 2024 12:00:00 +0300"),
        ("/news/2024/05/14/4/", "Відносне посилання", "Mon, 13 May 2024 09:00:00 +0300"),
    )
    requests = discover(spider, feed)
    assert urls(requests) == [ARTICLE.format(i) for i in (3, 4, 1, 2)]
    assert all(request.callback == spider.parse_article for request in requests)
    first = requests[0].meta
    assert first["via"] == "rss" and first["feed_title"] == "Найновіша"
    assert first["feed_published_at"] == datetime(2024, 5, 14, 7, 0, tzinfo=timezone.utc)
    assert requests[-1].meta["feed_published_at"] is None
    assert stat(spider, "articles_found") == 4
    assert stat(spider, "pages_fetched") == 1


def test_spellings_of_one_link_give_one_request(make_spider):
    spider = make_spider()
    link = ARTICLE.format(7)
    feed = rss(
        (link, "Новина", None),
        (link.rstrip("/") + "?utm_source=rss&utm_medium=feed", "Новина", None),
        (link.replace("https://www.", "http://"), "Новина", None),
        (link.replace("www.", "m.") + "#comments", "Новина", None),
    )
    requests = discover(spider, feed)
    assert urls(requests) == [link]
    assert stat(spider, "articles_found") == 1


def test_the_same_article_in_a_second_feed_is_not_requested_again(make_spider):
    spider = make_spider()
    first = discover(spider, rss((ARTICLE.format(1), "А", None)))
    second = discover(spider, rss((ARTICLE.format(1) + "?utm_campaign=x", "А", None)),
                      url="https://www.example.ua/rus/rss/")
    assert len(first) == 1 and second == []


def store_article(make_spider, url: str) -> None:
    """Store one article for example-pravda, as a previous crawl would have."""
    spider = make_spider()  # registers the outlet
    extracted = Extracted(url, "Збережена", f"Текст статті {url}.", None, None, url, None)
    item = ArticleItem("example-pravda", url, b"<html></html>", extracted=extracted,
                       canonical_url=canonical_url(url), content_hash=content_hash(extracted.text),
                       language="uk")
    assert store_for(spider.crawler).save_article(item).outcome == "new"


def test_stored_articles_are_found_but_not_requested(make_spider):
    store_article(make_spider, ARTICLE.format(1))
    spider = make_spider()
    feed = rss(
        (ARTICLE.format(1).replace("https://www.", "http://") + "?utm_source=rss", "Вже є", None),
        (ARTICLE.format(2), "Нова", None),
    )
    requests = discover(spider, feed)
    assert urls(requests) == [ARTICLE.format(2)]
    assert stat(spider, "articles_found") == 2
    assert spider.crawler.stats.get_value("monitor/articles_already_stored") == 1


def test_sitemap_index_is_bounded_and_stays_on_allowed_domains(make_spider):
    spider = make_spider(CRAWL_MAX_SITEMAPS=3)
    locs = ["https://evil.example.com/sitemap-0.xml"] + [
        f"https://www.example.ua/sitemap-{i}.xml" for i in range(1, 6)
    ]
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
        + "</sitemapindex>"
    )
    requests = discover(spider, index, url="https://www.example.ua/sitemap.xml")
    assert urls(requests) == locs[1:4]
    assert all(request.callback == spider.parse_discovery_document for request in requests)
    assert all(request.meta["via"] == "sitemap" for request in requests)
    # The bound holds for the whole run, not per index.
    assert discover(spider, index, url="https://www.example.ua/sitemap-other.xml") == []


def test_news_sitemap_yields_articles_with_titles_and_dates(make_spider):
    spider = make_spider()
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{ARTICLE.format(5)}</loc><news:news><news:title>Заголовок</news:title>"
        "<news:publication_date>2024-05-14T09:30:00+03:00</news:publication_date></news:news></url>"
        "<url><loc>https://www.example.ua/tags/war/</loc></url></urlset>"
    )
    (request,) = discover(spider, sitemap, url="https://www.example.ua/news-sitemap.xml")
    assert request.url == ARTICLE.format(5)
    assert request.meta["feed_title"] == "Заголовок"
    assert request.meta["feed_published_at"] == datetime(2024, 5, 14, 6, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("content_type", [
    "application/rss+xml; charset=windows-1251",
    'application/rss+xml; charset="windows-1251"',
    "text/xml;charset=Windows-1251",
])
def test_windows_1251_feed_without_declaration_uses_http_charset(make_spider, content_type):
    spider = make_spider()
    link = "https://www.example.ua/news/2024/05/14/11-уряд-ухвалив-бюджет/"
    feed = rss((link, "Уряд ухвалив бюджет", None), declaration="")
    body = feed.encode("windows-1251")
    (request,) = discover(spider, body, headers={"Content-Type": content_type})
    assert request.meta["feed_title"] == "Уряд ухвалив бюджет"
    assert unquote(request.url) == link


@pytest.mark.parametrize("body", [b"not a feed", b"<html><body><p>Not found</p></body></html>",
                                  b""])
def test_unreadable_feed_is_recorded_as_an_error_with_its_url(make_spider, body):
    spider = make_spider()
    assert discover(spider, body) == []
    assert stat(spider, "errors") == 1
    (problem,) = stat(spider, "problems")
    assert problem["kind"] == "errors" and problem["url"] == FEED_URL
    assert "feed" in problem["reason"]


# --- listings and articles ---------------------------------------------------------------


def test_listing_yields_article_links_resolved_against_the_page(make_spider):
    spider = make_spider()
    url = "https://www.example.ua/news/"
    html = f"""<html><body><nav><a href="/">Головна</a><a href="/about/">Про нас</a></nav>
      <a href="/news/2024/05/14/21/">Відносне</a>
      <a href="2024/05/14/22/">Відносне до сторінки</a>
      <a href="{ARTICLE.format(23)}">Абсолютне</a>
      <a href="{ARTICLE.format(23)}?utm_source=main">Те саме ще раз</a>
      <a href="https://other.example.com/news/2024/05/14/24/">Чужий сайт</a>
      <a href="mailto:news@example.ua">Пошта</a>
    </body></html>"""
    response = HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url))
    requests = list(spider.parse_listing(response))
    assert urls(requests) == [ARTICLE.format(21), ARTICLE.format(22), ARTICLE.format(23)]
    assert {request.meta["via"] for request in requests} == {"listing"}
    assert stat(spider, "articles_found") == 3


def test_listing_that_is_not_html_is_recorded_not_raised(make_spider):
    spider = make_spider()
    url = "https://www.example.ua/news/"
    response = Response(url=url, body=b"%PDF-1.4 binary", request=Request(url),
                        headers={"Content-Type": "application/pdf"})
    assert list(spider.parse_listing(response)) == []
    assert stat(spider, "errors") == 1
    assert stat(spider, "problems")[0]["url"] == url


def test_article_page_becomes_an_item_with_feed_metadata(make_spider):
    spider = make_spider()
    url = ARTICLE.format(31)
    published = datetime(2024, 5, 14, 7, 0, tzinfo=timezone.utc)
    body = "<html><head><title>Новина</title></head><body><p>Текст.</p></body></html>"
    body = body.encode("cp1251")
    meta = {"via": "rss", "feed_published_at": published, "feed_title": "Новина з фіду"}
    response = HtmlResponse(url=url, body=body, request=Request(url, meta=meta),
                            headers={"Content-Type": "text/html; charset=windows-1251"})
    (item,) = spider.parse_article(response)
    assert isinstance(item, ArticleItem)
    assert item.outlet_key == "example-pravda" and item.url == url
    assert item.html == body and item.encoding == "cp1251"
    assert item.discovered_via == "rss"
    assert item.feed_published_at == published and item.feed_title == "Новина з фіду"
    assert stat(spider, "pages_fetched") == 1


def test_non_html_article_is_an_extraction_failure(make_spider):
    spider = make_spider()
    url = ARTICLE.format(32)
    response = Response(url=url, body=b"%PDF-1.4", request=Request(url, meta={"via": "rss"}),
                        headers={"Content-Type": "application/pdf"})
    assert list(spider.parse_article(response)) == []
    assert stat(spider, "extraction_failures") == 1
    (problem,) = stat(spider, "problems")
    assert problem == {"kind": "extraction_failures", "url": url,
                       "reason": "not HTML: application/pdf"}


def test_http_error_is_recorded_with_status_and_url(make_spider):
    spider = make_spider()
    request = Request(FEED_URL)
    response = TextResponse(url=FEED_URL, status=404, body=b"Not Found", request=request)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request
    spider.on_error(failure)
    assert stat(spider, "errors") == 1
    assert stat(spider, "problems") == [{"kind": "errors", "url": FEED_URL, "reason": "HTTP 404"}]


def test_network_error_is_recorded_with_its_message(make_spider):
    spider = make_spider()
    failure = Failure(DNSLookupError("no such host www.example.ua"))
    failure.request = Request(FEED_URL)
    spider.on_error(failure)
    (problem,) = stat(spider, "problems")
    assert problem["url"] == FEED_URL and "no such host" in problem["reason"]


# --- bounds ------------------------------------------------------------------------------


def test_article_requests_are_bounded_per_run(make_spider):
    spider = make_spider(CRAWL_MAX_ARTICLES_PER_RUN=2)
    feed = rss(*((ARTICLE.format(i), f"Новина {i}", f"Tue, 14 May 2024 {i:02d}:00:00 +0000")
                 for i in range(1, 6)))
    assert urls(discover(spider, feed)) == [ARTICLE.format(5), ARTICLE.format(4)]  # the newest
    listing = HtmlResponse(url="https://www.example.ua/news/", encoding="utf-8",
                           body=f'<a href="{ARTICLE.format(9)}">x</a>'.encode())
    assert list(spider.parse_listing(listing)) == []
    assert stat(spider, "articles_found") == 6
    assert spider.crawler.stats.get_value("monitor/articles_over_limit") == 4


def test_already_stored_articles_do_not_use_up_the_bound(make_spider):
    for i in (1, 2, 3):
        store_article(make_spider, ARTICLE.format(i))
    spider = make_spider(CRAWL_MAX_ARTICLES_PER_RUN=2)
    feed = rss(*((ARTICLE.format(i), f"Новина {i}", None) for i in range(1, 6)))
    assert urls(discover(spider, feed)) == [ARTICLE.format(4), ARTICLE.format(5)]
