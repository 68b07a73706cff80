"""Publication times: read from a page's structured data, always returned aware in UTC.

Naive page times are read in the outlet's zone (Europe/Kyiv, Asia/Almaty), never the machine's.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml.html import HtmlElement

LOGGER = logging.getLogger(__name__)


def zone_named(name: str | None) -> dt_timezone | ZoneInfo:
    """The zone of an IANA name (UTC for None); ValueError naming the bad value."""
    if name is None:
        return dt_timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        expected = "an IANA name such as 'Europe/Kyiv'"
        raise ValueError(f"unknown timezone {name!r}; expected {expected}") from err


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
_ARTICLE_TYPES = re.compile(r"Article|Posting|Report", re.I)


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
            tzinfo = dt_timezone.utc
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            tzinfo = dt_timezone(sign * timedelta(hours=hours, minutes=minutes))
        moment = moment.replace(tzinfo=tzinfo)
    else:
        moment = moment.replace(tzinfo=zone)  # a naive page date is the outlet's local time
    return moment.astimezone(dt_timezone.utc), hour is not None
