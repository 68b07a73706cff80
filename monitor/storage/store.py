"""The store API the pipelines and commands use: outlets, articles, flags, crawl runs."""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import delete, func, or_, select, union, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from monitor.dedup import (
    DedupSettings,
    Fingerprint,
    band_keys,
    canonical_url,
    fingerprint,
    furniture_keys,
    paragraph_keys,
    similarity,
)
from monitor.dedup import Story as StoryFirst
from monitor.storage.models import (
    REVIEW_STATES,
    Article,
    ArticleCopy,
    CrawlRun,
    NarrativeFlag,
    Outlet,
    OutletParagraph,
    Story,
    StorySignature,
    utcnow,
)

if TYPE_CHECKING:
    from monitor import catalog
    from monitor.items import ArticleItem
    from monitor.narratives import Flag

LOGGER = logging.getLogger(__name__)

Outcome = Literal["new", "duplicate-url", "duplicate-content"]


# What `Store.refresh_flags` did to one (article, narrative) pair.
Refresh = Literal["added", "updated", "removed", "kept", "unchanged"]


@dataclass(frozen=True)
class StoreResult:
    outcome: Outcome
    article_id: int


@dataclass(frozen=True)
class StoredArticle:
    """What matching and reporting need of an article (no raw HTML)."""

    id: int
    outlet_key: str
    language: str
    title: str | None
    text: str
    published_at: datetime | None
    first_seen_at: datetime


@dataclass(frozen=True)
class StoredFlag:
    """A stored flag as backtest compares it: live unless reflag superseded it."""

    article_id: int
    narrative_id: str
    stance: str
    sentence: str
    version: str
    review_state: str | None
    superseded: bool


def _flag_fields(flag: Flag) -> dict[str, Any]:
    """The columns a matcher's Flag fills."""
    return {
        "narrative_id": flag.narrative_id,
        "stance": flag.stance,
        "sentence": flag.sentence,
        "matched_terms": list(flag.matched_terms),
        "evidence": [asdict(evidence) for evidence in flag.evidence],
        "branch": flag.branch,
        "version": flag.version,
    }


# INSERT ... ON CONFLICT for each backend the monitor runs on.
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _insert_unless_present(session: Session, model: type, *unique: str):
    """INSERT ... ON CONFLICT (unique) DO NOTHING into `model`'s table on this backend."""
    backend = session.get_bind().dialect.name
    if backend not in _INSERTS:
        raise NotImplementedError(f"the store supports SQLite and PostgreSQL, not {backend}")
    return _INSERTS[backend](model).on_conflict_do_nothing(index_elements=unique)


def _hold_off_same_body_or_url(session: Session, item: ArticleItem) -> None:
    """Make any other save of the same body or the same canonical URL wait for this
    transaction to end, so that the reads which follow see what it stored."""
    if session.get_bind().dialect.name == "sqlite":
        # The write lock now rather than at the first INSERT: the reads then see every
        # committed save, and no other writer can come between them and the insert.
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        return
    keys = {_lock_key("content_hash", item.content_hash), _lock_key("url", item.canonical_url)}
    # Always in ascending order, so two saves never each hold the lock the other waits for.
    for key in sorted(keys):
        session.execute(select(func.pg_advisory_xact_lock(key)))


def _lock_key(kind: str, value: str) -> int:
    """A signed 64-bit advisory lock key; a collision only makes two saves wait in turn."""
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _insert_article(session: Session, item: ArticleItem, outlet_id: int) -> int | None:
    """Insert the article and its flags; None if its canonical URL is already an article."""
    extracted = item.extracted
    article = _insert_unless_present(session, Article, "canonical_url").values(
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
    article_id = session.scalar(article.returning(Article.id))
    if article_id is not None and item.flags:
        session.execute(
            _insert_unless_present(session, NarrativeFlag, "article_id", "narrative_id"),
            [{"article_id": article_id, **_flag_fields(flag)} for flag in item.flags],
        )
    return article_id


def _insert_copy(
    session: Session, item: ArticleItem, outlet_id: int, article_id: int
) -> int | None:
    """Record the item as a copy of the article; None if its canonical URL is already a copy."""
    copy = _insert_unless_present(session, ArticleCopy, "canonical_url").values(
        article_id=article_id,
        outlet_id=outlet_id,
        url=item.url,
        canonical_url=item.canonical_url,
        title=item.extracted.title,
        published_at=item.extracted.published_at,
    )
    return session.scalar(copy.returning(ArticleCopy.id))


# The advisory lock that serialises story clustering across crawl processes on PostgreSQL.
STORY_LOCK_KEY = _lock_key("stories", "cluster")


def _hold_off_story_changes(session: Session) -> None:
    """Make other saves wait before they read or change stories until this one commits
    (SQLite's BEGIN IMMEDIATE already does)."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(func.pg_advisory_xact_lock(STORY_LOCK_KEY)))


class _Stories:
    """Steps 1-5 of docs/dedup.md, "The database version", inside one save's transaction."""

    def __init__(self, session: Session, settings: DedupSettings):
        self.session = session
        self.settings = settings

    def add(self, article_id: int, outlet_id: int, text: str,
            published_at: datetime | None) -> int:
        """Cluster a just-inserted article; return its story id."""
        keys = paragraph_keys(text)
        counts = self._counts(outlet_id, keys)
        fp = fingerprint(text, furniture_keys(keys, counts, self.settings.furniture_min_articles))
        matches = self._matches(fp, published_at, article_id)
        if matches:
            story = self._merge({story_id for _, _, story_id in matches})
            self._consider(story, article_id, outlet_id, published_at)
        else:
            story = Story(first_article_id=article_id, first_outlet_id=outlet_id,
                          first_published_at=published_at)
            self.session.add(story)
            self.session.flush()
        self.session.execute(update(Article).where(Article.id == article_id).values(
            story_id=story.id, minhash=fp.signature, minhash_shingles=fp.shingle_count))
        self._insert_signatures(article_id, fp, published_at)
        for stale in self._count_printed(outlet_id, keys, article_id):
            self._refingerprint(stale)
        return story.id

    def _counts(self, outlet_id: int, keys: Sequence[str]) -> dict[str, int]:
        if not keys:
            return {}
        return dict(self.session.execute(
            select(OutletParagraph.paragraph_key, OutletParagraph.article_count).where(
                OutletParagraph.outlet_id == outlet_id,
                OutletParagraph.paragraph_key.in_(set(keys)),
            )).all())

    def _matches(self, fp: Fingerprint, published_at: datetime | None, exclude: int
                 ) -> list[tuple[int, float, int]]:
        """(article id, similarity, story id) of the similar articles, most similar first."""
        bands = band_keys(fp)
        if not bands:
            return []
        candidates = select(StorySignature.article_id).where(
            StorySignature.band_key.in_(bands), StorySignature.article_id != exclude)
        if self.settings.window_days is not None and published_at is not None:
            window = timedelta(days=self.settings.window_days)
            candidates = candidates.where(or_(
                StorySignature.published_at.is_(None),
                StorySignature.published_at.between(published_at - window,
                                                    published_at + window),
            ))
        rows = self.session.execute(
            select(Article.id, Article.minhash, Article.minhash_shingles, Article.story_id)
            .where(Article.id.in_(candidates.distinct()), Article.story_id.is_not(None))
        ).all()
        scored = [
            (row.id, similarity(fp, Fingerprint(bytes(row.minhash), row.minhash_shingles)),
             row.story_id)
            for row in rows if row.minhash is not None
        ]
        return sorted((m for m in scored if m[1] >= self.settings.threshold),
                      key=lambda m: (-m[1], m[0]))

    def _merge(self, story_ids: set[int]) -> Story:
        """Make one story of these, the smallest id surviving with the earliest first_*."""
        keep, *others = sorted(story_ids)
        story = self.session.get(Story, keep)
        for other in others:
            merged = self.session.get(Story, other)
            self.session.execute(
                update(Article).where(Article.story_id == other).values(story_id=keep))
            self._consider(story, merged.first_article_id, merged.first_outlet_id,
                           merged.first_published_at)
            self.session.delete(merged)
        self.session.flush()
        return story

    def _consider(self, story: Story, article_id: int, outlet_id: int,
                  published_at: datetime | None) -> None:
        first = StoryFirst(story.id, story.first_article_id, story.first_outlet_id,
                           story.first_published_at)
        first.consider(article_id, outlet_id, published_at)
        story.first_article_id = first.first_article_id
        story.first_outlet_id = first.first_outlet
        story.first_published_at = first.first_published_at
        self.session.flush()

    def _insert_signatures(self, article_id: int, fp: Fingerprint,
                           published_at: datetime | None) -> None:
        rows = [{"article_id": article_id, "band_key": key, "published_at": published_at}
                for key in band_keys(fp)]
        if rows:
            self.session.execute(StorySignature.__table__.insert(), rows)

    def _count_printed(self, outlet_id: int, keys: Sequence[str], article_id: int) -> list[int]:
        """Count the article as a printer of its paragraphs; return the earlier articles whose
        fingerprint may still hold a paragraph that has just become furniture."""
        stale: dict[int, None] = {}
        limit = self.settings.furniture_min_articles
        for key in dict.fromkeys(keys):
            row = self.session.get(OutletParagraph, (outlet_id, key))
            if row is None:
                self.session.add(OutletParagraph(outlet_id=outlet_id, paragraph_key=key,
                                                 article_count=1, first_article_id=article_id))
                continue
            row.article_count += 1
            if limit and row.article_count == limit + 1 and row.first_article_id != article_id:
                stale[row.first_article_id] = None
        self.session.flush()
        return list(stale)

    def _refingerprint(self, article_id: int) -> None:
        article = self.session.get(Article, article_id)
        if article is None or article.minhash is None or article.story_id is None:
            return  # stored before stories: not indexed
        keys = paragraph_keys(article.text)
        counts = {key: count - 1 for key, count in self._counts(article.outlet_id, keys).items()}
        fp = fingerprint(article.text,
                         furniture_keys(keys, counts, self.settings.furniture_min_articles))
        if fp.signature == bytes(article.minhash) and fp.shingle_count == article.minhash_shingles:
            return  # the new furniture was its lead, which stays
        self.session.execute(delete(StorySignature).where(StorySignature.article_id == article_id))
        self._insert_signatures(article_id, fp, article.published_at)
        article.minhash, article.minhash_shingles = fp.signature, fp.shingle_count
        self.session.flush()
        matches = self._matches(fp, article.published_at, article_id)
        if matches:
            self._merge({article.story_id} | {story_id for _, _, story_id in matches})

    def add_copy(self, article_id: int, outlet_id: int, published_at: datetime | None) -> None:
        """A copy is in its article's story and may be its first publication."""
        story_id = self.session.scalar(select(Article.story_id).where(Article.id == article_id))
        if story_id is not None:
            self._consider(self.session.get(Story, story_id), article_id, outlet_id, published_at)


class Store:
    """Writes and reads the monitor's records through one session factory."""

    def __init__(self, sessions: sessionmaker[Session],
                 dedup_settings: DedupSettings | None = None):
        self.sessions = sessions
        self.dedup_settings = dedup_settings or DedupSettings()

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
        already stored under another URL is not a new article (the latter becomes a copy).

        Safe with several crawler processes saving at once. Rows go in with INSERT ... ON
        CONFLICT DO NOTHING on the unique keys, so no table ever holds a canonical URL, or an
        (article, narrative) flag, twice. The decisions that span rows (is this body already an
        article? is this URL in the other table?) are taken under a lock held until commit:
        PostgreSQL advisory locks on the content hash and on the URL, or SQLite's one writer
        taken up front (BEGIN IMMEDIATE). A unique constraint on `content_hash` was the other
        way; it needs a migration merging the duplicate articles past races made, flags and
        reviews included, and it would fix in the schema a policy that belongs to dedup.
        """
        assert item.extracted is not None and item.canonical_url and item.content_hash
        with self.sessions.begin() as session:
            _hold_off_same_body_or_url(session, item)
            existing = self._article_with_url(session, item.canonical_url)
            if existing is not None:
                return StoreResult("duplicate-url", existing)
            outlet_id = session.scalar(select(Outlet.id).where(Outlet.key == item.outlet_key))
            if outlet_id is None:
                raise LookupError(f"outlet {item.outlet_key!r} is not in the database")
            original = session.scalar(
                select(Article.id)
                .where(Article.content_hash == item.content_hash)
                .order_by(Article.id)
                .limit(1)
            )
            if original is not None:
                if _insert_copy(session, item, outlet_id, original) is not None:
                    _hold_off_story_changes(session)
                    _Stories(session, self.dedup_settings).add_copy(
                        original, outlet_id, item.extracted.published_at)
                    return StoreResult("duplicate-content", original)
            elif (article_id := _insert_article(session, item, outlet_id)) is not None:
                _hold_off_story_changes(session)
                _Stories(session, self.dedup_settings).add(
                    article_id, outlet_id, item.extracted.text, item.extracted.published_at)
                return StoreResult("new", article_id)
            # The insert did nothing: a writer outside these locks stored the URL meanwhile.
            return StoreResult("duplicate-url", self._article_with_url(session, item.canonical_url))

    def _article_with_url(self, session: Session, canonical: str) -> int | None:
        found = session.scalar(select(Article.id).where(Article.canonical_url == canonical))
        if found is None:
            found = session.scalar(
                select(ArticleCopy.article_id).where(ArticleCopy.canonical_url == canonical)
            )
        return found

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

    def set_review(self, flag_id: int, state: str | None, note: str | None = None) -> None:
        """Record an analyst's verdict on a flag: one of REVIEW_STATES, or None to clear it."""
        if state is not None and state not in REVIEW_STATES:
            raise ValueError(
                f"unknown review state {state!r}; expected one of {', '.join(REVIEW_STATES)}"
            )
        with self.sessions.begin() as session:
            flag = session.get(NarrativeFlag, flag_id)
            if flag is None:
                raise LookupError(f"no narrative flag with id {flag_id}")
            flag.review_state = state
            flag.review_note = note if state else None
            flag.reviewed_at = utcnow() if state else None
            flag.reviewed_version = flag.version if state else None

    def count_articles(self, since: datetime | None = None) -> int:
        """How many articles `articles(since)` will yield."""
        query = select(func.count(Article.id))
        if since is not None:
            query = query.where(Article.first_seen_at >= since)
        with self.sessions() as session:
            return session.scalar(query)

    def articles(
        self, since: datetime | None = None, batch_size: int = 500
    ) -> Iterator[list[StoredArticle]]:
        """Articles first seen at or after `since`, in id order, one page per query.

        Keyset pages, each read in its own short session, keep memory flat on any archive
        and let the caller write between pages."""
        columns = (Article.id, Outlet.key, Article.language, Article.title, Article.text,
                   Article.published_at, Article.first_seen_at)
        last_id = 0
        while True:
            query = select(*columns).join(Outlet).where(Article.id > last_id)
            if since is not None:
                query = query.where(Article.first_seen_at >= since)
            with self.sessions() as session:
                rows = session.execute(query.order_by(Article.id).limit(batch_size)).all()
            if not rows:
                return
            yield [StoredArticle(*row) for row in rows]
            last_id = rows[-1][0]

    def stored_flags(self, article_ids: Sequence[int], narrative_id: str) -> list[StoredFlag]:
        """The stored flags of one narrative on these articles."""
        query = select(
            NarrativeFlag.article_id, NarrativeFlag.narrative_id, NarrativeFlag.stance,
            NarrativeFlag.sentence, NarrativeFlag.version, NarrativeFlag.review_state,
            NarrativeFlag.superseded_at.is_not(None),
        ).where(
            NarrativeFlag.article_id.in_(article_ids), NarrativeFlag.narrative_id == narrative_id
        )
        with self.sessions() as session:
            return [StoredFlag(*row) for row in session.execute(query)]

    def flag_counts(self, since: datetime | None = None) -> dict[str, int]:
        """Stored flags per narrative id, on articles first seen at or after `since`."""
        query = select(NarrativeFlag.narrative_id, func.count(NarrativeFlag.id)).join(Article)
        if since is not None:
            query = query.where(Article.first_seen_at >= since)
        with self.sessions() as session:
            return dict(session.execute(query.group_by(NarrativeFlag.narrative_id)).all())

    def refresh_flags(
        self,
        matches: Mapping[int, Sequence[Flag]],
        versions: Mapping[str, str],
        *,
        force: bool = False,
    ) -> Counter[tuple[str, Refresh]]:
        """Bring the flags of the narratives in `versions` ({id: current version}) on the
        articles in `matches` ({article_id: fresh flags}) in line with the fresh flags.

        A flag of the current version is left alone unless `force`. Otherwise a fresh match
        replaces its evidence, stance, branch and version (a review stays on it), and a
        narrative that no longer matches deletes an unreviewed flag but keeps a reviewed one
        as it was, marked `superseded_at`. One transaction; returns (narrative, outcome) counts.
        """
        outcomes: Counter[tuple[str, Refresh]] = Counter()
        with self.sessions.begin() as session:
            stored = {
                (row.article_id, row.narrative_id): row
                for row in session.scalars(
                    select(NarrativeFlag).where(
                        NarrativeFlag.article_id.in_(list(matches)),
                        NarrativeFlag.narrative_id.in_(list(versions)),
                    )
                )
            }
            for article_id, flags in matches.items():
                fresh = {flag.narrative_id: flag for flag in flags}
                for narrative_id, version in versions.items():
                    row = stored.get((article_id, narrative_id))
                    outcome = _refresh(session, article_id, row, fresh.get(narrative_id),
                                       version, force)
                    if outcome is not None:
                        outcomes[(narrative_id, outcome)] += 1
        return outcomes


def _refresh(session: Session, article_id: int, row: NarrativeFlag | None, flag: Flag | None,
             version: str, force: bool) -> Refresh | None:
    if row is None:
        if flag is None:
            return None
        session.add(NarrativeFlag(article_id=article_id, **_flag_fields(flag)))
        return "added"
    if row.version == version and row.superseded_at is None and not force:
        return "unchanged"
    if flag is None:
        if row.review_state is None:
            session.delete(row)
            return "removed"
        if row.superseded_at is not None:
            return "unchanged"
        row.superseded_at = utcnow()
        return "kept"
    fields = _flag_fields(flag)
    if row.superseded_at is None and all(getattr(row, k) == v for k, v in fields.items()):
        return "unchanged"
    for key, value in fields.items():
        setattr(row, key, value)
    row.superseded_at = None
    return "updated"
