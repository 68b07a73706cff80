"""The store API the pipelines and commands use: outlets, articles, flags, crawl runs."""

from __future__ import annotations

import gzip
import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from monitor.dedup import canonical_url
from monitor.storage.models import Article, ArticleCopy, CrawlRun, NarrativeFlag, Outlet

if TYPE_CHECKING:
    from monitor import catalog
    from monitor.items import ArticleItem

LOGGER = logging.getLogger(__name__)

Outcome = Literal["new", "duplicate-url", "duplicate-content"]


@dataclass(frozen=True)
class StoreResult:
    outcome: Outcome
    article_id: int


class Store:
    """Writes and reads the monitor's records through one session factory."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def ensure_outlet(self, outlet: catalog.Outlet) -> int:
        """Insert or refresh the outlet's row from its catalog entry; return its id."""
        with self.sessions.begin() as session:
            row = session.scalar(select(Outlet).where(Outlet.key == outlet.key))
            if row is None:
                row = Outlet(key=outlet.key)
                session.add(row)
            row.name = outlet.name
            row.country = outlet.country
            row.homepage = str(outlet.homepage)
            row.languages = ",".join(outlet.languages)
            session.flush()
            return row.id

    def known_urls(self, outlet_key: str) -> set[str]:
        """Canonical URLs already stored for an outlet, as articles or as copies."""
        outlet_id = select(Outlet.id).where(Outlet.key == outlet_key).scalar_subquery()
        query = union(
            select(Article.canonical_url).where(Article.outlet_id == outlet_id),
            select(ArticleCopy.canonical_url).where(ArticleCopy.outlet_id == outlet_id),
        )
        fetched = select(Article.url).where(Article.outlet_id == outlet_id)
        with self.sessions() as session:
            known = set(session.scalars(query))
            # The URL a page was fetched from may differ from the rel=canonical it declared.
            known.update(canonical_url(url) for url in session.scalars(fetched))
            return known

    def save_article(self, item: ArticleItem) -> StoreResult:
        """Store an extracted, classified article once: a known URL or an identical body
        already stored under another URL is not a new article (the latter becomes a copy)."""
        extracted = item.extracted
        assert extracted is not None and item.canonical_url and item.content_hash
        try:
            with self.sessions.begin() as session:
                return self._save(session, item)
        except IntegrityError:
            # Another process stored the same canonical URL between our check and insert.
            with self.sessions() as session:
                existing = self._article_with_url(session, item.canonical_url)
                if existing is None:
                    raise
                return StoreResult("duplicate-url", existing)

    def _article_with_url(self, session: Session, canonical: str) -> int | None:
        found = session.scalar(select(Article.id).where(Article.canonical_url == canonical))
        if found is None:
            found = session.scalar(
                select(ArticleCopy.article_id).where(ArticleCopy.canonical_url == canonical)
            )
        return found

    def _save(self, session: Session, item: ArticleItem) -> StoreResult:
        extracted = item.extracted
        existing = self._article_with_url(session, item.canonical_url)
        if existing is not None:
            return StoreResult("duplicate-url", existing)
        outlet_id = session.scalar(select(Outlet.id).where(Outlet.key == item.outlet_key))
        if outlet_id is None:
            raise LookupError(f"outlet {item.outlet_key!r} is not in the database")
        original = session.scalar(
            select(Article).where(Article.content_hash == item.content_hash).order_by(Article.id)
        )
        if original is not None:
            session.add(
                ArticleCopy(
                    article_id=original.id,
                    outlet_id=outlet_id,
                    url=item.url,
                    canonical_url=item.canonical_url,
                    title=extracted.title,
                    published_at=extracted.published_at,
                )
            )
            return StoreResult("duplicate-content", original.id)
        article = Article(
            outlet_id=outlet_id,
            url=item.url,
            canonical_url=item.canonical_url,
            content_hash=item.content_hash,
            title=extracted.title,
            text=extracted.text,
            author=extracted.author,
            site_name=extracted.site_name,
            language=item.language or "und",
            published_at=extracted.published_at,
            raw_html_gz=gzip.compress(item.html) if item.html else None,
        )
        article.flags = [
            NarrativeFlag(
                narrative_id=flag.narrative_id,
                stance=flag.stance,
                sentence=flag.sentence,
                matched_terms=list(flag.matched_terms),
                evidence=[asdict(evidence) for evidence in flag.evidence],
                branch=flag.branch,
                version=flag.version,
            )
            for flag in item.flags
        ]
        session.add(article)
        session.flush()
        return StoreResult("new", article.id)

    def record_run(
        self,
        outlet_key: str,
        *,
        started_at: datetime,
        finished_at: datetime,
        figures: dict[str, int],
        finish_reason: str,
        problems: list[dict[str, str]],
    ) -> int:
        """Store one crawl run's figures for an outlet; return the run id."""
        with self.sessions.begin() as session:
            outlet_id = session.scalar(select(Outlet.id).where(Outlet.key == outlet_key))
            run = CrawlRun(
                outlet_id=outlet_id,
                started_at=started_at,
                finished_at=finished_at,
                finish_reason=finish_reason,
                problems=problems,
                **figures,
            )
            session.add(run)
            session.flush()
            return run.id

    def last_runs(self) -> list[tuple[Outlet, CrawlRun | None]]:
        """Every outlet with its most recent crawl run (None if never crawled)."""
        with self.sessions() as session:
            outlets = session.scalars(select(Outlet).order_by(Outlet.key)).all()
            result = []
            for outlet in outlets:
                run = session.scalar(
                    select(CrawlRun)
                    .where(CrawlRun.outlet_id == outlet.id)
                    .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
                    .limit(1)
                )
                result.append((outlet, run))
            return result
