"""Discovery documents: RSS 2.0 / RSS 1.0 / Atom feeds and sitemaps (index, urlset, Google News)."""

from __future__ import annotations

import gzip
import html
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.entities import html5 as HTML5_ENTITIES
from urllib.parse import urljoin

from lxml import etree

from monitor.encodings import decode_feed

LOGGER = logging.getLogger(__name__)
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


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
    title: str | None = None  # the feed's own title (channel or Atom feed)


class FeedError(ValueError):
    """The document is not a feed or sitemap we can read."""


def _html_entity(match: re.Match[str]) -> str:
    """An HTML entity (&laquo;) that XML does not define, as its character; lxml would drop it."""
    name = match.group(1)
    value = HTML5_ENTITIES.get(name + ";")
    if name in _XML_ENTITIES or value is None:
        return match.group(0)
    return "".join(f"&#{ord(c)};" if c in "<&>" else c for c in value)


def _parse_xml(body: bytes, declared_encoding: str | None) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        body = gzip.GzipFile(fileobj=io.BytesIO(body)).read(MAX_DOCUMENT_BYTES)
    text = _ENTITY.sub(_html_entity, decode_feed(body, declared_encoding))
    # The text is decoded already: the parser's encoding overrides the declaration's.
    parser = etree.XMLParser(
        encoding="utf-8", recover=True, resolve_entities=False, no_network=True,
        huge_tree=False, remove_comments=True,
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FeedError(f"not well-formed XML: {exc}") from exc
    if root is None:
        raise FeedError("empty or unreadable XML document")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names:
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


def _title(element: etree._Element | None) -> str | None:
    """The element's <title> as plain text: feeds put HTML in titles (entities in CDATA,
    double-escaped entities, Atom type="html"), and line breaks around CDATA."""
    raw = _child_text(element, "title") if element is not None else None
    if raw is None:
        return None
    return " ".join(_TAG.sub(" ", html.unescape(raw)).split()) or None


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
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _entry_link(item: etree._Element, base_url: str) -> str | None:
    for child in item:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")
        if href and child.get("rel", "alternate") == "alternate":
            return urljoin(base_url, href.strip())
        if child.text and child.text.strip():
            return urljoin(base_url, child.text.strip())
    guid = _child_text(item, "guid", "id") or item.get(_RDF_ABOUT)  # RSS 1.0: rdf:about
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
                    title = _title(child)
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
            entries.append(FeedEntry(link, _title(item), parse_date(published)))
        channel = next((el for el in root if _local(el.tag) == "channel"), root)
        kind = "atom" if kind == "feed" else "rss"
        return Discovery(tuple(entries), (), kind, _title(channel))
    raise FeedError(f"root element <{kind}> is neither a feed nor a sitemap")
