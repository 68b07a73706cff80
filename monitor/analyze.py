"""`monitor analyze`: extract, detect language and flag inputs without storing anything."""

from __future__ import annotations

import json
import sys
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from monitor.extraction import Extracted, ExtractionFailed, extract, extract_path
from monitor.language import detect_language

MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 20


def _load(source: str) -> Extracted:
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": "news-monitor/0.1"})
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            body = response.read(MAX_DOWNLOAD_BYTES + 1)
            if len(body) > MAX_DOWNLOAD_BYTES:
                raise ExtractionFailed(f"page larger than {MAX_DOWNLOAD_BYTES} bytes")
            return extract(body, response.geturl(), encoding=response.headers.get_content_charset())
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {source}")
    return extract_path(path)


def analyze_inputs(sources: Iterable[str], *, as_json: bool, narratives_path: str | None) -> int:
    """Print one result per input (a JSON line each with --json); exit 1 if any input failed."""
    from monitor.narratives import load_watchlist

    watchlist = load_watchlist(narratives_path)
    failed = 0
    for source in sources:
        try:
            extracted = _load(source)
        except (OSError, ExtractionFailed, ValueError) as exc:
            failed += 1
            print(f"monitor analyze: {source}: {exc}", file=sys.stderr)
            continue
        language = detect_language(extracted.text)
        flags = watchlist.match(extracted.text, language, title=extracted.title)
        if as_json:
            print(json.dumps(
                {
                    "source": source,
                    "title": extracted.title,
                    "text": extracted.text,
                    "language": language,
                    "published_at": extracted.published_at.isoformat() if extracted.published_at else None,
                    "author": extracted.author,
                    "canonical_url": extracted.canonical_url,
                    "flags": [
                        {
                            "narrative": flag.narrative_id,
                            "stance": flag.stance,
                            "evidence": flag.sentence,
                            "matched_terms": list(flag.matched_terms),
                            "branch": flag.branch,
                        }
                        for flag in flags
                    ],
                },
                ensure_ascii=False,
            ))
            continue
        print(f"== {source}")
        print(f"title: {extracted.title or '(none)'}")
        print(f"language: {language}   published: {extracted.published_at or 'unknown'}")
        for flag in flags:
            print(f"FLAG {flag.narrative_id} [{flag.stance}]: {flag.sentence}")
        if not flags:
            print("no narrative flagged")
        print(extracted.text[:400] + ("…" if len(extracted.text) > 400 else ""))
        print()
    return 1 if failed else 0
