"""`monitor bench narratives`: the bundled labelled set, its gates, and the scoring code."""

from __future__ import annotations

import argparse
import json
from collections import Counter

import pytest

from monitor.bench import narratives as bench
from monitor.bench import narratives_speed
from monitor.cli import build_parser
from monitor.narratives import load_watchlist


@pytest.fixture(scope="module")
def bundled():
    return bench.load_items(bench.DEFAULT_DATA)


@pytest.fixture(scope="module")
def shipped_ids():
    return [n.id for n in load_watchlist().narratives]


def test_bundled_set_has_the_promised_size_and_spread(bundled, shipped_ids):
    assert len(bundled) >= 160
    per_lang = Counter(item.lang for item in bundled)
    assert set(per_lang) == set(bench.MONITORED)
    assert min(per_lang.values()) >= 40, per_lang
    positives = Counter((n, item.lang) for item in bundled for n in item.labels)
    debunks = Counter(n for item in bundled for n, s in item.labels.items() if s == "debunk")
    for narrative_id in shipped_ids:
        for lang in bench.MONITORED:
            assert positives[(narrative_id, lang)] >= 5, (narrative_id, lang)
        assert debunks[narrative_id] >= 5, narrative_id
    assert sum(1 for item in bundled if not item.labels) >= 60  # hard negatives
    assert {n for item in bundled for n in item.labels} <= set(shipped_ids)


def test_bundled_items_are_short_articles(bundled):
    for item in bundled:
        sentences = [s for s in item.text.replace("!", ".").split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 6, item.id
        assert item.title and item.note, item.id


def test_bundled_set_meets_every_gate(bundled, shipped_ids):
    result = bench.score(bundled, bench.watchlist_flags(load_watchlist()), shipped_ids)
    errors = [(e.kind, e.item.id, e.narrative_id) for e in result.errors]
    for name, value, gate, passed in result.gates():
        assert passed, f"{name} {value:.3f} < {gate}; errors: {errors}"


# --- the scoring code on a tiny set with a known confusion -------------------------------


def item(id_, lang, labels, text="text"):
    return bench.Item(id=id_, lang=lang, title="", text=text, labels=labels)


TINY = [
    item("a", "uk", {"n1": "report"}),  # TP, stance right
    item("b", "uk", {"n1": "debunk"}),  # TP, stance wrong
    item("c", "uk", {"n1": "report"}),  # FN
    item("d", "uk", {}),  # FP for n1
    item("e", "en", {"n2": "debunk"}),  # TP for n2 in en, stance right
    item("f", "en", {}),  # true negative
]
ANSWERS = {"a": {"n1": "report"}, "b": {"n1": "report"}, "c": {}, "d": {"n1": "report"},
           "e": {"n2": "debunk"}, "f": {}}


def test_score_counts_a_known_confusion():
    result = bench.score(TINY, lambda i: ANSWERS[i.id], ["n1", "n2", "n3"])
    n1 = result.cells[("n1", "uk")]
    assert (n1.tp, n1.fp, n1.fn, n1.stance_right) == (2, 1, 1, 1)
    assert (n1.precision, n1.recall, n1.stance_accuracy) == (2 / 3, 2 / 3, 0.5)
    n2 = result.cells[("n2", "en")]
    assert (n2.tp, n2.fp, n2.fn, n2.stance_right) == (1, 0, 0, 1)
    assert result.cells[("n3", "kk")].tp == 0  # listed even without data
    total = result.overall
    assert (total.tp, total.fp, total.fn, total.stance_right) == (3, 1, 1, 2)
    assert [(e.kind, e.item.id, e.expected, e.got) for e in result.errors] == [
        ("stance", "b", "debunk", "report"), ("FN", "c", "report", "-"), ("FP", "d", "-", "report")]
    gates = {name: passed for name, _value, _gate, passed in result.gates()}
    assert gates == {"precision": False, "recall": False, "stance accuracy": False}
    assert not result.passed


def test_perfect_answers_pass_and_report_prints_the_table():
    perfect = {i.id: dict(i.labels) for i in TINY}
    result = bench.score(TINY, lambda i: perfect[i.id], ["n1", "n2"])
    assert result.passed and not result.errors
    text = bench.report(result, "tiny", len(TINY))
    assert "n1" in text and "precision        1.000  gate >= 0.95  PASS" in text
    assert "none" in text


def test_load_items_names_the_file_and_line(tmp_path):
    good = {"id": "x", "lang": "uk", "title": "t", "text": "Текст.", "labels": {}, "note": ""}
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "labels": {"n": "maybe"}}),
                    encoding="utf-8")
    with pytest.raises(bench.LabelledSetError, match=r"set.jsonl:2: labels"):
        bench.load_items(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good), encoding="utf-8")
    with pytest.raises(bench.LabelledSetError, match="already used"):
        bench.load_items(tmp_path)
    with pytest.raises(bench.LabelledSetError, match="no such file"):
        bench.load_items(tmp_path / "missing")


# --- speed set and the command ------------------------------------------------------------


def test_speed_set_is_deterministic_50_narratives_of_600_word_articles(bundled):
    watchlist = narratives_speed.synthetic_watchlist()
    assert len(watchlist.narratives) == 50
    forms = narratives_speed.article_forms(bundled)
    first = narratives_speed.synthetic_articles(forms, 8)
    assert first == narratives_speed.synthetic_articles(forms, 8)
    assert [lang for lang, _title, _text in first[:4]] == ["uk", "ru", "kk", "en"]
    for _lang, _title, text in first:
        assert len(text.split()) == narratives_speed.WORDS_PER_ARTICLE


def test_cli_parses_bench_narratives():
    args = build_parser().parse_args(["bench", "narratives", "--data", "x.jsonl"])
    assert (args.bench_name, args.data, args.articles) == ("narratives", "x.jsonl", 200)


def fake_speed(warm: float) -> list[narratives_speed.Speed]:
    return [narratives_speed.Speed("standard", warm / 2, warm, 10, 50, 600, 100, 2.0),
            narratives_speed.Speed("stress", warm / 3, warm / 2, 10, 50, 600, 120, 3.0)]


@pytest.mark.parametrize(("warm", "code"), [(900.0, 0), (100.0, 1)])
def test_run_exit_code_follows_the_gates(tmp_path, monkeypatch, capsys, warm, code):
    row = {"id": "x", "lang": "en", "title": "",
           "text": "Kazakhstan signed a grain deal. Prices fell.", "labels": {}, "note": "neg"}
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    monkeypatch.setattr(narratives_speed, "measure", lambda *a, **k: fake_speed(warm))
    assert bench.run(argparse.Namespace(data=str(path), articles=10)) == code
    out = capsys.readouterr().out
    assert "gate >= 500" in out and "stress" in out
    assert ("all gates PASS" if code == 0 else "a gate FAILED") in out


def test_run_reports_a_missing_set(tmp_path, capsys):
    assert bench.run(argparse.Namespace(data=str(tmp_path / "none"), articles=10)) == 2
    assert "no such file" in capsys.readouterr().err
