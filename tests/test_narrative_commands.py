"""`narratives test`, `narratives backtest`, `reflag`, flag reviews and their effect on digests.

Every watchlist here is written for the test (tmp_path), so editing config/narratives.yaml
does not move these figures; the archive is a real database (tests/conftest.py).
"""

from __future__ import annotations

import gzip
import logging
from datetime import UTC, date, datetime

import pytest
import yaml
from sqlalchemy import select, update

from monitor.catalog import parse_catalog
from monitor.cli import main
from monitor.dedup import canonical_url, content_hash
from monitor.digest import build_digest
from monitor.extraction import Extracted
from monitor.items import ArticleItem
from monitor.narratives import commands, load_watchlist
from monitor.narratives.commands import (
    UnknownNarrative,
    backtest,
    evaluate_file,
    evaluate_text,
    format_backtest,
    format_reflag,
    format_verdict,
    reflag,
)
from monitor.storage.models import Article, NarrativeFlag
from monitor.storage.store import Store

CONTEXT = {"uk": "казах*", "ru": "казах*"}
CUES = {"uk": ["фейк"], "ru": ["фейк"]}
# The stored archive's definition, then an edit that narrows it and one that widens it.
BASE = {"uk": "ОДКБ", "ru": "ОДКБ"}
NARROWED = {"uk": "ОДКБ AND миротворець", "ru": "ОДКБ AND миротворец"}
WIDENED = {"uk": "ОДКБ OR миротворець", "ru": "ОДКБ OR миротворец"}
# A second narrative that no edit touches.
OTHER = {"id": "other", "queries": {"uk": "погода", "ru": "погода"}}

CATALOG = """
outlets:
  - key: ua-outlet
    name: UA
    country: UA
    homepage: https://ua.example/
    allowed_domains: [ua.example]
    languages: [uk]
    sources: {feeds: ["https://ua.example/rss"]}
    article_url_pattern: '/news/\\d+'
  - key: kz-outlet
    name: KZ
    country: KZ
    homepage: https://kz.example/
    allowed_domains: [kz.example]
    languages: [ru]
    sources: {feeds: ["https://kz.example/rss"]}
    article_url_pattern: '/news/\\d+'
"""
# (outlet, language, first seen on, title, text); which definition flags each is noted.
ARCHIVE = [
    ("ua-outlet", "uk", 3, "Миротворці в Казахстані", "Миротворці ОДКБ прибули до Казахстану."),  # all
    ("ua-outlet", "uk", 4, "Війська йдуть", "Війська ОДКБ залишили Казахстан."),  # base, wide
    ("ua-outlet", "uk", 5, "Погода", "Погода в Казахстані гарна."),  # none ('other' only)
    ("kz-outlet", "ru", 6, "Миротворцы", "Миротворцы ОДКБ прибыли в Казахстан."),  # all
    ("kz-outlet", "ru", 7, "Фейк", "Это фейк: миротворцы не прибыли в Казахстан."),  # wide
    ("ua-outlet", "uk", 8, "Киргизстан", "Миротворці ОДКБ прибули до Киргизстану."),  # none
]


def write_watchlist(path, queries: dict[str, str]):
    narratives = [
        {"id": "probe", "title": "Probe", "description": "CSTO troops, for the test.",
         "queries": queries, "context": CONTEXT},
        {"title": "Other", "description": "Weather, for the test.", "context": CONTEXT, **OTHER},
    ]
    path.write_text(yaml.safe_dump({"stance_cues": CUES, "narratives": narratives},
                                   allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def base_path(tmp_path):
    return write_watchlist(tmp_path / "base.yaml", BASE)


@pytest.fixture
def base(base_path):
    return load_watchlist(base_path)


def edited(tmp_path, queries):
    return load_watchlist(write_watchlist(tmp_path / "edited.yaml", queries))


@pytest.fixture
def store(sessions, base):
    """The ARCHIVE stored the way the crawl stores it: flagged by the base watchlist."""
    store = Store(sessions)
    for outlet in parse_catalog(CATALOG, "test.yaml"):
        store.ensure_outlet(outlet)
    for n, (outlet, language, day, title, text) in enumerate(ARCHIVE, 1):
        url = f"https://{outlet.split('-')[0]}.example/news/{n}"
        item = ArticleItem(outlet_key=outlet, url=url, html=None)
        item.extracted = Extracted(url=url, title=title, text=text, author=None,
                                   published_at=None, canonical_url=None, site_name=None)
        item.canonical_url, item.content_hash = canonical_url(url), content_hash(text)
        item.language = language
        item.flags = base.match(text, language, title=title)
        article_id = store.save_article(item).article_id
        with sessions.begin() as session:
            session.execute(update(Article).where(Article.id == article_id).values(
                first_seen_at=datetime(2022, 1, day, 9, tzinfo=UTC)))
    return store


def flag_rows(sessions) -> dict[tuple[int, str], dict]:
    """Every stored flag as plain values, keyed by (article number, narrative)."""
    with sessions() as session:
        return {
            (row.article_id, row.narrative_id): {
                column: getattr(row, column)
                for column in ("id", "stance", "sentence", "evidence", "branch", "version",
                               "review_state", "review_note", "reviewed_version", "superseded_at")
            }
            for row in session.scalars(select(NarrativeFlag))
        }


def flag_id(sessions, article_id: int, narrative_id: str = "probe") -> int:
    with sessions() as session:
        return session.scalar(select(NarrativeFlag.id).where(
            NarrativeFlag.article_id == article_id, NarrativeFlag.narrative_id == narrative_id))


# --- narratives test ----------------------------------------------------------------------


def test_verdict_shows_branch_version_stance_and_marked_words(base):
    verdict = evaluate_text(base, "probe", "Миротворці ОДКБ прибули до Казахстану.", language="uk",
                            title="ОДКБ у Казахстані")
    assert verdict.flag is not None
    out = format_verdict(verdict, color=False)
    probe = next(n for n in base.narratives if n.id == "probe")
    assert out.splitlines()[0] == f"FLAGGED: probe (version {probe.version})"
    assert "language: uk (given)" in out
    assert "stance:   report" in out
    assert "branch:   ОДКБ" in out
    # Title evidence first, then the body; context words listed apart, not highlighted.
    assert "  title: [[ОДКБ]] у Казахстані" in out
    assert "  body: Миротворці [[ОДКБ]] прибули до Казахстану." in out
    assert out.index("title:") < out.index("body:")
    assert "context:  Казахстані" in out


def test_verdict_on_a_terminal_uses_ansi_bold_instead_of_brackets(base):
    verdict = evaluate_text(base, "probe", "Війська ОДКБ залишили Казахстан.", language="uk")
    out = format_verdict(verdict, color=True)
    assert f"Війська {commands.HIGHLIGHT}ОДКБ{commands.RESET} залишили" in out
    assert "[[" not in out


def test_negative_text_is_not_flagged_and_debunks_are_told_apart(base):
    no_context = evaluate_text(base, "probe", "Миротворці ОДКБ прибули до Киргизстану.", language="uk")
    assert no_context.flag is None
    out = format_verdict(no_context, color=False)
    assert out.startswith("not flagged: probe") and "evidence" not in out
    debunk = evaluate_text(base, "probe", "Це фейк: війська ОДКБ не залишили Казахстан.",
                           language="uk")
    assert debunk.flag.stance == "debunk"


def test_language_is_detected_unless_given(base):
    text = ("Миротворці ОДКБ прибули до Казахстану. Вони залишаться там, доки не завершиться "
            "операція, повідомляє міністерство оборони республіки.")
    verdict = evaluate_text(base, "probe", text)
    assert (verdict.language, verdict.language_detected) == ("uk", True)
    assert "language: uk (detected)" in format_verdict(verdict, color=False)
    # A language without a query of its own: every query is tried, and the output says so.
    english = evaluate_text(base, "probe", text, language="en")
    assert english.flag is not None
    assert "note:     no en query; the ru, uk queries were tried" in format_verdict(english, color=False)


def test_unknown_narrative_names_the_known_ones(base):
    with pytest.raises(UnknownNarrative, match="unknown narrative 'nope'; the watchlist has: other, probe"):
        evaluate_text(base, "nope", "text", language="uk")


def test_file_input_txt_and_gzipped_html(tmp_path, base):
    body = "Миротворці ОДКБ прибули до Казахстану. " + "Це повідомили в міністерстві оборони. " * 4
    txt = tmp_path / "article.txt"
    txt.write_text(f"ОДКБ у Казахстані\n{body}", encoding="utf-8")
    verdict = evaluate_file(base, "probe", txt, language="uk")
    assert {e.field for e in verdict.flag.evidence} == {"title", "body"}
    page = tmp_path / "article.html.gz"
    page.write_bytes(gzip.compress(
        f"<html><head><title>Новини</title></head><body><article><h1>Новини</h1>"
        f"<p>{body}</p></article></body></html>".encode()))
    assert evaluate_file(base, "probe", page, language="uk").flag is not None


def test_cli_test_exit_codes_and_one_line_errors(base_path, capsys):
    args = ["--narratives", str(base_path), "narratives", "test", "probe"]
    assert main([*args, "--text", "Війська ОДКБ залишили Казахстан.", "--language", "uk"]) == 0
    out = capsys.readouterr().out
    assert "FLAGGED: probe" in out and "[[ОДКБ]]" in out  # captured stdout is not a terminal
    assert main([*args, "--text", "Погода гарна.", "--language", "uk"]) == 1
    assert "not flagged" in capsys.readouterr().out
    assert main(["--narratives", str(base_path), "narratives", "test", "nope", "--text", "x"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "monitor: error: unknown narrative 'nope'; the watchlist has: other, probe"
    assert main([*args, "--file", str(base_path.parent / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*args])  # --text or --file is required
    broken = base_path.parent / "broken.yaml"
    broken.write_text("narratives: [", encoding="utf-8")
    assert main(["--narratives", str(broken), "narratives", "test", "probe", "--text", "x"]) == 2
    assert "broken.yaml" in capsys.readouterr().err


# --- narratives backtest ------------------------------------------------------------------


def test_backtest_of_a_widened_definition_counts_per_outlet_and_language(store, sessions, tmp_path):
    before = flag_rows(sessions)
    report = backtest(store, edited(tmp_path, WIDENED), "probe")
    assert report.articles == 6 and report.would_flag == 4
    assert report.scanned == {("ua-outlet", "uk"): 4, ("kz-outlet", "ru"): 2}
    assert report.flagged == {("ua-outlet", "uk"): 2, ("kz-outlet", "ru"): 2}
    assert report.stored == {("ua-outlet", "uk"): 2, ("kz-outlet", "ru"): 1}
    assert report.stances == {"report": 3, "debunk": 1}
    assert report.comparison == {"same": 3, "new": 1}
    assert [s.article_id for s in report.sample if s.new] == [5]
    assert flag_rows(sessions) == before  # a backtest writes nothing

    out = format_backtest(report, color=False)
    assert "over 6 article(s)" in out
    assert "would flag: 4 (66.7%); stance: report 3, debunk 1" in out
    assert "compared with now: 3 same, 1 new, 0 lost" in out
    assert any(line.split() == ["ua-outlet", "uk", "4", "2", "2"] for line in out.splitlines())
    assert any(line.split() == ["kz-outlet", "ru", "2", "2", "1"] for line in out.splitlines())
    assert "kz-outlet [new]  #5  Фейк" in out
    assert "Это фейк: [[миротворцы]] не прибыли в Казахстан." in out


def test_backtest_of_a_narrowed_definition_shows_what_it_loses(store, sessions, tmp_path):
    store.set_review(flag_id(sessions, 2), "confirmed", "troops did leave")
    store.set_review(flag_id(sessions, 1), "false_positive")
    report = backtest(store, edited(tmp_path, NARROWED), "probe", sample_size=1)
    assert report.would_flag == 2
    assert report.comparison == {"same": 2, "lost": 1}
    assert report.reviewed == {("confirmed", False): 1, ("false_positive", True): 1}
    assert len(report.sample) == 1 and [s.article_id for s in report.lost_sample] == [2]
    out = format_backtest(report, color=False)
    assert "reviewed confirmed: 0 still flagged, 1 not flagged" in out
    assert "reviewed false_positive: 1 still flagged, 0 not flagged" in out
    assert "stored: Війська ОДКБ залишили Казахстан." in out


def test_backtest_since_and_a_new_narrative(store, tmp_path):
    report = backtest(store, edited(tmp_path, WIDENED), "probe",
                      since=datetime(2022, 1, 6, tzinfo=UTC))
    assert report.articles == 3  # first seen on the 6th, 7th and 8th
    assert report.flagged == {("kz-outlet", "ru"): 2}
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(write_watchlist(tmp_path / "r.yaml", WIDENED).read_text(encoding="utf-8")
                       .replace("id: probe", "id: probe-two"), encoding="utf-8")
    fresh = backtest(store, load_watchlist(renamed), "probe-two")
    assert fresh.comparison == {"new": 4}
    assert "flagged now: 0" in format_backtest(fresh, color=False)


def test_cli_backtest_reads_the_edited_file(store, database_url, tmp_path, capsys):
    path = write_watchlist(tmp_path / "edited.yaml", NARROWED)
    assert main(["--database", database_url, "--narratives", str(path), "narratives", "backtest",
                 "probe", "--since", "2022-01-04", "--sample", "2"]) == 0
    out = capsys.readouterr().out
    assert "over 5 article(s) first seen since 2022-01-04" in out
    assert "compared with now: 1 same, 0 new, 1 lost" in out


# --- reflag -------------------------------------------------------------------------------


def test_reflag_after_narrowing_updates_removes_and_keeps_reviewed(store, sessions, tmp_path):
    store.set_review(flag_id(sessions, 1), "follow_up", "check the source")
    store.set_review(flag_id(sessions, 2), "confirmed", "troops did leave")
    before = flag_rows(sessions)
    narrowed = edited(tmp_path, NARROWED)
    version = next(n.version for n in narrowed.narratives if n.id == "probe")

    report = reflag(store, narrowed)
    assert report.checked == 6
    assert report.outcomes == {("probe", "updated"): 2, ("probe", "kept"): 1,
                               ("other", "unchanged"): 1}
    after = flag_rows(sessions)
    # Still matching: new version and branch, same row, the review stays on it.
    one = after[(1, "probe")]
    assert (one["id"], one["version"], one["branch"]) == (before[(1, "probe")]["id"], version,
                                                          "ОДКБ AND миротворець")
    assert (one["review_state"], one["review_note"]) == ("follow_up", "check the source")
    assert one["reviewed_version"] == before[(1, "probe")]["version"] != version
    assert one["superseded_at"] is None
    # No longer matching but reviewed: kept as it was, marked superseded.
    two = after[(2, "probe")]
    assert two["superseded_at"] is not None
    assert {k: v for k, v in two.items() if k != "superseded_at"} == \
        {k: v for k, v in before[(2, "probe")].items() if k != "superseded_at"}
    assert after[(4, "probe")]["version"] == version
    assert after[(3, "other")] == before[(3, "other")]

    # A second run changes nothing.
    again = reflag(store, narrowed)
    assert again.total("unchanged") == 4 and again.total("unchanged") == sum(again.outcomes.values())
    assert flag_rows(sessions) == after


def test_reflag_after_narrowing_removes_unreviewed_flags(store, sessions, tmp_path):
    report = reflag(store, edited(tmp_path, NARROWED))
    assert report.outcomes[("probe", "removed")] == 1
    assert (2, "probe") not in flag_rows(sessions)
    out = format_reflag(report)
    assert out.splitlines()[0] == "reflag: 6 article(s) checked"
    assert out.splitlines()[1].split() == ["narrative", *commands.REFLAG_OUTCOMES]
    assert ["probe", "0", "2", "1", "0", "0"] in [line.split() for line in out.splitlines()]


def test_reflag_after_widening_adds_and_a_superseded_flag_comes_back(store, sessions, tmp_path):
    store.set_review(flag_id(sessions, 2), "confirmed")
    reflag(store, edited(tmp_path, NARROWED))
    assert flag_rows(sessions)[(2, "probe")]["superseded_at"] is not None
    widened = edited(tmp_path, WIDENED)
    report = reflag(store, widened)
    assert report.outcomes == {("probe", "added"): 1, ("probe", "updated"): 3,
                               ("other", "unchanged"): 1}
    rows = flag_rows(sessions)
    assert rows[(5, "probe")]["stance"] == "debunk"
    assert rows[(5, "probe")]["review_state"] is None
    # Matching again clears the mark; the analyst's verdict is still there.
    assert rows[(2, "probe")]["superseded_at"] is None
    assert rows[(2, "probe")]["review_state"] == "confirmed"
    assert reflag(store, widened).total("unchanged") == 5


def test_reflag_one_narrative_since_a_date_in_small_batches(store, sessions, tmp_path):
    path = write_watchlist(tmp_path / "edited.yaml", WIDENED)
    text = path.read_text(encoding="utf-8").replace("погода", "гарна")
    path.write_text(text, encoding="utf-8")
    watchlist = load_watchlist(path)
    report = reflag(store, watchlist, narrative_id="probe", batch_size=2,
                    since=datetime(2022, 1, 5, tzinfo=UTC))
    assert report.checked == 4
    assert report.outcomes == {("probe", "added"): 1, ("probe", "updated"): 1}
    rows = flag_rows(sessions)
    # Before the date, and the other narrative, were not touched.
    assert rows[(1, "probe")]["branch"] == "ОДКБ"
    assert rows[(3, "other")]["branch"] == "погода"
    with pytest.raises(UnknownNarrative):
        reflag(store, watchlist, narrative_id="nope")


def test_reflag_leaves_flags_of_narratives_missing_from_the_watchlist(store, sessions, tmp_path):
    path = tmp_path / "only-probe.yaml"
    data = yaml.safe_load(write_watchlist(path, BASE).read_text(encoding="utf-8"))
    data["narratives"] = data["narratives"][:1]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = reflag(store, load_watchlist(path))
    assert report.left_alone == {"other": 1}
    assert (3, "other") in flag_rows(sessions)
    assert "left alone, not in the watchlist: other (1)" in format_reflag(report)


def test_reflag_force_refreshes_current_versions_only_if_they_differ(store, sessions, base):
    with sessions.begin() as session:
        session.execute(update(NarrativeFlag).where(NarrativeFlag.article_id == 4)
                        .values(sentence="an older matcher's sentence"))
    assert reflag(store, base).total("updated") == 0  # same version: left alone
    report = reflag(store, base, force=True)
    assert report.total("updated") == 1 and report.total("unchanged") == 3
    assert flag_rows(sessions)[(4, "probe")]["sentence"] == "Миротворцы ОДКБ прибыли в Казахстан."


def test_reflag_logs_progress_and_the_cli_prints_the_table(store, database_url, tmp_path,
                                                           monkeypatch, caplog, capsys):
    monkeypatch.setattr(commands, "PROGRESS_EVERY", 2)
    path = write_watchlist(tmp_path / "edited.yaml", NARROWED)
    with caplog.at_level(logging.INFO, logger="monitor.narratives.commands"):
        assert main(["--database", database_url, "--narratives", str(path), "reflag",
                     "--narrative", "probe"]) == 0
    assert "reflag: 6/6 articles" in caplog.text
    out = capsys.readouterr().out
    assert "reflag: 6 article(s) checked" in out
    assert main(["--database", database_url, "--narratives", str(path), "reflag",
                 "--narrative", "nope"]) == 2


# --- reviews ------------------------------------------------------------------------------


def test_set_review_validates_and_clears(store, sessions):
    flag = flag_id(sessions, 1)
    with pytest.raises(ValueError, match="expected one of confirmed, false_positive, follow_up"):
        store.set_review(flag, "wrong")
    with pytest.raises(LookupError):
        store.set_review(10_000, "confirmed")
    store.set_review(flag, "follow_up", "ask the desk")
    with sessions() as session:
        row = session.get(NarrativeFlag, flag)
        assert (row.review_state, row.review_note, row.reviewed_version) == \
            ("follow_up", "ask the desk", row.version)
        assert row.reviewed_at.tzinfo is not None
    store.set_review(flag, None)
    with sessions() as session:
        row = session.get(NarrativeFlag, flag)
        assert (row.review_state, row.review_note, row.reviewed_at) == (None, None, None)


def test_digest_leaves_out_false_positives(store, sessions):
    def digest_articles(day):
        with sessions() as session:
            digest = build_digest(session, day, "UTC")
        return [e.article_id for s in digest.sections for e in s.entries]

    assert digest_articles(date(2022, 1, 3)) == [1]
    store.set_review(flag_id(sessions, 1), "false_positive", "about Kyrgyz troops")
    assert digest_articles(date(2022, 1, 3)) == []
    store.set_review(flag_id(sessions, 4), "confirmed")
    store.set_review(flag_id(sessions, 2), "follow_up")
    assert digest_articles(date(2022, 1, 6)) == [4]
    assert digest_articles(date(2022, 1, 4)) == [2]
