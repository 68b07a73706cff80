"""HTML (or plain text) -> clean article text + metadata. The one place trafilatura is called.

The page is decoded here, not by trafilatura: its detector ignores <meta charset>
and can read a short windows-1251 page as KOI8 or Latin-1. The page is parsed
once; trafilatura works on a copy of that tree and the publication time is then
read from the same tree (JSON-LD / article:published_time carry the time of day,
trafilatura's own date usually only the day).
"""

from __future__ import annotations

import codecs
import gzip
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from monitor.boilerplate import clean_text

LOGGER = logging.getLogger(__name__)

__all__ = [
    "ExtractionFailed",
    "ExtractionOptions",
    "Extracted",
    "decode_html",
    "extract",
    "extract_path",
    "extract_text",
]


class ExtractionFailed(ValueError):
    """No article could be taken from the input; ``reason`` is a short code such as 'too-short'."""

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Extracted:
    """One article: clean body text (paragraphs separated by "\\n") and its metadata."""

    url: str | None
    title: str | None
    text: str
    author: str | None
    published_at: datetime | None  # timezone-aware, UTC
    canonical_url: str | None
    site_name: str | None


@dataclass(frozen=True)
class ExtractionOptions:
    """The knobs of one extraction, bundled instead of trafilatura's 25 keywords."""

    min_text_chars: int = 100  # shorter bodies are teasers or error pages, not articles
    favor_precision: bool = False
    include_tables: bool = True
    # Fallback date search in the visible text (htmldate) when the markup has none.
    extensive_date_search: bool = True


DEFAULT_OPTIONS = ExtractionOptions()

# --- decoding ---------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']?([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# Cyrillic in a single-byte code page is a run of high bytes in every word;
# Western European text has at most an isolated accented letter.
_HIGH_BYTE_WORD = re.compile(rb"[\x80-\xff]{3,}")
_CYRILLIC_CODECS = ("cp1251", "koi8_u", "kz1048", "iso8859_5", "cp866")
# Browsers read these labels as windows-1252 (WHATWG encoding standard).
_WESTERN_CODECS = frozenset({"ascii", "iso8859-1", "cp1252"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CORE_LETTERS = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґәғқңөұүһ")


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode a page: BOM, then *encoding* (HTTP header), XML declaration, <meta charset>, guess."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    try:
        as_utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    head = data[:4096]
    declared = [encoding]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        declared.append(match.group(1).decode("ascii") if match else None)
    for name in filter(None, declared):
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            LOGGER.warning("unknown charset %r declared, ignoring it", name)
            continue
        if codec.startswith("utf") and codec != "utf-8":
            continue  # a UTF-16 declaration on bytes without a BOM is a copy-paste leftover
        if as_utf8 is not None and codec != "utf-8" and not data.isascii():
            # Servers often default the header to a legacy charset for UTF-8 pages;
            # real Cyrillic single-byte text is never valid multi-byte UTF-8.
            return as_utf8
        if codec in _WESTERN_CODECS:
            if _looks_cyrillic(data):
                break  # "iso-8859-1" on a Russian page: a misconfigured server
            return data.decode("cp1252", errors="replace")
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            LOGGER.debug("page does not decode as declared %s", codec)
    if as_utf8 is not None:
        return as_utf8
    if _looks_cyrillic(data):
        sample = data[:65536]
        best = max(_CYRILLIC_CODECS, key=lambda c: _cyrillic_score(sample.decode(c, "replace")))
        LOGGER.debug("no usable charset declared; guessed %s", best)
        return data.decode(best, errors="replace")
    return data.decode("cp1252", errors="replace")


def _looks_cyrillic(data: bytes) -> bool:
    return len(_HIGH_BYTE_WORD.findall(data, 0, 200_000)) >= 3


def _cyrillic_score(text: str) -> int:
    """Higher when the text reads as uk/ru/kk: mostly lower-case letters of those alphabets."""
    score = 0
    for char, count in Counter(_NON_ASCII.findall(text)).items():
        if char in _CORE_LETTERS:
            score += count
        elif char.lower() in _CORE_LETTERS:
            score -= count  # a wrong code page turns lower case into upper case
        else:
            score -= 3 * count  # box drawing, Serbian letters, U+FFFD
    return score


# --- extraction -------------------------------------------------------------


def extract(
    html: str | bytes,
    url: str | None = None,
    *,
    encoding: str | None = None,
    timezone: str | None = None,
    options: ExtractionOptions = DEFAULT_OPTIONS,
) -> Extracted:
    """Extract one article from a page; *timezone* (e.g. 'Europe/Kyiv') reads naive page dates."""
    zone = _zone(timezone)
    if isinstance(html, bytes):
        if html[:2] == b"\x1f\x8b":
            html = gzip.decompress(html)
        if b"\x00" in html[:1024] or html[:5] == b"%PDF-":
            raise ExtractionFailed("not-html", url)
        html = decode_html(html, encoding)
    if "<" not in html[:4096]:
        raise ExtractionFailed("not-html", url)
    tree = trafilatura.load_html(html)
    if tree is None:
        raise ExtractionFailed("not-html", url)
    # bare_extraction copies the tree, so ours stays intact for the date lookup.
    document = trafilatura.bare_extraction(tree, options=_trafilatura_options(options, url))
    if document is None or not document.text:
        raise ExtractionFailed("empty-text", url)
    title = document.title or None
    text = _checked_body(clean_text(document.text, title), options, url)
    canonical = _canonical_url(tree, url) or document.url or url
    return Extracted(
        url=url or canonical,
        title=title,
        text=text,
        author=document.author or None,
        published_at=_published_at(tree, document.date, zone),
        canonical_url=canonical,
        site_name=document.sitename or None,
    )


def extract_text(
    text: str, source: str | None = None, *, options: ExtractionOptions = DEFAULT_OPTIONS
) -> Extracted:
    """Article from plain text; a headline-like first line becomes the title."""
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    first = first.strip()
    # clean_text(first) == first: a dateline or a promo on top is not a title.
    headline = rest.strip() and _looks_like_headline(first) and clean_text(first) == first
    title = first if headline else None
    body = _checked_body(clean_text(rest if title else text, title), options, source)
    return Extracted(
        url=source,
        title=title,
        text=body,
        author=None,
        published_at=None,
        canonical_url=None,
        site_name=None,
    )


def extract_path(
    path: str | Path,
    url: str | None = None,
    *,
    encoding: str | None = None,
    timezone: str | None = None,
) -> Extracted:
    """Read a saved page (.html, .htm, .html.gz) or a plain-text article (.txt) for the CLI."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith((".html", ".htm", ".html.gz", ".htm.gz")):
        data = path.read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        return extract(data, url, encoding=encoding, timezone=timezone)
    if name.endswith(".txt"):
        return extract_text(decode_html(path.read_bytes(), encoding), source=url or str(path))
    raise ValueError(f"{path}: unsupported file type; expected .html, .htm, .html.gz or .txt")


def _trafilatura_options(options: ExtractionOptions, url: str | None) -> Extractor:
    return Extractor(
        output_format="python",
        precision=options.favor_precision,
        comments=False,
        tables=options.include_tables,
        with_metadata=True,
        url=url,
        date_params={"original_date": True, "extensive_search": options.extensive_date_search},
    )


def _checked_body(text: str, options: ExtractionOptions, source: str | None) -> str:
    if not text:
        raise ExtractionFailed("empty-text", source)
    if len(text) < options.min_text_chars:
        detail = f"{len(text)} characters < {options.min_text_chars} ({source})"
        raise ExtractionFailed("too-short", detail)
    return text


def _looks_like_headline(line: str) -> bool:
    return 2 <= len(line.split()) and len(line) <= 200 and line[-1] not in ".;:,…"


def _zone(name: str | None) -> dt_timezone | ZoneInfo:
    if name is None:
        return dt_timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        expected = "an IANA name such as 'Europe/Kyiv'"
        raise ValueError(f"unknown timezone {name!r}; expected {expected}") from err


def _canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    """<link rel=canonical>, resolved against the page URL (trafilatura drops relative ones)."""
    for href in tree.xpath('//link[@rel="canonical"]/@href'):
        href = href.strip()
        if href:
            return urljoin(url, href) if url else (href if "://" in href else None)
    return None


# --- publication time -------------------------------------------------------
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


def _published_at(
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
