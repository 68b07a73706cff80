"""`monitor bench dedup`: the generated corpus, the pair scoring, and the gates on a small run."""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from monitor.bench import dedup as bench
from monitor.bench.dedup_corpus import Article, generate
from monitor.cli import build_parser
from monitor.dedup import DedupSettings, StoryIndex

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def corpus():
    return generate()


@pytest.fixture(scope="module")
def small():
    return generate(stories_per_language=60, seed=5)


def test_the_corpus_is_deterministic_and_large_enough(corpus):
    assert len(corpus) >= 2000
    assert [a.text for a in generate(20, seed=3)] == [a.text for a in generate(20, seed=3)]
    assert [a.text for a in generate(20, seed=3)] != [a.text for a in generate(20, seed=4)]


def test_the_corpus_has_the_promised_shape(corpus):
    assert {a.language for a in corpus} == {"uk", "ru", "kk"}
    stories = defaultdict(list)
    for article in corpus:
        stories[article.story_id].append(article)
    sizes = Counter(len(members) for members in stories.values())
    assert set(sizes) == {1, 2, 3, 4, 5, 6}
    for members in stories.values():
        assert sum(m.is_original for m in members) == 1
        assert len({m.outlet for m in members}) == len(members)  # copies elsewhere
        assert len({m.language for m in members}) == 1
    # Crawl order is not publication order: some copies arrive before their original.
    first_arrivals = [members[0] for members in stories.values()]
    assert any(not article.is_original for article in first_arrivals)
    # Many distinct articles share a language and topic, hence their template.
    by_topic = Counter((a.language, a.topic) for a in corpus if a.is_original)
    assert min(by_topic.values()) >= 20


def test_every_page_carries_a_carousel_of_its_outlets_other_pages(corpus):
    by_outlet = defaultdict(list)
    for article in corpus:
        by_outlet[article.outlet].append(article)
    for articles in by_outlet.values():
        lines = Counter(line for a in articles for line in set(a.text.split("\n")))
        for article in articles:
            shared = [line for line in set(article.text.split("\n")) if lines[line] > 1]
            assert len(shared) >= 4, article.article_id
    fixed = {o for o, articles in by_outlet.items()
             if len(set.intersection(*(set(a.text.split("\n")) for a in articles))) >= 4}
    assert 0 < len(fixed) < len(by_outlet)  # some carousels are fixed, others rotate


def _article(article_id, story_id, outlet, topic, text, original=False):
    return Article(article_id, story_id, outlet, "uk", topic, "", text, T0, original)


def test_pairs_are_scored_from_stories():
    text = "Однаковий текст трьох статей про одну подію у місті сьогодні вранці."
    corpus = [
        _article(1, 1, "a", "energy", text, original=True),
        _article(2, 1, "b", "energy", text),
        _article(3, 2, "a", "court", text, original=True),  # same outlet, another topic
        _article(4, 3, "c", "court", "Зовсім інша стаття без спільних слів із рештою."),
    ]
    score = bench.score(corpus, StoryIndex())
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (1, 3, 1)
    assert score.precision == pytest.approx(1 / 3) and score.recall == 1.0
    assert (score.teaser_pairs, score.teaser_merges) == (1, 1)
    assert (score.first_publisher_right, score.first_publisher_checked) == (0, 0)
    assert not score.passed and len(score.candidates) == 4


def test_a_small_corpus_passes_the_gates(small):
    score = bench.score(small, StoryIndex())
    assert score.precision >= bench.PRECISION_GATE
    assert score.recall >= bench.RECALL_GATE
    assert score.teaser_pairs > 1000 and score.teaser_merges == 0
    assert score.first_publisher_right == score.first_publisher_checked > 0
    assert score.passed


def test_the_teaser_check_catches_an_unfiltered_fingerprint(small):
    unfiltered = StoryIndex(replace(DedupSettings(), furniture_min_articles=0))
    score = bench.score(small, unfiltered)
    assert score.teaser_merges > 0 and not score.passed


def test_simhash_runs_through_the_same_clustering(small):
    index = bench._SimHashIndex(DedupSettings(), 6)
    fp = index._fingerprint(small[0].text, ())
    assert index._similarity(fp, fp) == 1.0 and len(index._keys(fp)) == 7
    assert bench.score(small[:200], index).precision > 0.9


def test_similarity_profile_separates_copies_from_same_topic_articles(small):
    index = StoryIndex()
    bench.score(small, index)
    copies, distinct = bench.similarity_profile(small, index)
    assert sorted(copies)[len(copies) // 2] > 0.6
    assert max(distinct) < DedupSettings().threshold


def test_the_command_prints_its_figures(capsys):
    args = build_parser().parse_args(["bench", "dedup", "--stories", "25", "--seed", "2"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    for expected in ("pair precision", "pair recall", "teaser-only pairs merged",
                     "threshold sweep", "thresholds passing every gate", "furniture filter",
                     "fingerprint formats", "SimHash", "ms/article", "scale:",
                     "all gates: PASS"):
        assert expected in out


def test_the_command_fails_when_a_gate_fails(small, monkeypatch, capsys):
    missed = bench.score(small, StoryIndex(DedupSettings(threshold=0.95)))
    assert missed.recall < bench.RECALL_GATE
    seen = []
    monkeypatch.setattr(bench, "run_all", lambda settings, *rest: seen.append(settings) or missed)
    assert bench.run(argparse.Namespace(stories=25, seed=2, threshold=0.95)) == 1
    assert seen == [replace(DedupSettings(), threshold=0.95)]
    assert "all gates: FAIL" in capsys.readouterr().out
