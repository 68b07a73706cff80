"""Stance of a flagged article: does it debunk the narrative or just report it?

Fact-check wording ("фейк", "не соответствует действительности", "debunk" ...) is data:
`stance_cues` in narratives.yaml, one list of query expressions per language, compiled
like narrative queries so cues match in any inflection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from monitor.narratives.matcher import Document, Hit, evaluate
from monitor.narratives.query import Node

LOGGER = logging.getLogger(__name__)

DEBUNK = "debunk"
REPORT = "report"
# A cue counts when it stands within this many sentences of a match (same field) ...
SENTENCE_WINDOW = 2
# ... or anywhere in the title or in the first sentences of the body, where fact-checks
# put their verdict ("Это фейк.").
LEAD_SENTENCES = 2


def cue_sentences(doc: Document, cues: Iterable[tuple[str, Node]]) -> set[int]:
    """Indexes (into doc.sentences) of sentences holding a stance cue of any given language."""
    found: set[int] = set()
    for lang, node in cues:
        for start, _end, _leaf in evaluate(node, doc, lang) or ():
            found.add(doc.token_sentence[start])
    return found


def decide_stance(doc: Document, hits: Iterable[Hit], cues: set[int]) -> str:
    """'debunk' if a cue sentence leads the article or stands near a hit, else 'report'."""
    if not cues:
        return REPORT
    for index in cues:
        sentence = doc.sentences[index]
        if sentence.field == "title" or sentence.index < LEAD_SENTENCES:
            return DEBUNK
    for start, _end, _leaf in hits:
        hit_sentence = doc.sentences[doc.token_sentence[start]]
        for index in cues:
            cue = doc.sentences[index]
            near = abs(cue.index - hit_sentence.index) <= SENTENCE_WINDOW
            if near and cue.field == hit_sentence.field:
                return DEBUNK
    return REPORT
