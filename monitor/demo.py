"""`monitor demo`: serve the bundled replica on 127.0.0.1, crawl it, write the digest."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from monitor.catalog import load_catalog
from monitor.crawl import run_crawl
from monitor.replica import render_catalog, serve_replica
from monitor.report import print_run_summary, write_day_digest

LOGGER = logging.getLogger(__name__)
# Loopback answers in microseconds; AutoThrottle's 1 s start delay would only slow the demo.
DEMO_SETTINGS = {"AUTOTHROTTLE_START_DELAY": 0.05, "LOGSTATS_INTERVAL": 10}


def run_demo(workdir: Path, timezone_name: str = "Europe/Kyiv") -> int:
    """Crawl the replica into a fresh database under `workdir` and write today's digest."""
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "demo.sqlite"
    for stale in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        stale.unlink(missing_ok=True)
    database_url = f"sqlite:///{database}"
    catalog_path = workdir / "outlets.yaml"
    with serve_replica() as base_url:
        LOGGER.info("replica served at %s", base_url)
        catalog_path.write_text(render_catalog(base_url), encoding="utf-8")
        keys = list(load_catalog(catalog_path).keys())
        run_crawl(keys, catalog_path=catalog_path, database_url=database_url, overrides=DEMO_SETTINGS)
    status = print_run_summary(database_url, keys)
    day = datetime.now(ZoneInfo(timezone_name)).date()
    outputs = {}
    for fmt in ("html", "md", "json"):
        out = workdir / f"digest-{day.isoformat()}.{fmt}"
        digest = write_day_digest(database_url, day, timezone_name, fmt, out)
        outputs[fmt] = out
    print(f"\nDigest for {day}: {digest.flagged_articles} flagged article(s)")
    for section in digest.sections:
        print(f"  {section.narrative_id:30} {len(section.entries)}")
        for entry in section.entries:
            stance = "DEBUNK " if entry.stance == "debunk" else ""
            print(f"    - {stance}{entry.title[:90]} ({entry.outlet_name})")
    print(f"\nDigest written to {outputs['html']}")
    print(f"(also {outputs['md'].name} and {outputs['json'].name}; database {database})")
    return status
