"""Tests for monitor/catalog.py: the shipped catalog, the Outlet API and every catalog mistake."""

import re

import pytest
from pydantic import ValidationError

from monitor.catalog import (CATALOG_PATH_ENV, DEFAULT_CATALOG_PATH, CatalogError, load_catalog,
                             parse_catalog)

# Article URLs in each outlet's real shape (most are published links); each must match the

@pytest.fixture(scope="module")
def examples():
    """Each shipped outlet's example article URLs, kept beside its pattern in the catalog."""
    return {outlet.key: outlet.example_articles for outlet in load_catalog(DEFAULT_CATALOG_PATH)}

# Section, paging and static pages that must not count as articles.
NOT_ARTICLES = [
    "https://www.stopfake.org/uk/golovna/",
    "https://www.stopfake.org/uk/category/novyny-ua/page/2/",
    "https://tengrinews.kz/kazakhstan_news/page/2/",
    "https://factcheck.kz/kaz/category/faktchek/",
    "https://factcheck.kz/donate-factcheck/",
    "https://news.liga.net/ua/politics/news",
    "https://nv.ua/ukr/allnews.html",
    "https://www.inform.kz/ru/lenta",
    "https://orda.kz/uploads/posts/2024-04/1693930293_222.jpg",
]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DEFAULT_CATALOG_PATH)


def test_shipped_catalog_covers_both_countries(catalog):
    countries = [outlet.country for outlet in catalog]
    assert countries.count("UA") >= 8
    assert countries.count("KZ") >= 6
    assert len(set(catalog.keys())) == len(catalog)


def test_shipped_catalog_includes_kazakh_editions(catalog):
    kazakh = {outlet.key for outlet in catalog if "kk" in outlet.languages}
    assert {"tengrinews", "zakon-kz", "kazinform", "azattyq", "factcheck-kz"} <= kazakh


def test_every_shipped_outlet_carries_article_examples(examples):
    assert all(examples.values()), [key for key, urls in examples.items() if not urls]


def test_pattern_matches_articles_and_rejects_homepage_and_sources(catalog, examples):
    for key, urls in examples.items():
        outlet = catalog.get(key)
        for url in urls:
            assert outlet.is_article_url(url), url
        for url in (outlet.homepage, *outlet.source_urls()):
            assert not outlet.is_article_url(url), url


def test_an_example_the_pattern_does_not_match_is_a_catalog_error(tmp_path):
    path = tmp_path / "outlets.yaml"
    path.write_text(
        "outlets:\n  - key: x\n    name: X\n    country: UA\n    homepage: https://x.ua/\n"
        "    allowed_domains: [x.ua]\n    languages: [uk]\n    sources: {feeds: ['https://x.ua/rss']}\n"
        "    article_url_pattern: '/news/\\d+'\n    example_articles:\n      - https://x.ua/news/12\n"
        "      - https://x.ua/about\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as error:
        load_catalog(path)
    message = str(error.value)
    assert ":12:" in message and "'x'" in message and "example_articles[1]" in message


@pytest.mark.parametrize("url", NOT_ARTICLES)
def test_section_pages_are_not_articles(catalog, url):
    assert not any(outlet.is_article_url(url) for outlet in catalog)


def test_article_of_one_outlet_is_not_claimed_by_another(catalog, examples):
    for key, urls in examples.items():
        for url in urls:
            owners = [outlet.key for outlet in catalog if outlet.allows(url)]
            assert owners == [key], url


def test_allows_subdomains_and_ignores_port(catalog):
    pravda = catalog.get("ukrainska-pravda")
    assert pravda.allows("https://pravda.com.ua/news/")
    assert pravda.allows("https://life.pravda.com.ua:8443/society/")
    assert not pravda.allows("https://epravda.com.ua/news/")  # different site, not a subdomain
    assert not pravda.allows("https://pravda.com.ua.example.org/")
    assert not pravda.allows("ftp://www.pravda.com.ua/")
    assert not pravda.allows("/news/2024/05/14/7455432/")
    assert not pravda.allows("http://[broken/")


def test_get_unknown_key_lists_known_keys(catalog):
    with pytest.raises(KeyError, match="known outlets: ukrainska-pravda, ukrinform"):
        catalog.get("pravda")


def test_outlets_are_frozen(catalog):
    with pytest.raises(ValidationError):
        catalog.get("unian").crawl_interval = 5


VALID = """\
outlets:
  - key: alpha
    name: Alpha News
    country: UA
    homepage: https://alpha.example/
    allowed_domains: [alpha.example]
    languages: [uk]
    sources:
      feeds: [https://alpha.example/rss.xml]
    article_url_pattern: '/news/\\d+'
  - key: beta
    name: Beta News
    country: KZ
    homepage: https://beta.example/
    allowed_domains: [beta.example]
    languages: [ru, kk]
    sources:
      feeds:
        - https://beta.example/rss.xml
      listings: [https://beta.example/news/]
    article_url_pattern: '/\\d{4}/[a-z-]+/'
    crawl_interval: 30
"""


def test_parse_catalog_accepts_loopback_demo_with_port():
    text = VALID.replace("https://alpha.example/", "http://127.0.0.1:8765/")
    demo = parse_catalog(text.replace("[alpha.example]", "[127.0.0.1]"), "demo")
    alpha = demo.get("alpha")
    assert alpha.source_urls() == ("http://127.0.0.1:8765/rss.xml",)
    assert alpha.is_article_url("http://127.0.0.1:9999/news/42")
    assert not alpha.is_article_url("http://127.0.0.2:8765/news/42")
    assert demo.get("beta").crawl_interval == 30 and alpha.crawl_interval == 60


def test_source_urls_lists_feeds_before_listings():
    beta = parse_catalog(VALID, "x").get("beta")
    assert beta.source_urls() == ("https://beta.example/rss.xml", "https://beta.example/news/")


def test_default_path_comes_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "outlets.yaml"
    path.write_text(VALID, encoding="utf-8")
    monkeypatch.setenv(CATALOG_PATH_ENV, str(path))
    assert load_catalog().keys() == ("alpha", "beta")
    monkeypatch.delenv(CATALOG_PATH_ENV)
    monkeypatch.chdir(tmp_path)  # the shipped default does not depend on the working directory
    assert "unian" in load_catalog().keys()


# (case, old text, new text, text on the reported line of entry 2, its key, field, expected part)
MISTAKES = [
    ("bad-url", "- https://beta.example/rss.xml", "- ftp://beta.example/rss.xml",
     "ftp://", "beta", "sources.feeds[0]",
     "expected an http(s) URL, got 'ftp://beta.example/rss.xml'"),
    ("source-outside-domains", "[https://beta.example/news/]", "[https://gamma.example/news/]",
     "gamma.example", "beta", "sources.listings[0]", "expected a URL on beta.example"),
    ("homepage-outside-domains", "homepage: https://beta.example/",
     "homepage: https://gamma.example/",
     "homepage:", "beta", "homepage", "expected a URL on beta.example"),
    ("unknown-field", "    crawl_interval: 30", "    crawl_interval: 30\n    colour: red",
     "colour", "beta", "colour", "unknown field; expected one of: key, name"),
    ("unknown-source-kind", "      listings:", "      atom:",
     "atom:", "beta", "sources.atom", "unknown field; expected one of: feeds, news_sitemaps"),
    ("missing-field", "    name: Beta News\n", "",
     "- key: beta", "beta", "name", "required field is missing"),
    ("bad-regex", r"'/\d{4}/[a-z-]+/'", r"'/\d{4}/([a-z-]+/'",
     "article_url_pattern", "beta", "article_url_pattern", "expected a Python regular expression"),
    ("pattern-matches-homepage", r"'/\d{4}/[a-z-]+/'", "'beta'",
     "article_url_pattern", "beta", "article_url_pattern", "matches the homepage"),
    ("duplicate-key", "- key: beta", "- key: alpha",
     "- key: alpha", "alpha", "key", "duplicate key 'alpha'; entry 1 has it"),
    ("interval-too-small", "crawl_interval: 30", "crawl_interval: 2",
     "crawl_interval", "beta", "crawl_interval", "expected minutes from 5 to 1440, got 2"),
    ("interval-not-integer", "crawl_interval: 30", "crawl_interval: '30'",
     "crawl_interval", "beta", "crawl_interval", "valid integer"),
    ("domain-with-scheme", "[beta.example]", "[https://beta.example/]",
     "allowed_domains", "beta", "allowed_domains[0]", "without scheme, port or path"),
    ("language-upper-case", "[ru, kk]", "[ru, KK]",
     "languages", "beta", "languages[1]", "expected an ISO 639-1 code such as 'uk', got 'KK'"),
    ("country-lower-case", "country: KZ", "country: kz",
     "country", "beta", "country", "expected an ISO 3166 code"),
    ("no-sources", "      feeds:\n        - https://beta.example/rss.xml\n"
     "      listings: [https://beta.example/news/]\n", "      feeds: []\n",
     "sources:\n      feeds: []", "beta", "sources", "expected at least one feed"),
    ("field-given-twice", "    crawl_interval: 30",
     "    crawl_interval: 30\n    crawl_interval: 45",
     "crawl_interval: 45", "beta", "crawl_interval", "given twice"),
    ("yaml-syntax-error", "    name: Beta News", "    name: Beta: News",
     "Beta: News", "beta", "name", "YAML syntax error: mapping values are not allowed here"),
]


@pytest.mark.parametrize("case, old, new, marker, key, field, expected", MISTAKES,
                         ids=[case[0] for case in MISTAKES])
def test_mistake_names_file_line_entry_and_field(tmp_path, case, old, new, marker, key, field,
                                                 expected):
    assert VALID.count(old) == 1
    text = VALID.replace(old, new)
    path = tmp_path / "outlets.yaml"
    path.write_text(text, encoding="utf-8")
    second_entry = text.index("  - key:", text.index("  - key:") + 1)
    line = text.count("\n", 0, text.index(marker, second_entry)) + 1

    with pytest.raises(CatalogError) as caught:
        load_catalog(path)

    assert caught.value.problems == [str(caught.value)]  # exactly one problem, on one line
    prefix = f"{path}:{line}: entry 2 ({key!r}): field {field!r}: "
    assert str(caught.value).startswith(prefix), str(caught.value)
    assert expected in str(caught.value)


def test_all_problems_are_reported_in_line_order(tmp_path):
    text = VALID.replace("country: UA", "country: ua")
    text = text.replace("crawl_interval: 30", "crawl_interval: 0")
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "many.yaml")
    assert [p.split(": ")[0] for p in caught.value.problems] == ["many.yaml:4", "many.yaml:22"]
    assert "entry 1 ('alpha'): field 'country'" in caught.value.problems[0]
    assert "entry 2 ('beta'): field 'crawl_interval'" in caught.value.problems[1]


@pytest.mark.parametrize("text, expected", [
    ("", "x.yaml:1: expected a mapping with an 'outlets' list, got None"),
    ("- key: alpha\n", "x.yaml:1: expected a mapping with an 'outlets' list"),
    ("outlets: []\n", "x.yaml:1: field 'outlets': expected at least one value"),
    ("outlet:\n  - key: a\n", "x.yaml:1: field 'outlet': unknown field; expected one of: outlets"),
    ("outlets:\n  - just a name\n", "x.yaml:2: entry 1: input should be a valid dictionary"),
])
def test_file_level_mistakes(text, expected):
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "x.yaml")
    assert str(caught.value).startswith(expected), str(caught.value)


def test_path_inside_working_directory_is_shown_relative(tmp_path, monkeypatch):
    (tmp_path / "config").mkdir()
    path = tmp_path / "config" / "outlets.yaml"
    path.write_text(VALID.replace("- https://beta.example/rss.xml", "- ftp://x"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CatalogError, match="^" + re.escape(
            "config/outlets.yaml:19: entry 2 ('beta'): field 'sources.feeds[0]': "
            "expected an http(s) URL, got 'ftp://x'")):
        load_catalog(path)


def test_missing_file_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="cannot read the outlet catalog"):
        load_catalog(tmp_path / "absent.yaml")
