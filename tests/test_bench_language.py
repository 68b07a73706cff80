"""`monitor bench language`: the bundled labelled set, its gates, and the scoring code itself."""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter

import pytest

from monitor.bench import language as bench
from monitor.language import detect_language


@pytest.fixture(scope="module")
def bundled():
    return bench.load_samples(bench.DEFAULT_DATA)


def test_bundled_set_has_the_promised_size(bundled):
    sizes = Counter((sample.lang, sample.kind) for sample in bundled)
    for lang in bench.MONITORED:
        assert sizes[(lang, "sentence")] >= 120, lang
        assert sizes[(lang, "article")] >= 30, lang


def test_bundled_articles_have_three_to_six_paragraphs(bundled):
    for sample in bundled:
        if sample.kind == "article":
            paragraphs = [p for p in sample.text.split("\n") if p.strip()]
            assert 3 <= len(paragraphs) <= 6, sample.id


def test_bundled_set_has_the_hard_cases(bundled):
    def count(lang, kind, words):
        return sum(
            sample.lang == lang and sample.kind == kind and words in sample.note
            for sample in bundled
        )

    for lang in bench.MONITORED:
        assert count(lang, "article", "mixed page") >= 2, lang
    assert count("uk", "article", "Russian") >= 5
    assert count("uk", "sentence", "no uk letters") >= 10
    assert count("kk", "sentence", "loanword") >= 40
    assert count("kk", "sentence", "Russian name") >= 5
    assert count("ru", "sentence", "Kazakh spelling") >= 15
    assert count("en", "sentence", "transliterated") >= 40


def test_bundled_words_do_not_mix_scripts(bundled):
    # A Latin i typed inside a Ukrainian word would make the label test the typo.
    mixed = re.compile(r"\w*(?:[a-zA-Z][\u0400-\u04ff]|[\u0400-\u04ff][a-zA-Z])\w*")
    assert [(s.id, mixed.findall(s.text)) for s in bundled if mixed.search(s.text)] == []


def test_bundled_set_meets_every_gate(bundled):
    result = bench.score(bundled, detect_language)
    failed = [group for group in result.groups if not group.passed]
    misses = [(sample.id, got) for sample, got in result.misses]
    assert not failed, f"{failed}; misclassified: {misses}"
    assert {(g.lang, g.kind) for g in result.groups} == {
        (lang, kind) for lang in bench.MONITORED for kind in bench.KINDS
    }


def _sample(id_, lang, text, kind="sentence"):
    return bench.Sample(id=id_, kind=kind, lang=lang, text=text)


def test_score_counts_a_known_confusion():
    samples = [
        _sample("a", "uk", "one"),
        _sample("b", "uk", "two"),
        _sample("c", "ru", "three"),
        _sample("d", "kk", "four", kind="article"),
    ]
    answers = {"one": "uk", "two": "ru", "three": "ru", "four": "ru"}

    result = bench.score(samples, answers.__getitem__)

    groups = {(g.lang, g.kind): g for g in result.groups}
    assert (groups[("uk", "sentence")].n, groups[("uk", "sentence")].correct) == (2, 1)
    assert groups[("uk", "sentence")].accuracy == 0.5
    assert not groups[("uk", "sentence")].passed
    assert groups[("ru", "sentence")].passed
    assert groups[("kk", "article")].accuracy == 0.0
    assert result.confusions == Counter({("uk", "ru"): 1, ("kk", "ru"): 1})
    assert [(sample.id, got) for sample, got in result.misses] == [("b", "ru"), ("d", "ru")]
    assert not result.passed


def test_gates_are_99_for_articles_and_95_for_sentences():
    assert bench.Group("kk", "article", 100, 99).passed
    assert not bench.Group("kk", "article", 100, 98).passed
    assert bench.Group("en", "sentence", 20, 19).passed
    assert not bench.Group("en", "sentence", 20, 18).passed
    # Languages outside the monitored four are reported without a gate.
    assert bench.Group("de", "sentence", 2, 0).target is None
    assert bench.Group("de", "sentence", 2, 0).passed


def _write(path, rows):
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")


def _row(id_, lang, text, note=""):
    return {"id": id_, "kind": "sentence", "lang": lang, "text": text, "note": note}


def test_run_prints_figures_beside_the_reference_and_fails_a_gate(tmp_path, capsys):
    data = tmp_path / "set.jsonl"
    _write(
        data,
        [
            _row("1", "en", "The council approved the budget on Tuesday."),
            # Labelled wrongly on purpose: the gate for 'ru' sentences must fail.
            _row("2", "ru", "The mayor promised to publish the contract.", "bad label"),
        ],
    )

    code = bench.run(argparse.Namespace(data=str(data)))

    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL" in out and "PASS" in out
    assert "py3langid" in out and "texts/s" in out
    assert "ru->en 1" in out
    assert "2 sentence ru->en (bad label)" in out


def test_run_passes_on_a_correct_set(tmp_path, capsys):
    data = tmp_path / "set.jsonl"
    _write(data, [_row("1", "en", "The council approved the budget on Tuesday.")])
    assert bench.run(argparse.Namespace(data=str(data))) == 0
    assert "all gates PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "set.jsonl:2: not JSON"),
        ('{"id": "x", "kind": "paragraph", "lang": "en", "text": "Hi there"}', "kind must be"),
        ('{"id": "x", "kind": "sentence", "lang": "en"}', "field 'text'"),
        ('{"id": "1", "kind": "sentence", "lang": "en", "text": "Hi there"}', "already used"),
    ],
)
def test_malformed_rows_are_reported_with_file_and_line(tmp_path, line, message):
    data = tmp_path / "set.jsonl"
    data.write_text(
        '{"id": "1", "kind": "sentence", "lang": "en", "text": "Hello"}\n' + line + "\n"
    )
    with pytest.raises(bench.LabelledSetError, match=message):
        bench.load_samples(data)


def test_missing_data_is_a_one_line_error(tmp_path, capsys):
    assert bench.run(argparse.Namespace(data=str(tmp_path / "nowhere"))) == 2
    assert "no such file or folder" in capsys.readouterr().err
