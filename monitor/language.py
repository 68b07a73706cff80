"""Language identification for article bodies (uk, ru, kk, en and others).

py3langid scores character n-grams and knows Kazakh (langdetect does not).
Alone it confuses the Cyrillic languages on short or mixed paragraphs, so the
letters only one of them uses decide first: Kazakh ә ғ қ ң ө ұ ү һ, Ukrainian
є ї ґ і, Russian ы э ё. Paragraphs are judged one by one and the language
with the most letters wins, so a Ukrainian report quoting a Russian statement
stays Ukrainian.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter

LOGGER = logging.getLogger(__name__)

__all__ = ["detect_language"]

UNDETERMINED = "und"
# When py3langid is unsure, prefer the languages this project monitors.
_MONITORED = ("uk", "ru", "kk", "en")
_LOW_CONFIDENCE = 0.5
_MIN_CHUNK_LETTERS = 60
_MIN_LETTERS = 3

_KAZAKH = frozenset("әғқңөұүһ")
# ғ қ ұ do not occur in Kyrgyz or Tatar; ә ң ө ү alone would not tell them apart.
_KAZAKH_DISTINCT = frozenset("ғқұ")
# Tajik, Tatar and Bashkir letters: a text with these is not Kazakh.
_OTHER_TURKIC = frozenset("ҳҷӣӯҗҙҫҡ")
_UKRAINIAN = frozenset("єїґі")
# ъ is frequent in Bulgarian, so only ы э ё count for Russian.
_RUSSIAN = frozenset("ыэё")
_BELARUSIAN = "ў"
_CYRILLIC_FAMILY = frozenset("uk ru kk be bg mk sr ky mn tt ba tg".split())
# ы is Kazakh and Kyrgyz too: the uk/ru letters only arbitrate between Slavic guesses.
_SLAVIC = frozenset("uk ru be bg mk sr".split())
_LINES = re.compile(r"\n+")


@functools.lru_cache(maxsize=1)
def _identifier():
    """Load the py3langid model once (about half a second), on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    LOGGER.debug("loading py3langid model")
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language most of *text* is written in, or 'und'."""
    weights: Counter[str] = Counter()
    for chunk in _chunks(text):
        letters = _letter_count(chunk)
        if letters >= _MIN_LETTERS:
            weights[_classify(chunk)] += letters
    if not weights:
        return UNDETERMINED
    # Ties broken by code so the answer never depends on dict order.
    return max(sorted(weights), key=weights.__getitem__)


def _chunks(text: str) -> list[str]:
    """Paragraphs, with short ones merged forward so every chunk has enough letters."""
    chunks: list[str] = []
    pending = ""
    for paragraph in _LINES.split(text.strip()):
        pending = f"{pending}\n{paragraph}" if pending else paragraph
        if _letter_count(pending) >= _MIN_CHUNK_LETTERS:
            chunks.append(pending)
            pending = ""
    if pending:
        if chunks and _letter_count(pending) < _MIN_CHUNK_LETTERS:
            chunks[-1] = f"{chunks[-1]}\n{pending}"
        else:
            chunks.append(pending)
    return chunks


def _letter_count(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _classify(chunk: str) -> str:
    """Language of one paragraph: script cues first, then py3langid."""
    letters = Counter(ch for ch in chunk.lower() if ch.isalpha())
    cyrillic = sum(n for ch, n in letters.items() if "\u0400" <= ch <= "\u04ff")
    guess = _langid(chunk)
    if cyrillic < 0.5 * sum(letters.values()):
        return guess
    return _cyrillic_cue(letters, cyrillic, guess) or guess


def _cyrillic_cue(letters: Counter[str], cyrillic: int, guess: str) -> str | None:
    """uk/ru/kk when letters unique to one of them are frequent enough to be sure."""
    # Kazakh letters are ~10% of a Kazakh text (~6% with many Russian loanwords)
    # and ~3% of a Russian paragraph full of Kazakh names (Қасым-Жомарт Тоқаев).
    kazakh = sum(letters[ch] for ch in _KAZAKH) / cyrillic
    if (
        kazakh >= 0.04
        and any(letters[ch] for ch in _KAZAKH_DISTINCT)
        and not any(letters[ch] for ch in _OTHER_TURKIC)
    ):
        return "kk"
    if guess not in _SLAVIC or letters[_BELARUSIAN] or kazakh >= 0.01:
        return None  # Belarusian shares і and ы; names or other Turkic: leave to the model
    ukrainian = sum(letters[ch] for ch in _UKRAINIAN)
    russian = sum(letters[ch] for ch in _RUSSIAN)
    # In running text і alone is ~5% of Ukrainian letters and ы ~2% of Russian
    # ones; a quoted sentence in the other language shifts the rates only a little.
    if ukrainian >= 0.02 * cyrillic and ukrainian > 2 * russian:
        return "uk"
    if russian >= 0.005 * cyrillic and russian > ukrainian:
        return "ru"
    return None


def _langid(chunk: str) -> str:
    """py3langid's best label; below 50% confidence the best monitored language."""
    identifier = _identifier()
    language, confidence = identifier.classify(chunk)
    if confidence >= _LOW_CONFIDENCE or language in _MONITORED:
        return language
    ranked = identifier.rank(chunk)
    cyrillic_text = language in _CYRILLIC_FAMILY
    for candidate, _score in ranked[:5]:
        if candidate in _MONITORED and (candidate in _CYRILLIC_FAMILY) == cyrillic_text:
            return candidate
    return language
