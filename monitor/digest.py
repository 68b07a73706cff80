"""The daily digest: flagged articles first seen on a day, grouped by narrative."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from monitor.storage.models import Article, ArticleCopy, NarrativeFlag, Outlet, Story

FORMATS = ("html", "md", "json")
TITLE_FALLBACK_CHARS = 120


@dataclass(frozen=True)
class Fragment:
    """A piece of the evidence sentence; `match` marks the matched words."""

    text: str
    match: bool


@dataclass(frozen=True)
class DigestEntry:
    article_id: int
    title: str
    outlet_key: str
    outlet_name: str
    language: str
    published_at: datetime | None
    first_seen_at: datetime
    url: str
    stance: str
    sentence: str
    fragments: tuple[Fragment, ...]
    matched_terms: tuple[str, ...]
    branch: str
    also_carried_by: tuple[tuple[str, str], ...]
    # The story the entry stands for: its first publisher, and every outlet and language
    # among its articles and their copies (first publisher's outlet first).
    story_id: int | None = None
    first_outlet_name: str = ""
    first_published_at: datetime | None = None
    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class NarrativeSection:
    narrative_id: str
    title: str
    entries: tuple[DigestEntry, ...]


@dataclass(frozen=True)
class Digest:
    day: date
    timezone: str
    generated_at: datetime
    sections: tuple[NarrativeSection, ...]

    @property
    def counts(self) -> dict[str, int]:
        return {section.narrative_id: len(section.entries) for section in self.sections}

    @property
    def flagged_articles(self) -> int:
        return len({e.article_id for s in self.sections for e in s.entries})


def mark_sentence(sentence: str, spans: list[tuple[int, int]]) -> tuple[Fragment, ...]:
    """Split a sentence into plain and matched fragments (overlapping spans merged)."""
    fragments: list[Fragment] = []
    position = 0
    for start, end in sorted(spans):
        start = max(start, position)
        if start >= end or end > len(sentence):
            continue
        if start > position:
            fragments.append(Fragment(sentence[position:start], False))
        fragments.append(Fragment(sentence[start:end], True))
        position = end
    if position < len(sentence):
        fragments.append(Fragment(sentence[position:], False))
    return tuple(fragments)


def _evidence_spans(flag: NarrativeFlag) -> list[tuple[int, int]]:
    spans = [
        (ev["start"] - ev["sentence_start"], ev["end"] - ev["sentence_start"])
        for ev in flag.evidence
        # Context-clause words (e.g. "Kazakhstan") explain little; mark what the query matched.
        if ev.get("sentence") == flag.sentence and ev.get("clause", "query") == "query"
    ]
    if spans:
        return spans
    # Older flags without offsets: mark the terms where they occur.
    for term in flag.matched_terms:
        for found in re.finditer(re.escape(term), flag.sentence, re.IGNORECASE):
            spans.append(found.span())
    return spans


def _members(session: Session, flags: list[NarrativeFlag]) -> dict[object, list[Article]]:
    """Story key (story id, or ("article", id) for an article stored before stories) -> its
    articles, copies and outlets loaded."""
    story_ids = {flag.article.story_id for flag in flags if flag.article.story_id is not None}
    members: dict[object, list[Article]] = {}
    if story_ids:
        for article in session.scalars(
            select(Article).where(Article.story_id.in_(story_ids))
            .options(selectinload(Article.outlet),
                     selectinload(Article.copies).selectinload(ArticleCopy.outlet))
            .order_by(Article.id)
        ):
            members.setdefault(article.story_id, []).append(article)
    for flag in flags:
        if flag.article.story_id is None:
            members[("article", flag.article.id)] = [flag.article]
    return members


def _story_key(article: Article) -> object:
    return article.story_id if article.story_id is not None else ("article", article.id)


def _first_publisher(session: Session, key: object, members: list[Article]
                     ) -> tuple[int, str, datetime | None]:
    """(article id, outlet name, published_at) of the story's first publication."""
    if not isinstance(key, tuple):
        story = session.get(Story, key)
        if story is not None:
            outlet = session.get(Outlet, story.first_outlet_id)
            return story.first_article_id, outlet.name, story.first_published_at
    article = members[0]
    first = (article.id, article.outlet.name, article.published_at)
    for copy in article.copies:  # Story.consider's rule
        if copy.published_at is not None and (first[2] is None or copy.published_at < first[2]):
            first = (article.id, copy.outlet.name, copy.published_at)
    return first


def _story_entry(session: Session, key: object, flags: list[NarrativeFlag],
                 members: list[Article], zone: ZoneInfo) -> DigestEntry:
    """One entry per story: the first publisher's flag if it has one, else the earliest
    flagged member's."""
    first_id, first_outlet, first_at = _first_publisher(session, key, members)
    never = datetime.max.replace(tzinfo=timezone.utc)
    flag = next((f for f in flags if f.article_id == first_id), None) or min(
        flags, key=lambda f: (f.article.published_at or never, f.article_id))
    entry = _entry(flag, zone)
    outlets = [first_outlet]
    languages: list[str] = []
    carried = []
    for article in members:
        languages.append(article.language)
        outlets.append(article.outlet.name)
        if article.id != flag.article_id:
            carried.append((article.outlet.name, article.url))
        for copy in article.copies:
            outlets.append(copy.outlet.name)
            carried.append((copy.outlet.name, copy.url))
    return replace(
        entry,
        also_carried_by=tuple(carried),
        story_id=key if not isinstance(key, tuple) else None,
        first_outlet_name=first_outlet,
        first_published_at=first_at.astimezone(zone) if first_at else None,
        outlets=tuple(dict.fromkeys(outlets)),
        languages=tuple(dict.fromkeys(languages)),
    )


def _entry(flag: NarrativeFlag, zone: ZoneInfo) -> DigestEntry:
    article = flag.article
    title = article.title or article.text[:TITLE_FALLBACK_CHARS].rsplit(" ", 1)[0] + "…"
    return DigestEntry(
        article_id=article.id,
        title=title,
        outlet_key=article.outlet.key,
        outlet_name=article.outlet.name,
        language=article.language,
        published_at=article.published_at.astimezone(zone) if article.published_at else None,
        first_seen_at=article.first_seen_at.astimezone(zone),
        url=article.url,
        stance=flag.stance,
        sentence=flag.sentence,
        fragments=mark_sentence(flag.sentence, _evidence_spans(flag)),
        matched_terms=tuple(flag.matched_terms),
        branch=flag.branch,
        also_carried_by=tuple((copy.outlet.name, copy.url) for copy in article.copies),
    )


def build_digest(
    session: Session,
    day: date,
    tz: str = "Europe/Kyiv",
    narratives: list[tuple[str, str]] | None = None,
) -> Digest:
    """Flags on articles first seen on `day` (local to `tz`), grouped by narrative and, within
    a narrative, by story (one entry per story, whichever of its articles is flagged); flags
    reviewed as false positives are left out.

    `narratives` lists (id, title) pairs to show even when nothing was flagged."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
    flags = session.scalars(
        select(NarrativeFlag)
        .join(Article)
        .where(Article.first_seen_at >= start, Article.first_seen_at < end)
        # An analyst's "false positive" takes the flag out of every later digest.
        .where(NarrativeFlag.review_state.is_distinct_from("false_positive"))
        .options(
            selectinload(NarrativeFlag.article).selectinload(Article.outlet),
            selectinload(NarrativeFlag.article).selectinload(Article.copies),
        )
        .order_by(NarrativeFlag.narrative_id, Article.published_at.desc(), Article.id)
    ).all()
    titles = dict(narratives or [])
    members = _members(session, list(flags))
    by_story: dict[str, dict[object, list[NarrativeFlag]]] = {}
    for flag in flags:
        by_story.setdefault(flag.narrative_id, {}).setdefault(
            _story_key(flag.article), []).append(flag)
    grouped: dict[str, list[DigestEntry]] = {narrative_id: [] for narrative_id in titles}
    for narrative_id, stories in by_story.items():
        grouped.setdefault(narrative_id, []).extend(
            _story_entry(session, key, story_flags, members[key], zone)
            for key, story_flags in stories.items()
        )
    sections = tuple(
        NarrativeSection(narrative_id, titles.get(narrative_id, narrative_id), tuple(entries))
        for narrative_id, entries in grouped.items()
    )
    return Digest(day, tz, datetime.now(timezone.utc).astimezone(zone), sections)


_ENVIRONMENT = Environment(
    loader=PackageLoader("monitor", "templates"),
    # Article text is untrusted web content: escape it in every HTML output.
    autoescape=select_autoescape(["html", "html.j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    # Collapse line breaks (they would end a list item) but keep edge spaces between fragments.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


_ENVIRONMENT.filters["md"] = _md


def _json_default(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def render_digest(digest: Digest, fmt: str) -> str:
    """The digest as 'html', 'md' or 'json' text."""
    if fmt == "json":
        payload = asdict(digest) | {"counts": digest.counts}
        return json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default)
    if fmt not in FORMATS:
        raise ValueError(f"unknown digest format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return _ENVIRONMENT.get_template(f"digest.{fmt}.j2").render(digest=digest)


def write_digest(digest: Digest, fmt: str, out: Path) -> Path:
    """Render and write the digest; returns the path written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_digest(digest, fmt), encoding="utf-8")
    return out
