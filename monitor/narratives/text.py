"""Tokenisation, normalisation and sentence splitting shared by queries and articles.

Queries and article text go through the same `normalize_word`, so a query word and a
text token compare equal exactly when their normalised surface forms do.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

LOGGER = logging.getLogger(__name__)

# Apostrophes only count inside a word: "з'явився", "зʼявився", "Kazakhstan's".
APOSTROPHES = "'’ʼ"
WORD_RE = re.compile(r"\w+(?:['’ʼ]\w+)*")

# Latin letters that look like Cyrillic ones. Scraped text mixes them in
# ("Підписуйтеcь" with a Latin c), which would defeat lemma lookup.
_HOMOGLYPHS = str.maketrans(
    {
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
        "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У",
        "a": "а", "c": "с", "e": "е", "i": "і", "k": "к", "o": "о", "p": "р", "x": "х",
        "y": "у",
    }
)
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_FOLD = str.maketrans({"ё": "е", "’": "'", "ʼ": "'"})
# Word forms repeat across articles; normalising each once is a third of tokenising time.
_NORMALIZED: dict[str, str] = {}
_NORMALIZED_LIMIT = 200_000

# Sentence ends: terminal punctuation, optional closing quotes, then whitespace.
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"»”’)\]]*\s+")
_OPENING_PUNCT = "«\"“„'([-–—"
# The first character after a sentence end and any opening punctuation or spaces.
_NEXT_CHAR_RE = re.compile("[" + re.escape(_OPENING_PUNCT) + " ]*(.)")
# A single letter before a full stop is an initial or an abbreviation ("В. Путін", "м. Київ").
_ABBREVIATION_RE = re.compile(r"(?:^|\W)\w\.$")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a field: normalised form plus character offsets into that field's text."""

    norm: str
    start: int
    end: int


def normalize_word(word: str) -> str:
    """Lower-case a word, map Latin homoglyphs inside Cyrillic words, fold ё→е and apostrophes."""
    found = _NORMALIZED.get(word)
    if found is None:
        found = word
        if not word.isascii() and _LATIN_RE.search(word) and _CYRILLIC_RE.search(word):
            found = word.translate(_HOMOGLYPHS)
        found = found.lower().translate(_FOLD)
        if len(_NORMALIZED) >= _NORMALIZED_LIMIT:
            _NORMALIZED.clear()
        _NORMALIZED[word] = found
    return found


def normalize_text(text: str) -> str | None:
    """A whole text lower-cased and folded as normalize_word would fold its words, or None
    when lower-casing changes its length (offsets would no longer line up) - rare
    characters such as "İ". Homoglyphs are not mapped: see mixes_scripts."""
    # Three replace() calls: translate() with a table looks each character up in a dict.
    folded = text.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    return folded if len(folded) == len(text) else None


def mixes_scripts(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when text[start:end] holds both Latin and Cyrillic letters (homoglyphs may hide
    inside a word, so its words need normalize_word one by one)."""
    end = len(text) if end is None else end
    return bool(_LATIN_RE.search(text, start, end) and _CYRILLIC_RE.search(text, start, end))


def tokenize(text: str) -> list[Token]:
    """Split text into word tokens (\\w+ with inner apostrophes); offsets index `text`."""
    return [Token(normalize_word(m.group()), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of sentences: lines, split further at ., !, ?, … before a capital.

    Deliberately simple: news text is one paragraph per line, and a wrong split only
    moves the evidence sentence boundary, it never hides a match.
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        _split_line(line, line_start, spans)
        line_start += len(line) + 1
    return spans


def _split_line(line: str, offset: int, spans: list[tuple[int, int]]) -> None:
    start = 0
    for m in _SENTENCE_END_RE.finditer(line):
        following = _NEXT_CHAR_RE.match(line, m.end())
        if not following or not (following[1].isupper() or following[1].isdigit()):
            continue
        if _ABBREVIATION_RE.search(line[max(0, m.start() - 2) : m.start() + 1]):
            continue
        _add_span(line, start, m.end(), offset, spans)
        start = m.end()
    _add_span(line, start, len(line), offset, spans)


def _add_span(line: str, start: int, end: int, offset: int, spans: list[tuple[int, int]]) -> None:
    chunk = line[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        spans.append((offset + start + lead, offset + start + lead + len(stripped)))
