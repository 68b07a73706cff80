"""What a match produces: a Flag with its Evidence, built from the hits of a query.

`Watchlist.match` finds the narratives that match (monitor.narratives.watchlist) and
decides their stances together (monitor.narratives.stance); this module turns each
match into the explanation stored with the article.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from monitor.narratives.matcher import Document, Hit, unique_hits
from monitor.narratives.query import prune, render
from monitor.narratives.stance import Claim

LOGGER = logging.getLogger(__name__)

MAX_QUERY_EVIDENCE = 20
# The context clause ("the article is about Kazakhstan") matches all over an article;
# a few places are enough to show why it held.
MAX_CONTEXT_EVIDENCE = 3


@dataclass(frozen=True)
class Evidence:
    """A matched place: `text[start:end] == term` for the title or body text of `field`."""

    term: str
    field: str  # 'title' | 'body'
    start: int
    end: int
    sentence: str
    sentence_start: int
    clause: str = "query"  # 'query' or 'context' (the "article is about Kazakhstan" clause)


@dataclass(frozen=True)
class Flag:
    """A narrative found in an article, with the evidence an analyst needs to check it."""

    narrative_id: str
    stance: str  # 'debunk' | 'report'
    sentence: str
    matched_terms: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    branch: str
    version: str
    score: float = 0.0  # sum of the field weights of the sentences holding query matches


@dataclass(frozen=True)
class Found:
    """A narrative whose query and context clause matched, before its stance is known."""

    narrative_id: str
    version: str
    claim: Claim
    hits: list[Hit]  # as evaluated: the leaves of every branch that fired
    unique: list[Hit]  # one per token span, in text order
    context_hits: list[Hit]
    score: float


def score(doc: Document, hits: list[Hit], weights: dict[str, float]) -> float:
    """Sum of the field weights of the sentences that hold query hits."""
    sentences = {doc.token_sentence[start] for start, _end, _leaf in hits}
    return sum(weights[doc.sentences[s].field] for s in sentences)


def build_flag(doc: Document, found: Found, stance: str) -> Flag:
    """The Flag for a match: branch, evidence, the claim's sentence, score and stance."""
    branch = render(prune(found.claim.query, {id(leaf) for _s, _e, leaf in found.hits}))
    spans = {(h[0], h[1]) for h in found.unique}
    context = [h for h in unique_hits(found.context_hits) if (h[0], h[1]) not in spans]
    evidence = [_evidence(doc, h, "query") for h in found.unique[:MAX_QUERY_EVIDENCE]]
    evidence += [_evidence(doc, h, "context") for h in context[:MAX_CONTEXT_EVIDENCE]]
    sentence = doc.sentences[found.claim.sentences[0]]
    return Flag(
        narrative_id=found.narrative_id,
        stance=stance,
        sentence=doc.texts[sentence.field][sentence.start : sentence.end],
        matched_terms=tuple(dict.fromkeys(e.term for e in evidence if e.clause == "query")),
        evidence=tuple(evidence),
        branch=branch,
        version=found.version,
        score=found.score,
    )


def _evidence(doc: Document, hit: Hit, clause: str) -> Evidence:
    start, end = doc.span(hit[0])[0], doc.span(hit[1])[1]
    sentence = doc.sentences[doc.token_sentence[hit[0]]]
    text = doc.texts[sentence.field]
    return Evidence(
        term=text[start:end],
        field=sentence.field,
        start=start,
        end=end,
        sentence=text[sentence.start : sentence.end],
        sentence_start=sentence.start,
        clause=clause,
    )
