"""Evaluate compiled queries over an analysed article.

An article is tokenised once (`Document`); for each language asked for, every token's
match keys go into one inverted index, so a query term costs a few dict lookups no
matter how many narratives share it.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from monitor.narratives.morphology import word_keys
from monitor.narratives.query import And, AndNot, Near, Node, Or, Phrase, Term
from monitor.narratives.text import split_sentences, tokenize

LOGGER = logging.getLogger(__name__)

FIELDS = ("title", "body")

# A hit: first and last token index and the leaf (Term or Phrase) that matched there.
Hit = tuple[int, int, Term | Phrase]
# A positional match: first and last token index and the hits it is made of.
Match = tuple[int, int, tuple[Hit, ...]]


@dataclass(frozen=True, slots=True)
class Sentence:
    field: str
    index: int  # position within its field
    start: int
    end: int


def compile_query(node: Node, lang: str) -> Node:
    """Copy of a parsed query with each lemma word's match keys looked up for `lang`."""
    if isinstance(node, Term):
        if node.kind == "lemma":
            return replace(node, keys=word_keys(node.word, lang))
        return node
    if isinstance(node, Phrase):
        return replace(node, words=tuple(compile_query(w, lang) for w in node.words))
    if isinstance(node, (Or, And)):
        return replace(node, children=tuple(compile_query(c, lang) for c in node.children))
    return replace(node, left=compile_query(node.left, lang), right=compile_query(node.right, lang))


class Document:
    """Title and body of one article, tokenised and split into sentences once."""

    def __init__(self, body: str, title: str | None = None):
        self.texts = {"title": title or "", "body": body or ""}
        self.tokens = []  # text.Token, title tokens first
        self.token_field: list[str] = []
        self.token_sentence: list[int] = []  # index into self.sentences
        self.sentences: list[Sentence] = []
        for field in FIELDS:
            self._add_field(field, self.texts[field])
        self.surface_index: dict[str, list[int]] = {}
        for i, token in enumerate(self.tokens):
            self.surface_index.setdefault(token.norm, []).append(i)
        self._surfaces: list[str] | None = None
        self._key_indexes: dict[str, dict[str, list[int]]] = {}
        self._term_cache: dict[tuple[str, str, str], list[int]] = {}
        self._match_cache: dict[tuple[str, int], list[Match]] = {}

    def _add_field(self, field: str, text: str) -> None:
        spans = split_sentences(text)
        first = len(self.sentences)
        self.sentences.extend(Sentence(field, i, s, e) for i, (s, e) in enumerate(spans))
        current = first
        for token in tokenize(text):
            # Tokens arrive in text order, so the sentence pointer only moves forward.
            while current + 1 < len(self.sentences) and token.start >= self.sentences[current].end:
                current += 1
            self.tokens.append(token)
            self.token_field.append(field)
            self.token_sentence.append(current)

    def key_index(self, lang: str) -> dict[str, list[int]]:
        """Inverted index match key -> token positions for one language (built once)."""
        index = self._key_indexes.get(lang)
        if index is None:
            index = {}
            for norm, positions in self.surface_index.items():
                for key in word_keys(norm, lang):
                    index.setdefault(key, []).extend(positions)
            for key, positions in index.items():
                if len(positions) > 1:
                    positions.sort()  # several surface forms may share a key
            self._key_indexes[lang] = index
        return index

    def term_positions(self, term: Term, lang: str) -> list[int]:
        """Sorted token positions where a compiled term matches."""
        cache_key = (lang if term.kind == "lemma" else "", term.kind, term.word)
        found = self._term_cache.get(cache_key)
        if found is not None:
            return found
        if term.kind == "exact":
            found = self.surface_index.get(term.word, [])
        elif term.kind == "prefix":
            found = self._prefix_positions(term.word)
        else:
            index = self.key_index(lang)
            lists = [index[key] for key in term.keys if key in index]
            found = lists[0] if len(lists) == 1 else sorted(set().union(*lists))
        self._term_cache[cache_key] = found
        return found

    def _prefix_positions(self, prefix: str) -> list[int]:
        if self._surfaces is None:
            self._surfaces = sorted(self.surface_index)
        lo = bisect_left(self._surfaces, prefix)
        hi = bisect_left(self._surfaces, prefix + "\U0010ffff")
        positions: list[int] = []
        for surface in self._surfaces[lo:hi]:
            positions.extend(self.surface_index[surface])
        return sorted(positions)

    def matches(self, node: Node, lang: str) -> list[Match]:
        """Positional matches of a Term, Phrase, Near or OR-group of them, sorted by start."""
        cache_key = (lang, id(node))
        found = self._match_cache.get(cache_key)
        if found is None:
            found = self._match_cache[cache_key] = self._compute_matches(node, lang)
        return found

    def _compute_matches(self, node: Node, lang: str) -> list[Match]:
        if isinstance(node, Term):
            return [(p, p, ((p, p, node),)) for p in self.term_positions(node, lang)]
        if isinstance(node, Phrase):
            return self._phrase_matches(node, lang)
        if isinstance(node, Or):
            merged = [m for child in node.children for m in self.matches(child, lang)]
            return sorted(merged, key=lambda m: (m[0], m[1]))
        if isinstance(node, Near):
            return self._near_matches(node, lang)
        raise TypeError(f"{type(node).__name__} has no positions")

    def _phrase_matches(self, phrase: Phrase, lang: str) -> list[Match]:
        width = len(phrase.words)
        followers = [set(self.term_positions(w, lang)) for w in phrase.words[1:]]
        found = []
        for p in self.term_positions(phrase.words[0], lang):
            last = p + width - 1
            if last >= len(self.tokens) or self.token_sentence[p] != self.token_sentence[last]:
                continue  # a phrase does not run across a sentence or from title into body
            if all(p + i + 1 in positions for i, positions in enumerate(followers)):
                found.append((p, last, ((p, last, phrase),)))
        return found

    def _near_matches(self, near: Near, lang: str) -> list[Match]:
        left = self.matches(near.left, lang)
        right = self.matches(near.right, lang)
        if not left or not right:
            return []
        starts = [m[0] for m in right]
        widest = max(m[1] - m[0] for m in right)
        reach = near.distance + 1
        found: dict[tuple[int, int], Match] = {}
        for l_start, l_end, l_hits in left:
            lo = bisect_left(starts, l_start - reach - widest)
            hi = bisect_right(starts, l_end + reach)
            for r_start, r_end, r_hits in right[lo:hi]:
                if r_start > l_end:
                    gap = r_start - l_end - 1
                elif l_start > r_end:
                    gap = l_start - r_end - 1
                else:
                    continue  # overlapping operands are one place, not two near each other
                if gap > near.distance or self.token_field[l_start] != self.token_field[r_start]:
                    continue
                span = (min(l_start, r_start), max(l_end, r_end))
                found.setdefault(span, (*span, l_hits + r_hits))
        return sorted(found.values(), key=lambda m: (m[0], m[1]))


def evaluate(node: Node, doc: Document, lang: str) -> list[Hit] | None:
    """Hits that satisfy a compiled query, or None when it does not match."""
    if isinstance(node, (Term, Phrase, Near)):
        found = doc.matches(node, lang)
        return [hit for m in found for hit in m[2]] if found else None
    if isinstance(node, Or):
        hits: list[Hit] = []
        matched = False
        for child in node.children:
            child_hits = evaluate(child, doc, lang)
            if child_hits is not None:
                matched = True
                hits.extend(child_hits)
        return hits if matched else None
    if isinstance(node, And):
        hits = []
        for child in node.children:
            child_hits = evaluate(child, doc, lang)
            if child_hits is None:
                return None
            hits.extend(child_hits)
        return hits
    if isinstance(node, AndNot):
        hits = evaluate(node.left, doc, lang)
        if hits is None or evaluate(node.right, doc, lang) is not None:
            return None
        return hits
    raise TypeError(f"unknown query node {type(node).__name__}")


def unique_hits(hits: list[Hit]) -> list[Hit]:
    """Hits in text order, one per token span (the same words may satisfy two branches)."""
    seen: dict[tuple[int, int], Hit] = {}
    for hit in hits:
        seen.setdefault((hit[0], hit[1]), hit)
    return [seen[span] for span in sorted(seen)]
