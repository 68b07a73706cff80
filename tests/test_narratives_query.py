"""The narrative query language: parsing, precedence, errors, tokenisation."""

from __future__ import annotations

import textwrap

import pytest

from monitor.narratives import QuerySyntaxError, WatchlistError, load_watchlist, parse_query, render
from monitor.narratives.query import AndNot, Near, Or, Phrase, Term, prune
from monitor.narratives.text import normalize_word, split_sentences, tokenize


def explicit(query: str) -> str:
    return render(parse_query(query), explicit=True)


# --- precedence and structure -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("a OR b AND c", "a OR (b AND c)"),
        ("a AND b OR c", "(a AND b) OR c"),
        ("(a OR b) AND c", "(a OR b) AND c"),
        ("a AND b NEAR/2 c", "a AND (b NEAR/2 c)"),
        ("a NEAR/2 b OR c", "(a NEAR/2 b) OR c"),
        ("a AND NOT b OR c", "(a AND NOT b) OR c"),
        ("a AND NOT (b OR c)", "a AND NOT (b OR c)"),
        ("a NEAR/1 b NEAR/2 c", "(a NEAR/1 b) NEAR/2 c"),
        ("(a OR (b OR c)) AND d", "(a OR b OR c) AND d"),
        ("((a))", "a"),
    ],
)
def test_precedence_near_over_and_over_or(query, tree):
    assert explicit(query) == tree


def test_render_round_trips_with_minimal_parentheses():
    query = '(a OR b) NEAR/3 "c d" AND NOT e OR ff*'
    assert render(parse_query(query)) == query
    assert explicit(render(parse_query(query))) == explicit(query)


def test_near_keeps_distance_and_accepts_phrases_and_or_groups():
    node = parse_query('"український слід" NEAR/4 (протест OR заворушення)')
    assert isinstance(node, Near)
    assert node.distance == 4
    assert isinstance(node.left, Phrase)
    assert [w.word for w in node.left.words] == ["український", "слід"]
    assert isinstance(node.right, Or)


def test_word_kinds_lemma_exact_prefix():
    lemma, exact, prefix = parse_query("Слід OR exact:сліду OR Майдан*").children
    assert (lemma.kind, lemma.word) == ("lemma", "слід")
    assert (exact.kind, exact.word) == ("exact", "сліду")
    assert (prefix.kind, prefix.word) == ("prefix", "майдан")
    assert render(exact) == "exact:сліду"


def test_exact_phrase_marks_every_word_exact():
    node = parse_query('exact:"з України"')
    assert isinstance(node, Phrase)
    assert [(w.kind, w.word) for w in node.words] == [("exact", "з"), ("exact", "україни")]


def test_hyphenated_word_is_a_phrase_because_the_text_splits_it():
    node = parse_query("Нур-Султан")
    assert isinstance(node, Phrase)
    assert [w.word for w in node.words] == ["нур", "султан"]


def test_typographic_quotes_delimit_phrases():
    node = parse_query("«український слід» OR “ukrainian trace”")
    assert all(isinstance(child, Phrase) for child in node.children)


def test_and_not_is_binary():
    node = parse_query("слід AND NOT джаз")
    assert isinstance(node, AndNot)
    assert isinstance(node.left, Term) and isinstance(node.right, Term)


def test_query_words_are_normalised_like_text():
    # Latin "c" inside a Cyrillic word, ё, and the Ukrainian apostrophe variants.
    assert parse_query("Підписуйтеcь").word == "підписуйтесь"
    assert parse_query("наёмник").word == "наемник"
    assert parse_query("зʼявився").word == parse_query("з’явився").word == "з'явився"


def test_prune_keeps_only_alternatives_that_matched():
    node = parse_query("(a OR b OR c) NEAR/2 (d OR e) AND NOT f")
    a = node.left.left.children[0]
    e = node.left.right.children[1]
    assert render(prune(node, {id(a), id(e)})) == "a NEAR/2 e AND NOT f"


# --- syntax errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "column", "fragment"),
    [
        ("слід майдан", 6, "missing operator"),
        ("слід and майдан", 6, "missing operator"),  # operators are upper case only
        ("(a OR b", 8, "expected ')'"),
        ("a OR b)", 7, "unbalanced ')'"),
        ("NOT a", 1, "only allowed after AND"),
        ("a OR NOT b", 6, "only allowed after AND"),
        ("a NEAR b", 3, "NEAR needs a distance"),
        ("a NEAR/500 b", 3, "exceeds"),
        ('a OR "b c', 6, "unterminated phrase"),
        ("(a AND b) NEAR/3 c", 2, "NEAR operands"),
        ("a NEAR/3 (b AND NOT c)", 11, "NEAR operands"),
        ("a OR", 5, "end of the query"),
        ("", 1, "end of the query"),
        ("a AND OR b", 7, "found 'OR'"),
        ("м* OR b", 1, "at least 2 letters"),
        ("ma*dan", 1, "only allowed at the end"),
        ("a OR b & c", 8, "unexpected character '&'"),
        ('""', 1, "empty phrase"),
    ],
)
def test_syntax_errors_report_the_column(query, column, fragment):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    assert caught.value.column == column
    assert fragment in str(caught.value)


# --- watchlist file errors --------------------------------------------------------------


def write_yaml(tmp_path, body: str):
    path = tmp_path / "narratives.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD_ENTRY = """
  - id: first
    title: First
    description: A valid narrative.
    queries: {uk: слід, ru: след}
    context: {uk: Казахстан, ru: Казахстан}
"""


def test_syntax_error_names_file_line_narrative_language_and_column(tmp_path):
    path = write_yaml(tmp_path, "narratives:" + GOOD_ENTRY + """
  - id: broken
    title: Broken
    description: Query with a missing operator.
    queries:
      uk: слід
      ru: (след OR путь) майдан
    context: {uk: Казахстан, ru: Казахстан}
""")
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(path)
    error = caught.value
    assert (error.narrative_id, error.language, error.column) == ("broken", "ru", 16)
    assert error.line == 13
    message = str(error)
    expected = f"{path}:13: narrative 'broken', queries[ru] (language ru), column 16"
    assert message.startswith(expected)
    assert "^" in message


def test_syntax_error_in_context_clause_and_stance_cue(tmp_path):
    broken = GOOD_ENTRY.replace("ru: Казахстан}", "ru: Казахстан OR}")
    path = write_yaml(tmp_path, "narratives:" + broken)
    with pytest.raises(WatchlistError, match=r"context\[ru\].*column 13") as caught:
        load_watchlist(path)
    assert caught.value.narrative_id == "first"

    path = write_yaml(tmp_path, "stance_cues:\n  en: [fake, 'not true']\nnarratives:" + GOOD_ENTRY)
    expected = r"stance_cues\[en\]\[1\] \(language en\), column 5"
    with pytest.raises(WatchlistError, match=expected) as caught:
        load_watchlist(path)
    assert caught.value.language == "en" and caught.value.narrative_id is None


@pytest.mark.parametrize(
    ("entry_change", "fragment"),
    [
        (("context: {uk: Казахстан, ru: Казахстан}", "context: {uk: Казахстан}"), "context.ru"),
        (("ru: след}", "ru: след, de: Spur}"), "queries.de"),
        (("title: First", "title: ''"), "field 'title'"),
        (("id: first", "id: First Narrative"), "field 'id'"),
        (("description: A valid narrative.", "colour: red"), "description"),
    ],
)
def test_invalid_entries_name_narrative_and_field(tmp_path, entry_change, fragment):
    path = write_yaml(tmp_path, "narratives:" + GOOD_ENTRY.replace(*entry_change))
    with pytest.raises(WatchlistError, match="entry 1") as caught:
        load_watchlist(path)
    assert fragment in str(caught.value)


def test_duplicate_ids_and_unknown_top_level_keys_are_rejected(tmp_path):
    with pytest.raises(WatchlistError, match="defined twice"):
        load_watchlist(write_yaml(tmp_path, "narratives:" + GOOD_ENTRY + GOOD_ENTRY))
    with pytest.raises(WatchlistError, match="outlets"):
        load_watchlist(write_yaml(tmp_path, "outlets: []\nnarratives:" + GOOD_ENTRY))
    with pytest.raises(WatchlistError, match="cannot read"):
        load_watchlist(tmp_path / "missing.yaml")


def test_default_path_comes_from_environment(tmp_path, monkeypatch):
    path = write_yaml(tmp_path, "narratives:" + GOOD_ENTRY)
    monkeypatch.setenv("MONITOR_NARRATIVES", str(path))
    assert [n.id for n in load_watchlist().narratives] == ["first"]


def test_shipped_watchlist_declares_the_four_narratives_in_every_language():
    watchlist = load_watchlist()
    assert [n.id for n in watchlist.narratives] == [
        "csto-troops-kazakhstan",
        "foreign-trained-militants",
        "kazakhstan-joins-russia-war",
        "ukrainian-trace-kazakhstan",
    ]
    for narrative in watchlist.narratives:
        assert set(narrative.queries) == set(narrative.context) == {"uk", "ru", "kk", "en"}
        assert narrative.title and narrative.description and len(narrative.version) == 12


# --- tokens and sentences ---------------------------------------------------------------


def test_tokenize_keeps_inner_apostrophes_and_offsets():
    text = "З'явилися «чутки», Kazakhstan's зʼїзд — ok"
    tokens = tokenize(text)
    assert [t.norm for t in tokens] == ["з'явилися", "чутки", "kazakhstan's", "з'їзд", "ok"]
    assert [text[t.start:t.end] for t in tokens][3] == "зʼїзд"


def test_homoglyphs_are_mapped_only_inside_cyrillic_words():
    assert normalize_word("Підписуйтеcь") == "підписуйтесь"  # Latin c
    assert normalize_word("Kazakhstan") == "kazakhstan"
    assert normalize_word("ОДKБ") == "одкб"  # Latin K


def test_split_sentences_on_punctuation_before_capitals_and_lines():
    text = "Перше речення. Друге! В. Путін сказав: «так». третє без великої.\nНовий рядок"
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == [
        "Перше речення.",
        "Друге!",
        "В. Путін сказав: «так». третє без великої.",
        "Новий рядок",
    ]
