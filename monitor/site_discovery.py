"""What a news site offers a crawler: its feeds (autodiscovery, common paths), its sitemaps
(robots.txt, common paths) and the article links they list. Every fetch is bounded in number,
time and size, and robots.txt is obeyed."""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.html
from lxml import etree

from monitor import settings as project_settings
from monitor.extraction import decode_html
from monitor.feeds import FeedEntry, FeedError, parse_discovery
from monitor.url_patterns import looks_like_article

LOGGER = logging.getLogger(__name__)

MAX_REQUESTS = 30
MAX_BYTES = 5 * 1024 * 1024
REQUEST_TIMEOUT_SECONDS = 10
DISCOVERY_SECONDS = 120
MAX_FEEDS = MAX_SITEMAPS = 3
FEED_PATHS = ("rss", "rss.xml", "rss/", "feed", "feed/", "atom.xml", "index.rss", "feed.xml",
              "news.rss", "rss/all")  # relative to the homepage
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml",
                 "/sitemap_news.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
# Second-level labels under which a ccTLD sells names (pravda.com.ua, gov.kz).
SECOND_LEVEL = frozenset(["com", "org", "net", "gov", "edu", "co", "in", "biz", "info", "kiev",
                          "kyiv"])


class DiscoveryError(Exception):
    """The site cannot be read at all (its homepage does not answer)."""


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    body: bytes
    charset: str | None


class Fetcher:
    """GETs bounded in count, time and size, polite to robots.txt; every outcome is kept."""

    def __init__(self, max_requests: int = MAX_REQUESTS, seconds: float = DISCOVERY_SECONDS):
        self.left = max_requests
        self.deadline = time.monotonic() + seconds
        self.robots: RobotFileParser | None = None
        self.tried: list[str] = []

    def note(self, url: str, outcome: str) -> None:
        self.tried.append(f"{url}  {outcome}")

    def get(self, url: str) -> Page | None:
        """The page, or None (the reason noted in `tried`)."""
        if self.robots is not None and not self.robots.can_fetch(project_settings.USER_AGENT, url):
            return self.note(url, "not fetched: disallowed by robots.txt")
        seconds = self.deadline - time.monotonic()
        if self.left <= 0 or seconds <= 0:
            return self.note(url, "not fetched: the request budget is spent")
        self.left -= 1
        request = urllib.request.Request(url, headers={"User-Agent": project_settings.USER_AGENT})
        timeout = min(REQUEST_TIMEOUT_SECONDS, seconds)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                page = Page(response.geturl(), self._read(response),
                            response.headers.get_content_charset())
        except urllib.error.HTTPError as exc:
            return self.note(url, f"HTTP {exc.code}")
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
            return self.note(url, f"failed: {getattr(exc, 'reason', None) or exc}")
        LOGGER.debug("fetched %s (%d bytes)", url, len(page.body))
        return page

    def _read(self, response) -> bytes:
        # In chunks, so that a server dripping bytes cannot outlast the deadline.
        body = b""
        while len(body) < MAX_BYTES and (chunk := response.read(min(65536, MAX_BYTES - len(body)))):
            if time.monotonic() > self.deadline:
                raise TimeoutError("the discovery time limit was reached")
            body += chunk
        return body


@dataclass
class Site:
    """What discovery found; feeds and sitemaps map each URL to its number of article links."""

    homepage: str
    domain: str
    scope: str  # the homepage's folder: article URLs must lie under it
    name: str = ""
    html_lang: str = ""
    links: list[str] = field(default_factory=list)  # every link on the homepage
    feeds: dict[str, int] = field(default_factory=dict)
    news_sitemaps: dict[str, int] = field(default_factory=dict)
    sitemaps: dict[str, int] = field(default_factory=dict)
    entries: dict[str, FeedEntry] = field(default_factory=dict)  # from feeds and news sitemaps
    sitemap_entries: dict[str, FeedEntry] = field(default_factory=dict)

    def on_domain(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").rstrip(".")
        return host == self.domain or host.endswith("." + self.domain)

    def owns(self, url: str) -> bool:
        return self.on_domain(url) and urlsplit(url).path.startswith(self.scope)

    def article_urls(self) -> list[str]:
        """Sample article URLs: from feeds and news sitemaps, else sitemaps, else homepage links."""
        return list(self.entries) or list(self.sitemap_entries) or [
            url for url in self.links if self.owns(url) and looks_like_article(url)]

    def listing_urls(self, article_urls: list[str]) -> list[str]:
        """URLs an article pattern must not match: the homepage, feeds and sitemaps, the
        articles' parent folders, and homepage links that look like sections."""
        found = [self.homepage, *self.feeds, *self.news_sitemaps, *self.sitemaps]
        for url in article_urls:
            parts = urlsplit(url)
            segments = parts.path.strip("/").split("/")
            found += [f"{parts.scheme}://{parts.netloc}/" + "/".join(segments[:i]) + "/"
                      for i in range(1, len(segments))]
        found += [url for url in self.links if self.owns(url) and not looks_like_article(url)]
        articles = set(article_urls)
        return [url for url in dict.fromkeys(found) if url not in articles]


def registrable_domain(host: str) -> str:
    """The domain an outlet owns: kaz.tengrinews.kz -> tengrinews.kz, m.lb.ua -> lb.ua."""
    if is_ip(host):
        return host
    labels = host.split(".")
    cut = 3 if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-cut:])


def is_ip(host: str) -> bool:
    try:
        return bool(ipaddress.ip_address(host))
    except ValueError:
        return False


def discover_site(homepage: str, fetcher: Fetcher) -> Site:
    """robots.txt and the homepage, then feeds (autodiscovery, else common paths) and sitemaps
    (robots.txt Sitemap lines, else common paths)."""
    parts = urlsplit(homepage)
    folder = parts.path[: parts.path.rfind("/") + 1] or "/"
    site = Site(homepage, registrable_domain(parts.hostname or ""), folder)
    robots_url = urljoin(homepage, "/robots.txt")
    robots_sitemaps: list[str] = []
    if robots := fetcher.get(robots_url):
        lines = robots.body.decode("utf-8", "replace").splitlines()
        fetcher.robots = RobotFileParser(robots_url)
        fetcher.robots.parse(lines)
        robots_sitemaps = [line.split(":", 1)[1].strip() for line in lines
                           if line.lower().startswith("sitemap:")]
        fetcher.note(robots_url, f"robots.txt with {len(robots_sitemaps)} Sitemap line(s)")
    feed_links = _read_homepage(fetcher, site)
    _read_sources(fetcher, site, feed_links, first_only=False)
    if not site.feeds:
        _read_sources(fetcher, site, [urljoin(homepage, p) for p in FEED_PATHS], first_only=True)
    _read_sources(fetcher, site, robots_sitemaps, first_only=False)
    if not (site.news_sitemaps or site.sitemaps):
        _read_sources(fetcher, site, [urljoin(homepage, p) for p in SITEMAP_PATHS], first_only=True)
    return site


def _read_homepage(fetcher: Fetcher, site: Site) -> list[str]:
    """Name, language and links of the site from its homepage; returns its feed links."""
    page = fetcher.get(site.homepage)
    if page is None:
        raise DiscoveryError(f"cannot fetch the homepage: {fetcher.tried[-1]}")
    fetcher.note(site.homepage, "homepage")
    if site.on_domain(page.url):
        site.homepage = page.url  # e.g. http -> https, or a bare domain -> www.
    html = decode_html(page.body, page.charset).encode("utf-8")
    try:
        doc = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        raise DiscoveryError(f"the homepage {page.url} is not an HTML page ({exc})") from None
    doc.make_links_absolute(page.url, handle_failures="discard")
    # Without og:site_name, the part of "Brand — tagline" or "Section | Brand" naming the domain.
    titles = re.split(r"\s+[|—–-]\s+", " ".join(doc.xpath("string(//title)").split()))
    brand = next((t for t in titles if site.domain.split(".")[0] in t.lower()), titles[0])
    site.name = doc.xpath("string(//meta[@property='og:site_name']/@content)").strip() or brand
    site.html_lang = (doc.get("lang") or "")[:2].lower()
    site.links = list(dict.fromkeys(href.split("#")[0] for href in doc.xpath("//a/@href")))
    return [link.get("href") for link in doc.xpath("//link[@href][contains(@rel, 'alternate')]")
            if link.get("type", "").lower() in FEED_TYPES and "comment" not in link.get("href")]


def _read_sources(fetcher: Fetcher, site: Site, urls: list[str], *, first_only: bool) -> None:
    """Read candidate feeds or sitemaps and keep those with article links (the first only)."""
    for url in dict.fromkeys(urls):
        found = _read_document(fetcher, site, url)
        if found is None:
            continue
        final_url, kind, entries, children = found
        if children:  # a sitemap index: read the two children most likely to hold news
            ranked = sorted(children, key=lambda u: not re.search(r"news|post|article", u))
            docs = [d for d in (_read_document(fetcher, site, u) for u in ranked[:2]) if d]
            kept = [_keep_source(site, d[0], "news", d[2]) for d in docs if d[1] == "news"]
            entries = [entry for doc in docs for entry in doc[2]]
            added = any(kept) or _keep_source(site, final_url, "sitemap", entries)
        else:
            added = _keep_source(site, final_url, kind, entries)
        if added and first_only:
            return


def _read_document(fetcher: Fetcher, site: Site, url: str):
    """A feed or sitemap as (final URL, kind, entries under the scope, child sitemaps), or None."""
    if not site.on_domain(url):
        return fetcher.note(url, f"skipped: not on {site.domain}")
    page = fetcher.get(url)
    if page is None:
        return None
    if not site.on_domain(page.url):
        return fetcher.note(url, f"skipped: redirected off {site.domain} to {page.url}")
    try:
        discovery = parse_discovery(page.body, page.url, page.charset)
    except FeedError as exc:
        return fetcher.note(url, f"not a feed or sitemap ({exc})")
    news = discovery.kind == "urlset" and b"/schemas/sitemap-news/" in page.body[:4096]
    entries = [entry for entry in discovery.entries if site.owns(entry.url)]
    children = [u for u in discovery.sitemaps if site.on_domain(u)]
    fetcher.note(url, f"{discovery.kind}: {len(entries)} of {len(discovery.entries)} links under "
                      f"{site.scope}" + (f", {len(children)} sitemaps" if children else ""))
    return page.url, "news" if news else discovery.kind, entries, children


def _keep_source(site: Site, url: str, kind: str, entries: list[FeedEntry]) -> bool:
    """Record a feed or sitemap that yields article links; False if it adds nothing."""
    kinds = {"rss": site.feeds, "atom": site.feeds, "news": site.news_sitemaps}
    target = kinds.get(kind, site.sitemaps)
    limit = MAX_FEEDS if target is site.feeds else MAX_SITEMAPS
    if not entries or url in target or len(target) >= limit:
        return False
    target[url] = len(entries)
    pool = site.sitemap_entries if target is site.sitemaps else site.entries
    pool.update((entry.url, entry) for entry in entries)
    return True
