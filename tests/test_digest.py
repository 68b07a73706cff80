import json
from datetime import date, datetime, timezone

import pytest

from monitor.digest import build_digest, mark_sentence, render_digest
from monitor.storage.models import Article, ArticleCopy, NarrativeFlag, Outlet

SENTENCE = "Є вкидання про «український слід» подій у Казахстані."
START = SENTENCE.index("український")


@pytest.fixture
def filled(sessions):
    with sessions.begin() as session:
        ua = Outlet(key="ua", name="UA outlet", country="UA", homepage="https://ua.example/", languages="uk")
        kz = Outlet(key="kz", name="KZ outlet", country="KZ", homepage="https://kz.example/", languages="ru")
        session.add_all([ua, kz])
        session.flush()

        def article(n, seen, title, outlet=ua, language="uk"):
            row = Article(outlet_id=outlet.id, url=f"https://ua.example/news/{n}", canonical_url=f"https://ua.example/news/{n}",
                          content_hash=str(n), title=title, text=SENTENCE, language=language,
                          published_at=datetime(2022, 1, 10, 8, 0, tzinfo=timezone.utc), first_seen_at=seen)
            session.add(row)
            session.flush()
            return row

        # 22:30 UTC on the 9th is 00:30 on the 10th in Kyiv: it belongs to the 10th's digest.
        a1 = article(1, datetime(2022, 1, 9, 22, 30, tzinfo=timezone.utc), "Про <script>alert(1)</script> слід")
        a2 = article(2, datetime(2022, 1, 10, 12, 0, tzinfo=timezone.utc), "Фейк про війська", outlet=kz, language="ru")
        a3 = article(3, datetime(2022, 1, 10, 23, 0, tzinfo=timezone.utc), "Next day in Kyiv")
        session.add(ArticleCopy(article_id=a1.id, outlet_id=kz.id, url="https://kz.example/copy/1",
                                canonical_url="https://kz.example/copy/1"))
        ev = [{"term": "українського сліду", "field": "body", "start": START, "end": START + len("український слід"),
               "sentence": SENTENCE, "sentence_start": 0}]
        for row, narrative, stance in [(a1, "ukrainian-trace-kazakhstan", "report"),
                                       (a2, "kazakhstan-joins-russia-war", "debunk"),
                                       (a3, "ukrainian-trace-kazakhstan", "report")]:
            session.add(NarrativeFlag(article_id=row.id, narrative_id=narrative, stance=stance, sentence=SENTENCE,
                                      matched_terms=["український слід"], evidence=ev, branch='"український слід"',
                                      version="v1"))
    return sessions


NARRATIVES = [("ukrainian-trace-kazakhstan", "Ukrainian trace"), ("csto-troops-kazakhstan", "CSTO troops"),
              ("kazakhstan-joins-russia-war", "Kazakhstan joins war")]


def test_digest_groups_the_day_by_narrative_in_local_time(filled):
    with filled() as session:
        digest = build_digest(session, date(2022, 1, 10), "Europe/Kyiv", narratives=NARRATIVES)
    assert digest.counts == {"ukrainian-trace-kazakhstan": 1, "csto-troops-kazakhstan": 0,
                             "kazakhstan-joins-russia-war": 1}
    (trace,) = digest.sections[0].entries
    assert trace.title.startswith("Про <script>")
    assert trace.also_carried_by == (("KZ outlet", "https://kz.example/copy/1"),)
    assert [f.text for f in trace.fragments if f.match] == ["український слід"]
    assert digest.sections[2].entries[0].stance == "debunk"


def test_html_digest_escapes_article_text_and_marks_evidence(filled):
    with filled() as session:
        html = render_digest(build_digest(session, date(2022, 1, 10), narratives=NARRATIVES), "html")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>український слід</mark>" in html
    assert "debunk" in html
    assert "also carried by" in html


def test_markdown_and_json_digests(filled):
    with filled() as session:
        digest = build_digest(session, date(2022, 1, 10), narratives=NARRATIVES)
    markdown = render_digest(digest, "md")
    assert "вкидання про «**український слід**» подій" in markdown
    assert "DEBUNK" in markdown
    assert "\\<script\\>" in markdown
    payload = json.loads(render_digest(digest, "json"))
    assert payload["counts"]["kazakhstan-joins-russia-war"] == 1
    assert payload["sections"][0]["entries"][0]["published_at"].startswith("2022-01-10T10:00:00+02:00")


def test_unknown_format_is_refused(filled):
    with filled() as session:
        digest = build_digest(session, date(2022, 1, 10))
    with pytest.raises(ValueError, match="unknown digest format"):
        render_digest(digest, "pdf")


def test_mark_sentence_merges_overlaps_and_ignores_bad_spans():
    fragments = mark_sentence("abcdef", [(1, 3), (2, 4), (10, 12)])
    assert [(f.text, f.match) for f in fragments] == [("a", False), ("bc", True), ("d", True), ("ef", False)]
