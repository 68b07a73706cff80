"""Word keys for matching: pymorphy3 lemmas for uk/ru, suffix-stripping stems for kk and en.

`word_keys(word, lang)` returns every key a normalised word may match on. A query word
and a text token match when their key sets intersect, so an ambiguous form ("сліди":
слід or слідити) still meets the query word "слід".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

LOGGER = logging.getLogger(__name__)

LANGUAGES = ("uk", "ru", "kk", "en")
# One process sees a long tail of word forms; clearing a full cache is cheaper than LRU
# bookkeeping on every lookup, and refilling it costs a few seconds of parsing at most.
CACHE_LIMIT = 200_000

_ANALYZERS: dict[str, object] = {}
_ANALYZER_LOCK = threading.Lock()
_CACHES: dict[str, dict[str, frozenset[str]]] = {lang: {} for lang in LANGUAGES}
_FOLD = str.maketrans({"ё": "е", "’": "'", "ʼ": "'"})


def analyzer(lang: str):
    """The process-wide pymorphy3 MorphAnalyzer for 'uk' or 'ru', created on first use."""
    found = _ANALYZERS.get(lang)
    if found is None:
        with _ANALYZER_LOCK:
            found = _ANALYZERS.get(lang)
            if found is None:
                import pymorphy3  # imported lazily: kk/en-only users never pay for it

                LOGGER.info("loading pymorphy3 dictionaries for %s", lang)
                found = _ANALYZERS[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return found


def word_keys(word: str, lang: str) -> frozenset[str]:
    """All match keys of a normalised word (see text.normalize_word) in a language; cached."""
    cache = _CACHES.get(lang)
    if cache is None:
        return frozenset((word,))
    keys = cache.get(word)
    if keys is None:
        keys = _KEYERS[lang](word)
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[word] = keys
    return keys


def _pymorphy_keys(lang: str) -> Callable[[str], frozenset[str]]:
    def keys(word: str) -> frozenset[str]:
        if any(ch.isdigit() for ch in word):
            return frozenset((word,))
        parses = analyzer(lang).parse(word)
        # The first parse always counts; further ones only if they come from the
        # dictionary, because guesses for unknown words ("Тоқаев" → "тоқаесть") are noise.
        lemmas = {word}
        for i, parse in enumerate(parses):
            if i == 0 or parse.is_known:
                lemmas.add(parse.normal_form.translate(_FOLD))
        return frozenset(lemmas)

    return keys


def _kazakh_keys(word: str) -> frozenset[str]:
    return frozenset((word, *kk_stems(word)))


def _english_keys(word: str) -> frozenset[str]:
    return frozenset((word, stem_en(word)))


# --- Kazakh -------------------------------------------------------------------------
_KK_VOWELS = frozenset("аәеиоөұүуыіэюя")
_KK_POSS3 = frozenset("ыі")  # 3rd person possessive vowel: n-initial case endings follow it
_KK_NASAL = frozenset("мнң")
# (suffix, characters allowed right before it or None for any). Kazakh suffix order is
# stem + plural + possessive + case; the n-initial case forms are constrained because
# "Қазақстанда" is Қазақстан+да, not Қазақста+нда.
_KK_SUFFIXES: tuple[tuple[str, frozenset[str] | None], ...] = tuple(
    sorted(
        [
            *((s, None) for s in ("дағы", "дегі", "тағы", "тегі")),
            *((s, _KK_POSS3) for s in ("ндағы", "ндегі", "нда", "нде", "на", "не", "н")),
            *((s, _KK_VOWELS | _KK_NASAL) for s in ("ның", "нің")),
            *((s, _KK_POSS3 | _KK_NASAL) for s in ("нан", "нен")),
            *((s, _KK_VOWELS) for s in ("ны", "ні")),
            *((s, None) for s in ("дың", "дің", "тың", "тің", "дан", "ден", "тан", "тен")),
            *((s, None) for s in ("да", "де", "та", "те", "ға", "ге", "қа", "ке")),
            *((s, None) for s in ("ды", "ді", "ты", "ті")),
            *((s, None) for s in ("менен", "бенен", "пенен", "мен", "бен", "пен")),
            # possessive: 3rd person and 1st plural ("еліміз"); 1st/2nd singular are
            # rare in news and would eat roots ending in -ым/-ың.
            *((s, None) for s in ("ымыз", "іміз", "мыз", "міз", "сы", "сі", "ы", "і")),
            # plural
            *((s, None) for s in ("лар", "лер", "дар", "дер", "тар", "тер")),
        ],
        key=lambda pair: -len(pair[0]),
    )
)
_KK_MAX_STRIPS = 5
# Country names end in -стан, which looks like the ablative -тан: Қазақстан is a root.
_KK_ROOT_ENDINGS = ("стан",)


def kk_stems(word: str) -> frozenset[str]:
    """Stems of a Kazakh word with its case, possessive and plural endings stripped.

    Қазақстандағы → {қазақстан}; әскерлерін → {әскер}. Where two segmentations are
    possible (соғыс+ы or соғы+сы) every one is kept, because matching intersects key sets
    and the right one then meets the bare root. A stem keeps two or more letters and a vowel.
    """
    stems: set[str] = set()
    pending = [(word, 0)]
    while pending:
        current, depth = pending.pop()
        options = [] if depth >= _KK_MAX_STRIPS else _kk_strips(current)
        if not options:
            stems.add(current)
        pending.extend((stem, depth + 1) for stem in options)
    return frozenset(stems)


def _kk_strips(word: str) -> list[str]:
    if word.endswith(_KK_ROOT_ENDINGS):
        return []
    stems = []
    for suffix, before in _KK_SUFFIXES:
        if not word.endswith(suffix):
            continue
        stem = word[: -len(suffix)]
        if len(stem) < 2 or not _KK_VOWELS.intersection(stem):
            continue
        if before is None or stem[-1] in before:
            stems.append(stem)
    return stems


# --- English --------------------------------------------------------------------------
_EN_VOWELS = frozenset("aeiouy")


def stem_en(word: str) -> str:
    """A light English stemmer: possessive 's, plurals, -ed/-ing, final e (troops → troop)."""
    word = word.removesuffix("'s").rstrip("'")
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "ches", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3 and _EN_VOWELS.intersection(stem):
            word = stem
            if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # planned → plan, shipping → ship
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # leave/leaving, force/forces end on the same stem
    return word


_KEYERS: dict[str, Callable[[str], frozenset[str]]] = {
    "uk": _pymorphy_keys("uk"),
    "ru": _pymorphy_keys("ru"),
    "kk": _kazakh_keys,
    "en": _english_keys,
}
