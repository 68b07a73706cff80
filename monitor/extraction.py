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
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from monitor.boilerplate import clean_text
from monitor.dates import published_at_from_page, zone_named

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
    zone = zone_named(timezone)
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
        published_at=published_at_from_page(tree, document.date, zone),
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


def _canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    """<link rel=canonical>, resolved against the page URL (trafilatura drops relative ones)."""
    for href in tree.xpath('//link[@rel="canonical"]/@href'):
        href = href.strip()
        if href:
            return urljoin(url, href) if url else (href if "://" in href else None)
    return None
