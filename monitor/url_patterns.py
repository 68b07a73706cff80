"""Guessing an outlet's article_url_pattern from sample article URLs and the section pages it
must not match."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

LOGGER = logging.getLogger(__name__)

MIN_COVERAGE = 0.8  # share of the sample article URLs a pattern must match
MAX_ALTERNATIVES = 3  # URL shapes joined with | before we give up
HOST_PREFIX, URL_END = "^https?://[^/]+/", r"(?:[?#]|$)"
LISTING_SEGMENTS = frozenset(
    ["tag", "tags", "category", "categories", "author", "authors", "page", "search", "topic"])

_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?)$")
# A number of 4+ digits or a slug of 3+ words: what article paths have and section paths lack.
_ARTICLE_LIKE = re.compile(r"\d{4}|[^/]+-[^/]+-[^/]+/?$")
_METACHARACTERS = re.compile(r"[.^$*+?{}\[\]\\|()]")


def looks_like_article(url: str) -> bool:
    """True if the URL's path looks like an article's rather than a section's, tag's or page's."""
    path = urlsplit(url).path
    return bool(_ARTICLE_LIKE.search(path)) and not set(path.split("/")) & LISTING_SEGMENTS


def guess_pattern(article_urls: list[str], listing_urls: list[str]) -> tuple[str | None, float]:
    """A regex matching most article_urls and none of listing_urls, and the share it matches.

    Paths are grouped by shape; the largest groups are generalised (numbers, dates, slugs;
    constant sections kept) and joined one by one until MIN_COVERAGE of the articles match."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for url in article_urls:
        path = urlsplit(url).path
        if path.strip("/"):
            groups.setdefault(_path_shape(path), []).append(path)
    chosen: list[str] = []
    best: tuple[str | None, float] = (None, 0.0)
    for members in sorted(groups.values(), key=len, reverse=True):
        # A shape seen once is noise in a large sample, but may be a real kind in a small one.
        singleton_is_noise = len(members) < 2 and len(article_urls) >= 20
        if len(chosen) == MAX_ALTERNATIVES or (chosen and singleton_is_noise):
            break
        for literal in (False, True):  # sections as any word first, as the words seen if needed
            body = _path_regex(members, literal)
            inner = "|".join(chosen + [body])
            pattern = HOST_PREFIX + (f"(?:{inner})" if chosen else inner) + URL_END
            regex = re.compile(pattern)
            if not any(regex.search(url) for url in listing_urls):
                break
        else:
            LOGGER.debug("shape of %s cannot be told apart from the section pages", members[0])
            continue
        chosen.append(body)
        best = (pattern, sum(bool(regex.search(url)) for url in article_urls) / len(article_urls))
        if best[1] >= MIN_COVERAGE:
            break
    return best


def _segment_shape(segment: str, last: bool) -> str:
    """D (digits) or DATE anywhere; T (text) inside the path; in the last segment D-S, S-D
    (number and slug joined by - or _), S (slug with hyphens) or W (word); X for the rest."""
    stem = _EXTENSION.sub("", segment) if last else segment
    ext = segment[len(stem):]
    if stem.isdigit():
        return "D" + ext
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stem):
        return "DATE" + ext
    if not re.fullmatch(r"[\w-]+", stem):
        return "X" + ext
    if not last:
        return "T"
    if joined := re.fullmatch(r"\d+([-_])[\w-]+", stem):
        return f"D{joined.group(1)}S" + ext
    if joined := re.fullmatch(r"[\w-]+?([-_])\d+", stem):
        return f"S{joined.group(1)}D" + ext
    return ("S" if "-" in stem else "W") + ext


def _path_shape(path: str) -> tuple[str, ...]:
    segments = path.strip("/").split("/")
    return tuple(_segment_shape(s, i == len(segments) - 1) for i, s in enumerate(segments))


def _path_regex(paths: list[str], literal: bool) -> str:
    """One regex, without scheme and host, for paths of the same shape."""
    split = [path.strip("/").split("/") for path in paths]
    parts = [_position_regex(shape, [segments[i] for segments in split], literal)
             for i, shape in enumerate(_path_shape(paths[0]))]
    slashes = {path.endswith("/") for path in paths}
    return "/".join(parts) + ("/" if slashes == {True} else "/?" if len(slashes) == 2 else "")


def _position_regex(shape: str, values: list[str], literal: bool) -> str:
    """The regex of one path position across URLs of one shape; literal: words as seen."""
    kind = re.match(r"DATE|D[-_]S|S[-_]D|[DSTWX]", shape).group()
    ext = _literal(shape[len(kind):])
    distinct = sorted(set(values))
    if kind in ("T", "W") and (len(distinct) == 1 or literal and len(distinct) <= 8):
        words = "|".join(map(_literal, distinct))
        return f"(?:{words})" if len(distinct) > 1 else words
    if kind == "D":
        lengths = {len(_EXTENSION.sub("", v)) for v in values}
        years = lengths == {4} and all(v[:2] in ("19", "20") for v in values)
        body = (r"\d{2}" if lengths == {2} else r"\d{1,2}" if max(lengths) <= 2
                else r"\d{4}" if years else r"\d+")
    elif kind == "S":
        body = r"\w+(?:-\w+){2,}" if min(v.count("-") for v in values) >= 2 else r"\w+(?:-\w+)+"
    else:
        body = {"DATE": r"\d{4}-\d{2}-\d{2}", "T": r"[\w-]+", "W": r"\w+", "X": r"[^/?#]+",
                "D-S": r"\d+-[\w-]+", "D_S": r"\d+_\w+",
                "S-D": r"[\w-]+-\d+", "S_D": r"\w+_\d+"}[kind]
    return body + ext


def _literal(text: str) -> str:
    """text as a regex; unlike re.escape, leaves '-' and other harmless characters readable."""
    return _METACHARACTERS.sub(lambda match: "\\" + match.group(), text)
