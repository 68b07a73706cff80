"""Stance of a flagged article: does it debunk the narrative or just report it?

Fact-check wording ("фейк", "не соответствует действительности", "debunk" ...) is data:
`stance_cues` in narratives.yaml, one list of query expressions per language, compiled
like narrative queries so cues match in any inflection.

A cue speaks about the claim it stands nearest to. A fact-check of one narrative often
states another as plain fact ("the Ukrainian trace is fake; CSTO troops did arrive on
January 6"), so a cue is not spread over every flag of the article.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.narratives.matcher import Document, Hit, evaluate
from monitor.narratives.query import Node, claim_leaves

LOGGER = logging.getLogger(__name__)

DEBUNK = "debunk"
REPORT = "report"
# A cue counts when it stands within this many sentences of the claim (same field) ...
SENTENCE_WINDOW = 2
# ... or in the title or the first sentences of the body (where fact-checks put their
# verdict: "Это фейк.") when that lead also speaks about the claim.
LEAD_SENTENCES = 2
# Two different query words in the title are enough to say the title is about the claim
# ("Фейк: українські інструктори в Алмати") even where the full query holds in the body.
TITLE_LEAVES = 2


@dataclass(frozen=True)
class Claim:
    """Where one flagged narrative's query matched: the sentences that carry it."""

    narrative_id: str
    sentences: tuple[int, ...]  # indexes into doc.sentences, in text order
    query: Node
    lang: str


def claim_sentences(doc: Document, hits: Iterable[Hit]) -> tuple[int, ...]:
    """Sentences holding two or more query hits, else every sentence holding one.

    A NEAR match may reach into a neighbouring sentence for a single anchor word ("...
    in Kazakhstan. Then CSTO troops arrived"); the claim is where most of it stands.
    """
    counts = Counter(doc.token_sentence[start] for start, _end, _leaf in hits)
    dense = [index for index, count in counts.items() if count >= 2]
    return tuple(sorted(dense or counts))


def cue_sentences(doc: Document, cues: Iterable[tuple[str, Node]]) -> set[int]:
    """Indexes (into doc.sentences) of sentences holding a stance cue of any given language."""
    found: set[int] = set()
    for lang, node in cues:
        for start, _end, _leaf in evaluate(node, doc, lang) or ():
            found.add(doc.token_sentence[start])
    return found


def decide_stances(doc: Document, claims: list[Claim], cues: set[int]) -> dict[str, str]:
    """'debunk' or 'report' for every claim, by narrative id.

    A cue belongs to the claim(s) nearest to it in its field. A claim is debunked by a
    cue of its own within SENTENCE_WINDOW sentences, or by a cue in the title or lead
    that no other claim owns (or that it owns) when the lead speaks about this claim.
    """
    stances = {claim.narrative_id: REPORT for claim in claims}
    if not cues:
        return stances
    lead_cues = {c for c in cues if _in_lead(doc, c)}
    for cue in sorted(cues):
        distances = {claim.narrative_id: _distance(doc, cue, claim) for claim in claims}
        known = [d for d in distances.values() if d is not None]
        nearest = min(known) if known else None
        owners = [nid for nid, d in distances.items() if d is not None and d == nearest]
        if nearest is not None and nearest[0] <= SENTENCE_WINDOW:
            for nid in owners:
                stances[nid] = DEBUNK
        if cue in lead_cues:
            for claim in claims:
                free = not owners or claim.narrative_id in owners
                if free and _lead_speaks_about(doc, claim):
                    stances[claim.narrative_id] = DEBUNK
    return stances


def _distance(doc: Document, cue: int, claim: Claim) -> tuple[int, int] | None:
    """(sentences between, 1 if the claim only follows the cue) to the nearest claim
    sentence in the cue's field, None if there is none. A verdict refers back ("This
    version is fake."), so at equal distance the claim before the cue owns it."""
    cue_sentence = doc.sentences[cue]
    gaps = [(abs(doc.sentences[s].index - cue_sentence.index),
             int(doc.sentences[s].index > cue_sentence.index))
            for s in claim.sentences if doc.sentences[s].field == cue_sentence.field]
    return min(gaps) if gaps else None


def _in_lead(doc: Document, index: int) -> bool:
    sentence = doc.sentences[index]
    return sentence.field == "title" or sentence.index < LEAD_SENTENCES


def _lead_speaks_about(doc: Document, claim: Claim) -> bool:
    """A claim sentence stands in the lead, or the title holds TITLE_LEAVES query words."""
    if any(_in_lead(doc, s) for s in claim.sentences):
        return True
    words = set()
    for leaf in claim_leaves(claim.query):
        for start, _end, _hits in doc.matches(leaf, claim.lang):
            if doc.sentences[doc.token_sentence[start]].field == "title":
                words.add(_leaf_key(leaf))
                break
    return len(words) >= TITLE_LEAVES


def _leaf_key(leaf) -> str:
    """The same query word written twice in a query is one word of the title."""
    return getattr(leaf, "source", "").lower()
