"""SQLAlchemy 2.0 models: outlets, articles (and their copies elsewhere), narrative flags, crawl runs."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, whatever the backend keeps.

    SQLite has no time zone type and hands back naive values; storing UTC and re-attaching
    the zone on load keeps `published_at` comparable across backends.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given where UTC is required")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    homepage: Mapped[str] = mapped_column(String(500))
    languages: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="outlet")


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_first_seen_at", "first_seen_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(String(1000), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    site_name: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    raw_html_gz: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The story cluster (docs/dedup.md); NULL on articles stored before stories existed.
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    # MinHash signature without the outlet's furniture paragraphs, and its shingle count.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    minhash_shingles: Mapped[int | None] = mapped_column(Integer)

    outlet: Mapped[Outlet] = relationship(back_populates="articles")
    story: Mapped[Story | None] = relationship(back_populates="articles")
    flags: Mapped[list[NarrativeFlag]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )
    copies: Mapped[list[ArticleCopy]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )


class ArticleCopy(Base):
    """Another URL (often another outlet) that carried exactly the same body as an article."""

    __tablename__ = "article_copies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(String(1000), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="copies")
    outlet: Mapped[Outlet] = relationship()


class Story(Base):
    """A cluster of articles carrying one story; first_* name its earliest publication
    (`first_article_id` is the article, or the article an earlier copy duplicates)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_article_id: Mapped[int] = mapped_column(Integer)
    first_outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"))
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    articles: Mapped[list[Article]] = relationship(back_populates="story")
    first_outlet: Mapped[Outlet] = relationship()


class StorySignature(Base):
    """One LSH band key of an article's fingerprint (32 per article)."""

    __tablename__ = "story_signatures"
    __table_args__ = (
        Index("ix_story_signatures_band_key_published_at", "band_key", "published_at"),
    )

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    band_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutletParagraph(Base):
    """How many of an outlet's articles printed a paragraph, and the first that did."""

    __tablename__ = "outlet_paragraphs"

    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), primary_key=True)
    paragraph_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    article_count: Mapped[int] = mapped_column(Integer)
    first_article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))


# An analyst's verdict on a flag; NULL while nobody has reviewed it.
REVIEW_STATES = ("confirmed", "false_positive", "follow_up")


class NarrativeFlag(Base):
    """A narrative found in an article, and the analyst's review of it.

    `version` is the definition that produced the evidence. A reviewed flag whose narrative
    no longer matches after the definition changed is kept with its old evidence and version
    and gets `superseded_at`, so `monitor reflag` never deletes an analyst's verdict.
    """

    __tablename__ = "narrative_flags"
    __table_args__ = (
        UniqueConstraint("article_id", "narrative_id"),
        CheckConstraint(
            "review_state IN ({})".format(", ".join(f"'{s}'" for s in REVIEW_STATES)),
            name="review_state",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    narrative_id: Mapped[str] = mapped_column(String(100), index=True)
    stance: Mapped[str] = mapped_column(String(16))
    sentence: Mapped[str] = mapped_column(Text)
    matched_terms: Mapped[list[str]] = mapped_column(JSON)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    branch: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_state: Mapped[str | None] = mapped_column(String(16))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The definition the analyst saw; differs from `version` once reflag renewed the evidence.
    reviewed_version: Mapped[str | None] = mapped_column(String(64))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    article: Mapped[Article] = relationship(back_populates="flags")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_outlet_id_started_at", "outlet_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_found: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    extraction_failures: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)

    outlet: Mapped[Outlet] = relationship()
