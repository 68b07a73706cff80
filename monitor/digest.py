"""The daily digest: flagged articles first seen on a day, grouped by narrative."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from monitor.storage.models import Article, NarrativeFlag

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
    """Flags on articles first seen on `day` (local to `tz`), grouped by narrative; flags
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
    grouped: dict[str, list[DigestEntry]] = {narrative_id: [] for narrative_id in titles}
    for flag in flags:
        grouped.setdefault(flag.narrative_id, []).append(_entry(flag, zone))
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
