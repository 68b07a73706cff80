"""Tests for monitor/catalog.py: the shipped catalog, the Outlet API and every catalog mistake."""

import re

import pytest
from pydantic import ValidationError

from monitor.catalog import (CATALOG_PATH_ENV, DEFAULT_CATALOG_PATH, CatalogError, load_catalog,
                             parse_catalog)

# Article URLs in each outlet's real shape (most are published links); each must match the
# outlet's article_url_pattern. Keep in step with config/outlets.yaml.
ARTICLE_EXAMPLES = {
    "ukrainska-pravda": [
        "https://www.pravda.com.ua/news/2024/05/14/7455432/",
        "https://www.pravda.com.ua/rus/news/2024/05/14/7455432/",
        "https://www.pravda.com.ua/articles/2024/05/14/7455500/",
    ],
    "ukrinform": [
        "https://www.ukrinform.ua/rubric-ato/3675038-v-ukraini-ogolosena-masstabna-povitrana-trivoga.html",
        "https://www.ukrinform.ua/rubric-polytics/3393674-kremlivskij-milnij-serial-novi-suzeti-z-neasnim-finalom.html",
    ],
    "unian": [
        "https://www.unian.ua/world/yes-pogodiv-10-y-paket-sankciy-proti-rf-borrel-12158787.html",
        "https://www.unian.net/war/vsu-otrazili-ataku-12158790.html",
    ],
    "interfax-ukraine": [
        "https://interfax.com.ua/news/general/876145.html",
        "https://ru.interfax.com.ua/news/economic/876150.html",
    ],
    "lb-ua": ["https://lb.ua/news/2024/02/16/598738_senat_kanadi_nabliziv_ratifikatsiyu.html"],
    "nv": [
        "https://nv.ua/ukr/ukraine/events/telegram-za-danimi-doslidzhennya-ukrajinci-chitayut-novini-u-socmerezhi-durova-50452200.html",
        "https://nv.ua/ukraine/politics/zelenskiy-podpisal-zakon-50412345.html",
    ],
    "suspilne": [
        "https://suspilne.media/1164184-ssa-skasuvali-sankcii-zaprovadzeni-proti-proektu-aes-v-ugorsini-aku-budue-rosijskij-rosatom/",
        "https://suspilne.media/631864-grae-bila-mora-na-svitanku-pianist-z-kieva-dav-koncert-na-odeskomu-lanzeroni/",
    ],
    "stopfake": [
        "https://www.stopfake.org/uk/fejk-zahidna-zbroya-pereprodayetsya-z-ukrayiny-na-chornomu-rynku/",
    ],
    "lenta-ua": [
        "https://lenta.ua/kistyani-viyni-abo-chim-zakinchilasya-velika-gonka-za-dinozavrami-47445/",
        "https://lenta.ua/kreml-davit-kakoy-dolzhna-byt-reaktsiya-ukrainy-115556/",
    ],
    "liga": [
        "https://news.liga.net/politics/news/orban-zayavil-chto-iz-za-ugrozy-rossii-nujna-suverennaya-ukraina-no-sanktsii-kritikuet",
        "https://news.liga.net/kiev/news/stolichnoe-metro-posle-raketnoy-ataki-vozobnovlyaet-dvijenie-v-obychnom-rejime-klichko",
    ],
    "rbc-ukraine": [
        "https://www.rbc.ua/ukr/news/odkb-zagrozhue-rozval-pashinyan-vlashtuvav-1669229873.html",
    ],
    "radio-svoboda": [
        "https://www.radiosvoboda.org/a/putin-oholosyv-viynu-operatyvno/31719784.html",
        "https://www.radiosvoboda.org/a/news-skhemy-scam-empire-kryptoshakhrayi/33337315.html",
    ],
    "tengrinews": [
        "https://tengrinews.kz/kazakhstan_news/asem-nusupova-pokinula-post-vitse-ministra-zdravoohraneniya-461895/",
        "https://kaz.tengrinews.kz/kazakhstan_news/aral-tenznde-su-kolem-ulgaydyi-364674/",
    ],
    "zakon-kz": [
        "https://www.zakon.kz/obshestvo/6490267-v-atyrau-zelenaya-voda-v-reke-okazalas-sledom-neftyanogo-zagryazneniya.html",
        "https://www.zakon.kz/5003300-v-kostanayskoy-oblasti-pogib.html",
    ],
    "kazinform": [
        "https://www.inform.kz/ru/v-stochnih-vodah-atirau-obnaruzheni-ostatki-nefteproduktov-adef40",
        "https://www.inform.kz/ru/bolee-11-mln-zelenih-nasazhdeniy-visadyat-v-astane-v-2026-godu-6a64cf5e",
        "https://www.inform.kz/ru/vengry-protestuyut-protiv-novoy-konstitucii-strany_a2430500",
    ],
    "vlast-kz": [
        "https://vlast.kz/novosti/70802-v-almaty-i-almatinskoj-oblasti-s-12-sentabra-povysatsa-tarify-na-elektroenergiu.html",
    ],
    "orda-kz": [
        "https://orda.kz/neftjanoe-pjatno-v-kaspii-chto-izvestno-o-zagrjaznenii-u-pljazha-atash-v-mangistau-417627/",
    ],
    "azattyq": [
        "https://rus.azattyq.org/a/kazakhstan-deaf-mutes-situation/29767359.html",
        "https://rus.azattyq.org/a/32552586.html",
        "https://www.azattyq.org/a/toqayev-address-to-the-nation/31438870.html",
    ],
    "factcheck-kz": [
        "https://factcheck.kz/claim-checking/fejk-v-almaty-18-chelovek-umerli-ot-ceftriaksona/",
        "https://factcheck.kz/kaz/faktchek/almatyda-18-adam-ceftriakson-preparatynan-qaytys-boldy-ma/",
    ],
    "kursiv": [
        "https://kz.kursiv.media/2024-04-15/tksh-tarif-musor-almaty/",
        "https://kz.kursiv.media/2018-11-12/dokumenty-na-latinskiy-lad-pasporta-i-udostovereniya-lichnosti-v/",
    ],
}

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


def test_every_outlet_has_article_examples(catalog):
    assert set(ARTICLE_EXAMPLES) == set(catalog.keys())


@pytest.mark.parametrize("key", sorted(ARTICLE_EXAMPLES))
def test_pattern_matches_articles_and_rejects_homepage_and_sources(catalog, key):
    outlet = catalog.get(key)
    for url in ARTICLE_EXAMPLES[key]:
        assert outlet.is_article_url(url), url
    for url in (outlet.homepage, *outlet.source_urls()):
        assert not outlet.is_article_url(url), url


@pytest.mark.parametrize("url", NOT_ARTICLES)
def test_section_pages_are_not_articles(catalog, url):
    assert not any(outlet.is_article_url(url) for outlet in catalog)


def test_article_of_one_outlet_is_not_claimed_by_another(catalog):
    for key, urls in ARTICLE_EXAMPLES.items():
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
