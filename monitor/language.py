"""Language identification for article bodies (uk, ru, kk, en and others).

py3langid scores character n-grams and knows Kazakh (langdetect does not), but on short
or mixed Cyrillic text it drifts to Bulgarian, Tajik or Bashkir and it takes Russian
with Kazakh names for Kazakh. So each paragraph is judged in two steps:

1. A language we do not monitor is answered only when py3langid's full model is sure of
   it, or the text has letters none of uk, ru, kk writes (Belarusian ў, Serbian ђ), or
   Turkic letters without Kazakh's own ғ қ ұ і (Kyrgyz, Tatar).
2. Otherwise a Latin-script paragraph is English, and a Cyrillic one is uk, ru or kk:
   py3langid limited to those three, with a penalty for every letter a language never
   writes (Kazakh ә ғ қ ң ө ұ ү һ, Ukrainian і ї є ґ, Russian ы э ё ъ). Words with
   capitals are set aside when enough others remain, because names are where a Russian
   text shows Kazakh letters (Қасым-Жомарт Тоқаев) and a Kazakh one Russian spellings.

Paragraphs are weighted by their letters and the heaviest language wins, so a Ukrainian
report quoting a Russian statement stays Ukrainian.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import unicodedata
from collections import Counter

LOGGER = logging.getLogger(__name__)

__all__ = ["detect_language"]

UNDETERMINED = "und"
_CYRILLIC_MONITORED = ("kk", "ru", "uk")
# Below these full-model confidences a language we do not monitor is not believed. On the
# labelled set py3langid gave no uk/ru/kk paragraph another Cyrillic language above 0.6,
# and no English one another Latin-script language above 0.4; a lone German or Spanish
# sentence gets 0.5 to 0.8. The price: a lone Bulgarian sentence (~0.7) comes out 'ru'.
_FOREIGN_CONFIDENCE = 0.8
_FOREIGN_LATIN_CONFIDENCE = 0.5
# Kazakh, Kyrgyz and Uzbek names make English headlines look like Latin-script Turkic
# ("Tokayev meets Mirziyoyev in Tashkent": Uzbek at 0.56), so those need more.
_TURKIC_LATIN = frozenset({"uz", "tr", "az", "tk", "crh"})
_MIN_CHUNK_LETTERS = 60
_MIN_LETTERS = 3
# Words with capitals are mostly names; without enough other letters they count in full.
_MIN_COMMON_LETTERS = 10

# Letters that only some of uk, ru, kk write. Each one seen counts against the languages
# that do not write it: a penalty, not a veto, since a quoted word or a typo is possible.
_NOT_WRITTEN_BY = {
    **dict.fromkeys("әғқңөұүһ", ("ru", "uk")),
    "і": ("ru",),
    **dict.fromkeys("їєґ", ("ru", "kk")),
    **dict.fromkeys("ыэёъ", ("uk",)),
}
_LETTER_PENALTY = math.log(1000)
_COMMON_WEIGHT = 2.0
# Letters only other Cyrillic languages use (be/uz ў, sr/mk ј љ њ џ ђ ћ ѓ ќ ѕ, tt җ,
# ba ҙ ҫ ҡ, tg ӣ ӯ ҷ ҳ): with these the full model decides.
_FOREIGN_CYRILLIC = frozenset("ўјљњџђћѓќѕҗҙҫҡӣӯҷҳ")
_FOREIGN_LETTER_SHARE = 0.005
# Kyrgyz, Tatar, Bashkir and Mongolian share ә ө ү ң һ with Kazakh but not ғ қ ұ і: a
# text with the former and none of the latter is the neighbour py3langid names, if it does.
_KAZAKH_NEIGHBOURS = frozenset({"ky", "tt", "ba", "mn"})
_TURKIC_SHARED = frozenset("әөүңһ")
_KAZAKH_OWN = frozenset("ғқұі")

_LINES = re.compile(r"\n+")
_WORDS = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=1)
def _identifier():
    """Load the py3langid model once (about half a second), on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    LOGGER.debug("loading py3langid model")
    # Raw scores, so that one pass over a text gives both the full model's confidence and
    # the probabilities of uk, ru and kk among themselves.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def detect_language(text: str) -> str:
    """ISO 639 code (two letters where there is one) of the language most of *text* is
    written in, or 'und'."""
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
    """Language of one paragraph."""
    scores = _model_scores(chunk)
    best = next(iter(scores))
    confidence = _confidence(scores, _temperature(chunk))
    letters = Counter(ch for ch in chunk.lower() if ch.isalpha())
    total = letters.total()
    cyrillic = sum(n for ch, n in letters.items() if "\u0400" <= ch <= "\u04ff")
    if cyrillic * 2 >= total:
        foreign = sum(letters[ch] for ch in _FOREIGN_CYRILLIC)
        if (
            foreign >= _FOREIGN_LETTER_SHARE * cyrillic
            or (best not in _CYRILLIC_MONITORED and confidence >= _FOREIGN_CONFIDENCE)
            or (
                best in _KAZAKH_NEIGHBOURS
                and any(letters[ch] for ch in _TURKIC_SHARED)
                and not any(letters[ch] for ch in _KAZAKH_OWN)
            )
        ):
            return best
        return _cyrillic_choice(chunk, scores)
    latin = sum(n for ch, n in letters.items() if ch <= "\u024f")
    needed = _FOREIGN_CONFIDENCE if best in _TURKIC_LATIN else _FOREIGN_LATIN_CONFIDENCE
    if latin * 2 >= total and confidence < needed:
        return "en"  # the one Latin-script language monitored
    return best


def _cyrillic_choice(chunk: str, scores: dict[str, float]) -> str:
    """uk, ru or kk: py3langid limited to the three, and the letters each one writes."""
    words = _WORDS.findall(chunk)
    # Names (Қасым-Жомарт Тоқаев in a Russian report) say little about the language, so
    # py3langid also reads the text without them and that reading counts double.
    common = [word for word in words if word.islower()]
    combined = _restricted(scores, _temperature(chunk))
    if sum(map(len, common)) >= _MIN_COMMON_LETTERS:
        evidence = common
        if len(common) < len(words):
            text = " ".join(common)
            for lang, value in _restricted(_model_scores(text), _temperature(text)).items():
                combined[lang] += _COMMON_WEIGHT * value
    else:
        evidence = words
    for word in evidence:
        for ch in word.lower():
            for lang in _NOT_WRITTEN_BY.get(ch, ()):
                combined[lang] -= _LETTER_PENALTY
    return max(_CYRILLIC_MONITORED, key=combined.__getitem__)


def _restricted(scores: dict[str, float], temperature: float) -> dict[str, float]:
    """Log-probabilities of uk, ru, kk when py3langid may choose only among them."""
    top = max(scores[lang] for lang in _CYRILLIC_MONITORED)
    scaled = {lang: (scores[lang] - top) * temperature for lang in _CYRILLIC_MONITORED}
    norm = math.log(sum(math.exp(value) for value in scaled.values()))
    return {lang: value - norm for lang, value in scaled.items()}


def _model_scores(chunk: str) -> dict[str, float]:
    """py3langid's raw log-scores for every language of the full model, best first."""
    return dict(_identifier().rank(chunk))


def _temperature(chunk: str) -> float:
    # py3langid divides raw scores by sqrt(bytes) to keep confidences calibrated.
    size = len(unicodedata.normalize("NFC", chunk).encode("utf-8"))
    return 1.0 / math.sqrt(size or 1)


def _confidence(scores: dict[str, float], temperature: float) -> float:
    """Probability of the best language, as py3langid's norm_probs would report it."""
    top = next(iter(scores.values()))
    return 1.0 / sum(math.exp((score - top) * temperature) for score in scores.values())
