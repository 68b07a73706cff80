"""The offline demo replica: server behaviour, discovery files, catalog and page contents."""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import lxml.html
import pytest
import yaml
from protego import Protego

from monitor.replica import DEFAULT_ROOT, render_catalog, serve_replica

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
KYIV_WINTER = timezone(timedelta(hours=2))
LENTA_SEED = ("/lenta-ua/news/2022/01/10/"
              "posolstvo-kazakhstanu-vidreaguvalo-na-insynuatsii-pro-ukrainskyi-slid.html")
ASPI_SEED = "/aspi-news/news/tokaiev-zaproponuvav-vyvesty-viiska-odkb-iz-kazakhstanu-48213/"
FACTCHECK_SEED = ("/factcheck-kz/ru/checks/"
                  "o-tajnom-namerenii-kazahstana-podderzhat-rossiyu.cp1251.html")
INTERFAX_COPY = "/interfax-ua/news/general/795431.html"
PRESS_RELEASE = "/interfax-ua/news/pressrelease/795470.html"  # disallowed by robots.txt
SEED_PAGES = {LENTA_SEED, ASPI_SEED, FACTCHECK_SEED, INTERFAX_COPY}
# Where each template keeps the article's own paragraphs (direct <p> children only).
BODY_XPATH = {
    "lenta-ua": '//div[@class="post-content"]/p',
    "aspi-news": '//div[@class="single-news__text"]/p',
    "factcheck-kz": '//div[@class="entry-content"]/p',
    "interfax-ua": '//div[@class="article-text"]/p',
}
# Stems of the watched narratives' vocabulary (uk, ru, kk); ordinary articles must avoid them.
NARRATIVE_STEMS = (
    "казах", "қазақ", "одкб", "ұқшұ", "csto", "слід", "след", "бойовик", "боевик", "майдан",
    "протест", "росі", "росс", "ресей", "війн", "войн", "соғыс", "військ", "войск", "путін",
    "путин", "токаєв", "токаев", "кремл",
)


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def charset(self) -> str:
        return self.headers.get_content_charset() or "utf-8"

    @property
    def text(self) -> str:
        return self.body.decode(self.charset)


def fetch(url: str, headers: dict[str, str] | None = None) -> Response:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def raw_get(base: str, path: str) -> http.client.HTTPResponse:
    """Send ``path`` exactly as written (urllib might normalise it)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture(scope="module")
def base() -> str:
    with serve_replica() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def catalog(base: str) -> dict:
    return yaml.safe_load(render_catalog(base))


def discover(outlet: dict) -> dict[str, datetime]:
    """Article URL -> publication date, read from the outlet's feeds and sitemaps."""
    found: dict[str, datetime] = {}
    sources = outlet["sources"]
    for url in sources["feeds"]:
        root = ET.fromstring(fetch(url).body)
        for item in root.iter("item"):
            found[item.findtext("link")] = parsedate_to_datetime(item.findtext("pubDate"))
        for entry in root.iterfind("atom:entry", NS):
            link = entry.find("atom:link[@rel='alternate']", NS).get("href")
            found[link] = datetime.fromisoformat(entry.findtext("atom:published", namespaces=NS))
    for url in sources["news_sitemaps"]:
        for node in ET.fromstring(fetch(url).body).iterfind("sm:url", NS):
            published = node.findtext("news:news/news:publication_date", namespaces=NS)
            found[node.findtext("sm:loc", namespaces=NS)] = datetime.fromisoformat(published)
    sitemaps = deque(sources["sitemaps"])
    while sitemaps:
        root = ET.fromstring(fetch(sitemaps.popleft()).body)
        sitemaps.extend(loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS))
        for node in root.iterfind("sm:url", NS):
            found[node.findtext("sm:loc", namespaces=NS)] = datetime.fromisoformat(
                node.findtext("sm:lastmod", namespaces=NS))
    return found


def parse_page(url: str) -> lxml.html.HtmlElement:
    response = fetch(url)
    assert response.status == 200, url
    return lxml.html.document_fromstring(response.text)


def crawl_site(base: str) -> dict[str, Response]:
    """Every page reachable from the replica's root index, by internal links."""
    seen: dict[str, Response] = {}
    queue = deque([base + "/"])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen[url] = response = fetch(url)
        assert response.status == 200, url
        if not response.headers.get_content_type() == "text/html":
            continue
        doc = lxml.html.document_fromstring(response.text)
        for link in doc.xpath("//@href | //@src"):
            assert re.match(r"https?://", link), f"relative link {link!r} on {url}"
            link = urldefrag(link).url
            if link.startswith(base) and link not in seen:
                queue.append(link)
    return seen


def test_discovery_files_parse_and_link_to_served_articles(base, catalog):
    feed_types = {"rss.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}
    for outlet in catalog["outlets"]:
        sources = outlet["sources"]
        for url in sources["feeds"] + sources["news_sitemaps"] + sources["sitemaps"]:
            response = fetch(url)
            assert response.status == 200, url
            name = url.rsplit("/", 1)[1]
            assert response.headers.get_content_type() == feed_types.get(name, "application/xml")
            assert b"{{BASE}}" not in response.body
            ET.fromstring(response.body)  # well-formed
        articles = discover(outlet)
        assert len(articles) >= 3, outlet["key"]
        for url in articles:
            assert url.startswith(base + "/"), url
            response = fetch(url)
            assert response.status == 200 and response.headers.get_content_type() == "text/html"


def test_news_sitemap_declares_news_namespace(base):
    root = ET.fromstring(fetch(base + "/aspi-news/sitemap-news.xml").body)
    dates = root.findall("sm:url/news:news/news:publication_date", NS)
    assert len(dates) == len(root.findall("sm:url", NS)) >= 3


def test_article_metadata_matches_discovery_dates(catalog):
    for outlet in catalog["outlets"]:
        for url, listed in discover(outlet).items():
            doc = parse_page(url)
            published = doc.xpath('string(//meta[@property="article:published_time"]/@content)')
            assert re.search(r"[+-]\d\d:\d\d$", published), f"{url}: no UTC offset"
            modified = doc.xpath('string(//meta[@property="article:modified_time"]/@content)')
            # sitemaps give lastmod, feeds the publication date
            page_dates = (datetime.fromisoformat(published), datetime.fromisoformat(modified))
            assert listed in page_dates, url
            assert doc.xpath('string(//meta[@property="og:url"]/@content)') == url
            assert doc.xpath('string(//link[@rel="canonical"]/@href)') == url
            og_title = doc.xpath('string(//meta[@property="og:title"]/@content)')
            assert og_title and og_title in doc.findtext(".//title")
            ld = json.loads(doc.xpath('string(//script[@type="application/ld+json"])'))
            assert ld["@type"] == "NewsArticle" and ld["author"]["name"]
            assert datetime.fromisoformat(ld["datePublished"]) == datetime.fromisoformat(published)
            assert doc.get("lang") in outlet["languages"], url


def test_seed_articles_carry_the_seed_dates(base):
    expected = {
        LENTA_SEED: date(2022, 1, 10), INTERFAX_COPY: date(2022, 1, 10),
        ASPI_SEED: date(2022, 1, 11), FACTCHECK_SEED: date(2022, 3, 3),
    }
    for path, day in expected.items():
        doc = parse_page(base + path)
        published = datetime.fromisoformat(
            doc.xpath('string(//meta[@property="article:published_time"]/@content)'))
        assert published.date() == day, path
    lenta = parse_page(base + LENTA_SEED)
    published = lenta.xpath('string(//meta[@property="article:published_time"]/@content)')
    assert datetime.fromisoformat(published).utcoffset() == KYIV_WINTER.utcoffset(None)


@pytest.mark.parametrize(
    ("seed", "path", "skip_lines"),
    [
        ("000", LENTA_SEED, 1),        # the seed's title line is empty
        ("001", ASPI_SEED, 0),
        ("003", FACTCHECK_SEED, 0),
    ],
)
def test_seed_text_survives_in_page_order(base, seed, path, skip_lines):
    seed_text = next(SEEDS.glob(f"{seed}_*.txt")).read_text("utf-8")
    lines = [line for line in seed_text.split("\n")[skip_lines:] if line]
    doc = parse_page(base + path)
    blocks = [" ".join(el.text_content().split()) for el in doc.iter("p", "h1")]
    position = 0
    for line in lines:
        normalised = " ".join(line.split())
        assert normalised in blocks[position:], f"seed {seed}: {line[:60]!r} missing/out of order"
        position = blocks.index(normalised, position) + 1


def test_aspi_seed_carousel_repeats_teasers_inside_content(base):
    doc = parse_page(base + ASPI_SEED)
    main = doc.xpath('//main')[0]
    teasers = [p.text_content() for p in main.xpath('.//div[contains(@class, "news-card")]/p')]
    assert len(teasers) > len(set(teasers)) >= 8


def test_syndicated_copy_has_same_body_different_headline(base):
    lenta, interfax = parse_page(base + LENTA_SEED), parse_page(base + INTERFAX_COPY)
    lenta_body = [p.text_content() for p in lenta.xpath(BODY_XPATH["lenta-ua"])]
    interfax_body = [p.text_content() for p in interfax.xpath(BODY_XPATH["interfax-ua"])]
    story = [p for p in interfax_body if not p.startswith(("Читайте також", "Підписуйтесь"))]
    assert len(story) >= 9 and all(p in lenta_body for p in story)
    assert lenta.findtext(".//h1") != interfax.findtext(".//h1")


def test_windows_1251_page_is_served_with_its_charset(base):
    response = fetch(base + FACTCHECK_SEED)
    assert response.headers["Content-Type"] == "text/html; charset=windows-1251"
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    text = response.body.decode("cp1251")
    assert '<meta charset="windows-1251">' in text
    title = "О тайном намерении Казахстана поддержать Россию в военном конфликте пишут в Казнете"
    assert f"<title>{title}</title>" in text
    doc = lxml.html.document_fromstring(text)
    assert doc.xpath(BODY_XPATH["factcheck-kz"])[0].text_content() == "Это фейк."
    assert base + FACTCHECK_SEED in text  # {{BASE}} substituted inside the cp1251 bytes


def test_etag_and_last_modified_give_304(base):
    url = base + "/lenta-ua/rss.xml"
    first = fetch(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.status == 200 and etag and last_modified
    revalidated = fetch(url, {"If-None-Match": etag})
    assert revalidated.status == 304 and revalidated.body == b""
    assert fetch(url, {"If-Modified-Since": last_modified}).status == 304
    assert fetch(url, {"If-None-Match": '"stale"'}).status == 200
    assert fetch(url, {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status == 200
    # If-None-Match takes precedence over a matching If-Modified-Since
    both = {"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    assert fetch(url, both).status == 200


@pytest.mark.parametrize(
    "path", ["/../pyproject.toml", "/lenta-ua/%2e%2e/%2e%2e/pyproject.toml", "/..%2fpyproject.toml"]
)
def test_path_traversal_is_refused(base, path):
    assert raw_get(base, path).status == 403


@pytest.mark.parametrize(
    "path", ["/nowhere/", "/lenta-ua/news/2022/01/10/missing.html", "/outlets.yaml", "/README.md"]
)
def test_unknown_or_unserved_paths_are_404(base, path):
    assert fetch(base + path).status == 404


def test_directory_without_slash_redirects(base):
    response = raw_get(base, "/lenta-ua")
    assert response.status == 301 and response.getheader("Location") == base + "/lenta-ua/"


def test_robots_txt_disallows_one_path_the_spider_would_otherwise_fetch(base, catalog):
    response = fetch(base + "/robots.txt")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    robots = Protego.parse(response.text)
    blocked = [url for outlet in catalog["outlets"] for url in discover(outlet)
               if not robots.can_fetch(url, "NewsMonitor")]
    assert blocked == [base + PRESS_RELEASE]
    interfax = next(o for o in catalog["outlets"] if o["key"] == "interfax-ua-replica")
    assert re.search(interfax["article_url_pattern"], base + PRESS_RELEASE)
    assert base + PRESS_RELEASE in fetch(base + "/interfax-ua/").text
    assert fetch(base + PRESS_RELEASE).status == 200  # the server itself does not enforce it


def test_requests_do_not_write_to_stderr(base, capfd):
    fetch(base + "/lenta-ua/")
    fetch(base + "/missing")
    assert capfd.readouterr().err == ""


def test_catalog_renders_four_outlets_with_matching_patterns(base, catalog):
    text = render_catalog(base)
    assert "{{BASE}}" not in text
    outlets = catalog["outlets"]
    assert len(outlets) == 4
    site = crawl_site(base)
    for outlet in outlets:
        assert re.fullmatch(r"[a-z][a-z0-9-]*-replica", outlet["key"])
        assert outlet["allowed_domains"] == ["127.0.0.1"]
        pattern = re.compile(outlet["article_url_pattern"])
        articles = set(discover(outlet))
        for url in articles:
            assert pattern.search(url), f"{outlet['key']}: pattern misses {url}"
        sources = outlet["sources"]
        non_articles = [outlet["homepage"], *sources["feeds"], *sources["news_sitemaps"],
                        *sources["sitemaps"], *sources["listings"]]
        non_articles += [url for url in site if url not in articles]
        for url in non_articles:
            assert not pattern.search(url), f"{outlet['key']}: pattern matches {url}"
        # every article page of the outlet is listed in its feeds/sitemaps and on its listings
        assert {url for url in site if pattern.search(url)} == articles
        listed = set()
        for listing in sources["listings"]:
            listed.update(parse_page(listing).xpath("//a/@href"))
        assert articles <= listed, outlet["key"]


def test_all_served_links_resolve(base):
    pages = crawl_site(base)  # asserts every internal link answers 200
    assert b"{{BASE}}" not in b"".join(response.body for response in pages.values())
    assert len([url for url in pages if url.endswith((".html", "/"))]) > 30


def test_ordinary_articles_avoid_watched_narratives(catalog):
    ordinary = 0
    for outlet in catalog["outlets"]:
        prefix = urlsplit(outlet["homepage"]).path.strip("/")
        for url in discover(outlet):
            if urlsplit(url).path in SEED_PAGES:
                continue
            ordinary += 1
            doc = parse_page(url)
            paragraphs = [p.text_content() for p in doc.xpath(BODY_XPATH[prefix])]
            text = " ".join([doc.findtext(".//h1"), *paragraphs])
            hits = [stem for stem in NARRATIVE_STEMS if stem in text.lower()]
            assert not hits, f"{url} mentions {hits}"
    assert ordinary >= 8


def test_factcheck_outlet_has_kazakh_and_russian_articles(catalog):
    factcheck = next(o for o in catalog["outlets"] if o["key"] == "factcheck-kz-replica")
    languages = {parse_page(url).get("lang") for url in discover(factcheck)}
    assert languages == {"ru", "kk"}


def test_catalog_loads_with_the_project_loader(base, tmp_path):
    catalog_module = pytest.importorskip("monitor.catalog")
    path = tmp_path / "outlets.yaml"
    path.write_text(render_catalog(base), encoding="utf-8")
    loaded = catalog_module.load_catalog(path)
    assert len(loaded.outlets) == 4
    for outlet in yaml.safe_load(render_catalog(base))["outlets"]:
        for url in discover(outlet):
            assert loaded.get(outlet["key"]).is_article_url(url)


def test_default_root_is_the_seeds_replica_folder():
    assert DEFAULT_ROOT == SEEDS / "replica"
