"""Onboarding an outlet: `monitor outlets add` discovers a site's feeds and sitemaps, guesses its
article-URL pattern and appends a validated catalog entry; `monitor outlets check` crawls a few
of its articles into a scratch database and shows what would be stored."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from monitor import settings as project_settings
from monitor.catalog import (CATALOG_PATH_ENV, DEFAULT_CATALOG_PATH, PROJECT_ROOT, CatalogError,
                             Outlet, load_catalog, parse_catalog)
from monitor.extraction import ExtractionFailed, extract
from monitor.language import detect_language
from monitor.site_discovery import (DiscoveryError, Fetcher, Site, discover_site, is_ip,
                                    registrable_domain)
from monitor.storage import models
from monitor.storage.db import open_database
from monitor.url_patterns import MIN_COVERAGE, guess_pattern

LOGGER = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 300
COUNTRY_BY_TLD = {"ua": "UA", "xn--j1amh": "UA", "kz": "KZ", "xn--80ao21a": "KZ"}
COUNTRY_BY_LANGUAGE = {"uk": "UA", "kk": "KZ"}
MONITORED_LANGUAGES = ("uk", "ru", "kk", "en")
GUIDE = "docs/adding-an-outlet.md"
_KEY = re.compile(r"[a-z][a-z0-9-]*")


class OnboardingError(Exception):
    """A problem the user can act on; exit_code 2 for bad input, 1 for a site we cannot use."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def derive_key(host: str) -> str:
    """Catalog key from a host: tengrinews.kz -> tengrinews, kaz.tengrinews.kz -> tengrinews-kaz."""
    if is_ip(host):
        raise OnboardingError(f"{host} is an IP address; pass --key to name the outlet", 2)
    domain = registrable_domain(host)
    subdomains = [part for part in host[: -len(domain)].split(".") if part not in ("", "www", "m")]
    key = re.sub(r"[^a-z0-9-]+", "-", "-".join([domain.split(".")[0], *reversed(subdomains)]))
    if not _KEY.fullmatch(key):
        raise OnboardingError(f"cannot make a catalog key from {host!r} (got {key!r}); "
                              "pass --key", 2)
    return key


# --- outlets add --------------------------------------------------------------------------


def add_outlet(url: str, *, key: str | None = None, language: str | None = None,
               catalog_path: str | Path | None = None, write: bool = True,
               country: str | None = None) -> int:
    """Discover the site at url and append its entry to the catalog (print only unless write).

    Exit code 0 when the entry is valid, 1 when the site offers nothing usable, 2 for bad input."""
    try:
        return _add(url, key, language, country, _catalog_file(catalog_path), write)
    except OnboardingError as exc:
        print(f"monitor outlets add: {exc}", file=sys.stderr)
        return exc.exit_code


def _add(url: str, key: str | None, language: str | None, country: str | None, path: Path,
         write: bool) -> int:
    parts = urlsplit(url if re.match(r"https?://", url) else f"https://{url}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise OnboardingError(f"expected the outlet's homepage URL, got {url!r}", 2)
    text = path.read_bytes().decode("utf-8") if path.exists() else ""
    try:
        existing = parse_catalog(text, str(path)).outlets if text.strip() else ()
    except CatalogError as exc:
        raise OnboardingError(f"fix the catalog before adding to it:\n{exc}", 2) from None
    key = key or derive_key(host)
    if not _KEY.fullmatch(key):
        raise OnboardingError(f"--key {key!r}: expected lower-case letters, digits and '-'", 2)
    if clash := next((o for o in existing if o.key == key), None):
        raise OnboardingError(f"{path}: outlet {key!r} already exists ({clash.homepage}); "
                              "pass another --key, or edit that entry", 2)
    # One outlet per domain: a second one would claim the first one's articles.
    edition = _domain_taken(registrable_domain(host), existing)
    if edition and write:
        raise OnboardingError(f"{edition}. With --dry-run you can still see what {host} offers.", 2)

    fetcher = Fetcher()
    try:
        site = discover_site(f"{parts.scheme}://{parts.netloc}{parts.path or '/'}", fetcher)
    except DiscoveryError as exc:
        raise OnboardingError(str(exc)) from None
    articles = site.article_urls()
    if not articles:
        tried = "\n".join(f"  {line}" for line in fetcher.tried)
        raise OnboardingError(f"no feed, sitemap or article link found for {site.homepage}. "
                              f"Tried:\n{tried}\nTo write the entry by hand, see {GUIDE}")
    pattern, coverage = guess_pattern(articles, site.listing_urls(articles))
    if pattern is None or coverage < MIN_COVERAGE:
        sample = "\n".join(f"  {u}" for u in articles[:8])
        raise OnboardingError(
            f"no article-URL pattern fits {MIN_COVERAGE:.0%} of the {len(articles)} article links "
            f"found (best: {pattern!r}, {coverage:.0%}). Links:\n{sample}\n"
            f"To write the entry by hand, see {GUIDE}")
    if language:
        languages = [code.strip().lower() for code in language.split(",") if code.strip()]
        language_source = "as given"
    else:
        languages, language_source = _languages(fetcher, site, articles, pattern)
    if not languages:
        raise OnboardingError(f"cannot tell the language of {site.homepage}; "
                              "pass --language (e.g. uk, or ru,kk)")

    entry = {"key": key, "name": site.name or host,
             "country": (country or _country(host, languages)).upper(),
             "homepage": site.homepage, "allowed_domains": [site.domain], "languages": languages,
             "sources": _sources(site), "article_url_pattern": pattern,
             # Kept in the entry, the catalog re-checks the pattern against them at every load.
             "example_articles": [u for u in articles if re.search(pattern, u)][:2],
             "crawl_interval": 60,
             "notes": f"Added by monitor outlets add on {date.today().isoformat()}; "
                      f"review the pattern and run monitor outlets check {key}."}
    new_text = _append_entry(text, _entry_lines(entry))
    try:
        parse_catalog(new_text, str(path))
    except CatalogError as exc:
        raise OnboardingError(f"the new entry does not validate, nothing written:\n{exc}") from None
    _print_findings(site, entry, articles, coverage, language_source)
    if edition:
        print(f"Note          {edition}")
    print("\n" + "\n".join(_entry_lines(entry)) + "\n")
    if not write:
        print(f"Dry run: nothing written. Without --dry-run this entry is appended to {path}.")
        return 0
    _write_atomically(path, text, new_text)
    print(f"Added {key!r} to {path}. Next: monitor outlets check {key}")
    return 0


def _domain_taken(domain: str, existing: tuple[Outlet, ...]) -> str | None:
    owners = [outlet.key for outlet in existing if any(
        d == domain or d.endswith("." + domain) or domain.endswith("." + d)
        for d in outlet.allowed_domains)]
    if not owners:
        return None
    return (f"{domain} belongs to outlet {', '.join(map(repr, owners))} already; a language "
            f"edition goes into that entry (its feeds and its language), see {GUIDE}")


def _languages(fetcher: Fetcher, site: Site, articles: list[str],
               pattern: str) -> tuple[list[str], str]:
    """Languages of the outlet (majority first; others with a quarter of the headlines) and
    what they were read from: the headlines of feeds and news sitemaps, else two articles."""
    texts = [e.title for e in (*site.entries.values(), *site.sitemap_entries.values()) if e.title]
    source = f"detected from {len(texts)} headlines"
    if len(texts) < 3:
        matching = [url for url in articles if re.search(pattern, url)]
        texts, source = [], "detected from 2 article pages"
        for url in dict.fromkeys(matching[:1] + matching[-1:]):  # first and last: two editions?
            if page := fetcher.get(url):
                try:
                    texts.append(extract(page.body, page.url, encoding=page.charset).text)
                except ExtractionFailed as exc:
                    fetcher.note(url, f"article not extracted ({exc})")
    majority = detect_language("\n".join(texts))
    if majority == "und":
        if site.html_lang:
            return [site.html_lang], "from the homepage's lang attribute"
        return [], source
    counts = Counter(detect_language(text) for text in texts)
    others = [lang for lang, n in counts.most_common() if lang != majority
              and lang in MONITORED_LANGUAGES and n >= max(2, len(texts) / 4)]
    return [majority, *others], source


def _country(host: str, languages: list[str]) -> str:
    country = COUNTRY_BY_TLD.get(host.rsplit(".", 1)[-1]) or next(
        (COUNTRY_BY_LANGUAGE[lang] for lang in languages if lang in COUNTRY_BY_LANGUAGE), None)
    if country is None:
        raise OnboardingError(f"cannot tell the country of {host} from its domain or languages "
                              f"({', '.join(languages)}); pass --country (e.g. UA or KZ)", 2)
    return country


def _sources(site: Site) -> dict[str, list[str]]:
    """The entry's sources: feeds, news sitemaps, the homepage as a listing. A whole-site
    sitemap is mostly archive, so it is used only when there is nothing fresher."""
    sources = {"feeds": list(site.feeds), "news_sitemaps": list(site.news_sitemaps),
               "sitemaps": [] if site.feeds or site.news_sitemaps else list(site.sitemaps),
               "listings": [site.homepage]}
    return {kind: urls for kind, urls in sources.items() if urls}


def _print_findings(site: Site, entry: dict, articles: list[str], coverage: float,
                    language_source: str) -> None:
    pattern = entry["article_url_pattern"]
    matched = [url for url in articles if re.search(pattern, url)]
    print(f"Outlet        {entry['name']}; languages {', '.join(entry['languages'])} "
          f"({language_source})")
    for kind, found in (("Feeds", site.feeds), ("News sitemaps", site.news_sitemaps),
                        ("Sitemaps", site.sitemaps)):
        listed = "; ".join(f"{url} ({n} article links)" for url, n in found.items())
        print(f"{kind:13} {listed or 'none found'}")
    print(f"Pattern       {pattern}\n              matches {len(matched)} of {len(articles)} "
          f"article links ({coverage:.0%}) and none of the homepage, section and feed URLs, e.g.")
    for url in matched[:3]:
        print(f"                {url}")
    for url in [url for url in articles if url not in matched][:3]:
        print(f"  not matched:  {url}")


# --- the catalog file ---------------------------------------------------------------------


def _catalog_file(catalog_path: str | Path | None) -> Path:
    return Path(catalog_path or os.environ.get(CATALOG_PATH_ENV) or DEFAULT_CATALOG_PATH)


def _scalar(value: str, flow: bool = False) -> str:
    """value as a YAML scalar: plain when that reads back the same, else single-quoted."""
    document, expected = (f"x: [{value}]", [value]) if flow else (f"x: {value}", value)
    try:
        if yaml.safe_load(document) == {"x": expected}:
            return value
    except yaml.YAMLError:
        pass
    return "'" + value.replace("'", "''") + "'"


def _entry_lines(entry: dict) -> list[str]:
    """The entry as YAML lines in the catalog's style, relative to the entry's '- '."""
    lines = []
    for name, value in entry.items():
        if isinstance(value, dict):
            lines.append(f"{name}:")
            for kind, urls in value.items():
                lines += [f"  {kind}:", *(f"    - {_scalar(url)}" for url in urls)]
        elif isinstance(value, list):
            lines.append(f"{name}: [{', '.join(_scalar(v, flow=True) for v in value)}]")
        elif name == "article_url_pattern":
            lines.append(f"{name}: '{value}'")  # quoted like every pattern of the catalog
        else:
            lines.append(f"{name}: {value if isinstance(value, int) else _scalar(value)}")
    return ["- " + lines[0], *("  " + line for line in lines[1:])]


def _append_entry(text: str, lines: list[str]) -> str:
    """The catalog text with the entry appended, indented like the entries already there."""
    newline = "\r\n" if "\r\n" in text else "\n"
    indent = re.search(r"^([ \t]*)-[ \t]+key[ \t]*:", text, re.MULTILINE)
    block = newline.join((indent.group(1) if indent else "  ") + line for line in lines) + newline
    if not text.strip():
        return f"outlets:{newline}{block}"
    return text + ("" if text.endswith("\n") else newline) + newline + block


def _write_atomically(path: Path, expected: str, text: str) -> None:
    """Replace path with text through a temporary file, unless someone changed it meanwhile."""
    current = path.read_bytes().decode("utf-8") if path.exists() else ""
    if current != expected:
        raise OnboardingError(f"{path} changed while the outlet was being discovered; run again")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- outlets check ------------------------------------------------------------------------


def check_outlet(key: str, *, catalog_path: str | Path | None = None, limit: int = 3,
                 narratives_path: str | None = None,
                 timeout: float = CHECK_TIMEOUT_SECONDS) -> int:
    """Crawl at most limit articles of one outlet into a scratch database and print what was
    stored, the run's problems and a verdict; exit code 0 if the outlet works, 1 if not."""
    path = _catalog_file(catalog_path).resolve()
    outlet = load_catalog(path).get(key)  # CatalogError, KeyError: the CLI reports them
    limit = max(1, limit)
    print(f"Checking {key}: crawling up to {limit} article(s) into a scratch database …",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="monitor-check-") as scratch:
        database_url = f"sqlite:///{Path(scratch) / 'check.sqlite'}"
        failure, log = _crawl(key, path, database_url, limit, narratives_path, timeout)
        sessions = open_database(database_url)
        with sessions() as session:
            articles = session.scalars(
                select(models.Article).options(selectinload(models.Article.flags))
                .order_by(models.Article.id)).all()
            run = session.scalar(select(models.CrawlRun).order_by(models.CrawlRun.id.desc()))
        sessions.kw["bind"].dispose()
    zone = ZoneInfo(project_settings.OUTLET_TIMEZONES.get(outlet.country, "UTC"))
    warnings = [warning for number, article in enumerate(articles, 1)
                for warning in _print_article(number, article, outlet, zone)]
    if run is not None:
        print(f"\nRun: {run.pages_fetched} pages fetched, {run.articles_found} article links "
              f"found, {run.articles_new} stored, {run.articles_duplicate} duplicates, "
              f"{run.extraction_failures} extraction failures, {run.errors} errors "
              f"({run.finish_reason})")
        for problem in (run.problems or [])[:10]:
            print(f"  {problem['kind']}: {problem['url']} ({problem['reason']})")
    if failure or run is None:
        print("\n" + "\n".join(log.decode("utf-8", "replace").splitlines()[-15:]))
        verdict = f"PROBLEM: {failure or 'the crawl recorded no run'}"
    elif run.articles_found == 0:
        verdict = ("PROBLEM: no article link found: no URL from the feeds, sitemaps or listings "
                   f"matches article_url_pattern {outlet.article_url_pattern!r}")
    elif not articles:
        verdict = (f"PROBLEM: {run.articles_found} article link(s) found but none stored: see the "
                   "problems above, or the site's robots.txt forbids its article pages")
    else:
        verdict = "OK: outlet works"
    for warning in warnings:
        print(f"WARNING {warning}")
    print(f"\n{verdict}")
    return 0 if verdict.startswith("OK") else 1


def _crawl(key: str, catalog: Path, database_url: str, limit: int, narratives_path: str | None,
           timeout: float) -> tuple[str | None, bytes]:
    """Run `monitor crawl` for one outlet in a child process (Twisted's reactor cannot run
    twice in one process); what went wrong, if anything, and its log."""
    env = dict(os.environ)
    if narratives := narratives_path or os.environ.get("MONITOR_NARRATIVES"):
        env["MONITOR_NARRATIVES"] = str(Path(narratives).resolve())
    command = [sys.executable, "-m", "monitor.cli", "--database", database_url, "crawl", key,
               "--outlets", str(catalog), "--max-articles", str(limit)]
    try:
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True,
                              check=False, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        return f"the crawl did not finish within {timeout:.0f} s", exc.stderr or b""
    # Exit code 1 only says the outlet yielded nothing, which the run record shows better.
    failed = done.returncode not in (0, 1)
    return (f"the crawl exited with code {done.returncode}" if failed else None), done.stderr


def _print_article(number: int, article: models.Article, outlet: Outlet,
                   zone: ZoneInfo) -> list[str]:
    """Print one stored article as the digest would see it; return warnings about it."""
    print(f"\n[{number}] {article.title or '(no title)'}\n    {article.url}")
    when = article.published_at
    local = f" ({when.astimezone(zone):%Y-%m-%d %H:%M} {zone.key})" if when else ""
    print(f"    published  {f'{when:%Y-%m-%d %H:%M} UTC' if when else 'unknown'}{local}")
    print(f"    language   {article.language}")
    for line in [line for line in article.text.splitlines() if line.strip()][:3]:
        print(f"    | {line[:160]}{'…' if len(line) > 160 else ''}")
    for flag in article.flags:
        print(f"    FLAG {flag.narrative_id} [{flag.stance}]: {flag.sentence[:160]}")
    warnings = []
    if article.language not in outlet.languages:
        warnings.append(f"[{number}] is in {article.language!r}, not among the outlet's "
                        f"languages ({', '.join(outlet.languages)}): add it if that is right")
    if when is None:
        warnings.append(f"[{number}] has no publication date")
    if not article.title:
        warnings.append(f"[{number}] has no title")
    return warnings
