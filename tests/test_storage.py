import gzip
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import sessionmaker

from monitor.catalog import parse_catalog
from monitor.dedup import canonical_url, content_hash
from monitor.extraction import Extracted
from monitor.items import ArticleItem
from monitor.narratives import Evidence, Flag
from monitor.storage.db import downgrade_schema, make_engine, upgrade_schema
from monitor.storage.models import Article, ArticleCopy, NarrativeFlag
from monitor.storage.store import Store

CATALOG = """
outlets:
  - key: first-outlet
    name: First
    country: UA
    homepage: https://first.example.ua/
    allowed_domains: [first.example.ua]
    languages: [uk]
    sources: {feeds: ["https://first.example.ua/rss"]}
    article_url_pattern: '/news/\\d+'
  - key: second-outlet
    name: Second
    country: KZ
    homepage: https://second.example.kz/
    allowed_domains: [second.example.kz]
    languages: [ru]
    sources: {feeds: ["https://second.example.kz/rss"]}
    article_url_pattern: '/news/\\d+'
"""
BODY = "Посольство Казахстану заявило про інсинуації.\nДругий абзац новини."


@pytest.fixture
def store(sessions):
    store = Store(sessions)
    for outlet in parse_catalog(CATALOG, "test.yaml"):
        store.ensure_outlet(outlet)
    return store


def make_item(outlet_key: str, url: str, body: str = BODY, flags=()) -> ArticleItem:
    extracted = Extracted(
        url=url,
        title="Заголовок",
        text=body,
        author="Автор",
        published_at=datetime(2022, 1, 10, 12, 15, tzinfo=timezone.utc),
        canonical_url=None,
        site_name="First",
    )
    item = ArticleItem(outlet_key=outlet_key, url=url, html=b"<html>raw</html>")
    item.extracted = extracted
    item.canonical_url = canonical_url(url)
    item.content_hash = content_hash(body)
    item.language = "uk"
    item.flags = list(flags)
    return item


def test_new_article_is_stored_with_evidence_copy_and_flags(store, sessions):
    evidence = Evidence(term="слід", field="body", start=5, end=9, sentence="Є слід.", sentence_start=0)
    flag = Flag(
        narrative_id="ukrainian-trace-kazakhstan",
        stance="report",
        sentence="Є слід.",
        matched_terms=("слід",),
        evidence=(evidence,),
        branch='"український слід"',
        version="abc123",
    )
    result = store.save_article(make_item("first-outlet", "https://first.example.ua/news/1", flags=[flag]))
    assert result.outcome == "new"
    with sessions() as session:
        article = session.get(Article, result.article_id)
        assert article.text == BODY
        assert article.published_at == datetime(2022, 1, 10, 12, 15, tzinfo=timezone.utc)
        assert gzip.decompress(article.raw_html_gz) == b"<html>raw</html>"
        (stored_flag,) = article.flags
        assert stored_flag.evidence[0]["term"] == "слід"
        assert stored_flag.matched_terms == ["слід"]


def test_same_url_variant_is_not_stored_twice(store, sessions):
    store.save_article(make_item("first-outlet", "https://first.example.ua/news/1"))
    again = store.save_article(
        make_item("first-outlet", "https://m.first.example.ua/news/1/?utm_source=x", body="Інший текст")
    )
    assert again.outcome == "duplicate-url"
    with sessions() as session:
        assert session.scalar(select(func.count(Article.id))) == 1


def test_identical_body_on_another_outlet_becomes_a_copy(store, sessions):
    first = store.save_article(make_item("first-outlet", "https://first.example.ua/news/1"))
    copy = store.save_article(make_item("second-outlet", "https://second.example.kz/news/9"))
    assert copy.outcome == "duplicate-content"
    assert copy.article_id == first.article_id
    with sessions() as session:
        assert session.scalar(select(func.count(Article.id))) == 1
        (row,) = session.scalars(select(ArticleCopy)).all()
        assert row.url == "https://second.example.kz/news/9"
    # The copy's URL is known to its outlet, so it is never downloaded again.
    assert canonical_url("https://second.example.kz/news/9") in store.known_urls("second-outlet")
    assert store.known_urls("first-outlet") == {canonical_url("https://first.example.ua/news/1")}


def test_naive_datetimes_are_refused(store):
    item = make_item("first-outlet", "https://first.example.ua/news/2")
    item.extracted = Extracted(**{**item.extracted.__dict__, "published_at": datetime(2022, 1, 1)})
    with pytest.raises(Exception, match="naive"):
        store.save_article(item)


def test_crawl_run_is_recorded_and_reported_last(store):
    now = datetime.now(timezone.utc)
    figures = dict(pages_fetched=3, articles_found=0, articles_new=0, articles_duplicate=0,
                   extraction_failures=0, errors=1)
    store.record_run("first-outlet", started_at=now - timedelta(hours=1), finished_at=now,
                     figures=figures, finish_reason="finished", problems=[])
    store.record_run("first-outlet", started_at=now, finished_at=now,
                     figures=figures | {"articles_found": 4}, finish_reason="finished",
                     problems=[{"kind": "errors", "url": "https://first.example.ua/rss", "reason": "HTTP 503"}])
    runs = dict((outlet.key, run) for outlet, run in store.last_runs())
    assert runs["first-outlet"].articles_found == 4
    assert runs["first-outlet"].problems[0]["reason"] == "HTTP 503"
    assert runs["second-outlet"] is None


def test_migrations_upgrade_and_downgrade(database_url):
    engine = make_engine(database_url)
    upgrade_schema(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"outlets", "articles", "article_copies", "narrative_flags", "crawl_runs"} <= tables
    downgrade_schema(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_schema(engine)
    assert "articles" in inspect(engine).get_table_names()


def test_sqlite_database_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_flags_are_unique_per_article_and_narrative(store, sessions):
    result = store.save_article(make_item("first-outlet", "https://first.example.ua/news/1"))
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with sessions.begin() as session:
            for _ in range(2):
                session.add(NarrativeFlag(article_id=result.article_id, narrative_id="x", stance="report",
                                          sentence="s", matched_terms=[], evidence=[], branch="b", version="v"))


def test_migration_0002_keeps_flags_and_adds_reviews(database_url):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = make_engine(database_url)
    upgrade_schema(engine, "0001")
    now = datetime(2022, 1, 10, tzinfo=timezone.utc)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO outlets (id, key, name, country, homepage, languages, created_at) "
            "VALUES (1, 'ua', 'UA', 'UA', 'https://ua.example/', 'uk', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO articles (id, outlet_id, url, canonical_url, content_hash, text, language, "
            "first_seen_at) VALUES (7, 1, 'https://ua.example/1', 'https://ua.example/1', 'h', "
            "'Текст', 'uk', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO narrative_flags (id, article_id, narrative_id, stance, sentence, "
            "matched_terms, evidence, branch, version, created_at) VALUES (3, 7, 'probe', "
            "'report', 'Речення.', '[\"слід\"]', '[]', 'слід', 'v1', :now)"), {"now": now})

    def flags():
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(
                "SELECT id, article_id, narrative_id, stance, sentence, branch, version "
                "FROM narrative_flags"))]

    kept = [(3, 7, "probe", "report", "Речення.", "слід", "v1")]
    upgrade_schema(engine)
    assert flags() == kept
    columns = {c["name"] for c in inspect(engine).get_columns("narrative_flags")}
    assert {"review_state", "review_note", "reviewed_at", "reviewed_version", "superseded_at"} <= columns
    names = {c["name"] for c in inspect(engine).get_check_constraints("narrative_flags")}
    assert "ck_narrative_flags_review_state" in names
    # The batch copy on SQLite keeps the other named constraints and indexes.
    assert [u["name"] for u in inspect(engine).get_unique_constraints("narrative_flags")] == [
        "uq_narrative_flags_article_id_narrative_id"]
    # (PostgreSQL also lists the unique constraint's own index here.)
    assert {"ix_narrative_flags_article_id", "ix_narrative_flags_narrative_id"} <= {
        i["name"] for i in inspect(engine).get_indexes("narrative_flags")}
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("UPDATE narrative_flags SET review_state = 'maybe'"))
    Store(sessionmaker(engine)).set_review(3, "confirmed", "seen it")
    with sessionmaker(engine)() as session:
        assert session.get(NarrativeFlag, 3).review_state == "confirmed"

    downgrade_schema(engine, "0001")
    assert flags() == kept
    columns = {c["name"] for c in inspect(engine).get_columns("narrative_flags")}
    assert "review_state" not in columns and "superseded_at" not in columns
    upgrade_schema(engine)
    assert flags() == kept


def test_migrations_match_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from monitor.storage.models import Base

    engine = make_engine(database_url)
    upgrade_schema(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def make_flag(narrative_id: str) -> Flag:
    evidence = Evidence(term="слід", field="body", start=0, end=4, sentence="Слід.", sentence_start=0)
    return Flag(narrative_id=narrative_id, stance="report", sentence="Слід.", matched_terms=("слід",),
                evidence=(evidence,), branch="слід", version="v1")


def test_same_url_with_same_body_is_a_duplicate_url_not_a_copy_of_itself(store, sessions):
    first = store.save_article(make_item("first-outlet", "https://first.example.ua/news/1"))
    again = store.save_article(make_item("first-outlet", "https://first.example.ua/news/1"))
    assert (again.outcome, again.article_id) == ("duplicate-url", first.article_id)
    with sessions() as session:
        assert session.scalar(select(func.count(ArticleCopy.id))) == 0


def test_a_copy_url_seen_again_with_another_body_is_a_duplicate_url(store, sessions):
    first = store.save_article(make_item("first-outlet", "https://first.example.ua/news/1"))
    store.save_article(make_item("second-outlet", "https://second.example.kz/news/9"))
    again = store.save_article(make_item("second-outlet", "https://second.example.kz/news/9",
                                         body="Оновлений текст."))
    assert (again.outcome, again.article_id) == ("duplicate-url", first.article_id)
    with sessions() as session:
        assert session.scalar(select(func.count(Article.id))) == 1
        assert session.scalar(select(func.count(ArticleCopy.id))) == 1


def test_a_narrative_flagged_twice_in_one_item_is_stored_once(store, sessions):
    item = make_item("first-outlet", "https://first.example.ua/news/1",
                     flags=[make_flag("probe"), make_flag("probe"), make_flag("other")])
    result = store.save_article(item)
    with sessions() as session:
        stored = session.scalars(select(NarrativeFlag.narrative_id)
                                 .where(NarrativeFlag.article_id == result.article_id)).all()
    assert sorted(stored) == ["other", "probe"]


def test_migration_0003_adds_stories_and_keeps_articles(database_url):
    from sqlalchemy import text

    engine = make_engine(database_url)
    upgrade_schema(engine, "0002")
    now = datetime(2022, 1, 10, tzinfo=timezone.utc)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO outlets (id, key, name, country, homepage, languages, created_at) "
            "VALUES (1, 'ua', 'UA', 'UA', 'https://ua.example/', 'uk', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO articles (id, outlet_id, url, canonical_url, content_hash, text, language, "
            "first_seen_at) VALUES (7, 1, 'https://ua.example/1', 'https://ua.example/1', 'h', "
            "'Текст', 'uk', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO narrative_flags (id, article_id, narrative_id, stance, sentence, "
            "matched_terms, evidence, branch, version, created_at) VALUES (3, 7, 'probe', "
            "'report', 'Речення.', '[]', '[]', 'слід', 'v1', :now)"), {"now": now})

    def articles():
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text("SELECT id, url, text FROM articles"))]

    kept = [(7, "https://ua.example/1", "Текст")]
    upgrade_schema(engine)
    assert articles() == kept
    inspector = inspect(engine)
    assert {"stories", "story_signatures", "outlet_paragraphs"} <= set(inspector.get_table_names())
    assert {"story_id", "minhash", "minhash_shingles"} <= {c["name"] for c in inspector.get_columns("articles")}
    assert "ix_articles_story_id" in {i["name"] for i in inspector.get_indexes("articles")}
    assert "ix_story_signatures_band_key_published_at" in {
        i["name"] for i in inspector.get_indexes("story_signatures")}
    assert inspector.get_pk_constraint("outlet_paragraphs")["constrained_columns"] == ["outlet_id", "paragraph_key"]
    assert any(fk["referred_table"] == "stories" for fk in inspector.get_foreign_keys("articles"))
    with engine.connect() as connection:  # old rows have no story yet
        assert connection.execute(text("SELECT story_id FROM articles")).scalar() is None

    downgrade_schema(engine, "0002")
    assert articles() == kept
    inspector = inspect(engine)
    assert not {"stories", "story_signatures", "outlet_paragraphs"} & set(inspector.get_table_names())
    assert "story_id" not in {c["name"] for c in inspector.get_columns("articles")}
    assert not inspector.get_foreign_keys("articles") or all(
        fk["referred_table"] != "stories" for fk in inspector.get_foreign_keys("articles"))
    with engine.begin() as connection:  # foreign keys still hold after the downgrade
        assert connection.execute(text("SELECT count(*) FROM narrative_flags")).scalar() == 1
    upgrade_schema(engine)
    assert articles() == kept


def test_new_articles_join_stories_and_copies_take_part_in_first_publisher(store, sessions):
    from monitor.storage.models import Story

    first = store.save_article(make_item("first-outlet", "https://first.example.ua/news/1"))
    copy_item = make_item("second-outlet", "https://second.example.kz/news/2")
    from dataclasses import replace

    copy_item.extracted = replace(copy_item.extracted,
                                  published_at=datetime(2022, 1, 10, 9, 0, tzinfo=timezone.utc))
    assert store.save_article(copy_item).outcome == "duplicate-content"
    again = store.save_article(make_item("first-outlet", "https://first.example.ua/news/1?utm_source=x"))
    assert again.outcome == "duplicate-url"
    with sessions() as session:
        (story,) = session.scalars(select(Story)).all()
        article = session.get(Article, first.article_id)
        assert article.story_id == story.id and len(article.minhash) == 512
        assert story.first_article_id == first.article_id
        assert story.first_published_at == copy_item.extracted.published_at
        from monitor.storage.models import OutletParagraph, StorySignature
        assert session.scalar(select(func.count()).select_from(StorySignature)) == 32
        assert set(session.scalars(select(OutletParagraph.article_count))) == {1}  # not counted again
