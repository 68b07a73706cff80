"""Offline tests for pipelines/*.py and monitor/crawl_runs.py: items built by hand, a crawler
from scrapy.utils.test.get_crawler, a SQLite file per test."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from monitor import settings as project_settings
from monitor.catalog import load_catalog
from monitor.crawl_context import store_for
from monitor.crawl_runs import FIGURES, CrawlRunRecorder, count, note_problem
from monitor.dedup import canonical_url, content_hash
from monitor.extraction import Extracted
from monitor.items import ArticleItem
from monitor.storage.models import Article, ArticleCopy, CrawlRun, NarrativeFlag
from pipelines.dedup import DedupPipeline
from pipelines.extraction import ExtractionPipeline
from pipelines.storage import StoragePipeline

CATALOG = """\
outlets:
  - key: example-pravda
    name: Приклад правда
    country: UA
    homepage: https://www.example.ua/
    allowed_domains: [example.ua]
    languages: [uk]
    sources:
      feeds: [https://www.example.ua/rss/]
    article_url_pattern: '/articles/\\d+-'
    founded: 2005
"""
URL = "https://www.example.ua/articles/123-uriad-ukhvalyv-biudzhet.html"
PARAGRAPHS = (
    "Кабінет міністрів України у середу ухвалив проєкт державного бюджету на наступний рік"
    " і передав його до Верховної Ради.",
    "За словами прем'єр-міністра, найбільша частка видатків і надалі припадатиме на оборону"
    " та безпеку держави.",
    "Депутати мають розглянути документ у першому читанні до середини вересня, повідомляє"
    " пресслужба уряду.",
)
FEED_DATE = datetime(2024, 5, 13, 21, 0, tzinfo=timezone.utc)


def page(*paragraphs: str, head: str = "", title: str = "Уряд ухвалив новий бюджет") -> bytes:
    """A small uk article page with navigation and footer around the article."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="uk"><head><meta charset="utf-8">
<title>{title} | Приклад правда</title>{head}</head><body>
<header><nav><a href="/">Головна</a> <a href="/news/">Новини</a></nav></header>
<article><h1>{title}</h1>{body}</article>
<footer>Приклад правда. Усі права захищено.</footer></body></html>""".encode()


@pytest.fixture
def crawler(tmp_path, database_url):
    path = tmp_path / "outlets.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    crawler = get_crawler(Spider, settings_dict={
        "STORAGE_DATABASE_URL": database_url,
        "CATALOG_PATH": str(path),
        "OUTLET_TIMEZONES": project_settings.OUTLET_TIMEZONES,
        # Only the project's extension: Scrapy's own expect a running engine.
        "EXTENSIONS_BASE": {},
        "EXTENSIONS": project_settings.EXTENSIONS,
    })
    store_for(crawler).ensure_outlet(load_catalog(path).get("example-pravda"))
    return crawler


def item(html: bytes = b"", url: str = URL, **fields) -> ArticleItem:
    return ArticleItem("example-pravda", url, html, encoding="utf-8", discovered_via="rss",
                       **fields)


def extracted(text: str = "\n".join(PARAGRAPHS), canonical: str | None = None,
              url: str = URL) -> Extracted:
    """What the extraction stage hands on."""
    return Extracted(url, "Уряд ухвалив новий бюджет", text, author=None, published_at=FEED_DATE,
                     canonical_url=canonical, site_name="Приклад правда")


def stat(crawler, name: str):
    return crawler.stats.get_value(f"monitor/{name}")


def stored(crawler, query) -> list:
    """Rows of an ORM query against the crawl's database."""
    with store_for(crawler).sessions() as session:
        return list(session.execute(query).all())


# --- extraction ----------------------------------------------------------------------------


def test_extraction_fills_in_title_text_and_page_date(crawler):
    head = '<meta property="article:published_time" content="2024-05-14T10:00:00+03:00">'
    result = ExtractionPipeline.from_crawler(crawler).process_item(item(
        page(*PARAGRAPHS, head=head), feed_published_at=FEED_DATE, feed_title="Інший заголовок"
    ))
    article = result.extracted
    assert article.title == "Уряд ухвалив новий бюджет"
    assert article.text.split("\n") == list(PARAGRAPHS)
    assert "Головна" not in article.text and "Усі права" not in article.text
    # The page's own date wins over the feed's.
    assert article.published_at == datetime(2024, 5, 14, 7, 0, tzinfo=timezone.utc)


def test_naive_page_date_is_read_in_the_outlets_time_zone(crawler):
    head = '<meta property="article:published_time" content="2024-05-14T10:00:00">'
    pipeline = ExtractionPipeline.from_crawler(crawler)
    result = pipeline.process_item(item(page(*PARAGRAPHS, head=head)))
    # Kyiv is UTC+3 in May.
    assert result.extracted.published_at == datetime(2024, 5, 14, 7, 0, tzinfo=timezone.utc)


def test_feed_date_and_title_stand_in_when_the_page_has_none(crawler):
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    bare = f"<html><body><div>{paragraphs}</div></body></html>"
    result = ExtractionPipeline.from_crawler(crawler).process_item(
        item(bare.encode(), feed_published_at=FEED_DATE, feed_title="Заголовок з фіду")
    )
    assert result.extracted.published_at == FEED_DATE
    assert result.extracted.title == "Заголовок з фіду"
    assert result.extracted.text.startswith(PARAGRAPHS[0])


@pytest.mark.parametrize("page_date", [
    "2001-05-14T10:00:00+03:00",  # before the outlet was founded (2005)
    "2099-05-14T10:00:00+03:00",  # in the future
])
def test_unbelievable_page_date_gives_way_to_the_feeds(crawler, page_date):
    head = f'<meta property="article:published_time" content="{page_date}">'
    result = ExtractionPipeline.from_crawler(crawler).process_item(
        item(page(*PARAGRAPHS, head=head), feed_published_at=FEED_DATE)
    )
    assert result.extracted.published_at == FEED_DATE


def test_date_only_page_takes_the_feeds_time_of_the_same_day(crawler):
    head = '<meta property="article:published_time" content="2024-05-14">'
    feed_time = datetime(2024, 5, 14, 6, 45, tzinfo=timezone.utc)  # 09:45 in Kyiv
    result = ExtractionPipeline.from_crawler(crawler).process_item(
        item(page(*PARAGRAPHS, head=head), feed_published_at=feed_time)
    )
    assert result.extracted.published_at == feed_time


def test_empty_page_is_dropped_and_recorded_as_extraction_failure(crawler):
    pipeline = ExtractionPipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match="extraction failed"):
        pipeline.process_item(item(page()))
    assert stat(crawler, "extraction_failures") == 1
    (problem,) = stat(crawler, "problems")
    assert problem["kind"] == "extraction_failures" and problem["url"] == URL


# --- dedup -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("declared", "expected"), [
    # On the outlet's domain: the page knows its own address best.
    ("https://m.example.ua/articles/123-uriad.html?utm_source=fb",
     "https://example.ua/articles/123-uriad.html"),
    # Off the outlet's domain (a syndication partner, a hijacked page): ignored.
    ("https://aggregator.example.com/articles/123-uriad.html", canonical_url(URL)),
    # The homepage as every page's canonical would merge all articles into one: ignored.
    ("https://www.example.ua/", canonical_url(URL)),
    (None, canonical_url(URL)),
])
def test_dedup_trusts_rel_canonical_only_on_the_outlets_own_articles(crawler, declared, expected):
    result = DedupPipeline.from_crawler(crawler).process_item(
        item(url=URL + "?utm_source=rss", extracted=extracted(canonical=declared))
    )
    assert result.canonical_url == expected


def test_dedup_fingerprint_ignores_spacing_and_punctuation(crawler):
    pipeline = DedupPipeline.from_crawler(crawler)
    one, two, other = (
        pipeline.process_item(item(extracted=extracted(text))).content_hash
        for text in ("Уряд ухвалив бюджет. Депутати розглянуть його.",
                     "Уряд  ухвалив бюджет\nДепутати розглянуть його!",
                     "Уряд відхилив бюджет. Депутати розглянуть його.")
    )
    assert one == two != other


# --- storage -------------------------------------------------------------------------------


def ready(url: str, text: str) -> ArticleItem:
    """An item as the storage pipeline receives it."""
    return item(page(text), url=url, extracted=extracted(text, url=url),
                canonical_url=canonical_url(url), content_hash=content_hash(text), language="uk")


def test_storage_counts_new_and_duplicate_articles(crawler):
    pipeline = StoragePipeline.from_crawler(crawler)
    other_url = "https://www.example.ua/articles/124-kopiia.html"
    pipeline.process_item(ready(URL, PARAGRAPHS[0]))
    pipeline.process_item(ready(URL + "?utm_source=tg", PARAGRAPHS[0]))  # same URL again
    pipeline.process_item(ready(other_url, PARAGRAPHS[0]))  # same body, other URL
    pipeline.process_item(ready(other_url.replace("124", "125"), PARAGRAPHS[1]))
    assert stat(crawler, "articles_new") == 2
    assert stat(crawler, "articles_duplicate") == 2
    assert stored(crawler, select(func.count()).select_from(Article)) == [(2,)]
    assert stored(crawler, select(ArticleCopy.url)) == [(other_url,)]


# --- the run record ------------------------------------------------------------------------


def recorder(crawler) -> CrawlRunRecorder:
    """The recorder Scrapy built from the EXTENSIONS setting."""
    (found,) = [ext for ext in crawler.extensions.middlewares if isinstance(ext, CrawlRunRecorder)]
    return found


def test_closing_spider_writes_a_crawl_run_with_figures_and_problems(crawler):
    assert recorder(crawler)  # connected to the spider signals by the extension manager
    spider = Spider(name="example-pravda")
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    count(crawler.stats, "pages_fetched", 5)
    count(crawler.stats, "articles_found", 3)
    count(crawler.stats, "articles_new", 2)
    count(crawler.stats, "articles_duplicate")
    note_problem(crawler.stats, "errors", "https://www.example.ua/rss/", "HTTP 503")
    note_problem(crawler.stats, "extraction_failures", URL, "too-short")
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    ((outlet, run),) = store_for(crawler).last_runs()
    assert outlet.key == "example-pravda" and run.finish_reason == "finished"
    figures = {name: getattr(run, name) for name in FIGURES}
    assert figures == {"pages_fetched": 5, "articles_found": 3, "articles_new": 2,
                       "articles_duplicate": 1, "extraction_failures": 1, "errors": 1}
    assert [(p["kind"], p["url"], p["reason"]) for p in run.problems] == [
        ("errors", "https://www.example.ua/rss/", "HTTP 503"),
        ("extraction_failures", URL, "too-short"),
    ]
    assert run.started_at <= run.finished_at


def test_a_run_that_found_nothing_is_recorded_with_zeros(crawler, caplog):
    recorder(crawler).spider_closed(Spider(name="example-pravda"), "finished")
    assert "NO ARTICLE FOUND" in caplog.text
    runs = stored(crawler, select(CrawlRun.articles_found, CrawlRun.errors, CrawlRun.problems))
    assert runs == [(0, 0, [])]


# --- the whole chain, in the project's order ---------------------------------------------


def test_project_pipelines_store_a_flagged_uk_article(crawler):
    classes = [load_object(path) for path in sorted(project_settings.ITEM_PIPELINES,
                                                    key=project_settings.ITEM_PIPELINES.get)]
    pipelines = [build_from_crawler(cls, crawler) for cls in classes]
    text = ("Російські телеграм-канали поширюють фейк про нібито український слід у заворушеннях"
            " у Казахстані. Жодних доказів цього немає.")
    result = item(page(text, *PARAGRAPHS), feed_published_at=FEED_DATE)
    for pipeline in pipelines:
        result = pipeline.process_item(result)
    assert result.language == "uk"
    assert result.canonical_url == canonical_url(URL)
    assert {flag.narrative_id: flag.stance for flag in result.flags} == {
        "ukrainian-trace-kazakhstan": "debunk"
    }
    flags = stored(crawler, select(Article.canonical_url, NarrativeFlag.narrative_id)
                   .join(NarrativeFlag.article))
    assert flags == [(canonical_url(URL), "ukrainian-trace-kazakhstan")]
    assert stat(crawler, "articles_new") == 1


def test_outlet_extraction_overrides_reach_the_extractor(tmp_path, database_url):
    """A catalog entry's `extraction.drop` removes a block the generic path keeps."""
    # An author bio in the article column: ordinary prose, so only the override can tell.
    junk = "Олена Коваль працює журналісткою видання з 2015 року і пише про економіку та енергетику."
    path = tmp_path / "outlets.yaml"
    path.write_text(CATALOG + "    extraction:\n      drop: ['.sponsored']\n", encoding="utf-8")
    crawler = get_crawler(Spider, settings_dict={
        "STORAGE_DATABASE_URL": database_url, "CATALOG_PATH": str(path),
        "OUTLET_TIMEZONES": project_settings.OUTLET_TIMEZONES,
    })
    html = page(*PARAGRAPHS).replace(b"</article>", f'<p class="sponsored">{junk}</p></article>'.encode())
    plain = ExtractionPipeline.from_crawler(crawler).process_item(item(html)).extracted.text
    assert junk not in plain
    assert PARAGRAPHS[0] in plain
    path.write_text(CATALOG, encoding="utf-8")
    without = get_crawler(Spider, settings_dict={
        "STORAGE_DATABASE_URL": database_url, "CATALOG_PATH": str(path),
        "OUTLET_TIMEZONES": project_settings.OUTLET_TIMEZONES,
    })
    assert junk in ExtractionPipeline.from_crawler(without).process_item(item(html)).extracted.text
