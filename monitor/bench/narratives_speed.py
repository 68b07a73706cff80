"""Matching speed for `monitor bench narratives`: 50 narratives, 600-word articles, one core.

The 4 shipped narratives are joined by 46 synthetic ones written in the same query
language (phrases, NEAR, wildcards, AND NOT, a context clause per language) from the
shipped queries' own words and other news words. Articles are drawn, with a fixed seed,
from the labelled set's word forms and the same news words, so they hold both narrative
vocabulary and the long tail a real article brings: function words, everyday news words
and word forms of the labelled set, where the narratives' vocabulary lives. The gate is
measured on the standard mix (15% on-topic words, about two flags per article: far more
than a real crawl, where most articles concern no watched narrative); a stress mix with
twice the on-topic words is timed too and printed for information. Cold: lemma and
normalisation caches emptied first, so unseen word forms are analysed inside the timing.
Warm: the same articles again, best of three runs. The flag rate is printed beside each
figure: the more flags, the more positional work and evidence, so it says what was timed.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from monitor.narratives import load_watchlist, parse_query
from monitor.narratives.query import leaves
from monitor.narratives.watchlist import DEFAULT_PATH, Watchlist

LANGUAGES = ("uk", "ru", "kk", "en")
WORDS_PER_ARTICLE = 600
NARRATIVES = 50
SEED = 20220105

# Words every article is made of.
FUNCTION_WORDS = {
    "uk": "і в на що з до та не за у про як це від але а його її їх вони він вона ми так вже "
          "також щоб коли де який яка які було буде був була є може після під час між через "
          "для без при або ще лише тільки дуже більше всіх цей ця цього року років",
    "ru": "и в на что с к не по за о как это от но а его ее их они он она мы так уже также "
          "чтобы когда где который которая которые было будет был была есть может после под "
          "время между через для без при или еще лишь только очень более всех этот эта этого "
          "года лет",
    "kk": "және мен бен пен да де та те бұл осы сол ол олар біз деп деген үшін бойынша кейін "
          "дейін арқылы туралы бар жоқ еді болды болады емес ғана тағы өте көп бір екі жыл "
          "жылы жылдың қазір енді",
    "en": "the a an of to in and for on with at by from that this is was are were be been has "
          "have had it its as or but not will would can could said says after before about "
          "over more than their they he she we which who also new year years",
}
STANDARD_MIX = (("function", 0.4), ("news", 0.45), ("labelled", 0.15))
STRESS_MIX = (("function", 0.4), ("news", 0.3), ("labelled", 0.3))

# Everyday news words, in several forms, for what articles mostly talk about.
NEWS_WORDS = {
    "uk": "уряд уряду міністр міністра бюджет бюджету ціни цін газ газу вибори виборів "
          "парламент депутати депутатів закон закону реформа реформи економіка економіки "
          "банк банку інфляція школа школи лікарня лікарні вчителі зарплати пенсії податки "
          "податків погода врожай зерно експорт імпорт кордон кордону транспорт дороги "
          "компанія компанії інвестиції суд суду прокуратура поліція місто міста область "
          "області президент президента заява заяву переговори санкції енергетика світло",
    "ru": "правительство правительства министр министра бюджет бюджета цены цен газ газа "
          "выборы выборов парламент депутаты депутатов закон закона реформа реформы экономика "
          "экономики банк банка инфляция школа школы больница больницы учителя зарплаты пенсии "
          "налоги налогов погода урожай зерно экспорт импорт граница границы транспорт дороги "
          "компания компании инвестиции суд суда прокуратура полиция город города область "
          "области президент президента заявление переговоры санкции энергетика свет",
    "kk": "үкімет үкіметі министр министрі бюджет бюджеті баға бағасы газ газдың сайлау "
          "сайлауы парламент депутаттар заң заңы реформа экономика экономикасы банк банкі "
          "инфляция мектеп мектептері аурухана мұғалімдер жалақы зейнетақы салық салығы ауа "
          "райы егін астық экспорт импорт шекара көлік жолдар компания инвестиция сот соты "
          "прокуратура полиция қала қаласы облыс облысы президент мәлімдеме келіссөздер",
    "en": "government minister ministers budget prices price gas election elections parliament "
          "deputies law laws reform reforms economy bank banks inflation school schools hospital "
          "teachers wages pensions taxes tax weather harvest grain exports imports border "
          "transport roads company companies investment court prosecutors police city region "
          "president statement talks sanctions energy power electricity",
}


@dataclass(frozen=True)
class Speed:
    mix: str  # which article mix was timed
    cold: float  # articles/s with empty caches
    warm: float  # articles/s, same articles again
    articles: int
    narratives: int
    words: int  # per article
    forms: int  # distinct word forms over all articles
    flags: float  # flags per article


def synthetic_watchlist(count: int = NARRATIVES, seed: int = SEED,
                        shipped: Path = DEFAULT_PATH) -> Watchlist:
    """The shipped watchlist plus synthetic narratives up to `count`, loaded normally."""
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    specific = {lang: _query_words(data, lang) for lang in LANGUAGES}
    everyday = {lang: NEWS_WORDS[lang].split() for lang in LANGUAGES}
    for number in range(count - len(data["narratives"])):
        data["narratives"].append({
            "id": f"synthetic-{number + 1:02d}",
            "title": f"Synthetic narrative {number + 1}",
            "description": "Generated for the speed benchmark.",
            "queries": {lang: _query(rng, specific[lang], everyday[lang]) for lang in LANGUAGES},
            "context": {lang: _context(rng, specific[lang], everyday[lang])
                        for lang in LANGUAGES},
        })
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "narratives.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return load_watchlist(path)


def _query_words(data: dict, lang: str) -> list[str]:
    """Plain words of the shipped queries of one language (no phrases, no wildcards)."""
    words = set()
    for narrative in data["narratives"]:
        for leaf in leaves(parse_query(narrative["queries"][lang])):
            source = getattr(leaf, "source", "")
            if source.isalpha() and len(source) > 2:
                words.add(source)
    return sorted(words)


def _query(rng: random.Random, specific: list[str], everyday: list[str]) -> str:
    """Like the shipped queries: narrative words tied by NEAR, one everyday word at most."""
    a, b, c, d, e, g, h, i = rng.sample(specific, 8)
    f = rng.choice(everyday)
    return (f'(({a} OR {b} OR "{c} {d}") NEAR/{rng.randint(3, 12)} ({e} OR {_prefix(f)}))'
            f" OR ({g} NEAR/5 {h} AND NOT {i})")


def _context(rng: random.Random, specific: list[str], everyday: list[str]) -> str:
    a, b = rng.sample(specific, 2)
    return f"{a} OR {b} OR {_prefix(rng.choice(everyday))}"


def _prefix(word: str) -> str:
    return word[: max(3, len(word) - 2)] + "*"


def synthetic_articles(forms: dict[str, dict[str, list[str]]], count: int,
                       seed: int = SEED, mix=STANDARD_MIX) -> list[tuple[str, str, str]]:
    """(lang, title, text) articles of WORDS_PER_ARTICLE words, languages in turn."""
    rng = random.Random(seed)
    kinds, weights = zip(*mix)
    articles = []
    for number in range(count):
        lang = LANGUAGES[number % len(LANGUAGES)]
        pools = forms[lang]

        def words(k: int, pools: dict[str, list[str]] = pools) -> list[str]:
            return [rng.choice(pools[kind]) for kind in rng.choices(kinds, weights, k=k)]

        sentences, total = [], 0
        while total < WORDS_PER_ARTICLE:
            length = min(rng.randint(8, 20), WORDS_PER_ARTICLE - total)
            sentences.append(" ".join(words(length)).capitalize() + ".")
            total += length
        paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
        articles.append((lang, " ".join(words(8)).capitalize(), "\n".join(paragraphs)))
    return articles


def article_forms(items: Sequence) -> dict[str, dict[str, list[str]]]:
    """Word forms per language and kind: function, news and the labelled set's words."""
    forms = {lang: {"function": FUNCTION_WORDS[lang].split(), "news": NEWS_WORDS[lang].split(),
                    "labelled": []} for lang in LANGUAGES}
    for item in items:
        if item.lang in forms:
            words = (w.strip(".,:;!?«»\"()—-") for w in f"{item.title} {item.text}".split())
            forms[item.lang]["labelled"].extend(w for w in words if w)
    return forms


def measure(items: Sequence, articles: int = 200, narratives: int = NARRATIVES,
            seed: int = SEED) -> list[Speed]:
    """Articles/s matching synthetic articles against `narratives` narratives: the
    standard mix first (the gated figure), then the stress mix."""
    watchlist = synthetic_watchlist(narratives, seed)
    forms = article_forms(items)
    results = []
    for name, mix in (("standard", STANDARD_MIX), ("stress", STRESS_MIX)):
        corpus = synthetic_articles(forms, articles, seed, mix)
        # Matching is single-threaded, so it runs on one core. The process is not pinned
        # to a given CPU: on a shared machine that CPU may be the busy one.
        watchlist.clear_caches()
        cold = _rate(watchlist, corpus)
        warm = max(_rate(watchlist, corpus) for _ in range(3))
        distinct = {word for _lang, title, body in corpus for word in f"{title} {body}".split()}
        flags = sum(len(watchlist.match(body, lang, title=title)) for lang, title, body in corpus)
        results.append(Speed(name, cold, warm, len(corpus), len(watchlist.narratives),
                             WORDS_PER_ARTICLE, len(distinct), flags / len(corpus)))
    return results


def _rate(watchlist: Watchlist, corpus: list[tuple[str, str, str]]) -> float:
    started = time.perf_counter()
    for lang, title, body in corpus:
        watchlist.match(body, lang, title=title)
    return len(corpus) / (time.perf_counter() - started)


def report(speeds: list[Speed], gate: float) -> str:
    """The speed half of the printout; the first (standard) mix carries the gate."""
    first = speeds[0]
    heading = (f"speed: {first.narratives} narratives, {first.articles} articles of "
               f"{first.words} words per mix, one thread (one core)")
    lines = [heading]
    for speed in speeds:
        gated = speed is first
        verdict = ("PASS" if speed.warm >= gate else "FAIL") if gated else "(information)"
        lines.append(
            f"  {speed.mix:<8} mix ({speed.forms} distinct forms, {speed.flags:.1f} flags per "
            f"article): warm {speed.warm:,.0f} articles/s"
            + (f"  gate >= {gate:,.0f}  {verdict}" if gated else f"  {verdict}")
            + f"; cold {speed.cold:,.0f} articles/s (caches emptied first)")
    return "\n".join(lines)
