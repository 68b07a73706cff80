"""Title/body weights and min_score; and screening, which must never hide a match.

Every text here is written for the test.
"""

from __future__ import annotations

import pytest
import yaml

from monitor.bench import narratives as bench
from monitor.bench import narratives_speed
from monitor.narratives import WatchlistError, load_watchlist
from monitor.narratives.matcher import Document, evaluate
from monitor.narratives.screening import could_match


def watchlist_with(tmp_path, **extra):
    """One narrative 'probe' about Kazakh troops, with extra fields (weights, min_score)."""
    definition = {
        "id": "probe",
        "title": "Probe",
        "description": "Test narrative.",
        "queries": {"en": "troop NEAR/3 Kazakhstan"},
        "context": {"en": "Kazakh*"},
        **extra,
    }
    path = tmp_path / "narratives.yaml"
    path.write_text(yaml.safe_dump({"narratives": [definition]}, allow_unicode=True),
                    encoding="utf-8")
    return load_watchlist(path)


MENTION = "Troops left Kazakhstan."
OTHER = "Prices rose."


def scores(watchlist, text: str, title: str | None = None) -> list[float]:
    return [flag.score for flag in watchlist.match(text, "en", title=title)]


def test_default_weights_flag_any_match_and_score_sentences(tmp_path):
    watchlist = watchlist_with(tmp_path)
    assert watchlist.narratives[0].weights == {"title": 1.0, "body": 1.0}
    assert watchlist.narratives[0].min_score == 1.0
    assert scores(watchlist, f"{OTHER} {MENTION}") == [1.0]
    assert scores(watchlist, f"{MENTION} {OTHER} {MENTION}") == [2.0]
    assert scores(watchlist, MENTION, title=MENTION) == [2.0]


def test_a_passing_body_mention_can_be_required_to_be_stronger_than_a_title(tmp_path):
    watchlist = watchlist_with(tmp_path, weights={"title": 2, "body": 1}, min_score=2)
    assert scores(watchlist, OTHER, title=MENTION) == [2.0]  # the title alone is enough
    assert scores(watchlist, f"{OTHER} {MENTION}") == []  # one body sentence is not
    assert scores(watchlist, f"{MENTION} {OTHER} {MENTION}") == [2.0]  # two are
    assert scores(watchlist, MENTION, title=MENTION) == [3.0]


def test_a_body_only_narrative_ignores_titles(tmp_path):
    watchlist = watchlist_with(tmp_path, weights={"title": 0})
    assert scores(watchlist, OTHER, title=MENTION) == []
    assert scores(watchlist, MENTION, title=MENTION) == [1.0]


def test_weights_are_part_of_the_version(tmp_path):
    plain = watchlist_with(tmp_path).narratives[0].version
    weighted = watchlist_with(tmp_path, weights={"title": 2}).narratives[0].version
    assert plain != weighted


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"weights": {"title": -1}}, "weights.title"),
        ({"weights": {"lead": 2}}, "weights.lead"),
        ({"min_score": 0}, "min_score"),
        ({"min_score": "high"}, "min_score"),
    ],
)
def test_invalid_weights_name_the_narrative_and_field(tmp_path, extra, fragment):
    with pytest.raises(WatchlistError, match="narrative 'probe'") as caught:
        watchlist_with(tmp_path, **extra)
    assert fragment in str(caught.value)
    assert caught.value.narrative_id == "probe"


# --- screening never hides a match ------------------------------------------------------


def reference_flags(watchlist, text: str, lang: str, title: str | None) -> set[str]:
    """Exact evaluation of every narrative, no screening (what match() must agree with)."""
    found = set()
    doc = Document(text, title)
    for narrative in watchlist.narratives:
        compiled = watchlist._compiled[narrative.id]
        for query_lang in [lang] if lang in compiled else list(compiled):
            clauses = compiled[query_lang]
            if (evaluate(clauses.query, doc, query_lang) is not None
                    and evaluate(clauses.context, doc, query_lang) is not None):
                found.add(narrative.id)
                break
    return found


@pytest.fixture(scope="module")
def bundled():
    return bench.load_items(bench.DEFAULT_DATA)


def test_screening_agrees_with_exact_evaluation_on_the_labelled_set(bundled):
    watchlist = load_watchlist()
    for item in bundled:
        got = {f.narrative_id for f in watchlist.match(item.text, item.lang, title=item.title)}
        assert got == reference_flags(watchlist, item.text, item.lang, item.title), item.id


def test_screening_agrees_with_exact_evaluation_with_50_narratives(bundled):
    watchlist = narratives_speed.synthetic_watchlist()
    articles = narratives_speed.synthetic_articles(
        narratives_speed.article_forms(bundled), 24, mix=narratives_speed.STRESS_MIX)
    flagged = 0
    for lang, title, text in articles:
        got = {f.narrative_id for f in watchlist.match(text, lang, title=title)}
        assert got == reference_flags(watchlist, text, lang, title)
        flagged += len(got)
    assert flagged > 24  # the comparison saw matches, not only empty answers


def test_screening_is_permissive_where_exact_near_is_strict(tmp_path):
    # "troop NEAR/3 troop" needs two places; the screen lets the article through and the
    # exact evaluation says no.
    path = tmp_path / "narratives.yaml"
    path.write_text("narratives:\n  - {id: probe, title: P, description: D.,"
                    " queries: {en: troop NEAR/3 troop}, context: {en: 'Kazakh*'}}\n",
                    encoding="utf-8")
    watchlist = load_watchlist(path)
    doc = Document("Troops in Kazakhstan.")
    query = watchlist._compiled["probe"]["en"].query
    assert could_match(query, doc, "en")
    assert evaluate(query, doc, "en") is None
    assert watchlist.match("Troops in Kazakhstan.", "en") == []
