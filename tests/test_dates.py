"""monitor.dates: reading page dates, local times of Kyiv and Almaty, and the choice between
the page's and the feed's date (choose_published_at)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from monitor.dates import as_utc, choose_published_at, published_at_from_page

KYIV = ZoneInfo("Europe/Kyiv")
ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2024, 5, 14, 12, 0, tzinfo=UTC)  # 15:00 in Kyiv, 17:00 in Almaty


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def choose(page, feed, *, zone=KYIV, founded=None, now=NOW):
    return choose_published_at(page, feed, now=now, zone=zone, founded=founded)


# --- local times -------------------------------------------------------------------------


@pytest.mark.parametrize(("local", "expected"), [
    # Kyiv: UTC+2 in winter, UTC+3 from the last Sunday of March to the last of October.
    (datetime(2024, 3, 30, 12, 0), utc(2024, 3, 30, 10, 0)),
    (datetime(2024, 3, 31, 12, 0), utc(2024, 3, 31, 9, 0)),
    (datetime(2024, 10, 26, 12, 0), utc(2024, 10, 26, 9, 0)),
    (datetime(2024, 10, 27, 12, 0), utc(2024, 10, 27, 10, 0)),
    # 03:30 happens twice on 2024-10-27; the first (summer time) is meant.
    (datetime(2024, 10, 27, 3, 30), utc(2024, 10, 27, 0, 30)),
])
def test_naive_kyiv_times_follow_daylight_saving(local, expected):
    assert as_utc(local, KYIV) == expected


@pytest.mark.parametrize(("local", "expected"), [
    # Kazakhstan moved to a single UTC+5 zone on 2024-03-01; Almaty was UTC+6 before.
    (datetime(2024, 2, 29, 12, 0), utc(2024, 2, 29, 6, 0)),
    (datetime(2024, 3, 1, 12, 0), utc(2024, 3, 1, 7, 0)),
    (datetime(2023, 7, 1, 9, 30), utc(2023, 7, 1, 3, 30)),
    (datetime(2025, 7, 1, 9, 30), utc(2025, 7, 1, 4, 30)),
])
def test_naive_almaty_times_follow_the_2024_change(local, expected):
    assert as_utc(local, ALMATY) == expected


def test_aware_times_keep_their_offset_whatever_the_zone():
    aware = datetime(2024, 5, 14, 10, 0, tzinfo=timezone(timedelta(hours=3)))
    assert as_utc(aware, ALMATY) == utc(2024, 5, 14, 7, 0)


def page_with(json_ld_date: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        '<html><head><script type="application/ld+json">'
        f'{{"@type": "NewsArticle", "datePublished": "{json_ld_date}"}}'
        "</script></head><body><p>Текст</p></body></html>"
    )


@pytest.mark.parametrize(("value", "zone", "expected"), [
    # Naive with a space, as Ekonomichna Pravda writes it: Kyiv time (UTC+3 in October).
    ("2025-10-24 15:26:00", KYIV, utc(2025, 10, 24, 12, 26)),
    # Fractional seconds and an offset, as Kommersant writes it.
    ("2025-05-14T20:28:12.467+03:00", KYIV, utc(2025, 5, 14, 17, 28, 12)),
    ("2026-01-08T17:46:00+02:00", KYIV, utc(2026, 1, 8, 15, 46)),
    ("2024-02-29T23:30:00", ALMATY, utc(2024, 2, 29, 17, 30)),
    ("2024-03-01T23:30:00", ALMATY, utc(2024, 3, 1, 18, 30)),
])
def test_page_dates_are_read_in_the_outlets_zone(value, zone, expected):
    assert published_at_from_page(page_with(value), None, zone) == expected


# --- choose_published_at -------------------------------------------------------------------

PAGE = utc(2024, 5, 14, 7, 0)
FEED = utc(2024, 5, 14, 7, 20)


def test_page_date_is_preferred_to_the_feeds():
    assert choose(PAGE, FEED) == PAGE


@pytest.mark.parametrize(("page", "feed", "expected"), [
    (PAGE, None, PAGE),
    (None, FEED, FEED),
    (None, None, None),
])
def test_either_date_alone_is_taken(page, feed, expected):
    assert choose(page, feed) == expected


def test_naive_candidates_are_local_times():
    assert choose(datetime(2024, 5, 14, 10, 0), None) == PAGE
    assert choose(datetime(2024, 5, 14, 12, 0), None, zone=ALMATY) == PAGE


def test_a_date_in_the_future_is_rejected_and_the_feeds_used():
    assert choose(NOW + timedelta(days=30), FEED) == FEED
    assert choose(FEED, NOW + timedelta(days=1)) == FEED


def test_a_few_minutes_ahead_is_clock_skew_not_the_future():
    ahead = NOW + timedelta(minutes=40)
    assert choose(ahead, None) == ahead


def test_local_time_labelled_utc_is_read_as_local():
    # 14:30 Kyiv printed as "14:30 GMT": 2.5 hours in the future at 12:00 UTC.
    mislabelled = utc(2024, 5, 14, 14, 30)
    assert choose(None, mislabelled) == utc(2024, 5, 14, 11, 30)
    # Almaty is further ahead of UTC: 16:45 local printed as UTC.
    assert choose(None, utc(2024, 5, 14, 16, 45), zone=ALMATY) == utc(2024, 5, 14, 11, 45)


def test_future_beyond_the_zone_offset_is_not_explained_by_a_label():
    assert choose(None, utc(2024, 5, 14, 16, 30)) is None  # 4.5 hours ahead, Kyiv is UTC+3


def test_a_future_date_without_time_is_not_reinterpreted():
    tomorrow = as_utc(datetime(2024, 5, 15), KYIV)
    assert choose(tomorrow, None, now=utc(2024, 5, 14, 19, 0)) is None


def test_dates_before_the_outlet_was_founded_are_rejected():
    # Founded 2005: Jan 1 2005, midnight in Kyiv, is the earliest possible date.
    first = as_utc(datetime(2005, 1, 1, 0, 1), KYIV)
    assert choose(first, None, founded=2005) == first
    assert choose(first - timedelta(minutes=2), FEED, founded=2005) == FEED
    assert choose(utc(1999, 5, 1, 10, 0), None, founded=2005) is None


def test_dates_before_1990_are_rejected_even_without_a_founding_year():
    assert choose(utc(1970, 1, 1), FEED) == FEED
    assert choose(utc(1989, 12, 31, 12, 0), None, founded=1925) is None
    assert choose(utc(1991, 8, 24, 12, 0), None, founded=1925) == utc(1991, 8, 24, 12, 0)


def test_date_only_page_takes_the_feeds_time_on_the_same_local_day():
    day = as_utc(datetime(2024, 5, 14), KYIV)  # 2024-05-13 21:00 UTC
    assert choose(day, FEED) == FEED
    # 23:30 Kyiv is the next day in UTC but the same day in Kyiv.
    late = utc(2024, 5, 13, 20, 30)
    assert choose(as_utc(datetime(2024, 5, 13), KYIV), late) == late


def test_date_only_page_keeps_its_day_when_the_feed_is_another_day():
    day = as_utc(datetime(2024, 5, 13), KYIV)
    assert choose(day, FEED) == day


def test_date_only_feed_does_not_replace_a_date_only_page():
    day = as_utc(datetime(2024, 5, 14), KYIV)
    assert choose(day, utc(2024, 5, 14)) == day  # a sitemap <lastmod>2024-05-14</lastmod>


def test_disagreement_keeps_a_timed_page_date_and_is_logged(caplog):
    old_feed = utc(2024, 5, 1, 9, 0)  # a re-listed story, or the feed's "updated" time
    with caplog.at_level(logging.INFO, logger="monitor.dates"):
        assert choose(PAGE, old_feed) == PAGE
    assert "disagree" in caplog.text and "keeping the page's" in caplog.text


def test_disagreement_prefers_a_timed_feed_to_a_bare_page_date(caplog):
    bare = as_utc(datetime(2024, 5, 2), KYIV)  # a date read from the visible text, say
    with caplog.at_level(logging.INFO, logger="monitor.dates"):
        assert choose(bare, FEED) == FEED
    assert "keeping the feed's" in caplog.text


def test_naive_now_is_local_time_too():
    assert choose(utc(2024, 5, 14, 12, 30), None, now=datetime(2024, 5, 14, 15, 0)) is not None
