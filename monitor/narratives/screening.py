"""Screening: which narratives can match an article at all, before exact evaluation.

Matching is exact and keeps evidence (`matcher.evaluate`), which costs tuples for every
candidate place. Most narratives do not concern most articles, so three cheaper steps
run first, each a necessary condition for a match:

* `KeyFilter`: an article's index holds only the match keys some query uses;
* `presence_check`: the words a query needs occur at all (NEAR and phrases read as AND);
* `could_match`: positions only, no evidence; a NEAR whose operands overlap counts as
  near (the exact rule, "not the same words", is left to the exact evaluation).
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from operator import sub
from typing import TYPE_CHECKING

from monitor.narratives.morphology import CACHE_LIMIT, word_keys
from monitor.narratives.query import And, AndNot, Near, Node, Or, Phrase, Term

if TYPE_CHECKING:
    from monitor.narratives.matcher import Document

LOGGER = logging.getLogger(__name__)

# Token spans of a positional node: starts and ends, sorted by start.
Spans = tuple[list[int], list[int]]
_NO_SPANS: Spans = ([], [])


@dataclass(frozen=True)
class WordGroup:
    """The single words of an OR-group, matched in one pass: for each match key, exact
    form and prefix, the first word of the group (query order) that it stands for."""

    by_key: dict[str, Term]
    by_form: dict[str, Term]
    prefixes: tuple[Term, ...]
    keys: frozenset[str]
    forms: frozenset[str]
    order: dict[int, int]  # id(term) -> position in the group

    @classmethod
    def of(cls, terms: list[Term]) -> WordGroup:
        by_key: dict[str, Term] = {}
        by_form: dict[str, Term] = {}
        for term in terms:
            if term.kind == "lemma":
                for key in term.keys:
                    by_key.setdefault(key, term)
            elif term.kind == "exact":
                by_form.setdefault(term.word, term)
        prefixes = tuple(t for t in terms if t.kind == "prefix")
        order = {id(t): i for i, t in enumerate(terms)}
        return cls(by_key, by_form, prefixes, frozenset(by_key), frozenset(by_form), order)


class KeyFilter:
    """Match keys of word forms, cut down to the keys that some compiled query uses.

    An article's index then holds a few dozen keys instead of one per word form, and the
    answer per form is cached, so a warm article costs one dict lookup per distinct word.
    """

    def __init__(self, used: dict[str, frozenset[str]]):
        self._used = used
        self._cache: dict[str, dict[str, tuple[str, ...]]] = {lang: {} for lang in used}

    def keys(self, norm: str, lang: str) -> tuple[str, ...]:
        cache = self._cache.get(lang)
        if cache is None:
            return ()  # no query of this language uses a lemma key
        found = cache.get(norm)
        return self._compute(norm, lang) if found is None else found

    def index(self, surface_index: dict[str, list[int]], lang: str) -> dict[str, list[int]]:
        """Match key -> token positions for an article's word forms (see Document)."""
        cache = self._cache.get(lang)
        index: dict[str, list[int]] = {}
        if cache is None:
            return index
        for norm, positions in surface_index.items():
            keys = cache.get(norm)
            if keys is None:
                keys = self._compute(norm, lang)
            for key in keys:
                found = index.get(key)
                if found is None:
                    index[key] = positions
                else:
                    index[key] = sorted(found + positions)  # forms sharing a key
        return index

    def _compute(self, norm: str, lang: str) -> tuple[str, ...]:
        cache = self._cache[lang]
        used = self._used[lang]
        found = tuple(key for key in word_keys(norm, lang) if key in used)
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[norm] = found
        return found

    def clear(self) -> None:
        for cache in self._cache.values():
            cache.clear()


class Words:
    """What presence checks look at: the words of an article in one language.

    Holds no reference back to its Document, so an article's analysis is freed as soon
    as `match` returns instead of waiting for the cycle collector.
    """

    __slots__ = ("_prefixes", "_sorted", "forms", "keys")

    def __init__(self, keys: set[str], forms: set[str]):
        self.keys = keys  # match keys some query uses
        self.forms = forms  # normalised word forms
        self._sorted: list[str] | None = None
        self._prefixes: dict[str, bool] = {}

    def has_prefix(self, prefix: str) -> bool:
        found = self._prefixes.get(prefix)
        if found is None:
            if self._sorted is None:
                self._sorted = sorted(self.forms)
            i = bisect_left(self._sorted, prefix)
            found = self._prefixes[prefix] = (i < len(self._sorted)
                                              and self._sorted[i].startswith(prefix))
        return found


# A test on an article's words: can the query match at all?
Check = Callable[[Words], bool]


def presence_check(node: Node) -> Check:
    """A fast test that the article holds the words a query needs, read with NEAR and
    phrases as AND and AND NOT as its left side. A necessary condition for a match: only
    the narratives that pass it cost positional work."""
    if isinstance(node, Term):
        return _any_word((node,))
    if isinstance(node, Phrase):
        return _all(tuple(_any_word((word,)) for word in node.words))
    if isinstance(node, (And, Near)):
        children = node.children if isinstance(node, And) else (node.left, node.right)
        return _all(tuple(presence_check(child) for child in children))
    if isinstance(node, AndNot):
        return presence_check(node.left)
    terms = tuple(child for child in node.children if isinstance(child, Term))
    others = [presence_check(child) for child in node.children if not isinstance(child, Term)]
    return _any(((_any_word(terms),) if terms else ()) + tuple(others))


def _any_word(terms: tuple[Term, ...]) -> Check:
    lemmas = frozenset().union(*(t.keys for t in terms if t.kind == "lemma"))
    exacts = frozenset(t.word for t in terms if t.kind == "exact")
    prefixes = tuple(t.word for t in terms if t.kind == "prefix")

    def check(words: Words) -> bool:
        return bool((lemmas and not lemmas.isdisjoint(words.keys))
                    or (exacts and not exacts.isdisjoint(words.forms))
                    or (prefixes and any(words.has_prefix(p) for p in prefixes)))

    return check


def _all(checks: tuple[Check, ...]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(words: Words) -> bool:
        for part in checks:
            if not part(words):
                return False
        return True

    return check


def _any(checks: tuple[Check, ...]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(words: Words) -> bool:
        for part in checks:
            if part(words):
                return True
        return False

    return check


def could_match(node: Node, doc: Document, lang: str) -> bool:
    """False when the query cannot match this article (positions without evidence)."""
    if isinstance(node, Near):
        return _near_exists(node, doc, lang)
    if isinstance(node, (Term, Phrase)):
        return bool(spans(node, doc, lang)[0])
    if isinstance(node, Or):
        if node.word_group is not None and doc.present_words(node.word_group, lang):
            return True
        return any(could_match(child, doc, lang) for child in node.children
                   if not isinstance(child, Term))
    if isinstance(node, And):
        return all(could_match(child, doc, lang) for child in node.children)
    # AND NOT: the excluded side is screened permissively, so only the left side can say no.
    return could_match(node.left, doc, lang)


def spans(node: Node, doc: Document, lang: str) -> Spans:
    """Spans where a Term, Phrase, Near or OR-group of them stands (cached per article)."""
    key = (lang, id(node))
    found = doc.screen_cache.get(key)
    if found is None:
        found = doc.screen_cache[key] = _compute_spans(node, doc, lang)
    return found


def _compute_spans(node: Node, doc: Document, lang: str) -> Spans:
    if isinstance(node, Term):
        positions = doc.term_positions(node, lang)
        return positions, positions
    if isinstance(node, Phrase):
        starts = doc.phrase_starts(node, lang)
        width = len(node.words) - 1
        return starts, [s + width for s in starts] if width else starts
    if isinstance(node, Near):
        return _near_spans(node, doc, lang)
    parts = []
    if node.word_group is not None:
        present = doc.present_words(node.word_group, lang)
        if present:
            lists = [positions for _rank, positions, _term in present]
            positions = lists[0] if len(lists) == 1 else sorted(set().union(*lists))
            parts.append((positions, positions))
    for child in node.children:
        if not isinstance(child, Term):
            child_spans = spans(child, doc, lang)
            if child_spans[0]:
                parts.append(child_spans)
    if len(parts) <= 1:
        return parts[0] if parts else _NO_SPANS
    pairs = sorted({pair for starts, ends in parts for pair in zip(starts, ends)})
    return [s for s, _e in pairs], [e for _s, e in pairs]


def _near_exists(near: Near, doc: Document, lang: str) -> bool:
    """Whether a NEAR has one place at all: the outermost NEAR needs no list of spans."""
    cached = doc.screen_cache.get((lang, id(near)))
    if cached is not None:
        return bool(cached[0])
    left_starts, left_ends = spans(near.left, doc, lang)
    if not left_starts:
        return False
    right_starts, right_ends = spans(near.right, doc, lang)
    if not right_starts:
        return False
    widest = max(map(sub, right_ends, right_starts))
    reach = near.distance + 1
    field = doc.token_field
    for a, b in zip(left_starts, left_ends):
        lo = bisect_left(right_starts, a - reach - widest)
        hi = bisect_right(right_starts, b + reach)
        for j in range(lo, hi):
            c, d = right_starts[j], right_ends[j]
            gap = c - b - 1 if c > b else a - d - 1 if a > d else 0
            if gap <= near.distance and field[a] == field[c]:
                return True
    return False


def _near_spans(near: Near, doc: Document, lang: str) -> Spans:
    left_starts, left_ends = spans(near.left, doc, lang)
    if not left_starts:
        return _NO_SPANS
    right_starts, right_ends = spans(near.right, doc, lang)
    if not right_starts:
        return _NO_SPANS
    widest = max(map(sub, right_ends, right_starts))
    reach = near.distance + 1
    field = doc.token_field
    found = set()
    for a, b in zip(left_starts, left_ends):
        lo = bisect_left(right_starts, a - reach - widest)
        hi = bisect_right(right_starts, b + reach)
        for j in range(lo, hi):
            c, d = right_starts[j], right_ends[j]
            gap = c - b - 1 if c > b else a - d - 1 if a > d else 0
            if gap <= near.distance and field[a] == field[c]:
                found.add((min(a, c), max(b, d)))
    if not found:
        return _NO_SPANS
    pairs = sorted(found)
    return [s for s, _e in pairs], [e for _s, e in pairs]


class Anchors:
    """Which narratives an article can concern, from one lookup per word it contains.

    Each query is filed under one group of words it cannot match without (its anchor:
    of the groups `presence_check` reads as necessary, the one with fewest words), so an
    article only wakes the narratives whose anchor words it holds.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, dict[str, list[int]]] = {}
        self._by_form: dict[str, dict[str, list[int]]] = {}
        self._by_prefix: dict[str, dict[str, list[int]]] = {}

    def add(self, lang: str, slot: int, query: Node) -> None:
        lemmas, forms, prefixes = min(_groups(query), key=_group_size)
        for table, words in ((self._by_key, lemmas), (self._by_form, forms),
                             (self._by_prefix, prefixes)):
            for word in words:
                table.setdefault(lang, {}).setdefault(word, []).append(slot)

    def candidates(self, words: Words, lang: str) -> set[int]:
        found: set[int] = set()
        by_key = self._by_key.get(lang, {})
        for key in words.keys:
            found.update(by_key.get(key, ()))
        by_form = self._by_form.get(lang, {})
        for form in words.forms.intersection(by_form):
            found.update(by_form[form])
        for prefix, slots in self._by_prefix.get(lang, {}).items():
            if words.has_prefix(prefix):
                found.update(slots)
        return found


# A group of alternatives, one of which an article must hold:
# (lemma match keys, exact word forms, word prefixes).
Group = tuple[frozenset[str], frozenset[str], tuple[str, ...]]


def _group_size(group: Group) -> int:
    return len(group[0]) + len(group[1]) + len(group[2])


def _groups(node: Node) -> list[Group]:
    """Groups a query needs (each one a necessary condition), as presence_check reads it."""
    if isinstance(node, Term):
        if node.kind == "lemma":
            return [(node.keys, frozenset(), ())]
        if node.kind == "exact":
            return [(frozenset(), frozenset((node.word,)), ())]
        return [(frozenset(), frozenset(), (node.word,))]
    if isinstance(node, Phrase):
        return [g for word in node.words for g in _groups(word)]
    if isinstance(node, (And, Near)):
        children = node.children if isinstance(node, And) else (node.left, node.right)
        return [g for child in children for g in _groups(child)]
    if isinstance(node, AndNot):
        return _groups(node.left)
    # OR: one child must match, so the union of one group out of each child is needed.
    picked = [min(_groups(child), key=_group_size) for child in node.children]
    return [(frozenset().union(*(g[0] for g in picked)),
             frozenset().union(*(g[1] for g in picked)),
             tuple(dict.fromkeys(p for g in picked for p in g[2])))]
