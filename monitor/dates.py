"""Publication times: read from a page's structured data, checked against the feed's,
always returned aware in UTC.

Naive times are read in the outlet's zone (Europe/Kyiv, Asia/Almaty), never the machine's.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, time, timedelta, tzinfo
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml.html import HtmlElement

LOGGER = logging.getLogger(__name__)

# Clocks of crawler and outlet may differ a little; beyond this a date is in the future.
CLOCK_SKEW = timedelta(hours=1)
# No outlet we watch published on the web before this year.
EARLIEST_YEAR = 1990
# Page and feed dates further apart than this are logged as a disagreement.
DISAGREEMENT = timedelta(days=2)


def zone_named(name: str | None) -> dt_timezone | ZoneInfo:
    """The zone of an IANA name (UTC for None); ValueError naming the bad value."""
    if name is None:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        expected = "an IANA name such as 'Europe/Kyiv'"
        raise ValueError(f"unknown timezone {name!r}; expected {expected}") from err


def as_utc(moment: datetime, zone: tzinfo) -> datetime:
    """Aware UTC; a naive time is wall-clock time in *zone* (its DST and offset history)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def choose_published_at(
    page: datetime | None,
    feed: datetime | None,
    *,
    now: datetime,
    zone: tzinfo = UTC,
    founded: int | None = None,
) -> datetime | None:
    """The publication time to store (aware UTC), from the page's structured date and the
    feed's or sitemap's, or None when neither is believable.

    1. Naive candidates are wall-clock time in *zone*; all are compared in UTC.
    2. A candidate later than *now* plus CLOCK_SKEW is in the future. If it has a time of
       day and its UTC wall clock read as local time is not in the future, it is taken
       as that local time: feeds that print local time with a "GMT"/"+0000" label or none.
       Otherwise it is rejected.
    3. A candidate before Jan 1 of *founded* (local time) or before EARLIEST_YEAR is rejected.
    4. Of two valid candidates the page's wins: it is the article's own metadata, while a
       feed's or sitemap's date is often the time of an update or of the listing. Except:
       - a date-only page date (exactly midnight) and a feed time on the same local day:
         the feed's time, as it says the same thing more precisely;
       - more than DISAGREEMENT apart (logged): the page's if it has a time of day, the
         feed's if only the feed has one, since a bare page date is then more likely a
         guess from the visible text or the URL than the story's timestamp.
    """
    now = as_utc(now, zone)
    earliest = as_utc(datetime(max(founded or EARLIEST_YEAR, EARLIEST_YEAR), 1, 1), zone)
    page = _believable(page, "page", now, earliest, zone)
    feed = _believable(feed, "feed", now, earliest, zone)
    if page is None or feed is None:
        return page or feed
    page_bare, feed_bare = _is_date_only(page, zone), _is_date_only(feed, zone)
    same_day = page.astimezone(zone).date() == feed.astimezone(zone).date()
    if page_bare and not feed_bare and same_day:
        return feed
    if abs(page - feed) <= DISAGREEMENT:
        return page
    chosen, source = (feed, "feed") if page_bare and not feed_bare else (page, "page")
    LOGGER.info(
        "page date %s and feed date %s disagree; keeping the %s's",
        page.isoformat(), feed.isoformat(), source,
    )
    return chosen


def _believable(
    moment: datetime | None, source: str, now: datetime, earliest: datetime, zone: tzinfo
) -> datetime | None:
    """The candidate in UTC after rules 1-3 of choose_published_at, or None."""
    if moment is None:
        return None
    moment = as_utc(moment, zone)
    if moment > now + CLOCK_SKEW:
        as_local = as_utc(moment.replace(tzinfo=None), zone)
        if _is_date_only(moment, zone) or as_local > now + CLOCK_SKEW:
            LOGGER.info("%s date %s is in the future; ignored", source, moment.isoformat())
            return None
        LOGGER.info(
            "%s date %s is in the future; read as local time mislabelled as UTC: %s",
            source, moment.isoformat(), as_local.isoformat(),
        )
        moment = as_local
    if moment < earliest:
        LOGGER.info("%s date %s is before %s; ignored", source, moment.isoformat(),
                    earliest.isoformat())
        return None
    return moment


def _is_date_only(moment: datetime, zone: tzinfo) -> bool:
    """Exactly midnight, local or UTC: what a date without a time of day becomes."""
    return moment.time() == time(0) or moment.astimezone(zone).time() == time(0)


_ISO_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_META_DATE_XPATH = (
    '//meta[@property="article:published_time" or @name="article:published_time"'
    ' or @property="og:article:published_time" or @itemprop="datePublished"'
    ' or @name="pubdate" or @name="publishdate" or @name="parsely-pub-date"'
    ' or @name="sailthru.date" or @name="dc.date.issued" or @name="DC.date.issued"]/@content'
    ' | //*[@itemprop="datePublished"]/@datetime'
)
_ARTICLE_TYPES = re.compile(r"Article|Posting|Report", re.IGNORECASE)


def published_at_from_page(
    tree: HtmlElement, page_date: str | None, zone: dt_timezone | ZoneInfo
) -> datetime | None:
    """First candidate with a time of day, else the first date: the article's JSON-LD,
    <meta>, other JSON-LD objects (a WebPage's date is the page's, not the story's), htmldate."""
    articles, others = _json_ld_dates(tree)
    candidates = [*articles, *tree.xpath(_META_DATE_XPATH), *others, page_date]
    date_only = None
    for value in candidates:
        parsed = _parse_datetime(value, zone) if value else None
        if parsed is None:
            continue
        moment, has_time = parsed
        if has_time:
            return moment
        date_only = date_only or moment
    return date_only


def _json_ld_dates(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """datePublished values from JSON-LD: of article-typed objects, and of the others."""
    preferred: list[str] = []
    others: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            LOGGER.debug("skipping malformed JSON-LD block")
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                value = item.get("datePublished")
                if isinstance(value, str):
                    kind = item.get("@type", "")
                    kind = " ".join(kind) if isinstance(kind, list) else str(kind)
                    is_article = _ARTICLE_TYPES.search(kind)
                    (preferred if is_article else others).append(value)
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
    return preferred, others


def _parse_datetime(value: str, zone: dt_timezone | ZoneInfo) -> tuple[datetime, bool] | None:
    """ISO 8601 text -> (aware UTC datetime, whether it had a time of day)."""
    match = _ISO_DATETIME.search(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    if offset:
        if offset == "Z":
            tzinfo = UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            tzinfo = dt_timezone(sign * timedelta(hours=hours, minutes=minutes))
        moment = moment.replace(tzinfo=tzinfo)
    return as_utc(moment, zone), hour is not None  # a naive page date is the outlet's local time
