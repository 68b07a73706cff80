"""`monitor bench dedup`: story clustering on a generated corpus (see dedup_corpus.py).

Every article goes through `StoryIndex.add` in arrival order. Scored by pairs: a pair of
articles is predicted when they land in one story, true when they are copies of one story.
Gates: pair precision >= 0.99, recall >= 0.95, and no teaser-only pair merged: two articles
of one outlet on different topics share that outlet's teaser carousel and nothing else. The
same run prints what justifies the shipped settings: the similarity of copies beside that of
distinct articles on one topic, the threshold sweep (and its passing range on two more
corpora), the furniture filter off and at other counts, other fingerprint formats, SimHash
through the same clustering, and the cost per article early and late in a 120-day corpus.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from monitor.bench.dedup_corpus import Article, generate
from monitor.dedup import (
    FORMAT,
    DedupSettings,
    MinHashFormat,
    StoryIndex,
    fingerprint,
    shingles,
    similarity,
)

PRECISION_GATE = 0.99
RECALL_GATE = 0.95
SWEEP = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
# Other corpora the shipped threshold must sit inside the passing range of.
OTHER_SEEDS = (7, 11)
FURNITURE_COUNTS = (0, 1, 2, 3)
FORMATS = (MinHashFormat(4, 32, 4), MinHashFormat(3, 32, 4), MinHashFormat(5, 32, 4),
           MinHashFormat(3, 42, 3), MinHashFormat(4, 42, 3), MinHashFormat(4, 64, 4))
SIMHASH_DISTANCES = (3, 6, 9, 12)
# The scale check's corpus spans this many days at the main corpus's daily volume.
SCALE_DAYS = 120


@dataclass(frozen=True)
class Score:
    """One clustering of the corpus, scored by pairs."""

    label: str
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    teaser_pairs: int  # same outlet, different topics: they share only the teaser carousel
    teaser_merges: int  # ... of which put in one story
    first_publisher_right: int  # merged stories whose first publisher is the true original
    first_publisher_checked: int
    seconds: tuple[float, ...]  # time in the index, per article in arrival order
    candidates: tuple[int, ...]  # candidate articles compared, per article in arrival order

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def ms_per_article(self) -> float:
        return 1000 * float(np.mean(self.seconds)) if self.seconds else 0.0

    @property
    def passed(self) -> bool:
        return (self.precision >= PRECISION_GATE and self.recall >= RECALL_GATE
                and self.teaser_merges == 0)


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def _teaser_pairs(members: Sequence[Article]) -> int:
    """Pairs of one outlet's articles on different topics among these articles."""
    by_outlet = Counter(m.outlet for m in members)
    by_topic = Counter((m.outlet, m.topic) for m in members)
    return (sum(_pairs(n) for n in by_outlet.values())
            - sum(_pairs(n) for n in by_topic.values()))


def score(corpus: Sequence[Article], index: StoryIndex, label: str = "") -> Score:
    """Add the corpus to the index in order, timing only the index, and score its stories."""
    candidates, seconds = [], []
    for article in corpus:
        before, started = index.candidates_checked, time.perf_counter()
        index.add(article.article_id, article.text, article.published_at, article.outlet)
        seconds.append(time.perf_counter() - started)
        candidates.append(index.candidates_checked - before)
    by_id = {article.article_id: article for article in corpus}
    true_pairs = sum(_pairs(n) for n in Counter(a.story_id for a in corpus).values())
    predicted = correct = teaser = right = checked = 0
    for story in index.stories():
        members = [by_id[a] for a in story.article_ids]
        predicted += _pairs(len(members))
        truth = Counter(m.story_id for m in members)
        correct += sum(_pairs(n) for n in truth.values())
        teaser += _teaser_pairs(members)
        if len(members) > 1 and len(truth) == 1 and any(m.is_original for m in members):
            checked += 1
            right += by_id[story.first_article_id].is_original
    return Score(label, true_pairs, predicted, correct, _teaser_pairs(corpus), teaser, right,
                 checked, tuple(seconds), tuple(candidates))


class _FormatIndex(StoryIndex):
    """The shipped clustering with another fingerprint format."""

    def __init__(self, settings: DedupSettings, fmt: MinHashFormat):
        super().__init__(settings)
        self._format = fmt

    def _fingerprint(self, text: str, furniture: Collection[str]) -> Any:
        return fingerprint(text, furniture, self._format)


class _SimHashIndex(StoryIndex):
    """The alternative: 64-bit SimHash of the same shingles, Hamming distance <= k, found
    through k+1 exact-match blocks (pigeonhole), through the same clustering."""

    def __init__(self, settings: DedupSettings, distance: int):
        super().__init__(replace(settings, threshold=1 - distance / 64))
        edges = [round(64 * i / (distance + 1)) for i in range(distance + 2)]
        self._blocks = list(itertools.pairwise(edges))

    def _fingerprint(self, text: str, furniture: Collection[str]) -> int | None:
        hashes = shingles(text, furniture)
        if not hashes:
            return None
        values = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
        bits = np.unpackbits(values.view(np.uint8)).reshape(len(values), 64)
        majority = (2 * bits.sum(axis=0) > len(values)).astype(np.uint8)
        return int.from_bytes(np.packbits(majority).tobytes(), "big")

    def _keys(self, fp: int | None) -> list[str]:
        if fp is None:
            return []
        return [f"{i}:{(fp >> (64 - end)) & ((1 << (end - start)) - 1):x}"
                for i, (start, end) in enumerate(self._blocks)]

    def _similarity(self, a: int | None, b: int | None) -> float:
        if a is None or b is None:
            return 0.0
        return 1 - (a ^ b).bit_count() / 64


def similarity_profile(corpus: Sequence[Article], index: StoryIndex,
                       ) -> tuple[list[float], list[float]]:
    """Estimated Jaccard, as indexed (furniture left out), of every pair of copies and of
    every pair of distinct articles of one language and topic; `index` holds the corpus."""
    groups: dict[tuple[str, str], list[Article]] = {}
    for article in corpus:
        groups.setdefault((article.language, article.topic), []).append(article)
    copies, distinct = [], []
    for group in groups.values():
        for a, b in itertools.combinations(group, 2):
            value = similarity(index.fingerprint_of(a.article_id),
                               index.fingerprint_of(b.article_id))
            (copies if a.story_id == b.story_id else distinct).append(value)
    return copies, distinct


def _line(score: Score, chosen: bool = False) -> str:
    mark = "  <- shipped" if chosen else ""
    gates = "pass" if score.passed else "FAIL"
    return (f"  {score.label:<26} precision {score.precision:.4f}  recall {score.recall:.4f}  "
            f"teaser-only merges {score.teaser_merges:>5}  "
            f"{np.mean(score.candidates):6.2f} cand/article  {score.ms_per_article:5.2f} ms  "
            f"{gates}{mark}")


def _quantiles(values: Sequence[float]) -> str:
    points = np.percentile(values, [0, 1, 5, 50, 95, 99, 100]) if values else []
    return " ".join(f"{p:.2f}" for p in points) or "none"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _span(thresholds: Sequence[float]) -> str:
    return f"{min(thresholds):.2f}-{max(thresholds):.2f}" if thresholds else "none"


def run_all(settings: DedupSettings, stories_per_language: int = 300, seed: int = 20240601,
            emit: Callable[[str], None] = print) -> Score:
    """Print every figure of the benchmark on corpora of `stories_per_language` stories a
    language per 30 days; return the shipped settings' score on the one of `seed`."""
    corpus = generate(stories_per_language, seed)
    score(corpus[:300], StoryIndex(settings))  # warm-up: first-call costs are not per article
    index = StoryIndex(settings)
    chosen = score(corpus, index, "shipped")
    _report_gates(corpus, settings, chosen, emit)
    _report_profile(corpus, settings, index, emit)
    emit("threshold sweep (estimated Jaccard at or above which an article joins a story):")
    passing = []
    for threshold in SWEEP:
        result = (chosen if threshold == settings.threshold else
                  score(corpus, StoryIndex(replace(settings, threshold=threshold))))
        emit(_line(replace(result, label=f"threshold {threshold:.2f}"),
                   threshold == settings.threshold))
        passing += [threshold] if result.passed else []
    emit(f"  thresholds passing every gate: {_span(passing)}")
    for other_seed in OTHER_SEEDS:
        other = generate(stories_per_language, other_seed)
        ok = [t for t in SWEEP if 0.3 <= t <= 0.6
              and score(other, StoryIndex(replace(settings, threshold=t))).passed]
        emit(f"  on the corpus of seed {other_seed} ({len(other)} articles), thresholds 0.30-0.60 "
             f"passing every gate: {_span(ok)}")
    emit("furniture filter (paragraphs the outlet printed in >= N other articles left out):")
    for count in FURNITURE_COUNTS:
        label = "off" if count == 0 else f"N = {count}"
        result = (chosen if count == settings.furniture_min_articles else
                  score(corpus, StoryIndex(replace(settings, furniture_min_articles=count))))
        emit(_line(replace(result, label=label), count == settings.furniture_min_articles))
    emit(f"fingerprint formats (threshold {settings.threshold}):")
    for fmt in FORMATS:
        label = f"w{fmt.shingle_words} {fmt.bands}x{fmt.rows}"
        result = (chosen if fmt == FORMAT else score(corpus, _FormatIndex(settings, fmt)))
        emit(_line(replace(result, label=label), fmt == FORMAT))
    emit("SimHash (64 bits, same shingles and furniture filter) through the same clustering:")
    for distance in SIMHASH_DISTANCES:  # similarity 1 - distance/64 is its threshold
        result = score(corpus, _SimHashIndex(settings, distance), f"Hamming <= {distance}")
        emit(_line(result))
    _report_scale(generate(stories_per_language * SCALE_DAYS // 30, seed, SCALE_DAYS),
                  settings, emit)
    return chosen


def _report_gates(corpus: Sequence[Article], settings: DedupSettings, chosen: Score,
                  emit: Callable[[str], None]) -> None:
    stories = len({a.story_id for a in corpus})
    outlets = len({a.outlet for a in corpus})
    emit(f"Story clustering of {len(corpus)} generated articles ({stories} stories, {outlets} "
         f"outlets, uk/ru/kk, 30 days): {chosen.true_pairs} true pairs, {chosen.teaser_pairs} "
         f"teaser-only pairs")
    emit(f"shipped: MinHash {FORMAT.version} (word {FORMAT.shingle_words}-grams, "
         f"{FORMAT.num_perm} permutations, LSH {FORMAT.bands} bands x {FORMAT.rows} rows), "
         f"threshold {settings.threshold}, furniture = paragraphs the outlet printed in "
         f">= {settings.furniture_min_articles} other article(s), window "
         f"{settings.window_days} days")
    emit(f"  pair precision {chosen.precision:.4f} >= {PRECISION_GATE}: "
         f"{_verdict(chosen.precision >= PRECISION_GATE)}")
    emit(f"  pair recall    {chosen.recall:.4f} >= {RECALL_GATE}: "
         f"{_verdict(chosen.recall >= RECALL_GATE)}")
    emit(f"  teaser-only pairs merged (one outlet, different topics) {chosen.teaser_merges} of "
         f"{chosen.teaser_pairs} == 0: {_verdict(chosen.teaser_merges == 0)}")
    emit(f"  first publisher is the true original in {chosen.first_publisher_right}/"
         f"{chosen.first_publisher_checked} merged stories")
    emit(f"  {chosen.ms_per_article:.2f} ms/article for fingerprint + lookup + insert, "
         f"{np.mean(chosen.candidates):.2f} candidates compared per article")


def _report_profile(corpus: Sequence[Article], settings: DedupSettings, index: StoryIndex,
                    emit: Callable[[str], None]) -> None:
    copies, distinct = similarity_profile(corpus, index)
    over = sum(value >= settings.threshold for value in distinct)
    emit("estimated Jaccard as indexed, quantiles 0/1/5/50/95/99/100%:")
    emit(f"  copies of one story            {_quantiles(copies)}  ({len(copies)} pairs)")
    emit(f"  distinct articles, same topic  {_quantiles(distinct)}  ({len(distinct)} pairs, "
         f"{over} at or above {settings.threshold})")


def _report_scale(corpus: Sequence[Article], settings: DedupSettings,
                  emit: Callable[[str], None]) -> None:
    """Cost per article early and late in a corpus that spans several windows."""
    emit(f"scale: {len(corpus)} articles over {SCALE_DAYS} days, first 1,000 vs last 1,000 "
         f"articles (reference: late <= 2x early):")
    for label, window in (("window", settings.window_days), ("no window", None)):
        result = score(corpus, StoryIndex(replace(settings, window_days=window)))
        early, late = result.candidates[:1000], result.candidates[-1000:]
        ms_early = 1000 * np.mean(result.seconds[:1000])
        ms_late = 1000 * np.mean(result.seconds[-1000:])
        emit(f"  {label:<10} {window or '-':>5} days: {np.mean(early):.2f} -> {np.mean(late):.2f} "
             f"candidates compared, {ms_early:.2f} -> {ms_late:.2f} ms/article "
             f"(late/early {ms_late / ms_early:.2f}); precision {result.precision:.4f} "
             f"recall {result.recall:.4f}")


def run(args: argparse.Namespace) -> int:
    """`monitor bench dedup`: exit 1 when a gate fails."""
    settings = DedupSettings()
    if args.threshold is not None:
        settings = replace(settings, threshold=args.threshold)
    chosen = run_all(settings, args.stories, args.seed)
    print(f"all gates: {_verdict(chosen.passed)}")
    return 0 if chosen.passed else 1
