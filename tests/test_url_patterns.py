"""Tests for monitor/url_patterns.py: article-URL patterns guessed from real outlets' URL shapes."""

import re

import pytest

from monitor.url_patterns import MIN_COVERAGE, guess_pattern, looks_like_article

# Article URLs in the shapes of real outlets, and section pages of the same sites.
SHAPES = {
    "date and id": (
        ["https://www.pravda.com.ua/news/2024/05/14/7455432/",
         "https://www.pravda.com.ua/news/2024/05/14/7455433/",
         "https://www.pravda.com.ua/articles/2024/05/14/7455500/",
         "https://www.pravda.com.ua/columns/2024/05/13/7455100/"],
        ["https://www.pravda.com.ua/", "https://www.pravda.com.ua/news/",
         "https://www.pravda.com.ua/news/2024/05/14/", "https://www.pravda.com.ua/rss/"],
    ),
    "id then slug": (
        ["https://www.ukrinform.ua/rubric-ato/3675038-v-ukraini-ogolosena-povitrana-trivoga.html",
         "https://www.ukrinform.ua/rubric-polytics/3393674-kremlivskij-milnij-serial.html",
         "https://www.ukrinform.ua/rubric-society/3393675-u-kyievi-vidkryly-mist.html"],
        ["https://www.ukrinform.ua/", "https://www.ukrinform.ua/rubric-ato",
         "https://www.ukrinform.ua/block-lastnews"],
    ),
    "slug then id": (
        ["https://tengrinews.kz/kazakhstan_news/asem-nusupova-pokinula-post-461895/",
         "https://tengrinews.kz/world_news/tramp-zayavil-o-peregovorah-461896/",
         "https://tengrinews.kz/kazakhstan_news/v-almatyi-vyipal-sneg-461897/"],
        ["https://tengrinews.kz/", "https://tengrinews.kz/kazakhstan_news/",
         "https://tengrinews.kz/news/"],
    ),
    "id and slug at the root": (
        ["https://suspilne.media/1164184-ssa-skasuvali-sankcii/",
         "https://suspilne.media/631864-grae-bila-mora-na-svitanku/",
         "https://suspilne.media/1164190-novyny-dnia/"],
        ["https://suspilne.media/", "https://suspilne.media/latest/", "https://suspilne.media/rss/all.rss"],
    ),
    "dated folder": (
        ["https://kz.kursiv.media/2024-05-14/zhvr-tengre-bank-vypustil/",
         "https://kz.kursiv.media/2024-05-13/lgts-obligacii-dohod/"],
        ["https://kz.kursiv.media/", "https://kz.kursiv.media/news/"],
    ),
    "two shapes": (
        ["https://www.radiosvoboda.org/a/putin-oholosyv-viynu/31719784.html",
         "https://www.radiosvoboda.org/a/news-skhemy/33337315.html",
         "https://www.radiosvoboda.org/a/33337316.html",
         "https://www.radiosvoboda.org/a/33337317.html"],
        ["https://www.radiosvoboda.org/", "https://www.radiosvoboda.org/z/630"],
    ),
    "slug only, sections by name": (
        ["https://www.stopfake.org/uk/fejk-zahidna-zbroya-pereprodayetsya/",
         "https://www.stopfake.org/uk/manipulyatsiya-ssha-hotuyut-udar/",
         "https://www.stopfake.org/ru/fejk-v-ukraine-zapretili-yazyk/"],
        ["https://www.stopfake.org/uk/golovna/", "https://www.stopfake.org/uk/",
         "https://www.stopfake.org/uk/category/fejki-uk/"],
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_pattern_matches_the_articles_and_no_section(shape):
    articles, sections = SHAPES[shape]
    pattern, coverage = guess_pattern(articles, sections)
    assert coverage == 1.0, pattern
    for url in articles:
        assert re.search(pattern, url), url
    for url in sections:
        assert not re.search(pattern, url), url


def test_numbers_and_dates_are_generalised_and_constant_sections_kept():
    pattern, _ = guess_pattern(
        ["https://lb.ua/news/2024/02/16/598738_senat_kanadi.html",
         "https://lb.ua/news/2024/02/17/598800_inshyi_tekst.html"], ["https://lb.ua/"])
    assert pattern == r"^https?://[^/]+/news/\d{4}/\d{2}/\d{2}/\d+_\w+\.html(?:[?#]|$)"
    assert re.search(pattern, "https://lb.ua/news/2025/11/03/612345_novyna.html?utm_source=rss")


def test_sections_are_spelled_out_when_any_word_would_match_a_tag_page():
    articles = ["https://x.kz/news/almaty-metro-station-opens/",
                "https://x.kz/sport/kairat-beat-astana-again/"]
    pattern, coverage = guess_pattern(articles, ["https://x.kz/tag/almaty-metro-station/"])
    assert coverage == 1.0
    assert "(?:news|sport)/" in pattern


def test_no_pattern_when_the_articles_have_nothing_in_common():
    articles = [f"https://x.ua/{path}" for path in
                ("a/1.html", "b-c-d/", "2024-01-01/x-y-z/", "p/q/r/s/", "about", "n_12")]
    pattern, coverage = guess_pattern(articles, ["https://x.ua/"])
    assert coverage < MIN_COVERAGE


@pytest.mark.parametrize(("url", "expected"), [
    ("https://x.ua/news/2024/05/14/12345/", True),
    ("https://x.ua/some-long-article-slug/", True),
    ("https://x.ua/news/", False),
    ("https://x.ua/about-us/", False),
    ("https://x.ua/tag/some-long-tag/", False),
])
def test_looks_like_article(url, expected):
    assert looks_like_article(url) is expected
