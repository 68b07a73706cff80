"""HTML (or plain text) -> clean article text + metadata. The one place trafilatura is called.

The page is decoded here, not by trafilatura: its detector ignores <meta charset>
and can read a short windows-1251 page as KOI8 or Latin-1. The page is parsed
once; trafilatura works on a copy of that tree and the publication time is then
read from the same tree (JSON-LD / article:published_time carry the time of day,
trafilatura's own date usually only the day).

The body is trafilatura's precision-mode pick (re-checked against the balanced mode
when short), opened by the standfirst under the headline, then cleaned by
monitor.boilerplate; an outlet's overrides can drop elements, pick the body or the
date by selector. docs/extraction.md has the benchmark behind each choice.
"""

from __future__ import annotations

import copy
import functools
import gzip
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path
from urllib.parse import urljoin

import dateparser
import trafilatura
from cssselect import HTMLTranslator, SelectorError
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from monitor.boilerplate import clean_text
from monitor.encodings import decode_html
from monitor.dates import as_utc, published_at_from_page, zone_named

LOGGER = logging.getLogger(__name__)

__all__ = [
    "Extracted",
    "ExtractionFailed",
    "ExtractionOptions",
    "ExtractionOverrides",
    "decode_html",
    "extract",
    "extract_path",
    "extract_text",
    "selector_xpath",
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
    # trafilatura's precision mode first: it prunes link-dense rails, subscription
    # forms and related-story lists that the balanced mode keeps (docs/extraction.md).
    favor_precision: bool = True
    # A precision-mode body under this many words may be a wrongly pruned page: the
    # balanced mode is run too and wins when precision kept under half its words.
    recheck_below_words: int = 100
    include_tables: bool = True
    # Fallback date search in the visible text (htmldate) when the markup has none.
    extensive_date_search: bool = True


DEFAULT_OPTIONS = ExtractionOptions()


@dataclass(frozen=True)
class ExtractionOverrides:
    """One outlet's fixes for pages the generic path gets wrong (catalog key `extraction:`).

    A selector is CSS, or XPath when it starts with '/' or '('.
    """

    drop: tuple[str, ...] = ()  # elements removed from the page before anything else
    body: str | None = None  # the element(s) holding the body, taken instead of trafilatura's pick
    date: str | None = None  # an element whose @datetime, @content or text is the publication time


NO_OVERRIDES = ExtractionOverrides()

# --- decoding ---------------------------------------------------------------
# --- extraction -------------------------------------------------------------
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_DESCRIPTION_XPATH = (
    '//meta[@property="og:description" or @name="description" or @name="twitter:description"]'
    "/@content"
)
_INVISIBLE_XPATH = ".//script|.//style|.//noscript|.//template|.//iframe|.//form|.//button|.//svg"
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr",
    "table", "section", "article", "header", "footer", "figcaption", "figure", "dd", "dt", "dl",
    "aside", "main",
})
_PROBE = etree.fromstring(
    "<html><head><meta/></head><body><article><div><p><span><a/></span></p><time/></div>"
    "</article></body></html>"
)
_DATE_LANGUAGES = ["uk", "ru", "kk", "en"]
_DATE_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past"}


def extract(
    html: str | bytes,
    url: str | None = None,
    *,
    encoding: str | None = None,
    timezone: str | None = None,
    options: ExtractionOptions = DEFAULT_OPTIONS,
    overrides: ExtractionOverrides = NO_OVERRIDES,
) -> Extracted:
    """Extract one article from a page; *timezone* (e.g. 'Europe/Kyiv') reads naive page dates,
    *overrides* are the outlet's selectors for what the generic path gets wrong."""
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
    for selector in overrides.drop:
        for element in _elements(tree, selector):
            element.drop_tree()  # keeps the tail text, which belongs to the parent
    # bare_extraction copies the tree, so ours stays intact for the date lookup.
    document = trafilatura.bare_extraction(tree, options=_trafilatura_options(options, url))
    if document is None:
        raise ExtractionFailed("empty-text", url)
    title = document.title or None
    body = _selected_text(tree, overrides.body) if overrides.body else None
    if body is None:
        body = _body_text(tree, document.text, options, url)
        standfirst = _standfirst(tree, body)
        body = f"{standfirst}\n{body}" if standfirst else body
    text = _checked_body(clean_text(body, title), options, url)
    canonical = _canonical_url(tree, url) or document.url or url
    published_at = _selected_date(tree, overrides.date, zone) if overrides.date else None
    return Extracted(
        url=url or canonical,
        title=title,
        text=text,
        author=document.author or None,
        published_at=published_at or published_at_from_page(tree, document.date, zone),
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


def _trafilatura_options(
    options: ExtractionOptions, url: str | None, *, with_metadata: bool = True
) -> Extractor:
    return Extractor(
        output_format="python",
        precision=options.favor_precision,
        comments=False,
        tables=options.include_tables,
        with_metadata=with_metadata,
        url=url,
        date_params={"original_date": True, "extensive_search": options.extensive_date_search},
    )


def _body_text(tree: HtmlElement, text: str, options: ExtractionOptions, url: str | None) -> str:
    """The precision-mode body, unless it is short and the balanced mode finds twice as much."""
    if not options.favor_precision or _word_count(text) >= options.recheck_below_words:
        return text
    balanced = replace(options, favor_precision=False)
    extractor = _trafilatura_options(balanced, url, with_metadata=False)
    document = trafilatura.bare_extraction(tree, options=extractor)
    other = document.text if document is not None else ""
    return other if _word_count(text) < 0.5 * _word_count(other) else text


def _word_count(text: str | None) -> int:
    return len(_WORD.findall(text)) if text else 0


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _standfirst(tree: HtmlElement, body: str) -> str | None:
    """The subtitle right under the <h1> when the body lacks it, recognised by being the
    page's own description; trafilatura leaves it out with the headline."""
    descriptions = {_words(text) for text in tree.xpath(_DESCRIPTION_XPATH)}
    descriptions = {text for text in descriptions if text.count(" ") >= 3}
    if not descriptions:
        return None
    body_words = f" {_words(body)} "
    for element in tree.xpath("//h1/following-sibling::*[position() <= 2]"):
        line = " ".join(element.text_content().split())
        words = _words(line)
        if words in descriptions and f" {words} " not in body_words:
            return line
    return None


# --- per-outlet overrides ---------------------------------------------------


def selector_xpath(selector: str) -> str:
    """XPath for a CSS selector, or the selector itself when it is XPath (starts with '/' or
    '('); ValueError saying what is wrong otherwise."""
    selector = selector.strip()
    if not selector:
        raise ValueError("expected a CSS or XPath selector, got an empty string")
    if selector.startswith(("/", "(")):
        try:
            etree.XPath(selector)(_PROBE)  # unknown functions only fail when evaluated
        except etree.XPathError as exc:
            raise ValueError(f"expected an XPath expression, got {selector!r} ({exc})") from None
        return selector
    try:
        return HTMLTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValueError(f"expected a CSS selector, got {selector!r} ({exc})") from None


@functools.lru_cache(maxsize=256)
def _compiled(selector: str) -> etree.XPath:
    return etree.XPath(selector_xpath(selector))


def _elements(tree: HtmlElement, selector: str) -> list[HtmlElement]:
    """Elements matched by *selector*, outermost only (a match inside a match is skipped)."""
    found = [m for m in _compiled(selector)(tree) if isinstance(m, HtmlElement)]
    chosen = set(found)
    return [m for m in found if m.getparent() is not None
            and not any(a in chosen for a in m.iterancestors())]


def _selected_text(tree: HtmlElement, selector: str) -> str | None:
    """Paragraphs of the elements the outlet's body selector picks; None if it picks none."""
    texts = []
    for element in _elements(tree, selector):
        element = copy.deepcopy(element)
        for junk in element.xpath(_INVISIBLE_XPATH):
            junk.drop_tree()
        for node in element.iter():
            if node.tag == "br":
                node.tail = "\n" + (node.tail or "")
            elif node.tag in _BLOCK_TAGS:
                node.text = "\n" + (node.text or "")
                node.tail = "\n" + (node.tail or "")
        texts.append(element.text_content())
    return "\n".join(texts) if texts else None


def _selected_date(tree: HtmlElement, selector: str, zone: tzinfo) -> datetime | None:
    """The first date the outlet's date selector finds: @datetime, @content or the visible text,
    read in the outlet's zone when it carries no offset."""
    for match in _compiled(selector)(tree):
        if isinstance(match, HtmlElement):
            values = [match.get("datetime"), match.get("content"), match.text_content()]
        else:
            values = [str(match)]  # an XPath ending in /@attr or /text()
        for value in filter(None, (" ".join(v.split()) for v in values if v)):
            moment = _parse_date(value)
            if moment is not None:
                return as_utc(moment, zone)
    LOGGER.debug("date selector %r found no date", selector)
    return None


def _parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    # Labels such as "Опубліковано:" are not dates; from the first digit on usually is.
    first_digit = _DIGIT.search(value)
    candidates = [value] + ([value[first_digit.start():]] if first_digit else [])
    for candidate in candidates:
        moment = dateparser.parse(candidate, languages=_DATE_LANGUAGES, settings=_DATE_SETTINGS)
        if moment is not None:
            return moment
    return None


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
