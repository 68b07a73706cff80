"""The item that travels from the spider through the pipelines to storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.extraction import Extracted
    from monitor.narratives import Flag


@dataclass(repr=False)
class ArticleItem:
    """A fetched article page; each pipeline stage fills in its own fields."""

    outlet_key: str
    url: str
    html: bytes
    encoding: str | None = None
    discovered_via: str | None = None
    feed_published_at: datetime | None = None
    feed_title: str | None = None
    extracted: Extracted | None = None
    canonical_url: str | None = None
    content_hash: str | None = None
    language: str | None = None
    flags: list[Flag] = field(default_factory=list)

    def __repr__(self) -> str:
        # Scrapy logs dropped items; the raw HTML would flood the log.
        return f"<ArticleItem {self.outlet_key} {self.url} ({len(self.html)} bytes)>"
