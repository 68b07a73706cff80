"""Discovery documents: RSS 2.0 / RSS 1.0 / Atom feeds and sitemaps (index, urlset, Google News)."""

from __future__ import annotations

import gzip
import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree

LOGGER = logging.getLogger(__name__)
XML_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([\w.:-]+)[\"']", re.IGNORECASE)
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class FeedEntry:
    """One link found in a feed or sitemap."""

    url: str
    title: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True)
class Discovery:
    """What a discovery document yields: article candidates and further sitemaps to read."""

    entries: tuple[FeedEntry, ...]
    sitemaps: tuple[str, ...] = ()
    kind: str = "unknown"


class FeedError(ValueError):
    """The document is not a feed or sitemap we can read."""


def _parse_xml(body: bytes, declared_encoding: str | None) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        body = gzip.GzipFile(fileobj=io.BytesIO(body)).read(MAX_DOCUMENT_BYTES)
    if not XML_DECLARED_ENCODING.match(body) and declared_encoding and not body.startswith(
        (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
    ):
        # No XML declaration: the HTTP charset is the only word on the encoding
        # (lxml would otherwise assume UTF-8 and garble windows-1251 feeds).
        try:
            body = body.decode(declared_encoding, errors="replace").encode("utf-8")
        except LookupError:
            LOGGER.warning("unknown charset %r; reading the document as UTF-8", declared_encoding)
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FeedError(f"not well-formed XML: {exc}") from exc
    if root is None:
        raise FeedError("empty or unreadable XML document")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_date(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) to aware UTC; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _entry_link(item: etree._Element, base_url: str) -> str | None:
    for child in item:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")
        if href and child.get("rel", "alternate") == "alternate":
            return urljoin(base_url, href.strip())
        if child.text and child.text.strip():
            return urljoin(base_url, child.text.strip())
    guid = _child_text(item, "guid", "id")
    if guid and guid.startswith(("http://", "https://")):
        return guid
    return None


def parse_discovery(body: bytes, base_url: str, declared_encoding: str | None = None) -> Discovery:
    """Read a feed or sitemap into article candidates (and child sitemaps of an index)."""
    root = _parse_xml(body, declared_encoding)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        locs = [_child_text(sm, "loc") for sm in root if _local(sm.tag) == "sitemap"]
        return Discovery((), tuple(urljoin(base_url, loc) for loc in locs if loc), kind)
    if kind == "urlset":
        entries = []
        for url in root:
            if _local(url.tag) != "url":
                continue
            loc = _child_text(url, "loc")
            if not loc:
                continue
            title, published = None, _child_text(url, "lastmod")
            for child in url:
                if _local(child.tag) == "news":
                    title = _child_text(child, "title")
                    published = _child_text(child, "publication_date") or published
            entries.append(FeedEntry(urljoin(base_url, loc), title, parse_date(published)))
        return Discovery(tuple(entries), (), kind)
    if kind in ("rss", "rdf", "feed"):
        items = [el for el in root.iter() if _local(el.tag) in ("item", "entry")]
        entries = []
        for item in items:
            link = _entry_link(item, base_url)
            if not link:
                continue
            published = _child_text(item, "pubdate", "published", "updated", "date", "issued")
            entries.append(FeedEntry(link, _child_text(item, "title"), parse_date(published)))
        return Discovery(tuple(entries), (), "atom" if kind == "feed" else "rss")
    raise FeedError(f"root element <{kind}> is neither a feed nor a sitemap")
