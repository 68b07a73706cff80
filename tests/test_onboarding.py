"""`monitor outlets add` and `monitor outlets check` against a fake outlet served on 127.0.0.1.

tests/fixtures/onboarding/site is "Степовий вісник", a made-up outlet: a homepage with an RSS
autodiscovery link, rss.xml (3 articles), robots.txt naming a Google News sitemap (4 articles,
one of them in Kazakh), section, tag and about pages. tests/fixtures/onboarding/empty has
nothing to discover.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from monitor.catalog import CatalogError, load_catalog
from monitor.onboarding import OnboardingError, add_outlet, check_outlet, derive_key
from monitor.replica import serve_replica
from monitor.site_discovery import registrable_domain

FIXTURES = Path(__file__).parent / "fixtures" / "onboarding"
KEY = "stepovyi-visnyk"
ARTICLE_PATHS = [
    "/news/2024/05/14/48213-u-kharkovi-vidnovyly-rukh-metro.html",
    "/news/2024/05/14/48207-kazakhstan-i-ukraina-obhovoryly-reisy-do-almaty.html",
    "/news/2024/05/13/48190-agrarii-poltavshchyny-pochaly-sivbu-sonyashnyku.html",
    "/news/2024/05/13/48185-almatyda-metronyn-zhana-beketi-ashyldy.html",
]
LISTING_PATHS = ["/", "/news/", "/news/ekonomika/", "/tag/metro/", "/about.html", "/rss.xml",
                 "/sitemap-news.xml", "/news/2024/05/14/"]
TITLES = {
    "У Харкові відновили рух метро після нічного обстрілу": "uk",
    "Казахстан і Україна обговорили відновлення прямих рейсів до Алмати": "uk",
    "Аграрії Полтавщини почали сівбу соняшнику": "uk",
    "Алматыда метроның жаңа бекеті ашылды": "kk",
}
CATALOG_HEAD = """\
# Outlets watched by the Kharkiv desk.   <- kept as written, comments and spacing included
outlets:
  # ---- Ukraine
  - key: example-pravda
    name: Example Pravda
    country: UA
    homepage: https://www.example-pravda.com.ua/
    allowed_domains: [example-pravda.com.ua]
    languages: [uk]
    sources:
      feeds: [https://www.example-pravda.com.ua/rss/]
    article_url_pattern: '/news/\\d{4}/\\d{2}/\\d{2}/\\d+/'   # day/id
# end of the list
"""


@pytest.fixture(scope="module")
def site():
    with serve_replica(FIXTURES / "site") as base_url:
        yield base_url


@pytest.fixture
def catalog(tmp_path) -> Path:
    path = tmp_path / "outlets.yaml"
    path.write_text(CATALOG_HEAD, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_add_writes_a_valid_entry_found_from_feed_and_sitemap(site, catalog, capsys):
    assert add_outlet(site + "/", key=KEY, catalog_path=catalog) == 0
    outlet = load_catalog(catalog).get(KEY)
    assert outlet.name == "Степовий вісник"
    assert (outlet.country, outlet.languages) == ("UA", ("uk",))
    assert outlet.allowed_domains == ("127.0.0.1",)
    assert outlet.homepage == site + "/"
    assert outlet.sources.feeds == (site + "/rss.xml",)  # the comments feed link is not taken
    assert outlet.sources.news_sitemaps == (site + "/sitemap-news.xml",)
    assert outlet.sources.listings == (site + "/",)
    for path in ARTICLE_PATHS:
        assert outlet.is_article_url(site + path), path
    for path in LISTING_PATHS:
        assert not outlet.is_article_url(site + path), path
    out = capsys.readouterr().out
    assert "matches 4 of 4 article links (100%)" in out
    assert f"Next: monitor outlets check {KEY}" in out


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_add_keeps_the_existing_catalog_byte_for_byte(site, catalog, newline):
    before = CATALOG_HEAD.replace("\n", newline).encode("utf-8")
    catalog.write_bytes(before)
    assert add_outlet(site + "/", key=KEY, catalog_path=catalog) == 0
    after = catalog.read_bytes()
    assert after.startswith(before)
    assert after[len(before):].count(b"\n") == after[len(before):].count(newline.encode())
    assert load_catalog(catalog).keys() == ("example-pravda", KEY)
    assert not list(catalog.parent.glob(".outlets.yaml.*"))  # no temporary file left behind


def test_dry_run_prints_the_entry_and_writes_nothing(site, catalog, capsys):
    assert add_outlet(site, key=KEY, language="uk,kk", country="kz", catalog_path=catalog,
                      write=False) == 0
    assert catalog.read_text(encoding="utf-8") == CATALOG_HEAD
    out = capsys.readouterr().out
    assert f"- key: {KEY}" in out and "Dry run" in out
    assert "languages: [uk, kk]" in out and "country: KZ" in out


def test_existing_key_is_refused_before_any_request(catalog, capsys):
    # Nothing listens on this port: the refusal must come before any fetch.
    url = f"http://127.0.0.1:{free_port()}/"
    assert add_outlet(url, key="example-pravda", catalog_path=catalog) == 2
    assert "'example-pravda' already exists" in capsys.readouterr().err
    assert catalog.read_text(encoding="utf-8") == CATALOG_HEAD


def test_an_edition_of_a_catalogued_outlet_is_refused_before_any_request(catalog, capsys):
    assert add_outlet("https://kaz.example-pravda.com.ua/", catalog_path=catalog) == 2
    err = capsys.readouterr().err
    assert "belongs to outlet 'example-pravda' already" in err and "language edition" in err
    assert catalog.read_text(encoding="utf-8") == CATALOG_HEAD


def test_site_with_nothing_to_discover_fails_saying_what_was_tried(catalog, capsys):
    with serve_replica(FIXTURES / "empty") as base_url:
        assert add_outlet(base_url + "/", key="empty-site", catalog_path=catalog) == 1
    err = capsys.readouterr().err
    assert "no feed, sitemap or article link found" in err
    for tried in ("/robots.txt  HTTP 404", "/rss.xml  HTTP 404", "/feed/  HTTP 404",
                  "/sitemap.xml  HTTP 404", "/sitemap_index.xml  HTTP 404"):
        assert tried in err
    assert len(re.findall(r"^  http://", err, re.MULTILINE)) <= 30  # the request budget
    assert catalog.read_text(encoding="utf-8") == CATALOG_HEAD


def test_unreachable_homepage_fails_without_writing(catalog, capsys):
    url = f"http://127.0.0.1:{free_port()}/"
    assert add_outlet(url, key="nowhere", catalog_path=catalog) == 1
    assert "cannot fetch the homepage" in capsys.readouterr().err
    assert catalog.read_text(encoding="utf-8") == CATALOG_HEAD


def test_homepage_in_a_folder_keeps_to_that_folder(catalog):
    # The demo replica has four outlets on one host; its robots.txt names others' sitemaps.
    with serve_replica() as base_url:
        assert add_outlet(f"{base_url}/lenta-ua/", key="lenta", catalog_path=catalog) == 0
    outlet = load_catalog(catalog).get("lenta")
    assert outlet.sources.feeds == (f"{base_url}/lenta-ua/rss.xml",)
    assert not outlet.sources.news_sitemaps and not outlet.sources.sitemaps
    assert outlet.article_url_pattern.startswith("^https?://[^/]+/lenta-ua/news/")
    article = "/lenta-ua/news/2022/01/09/synoptyky-poperedyly-pro-snihopady-na-zakhodi.html"
    assert outlet.is_article_url(base_url + article)
    assert not outlet.is_article_url(f"{base_url}/lenta-ua/category/news/")


def test_check_shows_the_stored_articles_and_says_ok(site, catalog, capsys):
    assert add_outlet(site + "/", key=KEY, catalog_path=catalog) == 0
    capsys.readouterr()
    assert check_outlet(KEY, catalog_path=catalog, limit=3, timeout=120) == 0
    out = capsys.readouterr().out
    shown = [title for title in TITLES if title in out]
    assert len(shown) == 3, out
    languages = re.findall(r"^    language   (\w+)", out, re.MULTILINE)
    assert languages == [TITLES[title] for title in sorted(shown, key=out.index)]
    assert "UTC (2024-05-1" in out and "Europe/Kyiv)" in out
    assert re.search(r"^    \| \S", out, re.MULTILINE)  # the first lines of the text
    assert "Читайте також" not in out  # a "read also" line is not part of the text
    assert "Run: " in out and "0 errors" in out
    assert out.rstrip().endswith("OK: outlet works")


def test_check_of_an_entry_whose_pattern_matches_nothing_says_problem(site, catalog, capsys):
    assert add_outlet(site + "/", key=KEY, catalog_path=catalog) == 0
    text = catalog.read_text(encoding="utf-8")
    broken = re.sub(r"article_url_pattern: '\^.*'",
                    r"article_url_pattern: '/archive/\\d+\\.php$'", text)
    assert broken != text
    # The entry's own example URLs catch the broken pattern as soon as the catalog loads ...
    catalog.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"example_articles\[0\]"):
        load_catalog(catalog)
    # ... and without examples, the check run shows the outlet yields nothing.
    broken = re.sub(r"\n *example_articles: \[[^\]]*\]", "", broken)
    catalog.write_text(broken, encoding="utf-8")
    capsys.readouterr()
    assert check_outlet(KEY, catalog_path=catalog, limit=2, timeout=120) == 1
    out = capsys.readouterr().out
    assert "PROBLEM: no article link found" in out and "/archive/" in out


def test_check_of_an_unknown_key_raises_naming_the_known_ones(catalog):
    with pytest.raises(KeyError, match="example-pravda"):
        check_outlet("nope", catalog_path=catalog)


@pytest.mark.parametrize(("host", "domain", "key"), [
    ("tengrinews.kz", "tengrinews.kz", "tengrinews"),
    ("kaz.tengrinews.kz", "tengrinews.kz", "tengrinews-kaz"),
    ("www.pravda.com.ua", "pravda.com.ua", "pravda"),
    ("rus.azattyq.org", "azattyq.org", "azattyq-rus"),
    ("www.inform.kz", "inform.kz", "inform"),
    ("m.lb.ua", "lb.ua", "lb"),
])
def test_key_and_domain_derived_from_the_host(host, domain, key):
    assert registrable_domain(host) == domain
    assert derive_key(host) == key


@pytest.mark.parametrize("host", ["127.0.0.1", "24.kz"])
def test_hosts_that_make_no_key_ask_for_one(host):
    with pytest.raises(OnboardingError, match="--key") as error:
        derive_key(host)
    assert error.value.exit_code == 2
