"""`monitor`: the one command-line entry point. Thin: parse arguments, call the modules."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor import settings as project_settings
from monitor.catalog import CatalogError, load_catalog
from monitor.narratives import WatchlistError
from monitor.storage.db import default_database_url

LOGGER = logging.getLogger("monitor")


class UserError(Exception):
    """An error the user can act on: printed as one line, exit code 2."""


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"unknown time zone {name!r} (expected e.g. Europe/Kyiv)") from None
    return name


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from None


def _catalog_path(args: argparse.Namespace) -> Path | None:
    return Path(args.outlets) if getattr(args, "outlets", None) else None


def cmd_outlets_list(args: argparse.Namespace) -> int:
    catalog = load_catalog(_catalog_path(args))
    for outlet in catalog:
        sources = outlet.sources
        print(
            f"{outlet.key:24} {outlet.country}  {','.join(outlet.languages):8} "
            f"{len(sources.feeds)} feed(s) {len(sources.news_sitemaps) + len(sources.sitemaps)} "
            f"sitemap(s) {len(sources.listings)} listing(s)  every {outlet.crawl_interval} min  "
            f"{outlet.name}"
        )
    print(f"{len(catalog)} outlets")
    return 0


def cmd_narratives_list(args: argparse.Namespace) -> int:
    from monitor.narratives import load_watchlist

    watchlist = load_watchlist(args.narratives)
    for narrative in watchlist.narratives:
        print(f"{narrative.id:30} v{narrative.version}  {narrative.title}")
    return 0


def _watchlist_for(args: argparse.Namespace):
    from monitor.narratives import WatchlistError, load_watchlist

    try:
        return load_watchlist(args.narratives)
    except WatchlistError as exc:
        raise UserError(str(exc)) from None


def _since(args: argparse.Namespace) -> datetime | None:
    return datetime.combine(args.since, time(0), UTC) if args.since else None


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def cmd_narratives_test(args: argparse.Namespace) -> int:
    from monitor.extraction import ExtractionFailed
    from monitor.narratives.commands import evaluate_file, evaluate_text, format_verdict

    watchlist = _watchlist_for(args)
    if args.text is not None:
        verdict = evaluate_text(watchlist, args.id, args.text, title=args.title,
                                language=args.language)
    else:
        try:
            verdict = evaluate_file(watchlist, args.id, args.file, language=args.language)
        except (OSError, ExtractionFailed, ValueError) as exc:
            raise UserError(f"{args.file}: {getattr(exc, 'strerror', None) or exc}") from None
    print(format_verdict(verdict, color=_color()))
    return 0 if verdict.flag else 1


def cmd_narratives_backtest(args: argparse.Namespace) -> int:
    from monitor.narratives.commands import backtest, format_backtest
    from monitor.storage.db import open_database
    from monitor.storage.store import Store

    watchlist = _watchlist_for(args)
    store = Store(open_database(args.database))
    report = backtest(store, watchlist, args.id, since=_since(args), sample_size=args.sample)
    print(format_backtest(report, color=_color()))
    return 0


def cmd_reflag(args: argparse.Namespace) -> int:
    from monitor.narratives.commands import format_reflag, reflag
    from monitor.storage.db import open_database
    from monitor.storage.store import Store

    watchlist = _watchlist_for(args)
    store = Store(open_database(args.database))
    report = reflag(store, watchlist, since=_since(args), narrative_id=args.narrative,
                    force=args.force)
    print(format_reflag(report))
    return 0


def cmd_crawl(args: argparse.Namespace) -> int:
    from monitor.crawl import run_crawl
    from monitor.report import print_run_summary

    catalog = load_catalog(_catalog_path(args))
    keys = args.keys or list(catalog.keys())
    for key in keys:
        catalog.get(key)  # unknown keys fail before anything starts
    LOGGER.info("crawling %d outlet(s): %s", len(keys), ", ".join(keys))
    overrides = None
    if args.max_articles is not None:
        overrides = {"CRAWL_MAX_ARTICLES_PER_RUN": args.max_articles}
    run_crawl(keys, catalog_path=_catalog_path(args), database_url=args.database,
              overrides=overrides)
    return print_run_summary(args.database, keys)


def cmd_status(args: argparse.Namespace) -> int:
    from monitor.report import print_status

    return print_status(args.database)


def cmd_digest(args: argparse.Namespace) -> int:
    from monitor.report import write_day_digest

    zone = _zone(args.timezone)
    day = args.date or datetime.now(ZoneInfo(zone)).date()
    out = Path(args.out) if args.out else Path(f"digest-{day.isoformat()}.{args.format}")
    digest = write_day_digest(args.database, day, args.timezone, args.format, out, args.narratives)
    print(f"{digest.flagged_articles} flagged article(s) on {day}; digest written to {out}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from monitor.analyze import analyze_inputs

    return analyze_inputs(args.inputs, as_json=args.json, narratives_path=args.narratives)


def cmd_outlets_add(args: argparse.Namespace) -> int:
    from monitor.onboarding import add_outlet

    return add_outlet(
        args.url, key=args.key, language=args.language, country=args.country,
        catalog_path=_catalog_path(args),
        write=not args.dry_run,
    )


def cmd_outlets_check(args: argparse.Namespace) -> int:
    from monitor.onboarding import check_outlet

    return check_outlet(
        args.key, catalog_path=_catalog_path(args), limit=args.limit,
        narratives_path=args.narratives,
    )


def cmd_bench(args: argparse.Namespace) -> int:
    import importlib

    # Benchmarks live in monitor/bench/<name>.py, each with run(args) -> exit code.
    return importlib.import_module(f"monitor.bench.{args.bench_name}").run(args)


def cmd_demo(args: argparse.Namespace) -> int:
    from monitor.demo import run_demo

    return run_demo(Path(args.workdir), timezone_name=_zone(args.timezone))


BANNER_LOGGERS = ("alembic", "scrapy.utils.log", "scrapy.middleware", "scrapy.crawler", "scrapy.addons")


def _quiet_banners(record: logging.LogRecord) -> bool:
    # Scrapy's start-up banners (versions, middleware lists) bury the progress lines. A
    # filter, not logger levels: Scrapy's dictConfig resets its child loggers at each crawl.
    return record.levelno >= logging.WARNING or not record.name.startswith(BANNER_LOGGERS)


def configure_logging(level: int | str) -> None:
    """One handler on stderr; its level (not the loggers') filters, because Scrapy sets its
    own loggers to DEBUG when a crawl starts."""
    handler = logging.StreamHandler()
    handler.setLevel(level)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    )
    logging.basicConfig(level=level, handlers=[handler])
    if logging.getLevelName(level) != "DEBUG":
        handler.addFilter(_quiet_banners)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="Crawl Ukrainian and Kazakh outlets, flag watched narratives, write digests.",
    )
    parser.add_argument(
        "--database",
        default=default_database_url(),
        help="SQLAlchemy URL (default: $MONITOR_DATABASE_URL or a SQLite file under ./data)",
    )
    parser.add_argument(
        "--narratives", default=None, help="watchlist YAML (default: config/narratives.yaml)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="crawl the bundled offline replica and write a digest")
    demo.add_argument("--workdir", default="data/demo", help="where the demo database and digest go")
    demo.add_argument("--timezone", default=project_settings.DIGEST_TIMEZONE)
    demo.set_defaults(func=cmd_demo)

    crawl = commands.add_parser("crawl", help="crawl outlets now (all, or the KEYs given)")
    crawl.add_argument("keys", nargs="*", metavar="KEY", help="outlet keys (default: all)")
    crawl.add_argument("--outlets", help="outlet catalog YAML (default: config/outlets.yaml)")
    crawl.add_argument("--max-articles", type=int, metavar="N",
                       help="download at most N articles per outlet in this run (default: 300)")
    crawl.set_defaults(func=cmd_crawl)

    digest = commands.add_parser("digest", help="write the digest of one day's flagged articles")
    digest.add_argument("--date", type=_day, help="YYYY-MM-DD (default: today)")
    digest.add_argument("--format", choices=("html", "md", "json"), default="html")
    digest.add_argument("--out", help="output path (default: digest-DATE.FORMAT)")
    digest.add_argument("--timezone", default=project_settings.DIGEST_TIMEZONE)
    digest.set_defaults(func=cmd_digest)

    analyze = commands.add_parser(
        "analyze", help="extract, detect language and flag inputs without storing them"
    )
    analyze.add_argument("inputs", nargs="+", metavar="PATH_OR_URL", help=".html, .html.gz, .txt or URL")
    analyze.add_argument("--json", action="store_true", help="one JSON object per input")
    analyze.set_defaults(func=cmd_analyze)

    outlets = commands.add_parser("outlets", help="the outlet catalog")
    outlet_commands = outlets.add_subparsers(dest="outlets_command", required=True, metavar="ACTION")
    outlets_list = outlet_commands.add_parser("list", help="list the catalog's outlets")
    outlets_list.add_argument("--outlets", help="outlet catalog YAML (default: config/outlets.yaml)")
    outlets_list.set_defaults(func=cmd_outlets_list)
    outlets_add = outlet_commands.add_parser(
        "add", help="discover a site's feeds and sitemaps and write a catalog entry"
    )
    outlets_add.add_argument("url", help="the outlet's homepage")
    outlets_add.add_argument("--key", help="catalog key (default: derived from the domain)")
    outlets_add.add_argument("--language", help="ISO 639-1 code(s), comma-separated (default: detected)")
    outlets_add.add_argument("--country", help="ISO 3166 code, e.g. UA or KZ (default: from the domain)")
    outlets_add.add_argument("--outlets", help="catalog YAML to add to (default: config/outlets.yaml)")
    outlets_add.add_argument("--dry-run", action="store_true", help="print the entry, write nothing")
    outlets_add.set_defaults(func=cmd_outlets_add)
    outlets_check = outlet_commands.add_parser(
        "check", help="fetch a few fresh articles of an outlet and show what would be stored"
    )
    outlets_check.add_argument("key", help="catalog key")
    outlets_check.add_argument("--limit", type=int, default=3, help="articles to fetch (default 3)")
    outlets_check.add_argument("--outlets", help="outlet catalog YAML (default: config/outlets.yaml)")
    outlets_check.set_defaults(func=cmd_outlets_check)

    narratives = commands.add_parser("narratives", help="the narrative watchlist")
    narrative_commands = narratives.add_subparsers(
        dest="narratives_command", required=True, metavar="ACTION"
    )
    narrative_commands.add_parser("list", help="list watched narratives").set_defaults(
        func=cmd_narratives_list
    )
    narratives_test = narrative_commands.add_parser(
        "test",
        help="run one narrative over a text or file and show why it fired",
        description="Print the verdict (FLAGGED / not flagged), stance, the branch of the query "
        "that fired, the definition's version and the evidence sentences with the matched words "
        "highlighted (bold on a terminal, [[brackets]] otherwise). Needs no database. "
        "Exit code 0 if flagged, 1 if not.",
    )
    narratives_test.add_argument("id", help="narrative id (see `monitor narratives list`)")
    test_input = narratives_test.add_mutually_exclusive_group(required=True)
    test_input.add_argument("--text", help="the text to test")
    test_input.add_argument("--file", help="a .txt, .html or .html.gz article")
    narratives_test.add_argument("--title", help="a title to go with --text (matched as a title)")
    narratives_test.add_argument("--language", help="ISO 639-1 code (default: detected)")
    narratives_test.set_defaults(func=cmd_narratives_test)
    narratives_backtest = narrative_commands.add_parser(
        "backtest",
        help="what a new or edited narrative would flag in the stored archive (writes nothing)",
        description="Run narrative ID of the watchlist given by --narratives (typically an "
        "edited copy: `monitor --narratives edited.yaml narratives backtest ID`) over the "
        "stored articles, writing nothing. Prints how many it would flag per outlet and "
        "language, the stance split, how that compares with the flags stored now (same / new / "
        "lost, and what happens to reviewed ones), and a sample of flagged articles.",
    )
    narratives_backtest.add_argument("id", help="narrative id in the --narratives watchlist")
    narratives_backtest.add_argument("--since", type=_day, metavar="DATE",
                                     help="only articles first seen on or after DATE "
                                     "(YYYY-MM-DD, UTC)")
    narratives_backtest.add_argument("--sample", type=int, default=5, metavar="N",
                                     help="flagged articles to show (default 5)")
    narratives_backtest.set_defaults(func=cmd_narratives_backtest)

    bench = commands.add_parser("bench", help="benchmarks that print their figure and reference")
    bench_commands = bench.add_subparsers(dest="bench_name", required=True, metavar="BENCHMARK")
    bench_extraction = bench_commands.add_parser(
        "extraction", help="word-level F1 against ground truth, beside bare trafilatura"
    )
    bench_extraction.add_argument("--aeb", required=True, help="article-extraction-benchmark folder")
    bench_extraction.add_argument("--pages", help="folder of Cyrillic pages with expected snippets")
    bench_extraction.add_argument("--limit", type=int, help="only the first N pages")
    bench_extraction.set_defaults(func=cmd_bench)
    bench_language = bench_commands.add_parser(
        "language", help="accuracy per language on the bundled labelled set"
    )
    bench_language.add_argument("--data", help="labelled set (default: the bundled one)")
    bench_language.set_defaults(func=cmd_bench)
    bench_narratives = bench_commands.add_parser(
        "narratives", help="precision, recall and stance per narrative and language; speed"
    )
    bench_narratives.add_argument("--data", help="labelled set (default: the bundled one)")
    bench_narratives.add_argument("--articles", type=int, default=200,
                                  help="synthetic 600-word articles for the speed figure")
    bench_narratives.set_defaults(func=cmd_bench)
    bench_feeds = bench_commands.add_parser(
        "feeds", help="parse feeds in legacy encodings and check their Cyrillic titles"
    )
    bench_feeds.add_argument("dirs", nargs="+", metavar="DIR", help="folders of feed files")
    bench_feeds.set_defaults(func=cmd_bench)
    bench_dedup = bench_commands.add_parser(
        "dedup", help="story clustering on a generated corpus: pair precision/recall, sweeps"
    )
    bench_dedup.add_argument("--stories", type=int, default=300,
                             help="stories per language (default 300: about 2,200 articles)")
    bench_dedup.add_argument("--seed", type=int, default=20240601, help="corpus seed")
    bench_dedup.add_argument("--threshold", type=float,
                             help="similarity threshold to gate (default: the shipped setting)")
    bench_dedup.set_defaults(func=cmd_bench)

    reflag = commands.add_parser(
        "reflag",
        help="re-evaluate stored articles after the watchlist changed",
        description="Run the current watchlist over stored articles. A flag made by an older "
        "version of its narrative gets the new evidence, stance, branch and version, or is "
        "removed when the narrative no longer matches; new matches are added; flags of the "
        "current version are left alone. Reviewed verdicts are kept: an updated flag keeps its "
        "review, and a reviewed flag the narrative no longer matches is kept with its old "
        "evidence and version and marked superseded. Flags of narratives not in the watchlist "
        "are not touched. Commits every 500 articles; running it twice changes nothing.",
    )
    reflag.add_argument("--since", type=_day, metavar="DATE",
                        help="only articles first seen on or after DATE (YYYY-MM-DD, UTC)")
    reflag.add_argument("--narrative", metavar="ID", help="only this narrative (default: all)")
    reflag.add_argument("--force", action="store_true",
                        help="also re-evaluate flags of the current version (after a matcher "
                        "change that left the definitions as they were)")
    reflag.set_defaults(func=cmd_reflag)

    status = commands.add_parser("status", help="last crawl run of every outlet")
    status.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(logging.DEBUG if args.verbose else os.environ.get("MONITOR_LOG_LEVEL", "INFO"))
    try:
        return args.func(args)
    except (UserError, CatalogError, WatchlistError) as exc:
        print(f"monitor: error: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"monitor: error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
