"""What the commands print: crawl summaries, outlet status, and the day's digest file."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from monitor.digest import Digest, build_digest, write_digest
from monitor.storage.db import open_database
from monitor.storage.store import Store

NOTHING = "!! NO ARTICLES"


def _run_line(key: str, run) -> str:
    if run is None:
        return f"{key:26} never crawled"
    mark = NOTHING if run.articles_found == 0 else ""
    return (
        f"{key:26} {run.started_at:%Y-%m-%d %H:%M}Z  fetched {run.pages_fetched:4}  "
        f"found {run.articles_found:4}  new {run.articles_new:4}  dup {run.articles_duplicate:3}  "
        f"failed {run.extraction_failures:3}  errors {run.errors:3}  {run.finish_reason or '':10} {mark}"
    )


def _print_problems(run, limit: int = 3) -> None:
    for problem in (run.problems or [])[:limit]:
        print(f"{'':28}{problem['kind']}: {problem['url']} ({problem['reason']})")


def print_run_summary(database_url: str, keys: Iterable[str]) -> int:
    """Print the run just finished for each outlet; exit code 1 if any outlet yielded nothing."""
    wanted = set(keys)
    rows = [(o, r) for o, r in Store(open_database(database_url)).last_runs() if o.key in wanted]
    silent = [outlet.key for outlet, run in rows if run is None or run.articles_found == 0]
    print("\nCrawl summary")
    for outlet, run in rows:
        print(_run_line(outlet.key, run))
        if run is not None and run.articles_found == 0:
            _print_problems(run)
    if silent:
        print(f"\n{len(silent)} outlet(s) yielded no article: {', '.join(silent)}")
        print("Check network access, the outlet's feeds and sitemaps, and its article_url_pattern.")
        return 1
    return 0


def print_status(database_url: str) -> int:
    """The last run of every outlet known to the database, silent outlets marked."""
    rows = Store(open_database(database_url)).last_runs()
    if not rows:
        print("No outlet has been crawled yet (run `monitor crawl` or `monitor demo`).")
        return 0
    for outlet, run in rows:
        print(_run_line(outlet.key, run))
    silent = [o.key for o, r in rows if r is not None and r.articles_found == 0]
    if silent:
        print(f"\n{len(silent)} outlet(s) yielded no article on their last run: {', '.join(silent)}")
    return 0


def write_day_digest(
    database_url: str,
    day: date,
    tz: str,
    fmt: str,
    out: Path,
    narratives_path: str | None = None,
) -> Digest:
    """Build the digest of `day` from the database and write it to `out`."""
    from monitor.narratives import load_watchlist

    watchlist = load_watchlist(narratives_path)
    sessions = open_database(database_url)
    with sessions() as session:
        digest = build_digest(
            session, day, tz, narratives=[(n.id, n.title) for n in watchlist.narratives]
        )
    write_digest(digest, fmt, out)
    return digest
