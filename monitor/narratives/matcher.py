"""Evaluate compiled queries over an analysed article.

An article is tokenised once (`Document`); for each language asked for, every token's
match keys go into one inverted index, so a query term costs a few dict lookups no
matter how many narratives share it. monitor.narratives.screening keeps the index small
and skips, before this exact evaluation, the narratives that cannot match.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from monitor.narratives import text as text_module
from monitor.narratives.morphology import word_keys
from monitor.narratives.query import And, AndNot, Near, Node, Or, Phrase, Term
from monitor.narratives.screening import KeyFilter, WordGroup, Words
from monitor.narratives.text import (
    WORD_RE,
    mixes_scripts,
    normalize_text,
    normalize_word,
    split_sentences,
)

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
    if isinstance(node, Or):
        children = tuple(compile_query(c, lang) for c in node.children)
        terms = [c for c in children if isinstance(c, Term)]
        return replace(node, children=children,
                       word_group=WordGroup.of(terms) if terms else None)
    if isinstance(node, And):
        return replace(node, children=tuple(compile_query(c, lang) for c in node.children))
    return replace(node, left=compile_query(node.left, lang), right=compile_query(node.right, lang))


class Document:
    """Title and body of one article, tokenised and split into sentences once.

    Tokens are kept as parallel lists (normalised form, sentence) and their character
    offsets are only worked out when evidence is built: most articles never need them.
    """

    def __init__(self, body: str, title: str | None = None, key_filter: KeyFilter | None = None):
        self.texts = {"title": title or "", "body": body or ""}
        self.norms: list[str] = []  # normalised word forms, title first
        self.token_sentence: list[int] = []  # index into self.sentences
        self.sentences: list[Sentence] = []
        self._first_token: list[int] = []  # per sentence
        normalized = text_module._NORMALIZED.get
        for field in FIELDS:
            text = self.texts[field]
            # Lower-casing and folding the whole field at once is far cheaper than word by
            # word; only sentences that mix Latin and Cyrillic letters go word by word.
            folded = normalize_text(text)
            mixed = folded is None or mixes_scripts(text)
            for i, (start, end) in enumerate(split_sentences(text)):
                if mixed and (folded is None or mixes_scripts(text, start, end)):
                    words = [normalized(w) or normalize_word(w)
                             for w in WORD_RE.findall(text, start, end)]
                else:
                    words = WORD_RE.findall(folded, start, end)
                self._first_token.append(len(self.norms))
                self.token_sentence.extend([len(self.sentences)] * len(words))
                self.norms.extend(words)
                self.sentences.append(Sentence(field, i, start, end))
            if field == "title":
                title_tokens = len(self.norms)
        self.token_field = ["title"] * title_tokens + ["body"] * (len(self.norms) - title_tokens)
        self.surface_index: dict[str, list[int]] = {}
        for i, norm in enumerate(self.norms):
            positions = self.surface_index.get(norm)
            if positions is None:
                self.surface_index[norm] = [i]
            else:
                positions.append(i)
        self._key_filter = key_filter
        self._offsets: dict[int, list[tuple[int, int]]] = {}  # sentence -> token spans
        self._surfaces: list[str] | None = None
        self._surface_set: set[str] | None = None
        self._key_indexes: dict[str, dict[str, list[int]]] = {}
        self._words: dict[str, Words] = {}
        self._term_cache: dict[tuple[str, str, str], list[int]] = {}
        self._phrase_cache: dict[tuple[str, int], list[int]] = {}
        self._match_cache: dict[tuple[str, int], list[Match]] = {}
        self.screen_cache: dict = {}  # screening.spans, per (lang, node)

    def span(self, position: int) -> tuple[int, int]:
        """Character offsets of a token in its field's text (found again only in its
        sentence, the same way the sentence was tokenised)."""
        index = self.token_sentence[position]
        spans = self._offsets.get(index)
        if spans is None:
            sentence = self.sentences[index]
            text = self.texts[sentence.field]
            spans = self._offsets[index] = [
                m.span() for m in WORD_RE.finditer(text, sentence.start, sentence.end)]
        return spans[position - self._first_token[index]]

    def key_index(self, lang: str) -> dict[str, list[int]]:
        """Inverted index match key -> token positions for one language (built once)."""
        index = self._key_indexes.get(lang)
        if index is None:
            if self._key_filter is not None:
                index = self._key_filter.index(self.surface_index, lang)
            else:
                index = {}
                for norm, positions in self.surface_index.items():
                    for key in word_keys(norm, lang):
                        index.setdefault(key, []).extend(positions)
                for positions in index.values():
                    positions.sort()  # several surface forms may share a key
            self._key_indexes[lang] = index
        return index

    def words(self, lang: str) -> Words:
        """The article's words in one language, for presence checks (built once)."""
        found = self._words.get(lang)
        if found is None:
            if self._surface_set is None:
                self._surface_set = set(self.surface_index)
            found = self._words[lang] = Words(set(self.key_index(lang)), self._surface_set)
        return found

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
            merged: list[Match] = []
            others = node.children
            if node.word_group is not None:
                merged = self._word_group_matches(node.word_group, lang)
                others = [child for child in node.children if not isinstance(child, Term)]
            for child in others:
                merged.extend(self.matches(child, lang))
            if others:
                merged.sort(key=lambda m: (m[0], m[1]))
            return merged
        if isinstance(node, Near):
            return self._near_matches(node, lang)
        raise TypeError(f"{type(node).__name__} has no positions")

    def present_words(self, group: WordGroup, lang: str) -> list[tuple[int, list[int], Term]]:
        """(rank in the group, positions, word) for each word of an OR-group found here."""
        words = self.words(lang)
        present: list[tuple[int, list[int], Term]] = []
        if group.keys:
            index = self.key_index(lang)
            for key in group.keys.intersection(words.keys):
                term = group.by_key[key]
                present.append((group.order[id(term)], index[key], term))
        if group.forms:
            for form in group.forms.intersection(words.forms):
                term = group.by_form[form]
                present.append((group.order[id(term)], self.surface_index[form], term))
        for term in group.prefixes:
            if words.has_prefix(term.word):
                present.append((group.order[id(term)], self.term_positions(term, lang), term))
        return present

    def _word_group_matches(self, group: WordGroup, lang: str) -> list[Match]:
        """Matches of an OR of single words; one per token, for the group's first word
        that matches there (so the branch shown is stable from run to run)."""
        present = self.present_words(group, lang)
        if not present:
            return []
        found: dict[int, Term] = {}
        present.sort(key=lambda item: item[0])  # query order: the first word keeps a token
        for _rank, positions, term in present:
            for position in positions:
                found.setdefault(position, term)
        return [(p, p, ((p, p, term),)) for p, term in sorted(found.items())]

    def phrase_starts(self, phrase: Phrase, lang: str) -> list[int]:
        """Positions where a phrase begins: its words in sequence within one sentence."""
        cache_key = (lang, id(phrase))
        found = self._phrase_cache.get(cache_key)
        if found is not None:
            return found
        lists = [self.term_positions(w, lang) for w in phrase.words]
        found = []
        if all(lists):
            # Walk the rarest word's positions ("з України": України, not every "з").
            anchor = min(range(len(lists)), key=lambda i: len(lists[i]))
            others = [(i, set(positions)) for i, positions in enumerate(lists) if i != anchor]
            last_offset = len(lists) - 1
            for position in lists[anchor]:
                first = position - anchor
                last = first + last_offset
                if first < 0 or last >= len(self.norms):
                    continue
                if self.token_sentence[first] != self.token_sentence[last]:
                    continue  # a phrase does not run across a sentence or from title into body
                if all(first + i in positions for i, positions in others):
                    found.append(first)
        self._phrase_cache[cache_key] = found
        return found

    def _phrase_matches(self, phrase: Phrase, lang: str) -> list[Match]:
        width = len(phrase.words) - 1
        return [(p, p + width, ((p, p + width, phrase),)) for p in self.phrase_starts(phrase, lang)]

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
                elif _share_words(l_hits, r_hits):
                    continue  # the same words are one place, not two near each other
                else:
                    # One stands inside the other's span ("terrorists who attacked the
                    # country were trained abroad"): different words, so they are near.
                    gap = 0
                if gap > near.distance or self.token_field[l_start] != self.token_field[r_start]:
                    continue
                span = (min(l_start, r_start), max(l_end, r_end))
                found.setdefault(span, (*span, l_hits + r_hits))
        return sorted(found.values(), key=lambda m: (m[0], m[1]))


def _share_words(left: tuple[Hit, ...], right: tuple[Hit, ...]) -> bool:
    """True when a hit of one operand covers a word that a hit of the other covers."""
    return any(a_start <= b_end and b_start <= a_end
               for a_start, a_end, _ in left for b_start, b_end, _ in right)


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
