"""Recognising the same article and the same story.

Two layers. URLs: `canonical_url` gives every spelling of one article page one string, and
`choose_canonical` decides whether a page's own rel=canonical / og:url may replace the URL it
was fetched from. Bodies: `fingerprint` is a MinHash over word shingles of the cleaned body,
`band_keys` its LSH buckets (strings a database indexes and queries by equality), and
`StoryIndex` clusters articles into stories with them. docs/dedup.md has the measurements
behind every constant here.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import numpy as np

from monitor.boilerplate_patterns import TO_CYRILLIC

# ---------------------------------------------------------------------------------------------
# Canonical URLs

# Parameters that identify a campaign or a click, never an article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "yclid", "msclkid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "ref", "ref_src", "ref_url", "from", "source", "amp", "output",
        "utm_referrer", "at_medium", "at_campaign", "ito", "share", "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hmsr", "_hs")
# Mobile and AMP editions that serve the same article as the main host.
MOBILE_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
AMP_PATH = re.compile(
    r"(?:/amp/?$)|(?:/amp(?=/))|(?:\.amp(?=\.html?$))|(?:\.amp$)", re.IGNORECASE
)
# A directory's default document is the directory: /news/12/index.html == /news/12.
INDEX_TAIL = re.compile(r"/index\.(?:html?|php|aspx?|jsp)$", re.IGNORECASE)
DUPLICATE_SLASHES = re.compile(r"/{2,}")
# "%2F" is a slash *inside* a segment: decoding it would change the path's segments.
ENCODED_SLASH = re.compile(r"%2F", re.IGNORECASE)
PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    if not host.isascii():
        try:  # "приклад.укр" and "xn--80aikifvh.xn--j1amh" are one host
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    changed = True
    while changed:
        changed = False
        for prefix in MOBILE_HOST_PREFIXES:
            # Keep at least "name.tld": "m.kz" is a domain, not a mobile prefix.
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix):]
                changed = True
    return host


def _requote(piece: str) -> str:
    # surrogateescape keeps undecodable bytes as they were instead of turning them all into
    # U+FFFD, which would merge different paths.
    return quote(unquote(piece, errors="surrogateescape"), safe=PATH_SAFE,
                 errors="surrogateescape")


def _path_step(path: str) -> str:
    path = DUPLICATE_SLASHES.sub("/", path)
    path = "%2F".join(_requote(piece) for piece in ENCODED_SLASH.split(path))
    path = AMP_PATH.sub("", path)
    path = INDEX_TAIL.sub("", path.rstrip("/")) or "/"
    return path if path.startswith("/") else "/" + path


def _path(path: str) -> str:
    # Each step can expose another's target ("/a/amp/index.html/"); repeating to a fixed
    # point is what makes canonical_url idempotent. Steps only shorten or re-spell.
    for _ in range(8):
        step = _path_step(path)
        if step == path:
            break
        path = step
    return path


def canonical_url(url: str) -> str:
    """One spelling per article: https, host lower-case without `www.`/mobile/AMP prefixes or
    default port, path without AMP/index tails, duplicate or trailing slashes, one
    percent-encoding, tracking parameters and fragment dropped, query sorted. Path case is
    kept: servers and CMS ids are case-sensitive (`/a/Xk3` and `/a/xk3` can be two articles)."""
    parts = urlsplit(url.strip())
    host = _host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:  # "host:notaport" names no port we could keep
        port = None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    return urlunsplit(("https", netloc, _path(parts.path), urlencode(query), ""))


def choose_canonical(
    fetched_url: str,
    rel_canonical: str | None = None,
    og_url: str | None = None,
    outlet_allows: Callable[[str], bool] | None = None,
) -> str:
    """canonical_url of the page's rel=canonical, else its og:url, when that stays on the
    outlet (`outlet_allows(url)`, e.g. `Outlet.is_article_url`) and is not the site root;
    else of the URL the page was fetched from."""
    fetched = canonical_url(fetched_url)
    for declared in (rel_canonical, og_url):
        try:  # the declarations are the page's, and pages carry broken URLs
            absolute = urljoin(fetched_url, (declared or "").strip())
            candidate = canonical_url(absolute)
            host = _host(urlsplit(absolute).hostname or "")
        except ValueError:
            continue
        if not declared or urlsplit(absolute).scheme not in ("http", "https"):
            continue
        allowed = (outlet_allows(absolute) if outlet_allows is not None
                   else host == urlsplit(fetched).hostname)
        # Some CMSes declare the homepage on every page: that would make all one article.
        root = urlsplit(candidate).path == "/" and not urlsplit(candidate).query
        if allowed and (not root or candidate == fetched):
            return candidate
    return fetched


# ---------------------------------------------------------------------------------------------
# Body fingerprints

WORD = re.compile(r"\w+", re.UNICODE)


def normalized_words(text: str) -> list[str]:
    """Lower-cased word tokens: the part of a body that survives re-formatting."""
    return WORD.findall(text.lower().replace("ё", "е"))


def content_hash(text: str) -> str:
    """SHA-256 over the body's words, so whitespace and punctuation changes do not matter."""
    return hashlib.sha256(" ".join(normalized_words(text)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MinHashFormat:
    """The shape of a fingerprint: word n-gram size and LSH bands x rows (the number of
    permutations). Signatures of two formats are incomparable, so this is a versioned constant,
    not a setting; `monitor bench dedup` compares the candidates (docs/dedup.md)."""

    shingle_words: int = 4
    bands: int = 32
    rows: int = 4

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    @property
    def version(self) -> str:
        return f"minhash-w{self.shingle_words}-b{self.bands}x{self.rows}-v1"


FORMAT = MinHashFormat()

# Shingle spelling: "Зв'язок", "звʼязок" and "зв’язок" are one word (ʼ, U+02BC, would count as
# a letter), and every Latin letter that has a Cyrillic twin is read as the twin, so that
# "Підписуйтеcь" with a Latin c (a trick to dodge filters) is the same word. English words
# come out mangled, but the same way in every text, which is all a shingle needs.
_SHINGLE_SPELLING = {**TO_CYRILLIC, **{ord(mark): None for mark in "'ʼ’`´"}}


def _hash64(data: bytes, person: bytes = b"") -> int:
    # blake2b, not hash(): the value must be the same in every process and Python version.
    return int.from_bytes(hashlib.blake2b(data, digest_size=8, person=person).digest(), "little")


@functools.cache
def _permutations(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Multiply-shift hash parameters, derived from their index so that they never change."""
    a = [_hash64(f"a{i}".encode(), b"minhash-perm") | 1 for i in range(count)]
    b = [_hash64(f"b{i}".encode(), b"minhash-perm") for i in range(count)]
    return np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)


def _paragraph_words(text: str) -> list[list[str]]:
    folded = text.translate(_SHINGLE_SPELLING)
    paragraphs = (normalized_words(line) for line in folded.split("\n"))
    return [words for words in paragraphs if words]


def _paragraph_key(words: list[str]) -> str:
    return f"{_hash64(' '.join(words).encode('utf-8'), b'paragraph'):016x}"


def paragraph_keys(text: str) -> list[str]:
    """Stable key per non-empty paragraph (one line of cleaned text), in order: what the
    furniture filter counts per outlet."""
    return [_paragraph_key(words) for words in _paragraph_words(text)]


@dataclass(frozen=True)
class Fingerprint:
    """A body's MinHash: `format.num_perm` little-endian uint32 minima (store these bytes),
    and how many shingles fed it (0: nothing to compare, it matches nothing)."""

    signature: bytes
    shingle_count: int
    format: MinHashFormat = FORMAT

    @property
    def empty(self) -> bool:
        return self.shingle_count == 0


def shingles(text: str, furniture: Collection[str] = (), fmt: MinHashFormat = FORMAT) -> set[int]:
    """64-bit hashes of the word n-grams of each paragraph of a cleaned body, paragraphs
    whose `paragraph_keys` are in `furniture` left out."""
    hashes: set[int] = set()
    for words in _paragraph_words(text):
        if furniture and _paragraph_key(words) in furniture:
            continue
        # A paragraph shorter than a shingle is one shingle; shingles stay inside a paragraph
        # so that a dropped or moved paragraph changes no other paragraph's shingles.
        width = min(fmt.shingle_words, len(words))
        for start in range(len(words) - width + 1):
            hashes.add(_hash64(" ".join(words[start:start + width]).encode("utf-8"), b"shingle"))
    return hashes


def fingerprint(
    text: str, furniture: Collection[str] = (), fmt: MinHashFormat = FORMAT
) -> Fingerprint:
    """MinHash of a cleaned body's `shingles`, furniture paragraphs left out."""
    hashes = shingles(text, furniture, fmt)
    if not hashes:
        return Fingerprint(b"\xff" * (4 * fmt.num_perm), 0, fmt)
    values = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    perm_a, perm_b = _permutations(fmt.num_perm)
    # (a*x + b) mod 2^64, top 32 bits: a multiply-shift hash per permutation.
    permuted = np.multiply.outer(values, perm_a)
    permuted += perm_b
    permuted >>= np.uint64(32)
    signature = permuted.min(axis=0).astype("<u4").tobytes()
    return Fingerprint(signature, len(hashes), fmt)


def _signature(fp: Fingerprint) -> np.ndarray:
    return np.frombuffer(fp.signature, dtype="<u4")


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two bodies' shingle sets (0.0 if either is empty)."""
    if a.format != b.format:
        raise ValueError(f"fingerprints {a.format.version} and {b.format.version} do not compare")
    if a.empty or b.empty:
        return 0.0
    return float(np.count_nonzero(_signature(a) == _signature(b))) / a.format.num_perm


def band_keys(fp: Fingerprint) -> list[str]:
    """The fingerprint's LSH buckets, "BB:hhhhhhhhhhhhhhhh" (band number, 64-bit hash of the
    band's rows): two bodies share one with probability 1-(1-J^rows)^bands; none if empty."""
    if fp.empty:
        return []
    signature, rows = _signature(fp), fp.format.rows
    return [
        f"{band:02d}:{_hash64(signature[band * rows:(band + 1) * rows].tobytes(), b'band'):016x}"
        for band in range(fp.format.bands)
    ]


# ---------------------------------------------------------------------------------------------
# Story clustering


@dataclass(frozen=True)
class DedupSettings:
    """What may be tuned without re-fingerprinting (project settings DEDUP_*)."""

    # Estimated Jaccard at or above which an article joins a candidate's story.
    threshold: float = 0.45
    # A paragraph its outlet printed in at least this many other articles is furniture
    # (teasers, footers, stock background) and left out of the fingerprint; 0: never.
    furniture_min_articles: int = 1
    # Articles published further apart are not compared (None: all are), so that a lookup
    # reads the window's articles, not the archive's. Syndication takes hours to days.
    window_days: float | None = 14.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> DedupSettings:
        """From Scrapy/project settings: DEDUP_MINHASH_THRESHOLD,
        DEDUP_FURNITURE_MIN_ARTICLES, DEDUP_WINDOW_DAYS (empty or 0: no window)."""
        window = settings.get("DEDUP_WINDOW_DAYS", cls.window_days)
        return cls(
            threshold=float(settings.get("DEDUP_MINHASH_THRESHOLD", cls.threshold)),
            furniture_min_articles=int(
                settings.get("DEDUP_FURNITURE_MIN_ARTICLES", cls.furniture_min_articles)
            ),
            window_days=float(window) if window else None,
        )


def furniture_keys(
    keys: Sequence[str], printed: Mapping[str, int], min_articles: int
) -> set[str]:
    """Which of an article's `paragraph_keys` are furniture: paragraphs its outlet printed in
    at least `min_articles` other articles (`printed`: key -> that count; 0 turns this off).
    The lead never is: a carousel does not open a body, and a lead quoted in the outlet's
    teasers before its article was crawled is still the article's own."""
    if not min_articles or not keys:
        return set()
    return {key for key in keys[1:] if printed.get(key, 0) >= min_articles} - {keys[0]}


@dataclass(frozen=True)
class StoryAssignment:
    """Where `StoryIndex.add` put an article. `matched_article_id` is its most similar
    earlier article at or above the threshold (None: it started a new story). When it matched
    articles of several stories, those stories became one: `story_id` is the oldest of them
    and `merged_story_ids` the others, which no longer exist."""

    story_id: int
    is_new: bool
    matched_article_id: Hashable | None
    similarity: float
    merged_story_ids: tuple[int, ...] = ()


@dataclass
class Story:
    """A cluster of copies of one story; first_* name its earliest publication."""

    story_id: int
    first_article_id: Hashable
    first_outlet: str
    first_published_at: datetime | None
    article_ids: list[Hashable] = field(default_factory=list)

    def consider(self, article_id: Hashable, outlet: str, published_at: datetime | None) -> None:
        """Make the article the first publication if it was published earlier (a known time
        beats an unknown one; ties keep the incumbent)."""
        if published_at is None:
            return
        if self.first_published_at is None or published_at < self.first_published_at:
            self.first_article_id = article_id
            self.first_outlet = outlet
            self.first_published_at = published_at


@dataclass
class _Indexed:
    """What the index keeps of an article."""

    position: int  # order added: of equally similar matches, the earlier wins
    text: str  # to fingerprint it again when its outlet's furniture becomes known
    outlet: str
    published_at: datetime | None
    fingerprint: Any
    story_id: int
    assignment: StoryAssignment


class StoryIndex:
    """In-memory story clustering; the database version does the same steps with tables
    (outlet paragraphs, signatures by band key, stories), see docs/dedup.md.

    Stories are connected components of "similar at or above the threshold" among LSH
    candidates, so that the order articles arrive in matters little; for the same reason an
    article indexed before its outlet's teasers were known as teasers (the outlet's first
    pages) is fingerprinted again, and matched again, when they become known."""

    def __init__(self, settings: DedupSettings = DedupSettings()):
        self.settings = settings
        self._buckets: dict[str, dict[Hashable, None]] = defaultdict(dict)
        self._articles: dict[Hashable, _Indexed] = {}  # in the order added
        self._stories: dict[int, Story] = {}
        self._last_story_id = 0
        # outlet -> paragraph key -> the first articles that printed it (up to min + 1)
        self._printers: dict[str, dict[str, list[Hashable]]] = defaultdict(dict)
        self.candidates_checked = 0

    def __len__(self) -> int:
        return len(self._articles)

    def add(
        self, article_id: Hashable, text: str, published_at: datetime | None, outlet: str
    ) -> StoryAssignment:
        """Put an article into the story of the earlier articles it is similar to (merging
        their stories if they were several), or into a new story. Adding an article id again
        changes nothing and returns its assignment, with the story it is in now."""
        if article_id in self._articles:
            indexed = self._articles[article_id]
            return replace(indexed.assignment, story_id=indexed.story_id)
        keys, fp = self._fingerprint_without_furniture(text, outlet, counted=False)
        matches = self._matches(fp, published_at)
        if matches:
            story, merged = self._merge({self._articles[a].story_id for a, _ in matches})
            story.article_ids.append(article_id)
            story.consider(article_id, outlet, published_at)
            assignment = StoryAssignment(story.story_id, False, *matches[0], merged)
        else:
            self._last_story_id += 1
            story = Story(self._last_story_id, article_id, outlet, published_at, [article_id])
            self._stories[story.story_id] = story
            assignment = StoryAssignment(story.story_id, True, None, 0.0)
        self._articles[article_id] = _Indexed(len(self._articles), text, outlet, published_at,
                                              fp, story.story_id, assignment)
        self._insert(article_id, fp)
        for stale in self._count_printed(article_id, outlet, keys):
            self._refingerprint(stale)
        return assignment

    def story(self, story_id: int) -> Story:
        return self._stories[story_id]

    def story_of(self, article_id: Hashable) -> Story:
        return self._stories[self._articles[article_id].story_id]

    def stories(self) -> list[Story]:
        return list(self._stories.values())

    def fingerprint_of(self, article_id: Hashable) -> Any:
        """The fingerprint the article is indexed with, furniture left out: what to store."""
        return self._articles[article_id].fingerprint

    def _matches(self, fp: Any, published_at: datetime | None, exclude: Hashable = None
                 ) -> list[tuple[Hashable, float]]:
        """Indexed articles sharing an LSH bucket with fp, inside the time window and similar
        at or above the threshold, most similar first (of equals, the one added first)."""
        candidates = {a for key in self._keys(fp) for a in self._buckets.get(key, ())}
        candidates.discard(exclude)
        if self.settings.window_days is not None and published_at is not None:
            window = timedelta(days=self.settings.window_days)
            candidates = {a for a in candidates if self._articles[a].published_at is None
                          or abs(self._articles[a].published_at - published_at) <= window}
        self.candidates_checked += len(candidates)
        scored = [(a, self._similarity(fp, self._articles[a].fingerprint)) for a in candidates]
        return sorted(((a, score) for a, score in scored if score >= self.settings.threshold),
                      key=lambda match: (-match[1], self._articles[match[0]].position))

    def _merge(self, story_ids: set[int]) -> tuple[Story, tuple[int, ...]]:
        """Make one story of these, the oldest surviving; return it and the merged-away ids."""
        keep, *others = sorted(story_ids)
        story = self._stories[keep]
        for other in map(self._stories.pop, others):
            story.article_ids.extend(other.article_ids)
            story.consider(other.first_article_id, other.first_outlet, other.first_published_at)
            for member in other.article_ids:
                self._articles[member].story_id = keep
        return story, tuple(others)

    def _insert(self, article_id: Hashable, fp: Any) -> None:
        for key in self._keys(fp):
            self._buckets[key][article_id] = None

    def _fingerprint_without_furniture(self, text: str, outlet: str, counted: bool
                                       ) -> tuple[list[str], Any]:
        """The text's paragraph keys, and its fingerprint without the paragraphs its outlet
        printed in other articles (`counted`: the article is among the printers already)."""
        keys = paragraph_keys(text)
        printers = self._printers[outlet]
        others = {key: len(printers.get(key, ())) - counted for key in keys}
        furniture = furniture_keys(keys, others, self.settings.furniture_min_articles)
        return keys, self._fingerprint(text, furniture)

    def _count_printed(self, article_id: Hashable, outlet: str, keys: list[str]
                       ) -> list[Hashable]:
        """Count the article as a printer of its paragraphs; return the earlier articles
        whose fingerprint still holds a paragraph that has just become furniture."""
        limit = self.settings.furniture_min_articles
        printers = self._printers[outlet]
        stale: dict[Hashable, None] = {}
        for key in dict.fromkeys(keys):
            printed = printers.setdefault(key, [])
            if limit and len(printed) <= limit:
                printed.append(article_id)
                if len(printed) == limit + 1:  # furniture from now on, also for these
                    stale.update(dict.fromkeys(printed[:limit]))
        return list(stale)

    def _refingerprint(self, article_id: Hashable) -> None:
        indexed = self._articles[article_id]
        _, fp = self._fingerprint_without_furniture(indexed.text, indexed.outlet, counted=True)
        if fp == indexed.fingerprint:
            return  # the new furniture was its lead, which stays
        for key in self._keys(indexed.fingerprint):
            self._buckets[key].pop(article_id, None)
        indexed.fingerprint = fp
        self._insert(article_id, fp)
        matches = self._matches(fp, indexed.published_at, exclude=article_id)
        self._merge({indexed.story_id} | {self._articles[a].story_id for a, _ in matches})

    # The fingerprint scheme, overridable so that the benchmark can run an alternative
    # (SimHash) through the same clustering.
    def _fingerprint(self, text: str, furniture: Collection[str]) -> Any:
        return fingerprint(text, furniture)

    def _keys(self, fp: Any) -> list[str]:
        return band_keys(fp)

    def _similarity(self, a: Any, b: Any) -> float:
        return similarity(a, b)
