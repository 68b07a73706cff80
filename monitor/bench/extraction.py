"""`monitor bench extraction`: how much of each article body extract() gets, and how much else.

AEB (`--aeb DIR`, the article-extraction-benchmark layout: ground-truth.json mapping an id to
{"articleBody", "url"}, pages in html/<id>.html.gz): per page, precision and recall of the
extracted text's word tokens (lower-cased \\w+, counted as multisets) against articleBody;
both are averaged over pages and F1 is taken of the two averages. Bare trafilatura.extract()
with its defaults is scored on the same pages in the same run, and ms per page of both.

Cyrillic pages (`--pages DIR`, searched recursively): fundus test data (meta.info beside
<Publisher>.json and the saved pages) and trafilatura-eval files (*.expected.json). Each
expected body snippet must be kept, no `without` snippet may leak, title and date must match.

Gates: AEB F1 >= TARGET_F1 and every Cyrillic page clean; the exit code is 1 when one fails.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import trafilatura

from monitor.dates import as_utc, zone_named
from monitor.extraction import Extracted, ExtractionFailed, extract

# The best published score on this benchmark (Zyte AutoExtract, Nov 2019, README of the AEB).
TARGET_F1 = 0.970
REFERENCE = "best published commercial score (AutoExtract, 2019)"
# fundus keeps test pages in one folder per country; the folder's zone reads naive dates.
COUNTRY_ZONES = {"ua": "Europe/Kyiv", "kz": "Asia/Almaty", "ru": "Europe/Moscow"}
# Expected snippets that are not the article's: each is shown, with why, and not gated.
GROUND_TRUTH_ERRATA = {
    ("Pravda_2026_01_08.html.gz", "Когда меняется язык"):
        "teaser of another article in the page's 'more articles' rail (epravda.com.ua)",
    ("Pravda_2026_01_08.html.gz", "В этом году исполнится 90 лет"):
        "teaser of another article in the page's 'more articles' rail (champion.com.ua)",
}
_TOKEN = re.compile(r"\w+")
_SHOWN = 70  # characters of a snippet printed


class BenchDataError(ValueError):
    """A benchmark folder or file is missing or malformed; the message says which."""


# --- the metric ---------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Word tokens as the metric counts them: lower-cased \\w+ runs."""
    return _TOKEN.findall(text.lower())


def precision_recall(extracted: str, truth: str) -> tuple[float, float]:
    """Share of extracted tokens that are in the truth, and of truth tokens extracted
    (multisets). Nothing extracted from a non-empty truth scores 0 for both."""
    got, want = Counter(tokens(extracted)), Counter(tokens(truth))
    common = sum((got & want).values())
    if not got:
        return (1.0, 1.0) if not want else (0.0, 0.0)
    return common / sum(got.values()), (common / sum(want.values()) if want else 1.0)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class Scores:
    """Averages over pages, and the mean time per page."""

    precision: float
    recall: float
    ms_per_page: float

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


@dataclass(frozen=True)
class AebResult:
    pages: int
    project: Scores
    bare: Scores


def run_aeb(folder: Path, limit: int | None = None) -> AebResult:
    """Score extract() and bare trafilatura.extract() on the AEB pages of *folder*."""
    truth_path = folder / "ground-truth.json"
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BenchDataError(f"{truth_path}: cannot read the ground truth ({exc})") from None
    items = sorted(truth.items())[:limit]
    if not items:
        raise BenchDataError(f"{truth_path}: no pages")

    def project(data: bytes, url: str | None) -> str:
        try:
            return extract(data, url).text
        except ExtractionFailed:
            return ""

    def bare(data: bytes, url: str | None) -> str:
        return trafilatura.extract(data.decode("utf-8", errors="replace")) or ""

    sums = {project: [0.0, 0.0, 0.0], bare: [0.0, 0.0, 0.0]}
    for page_id, item in items:
        page = folder / "html" / f"{page_id}.html.gz"
        try:
            data = gzip.decompress(page.read_bytes())
        except OSError as exc:
            raise BenchDataError(f"{page}: cannot read the page ({exc})") from None
        for extractor, total in sums.items():
            started = time.perf_counter()
            text = extractor(data, item.get("url"))
            total[2] += time.perf_counter() - started
            precision, recall = precision_recall(text, item.get("articleBody", ""))
            total[0] += precision
            total[1] += recall
    n = len(items)
    scores = {fn: Scores(p / n, r / n, 1000 * s / n) for fn, (p, r, s) in sums.items()}
    return AebResult(n, scores[project], scores[bare])


# --- pages with expected snippets -------------------------------------------


@dataclass(frozen=True)
class Check:
    """One expectation on one page: a snippet kept or not leaked, a title, a date."""

    kind: str  # 'body', 'without', 'comment', 'title', 'date'
    expected: str
    ok: bool
    got: str = ""
    erratum: str | None = None  # why this expectation is not the article's; not gated

    @property
    def gated(self) -> bool:
        return self.kind != "comment" and self.erratum is None


@dataclass
class PageReport:
    name: str
    url: str
    checks: list[Check] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.ok for c in self.checks if c.gated)


@dataclass(frozen=True)
class _Expected:
    name: str
    path: Path
    url: str
    zone: str | None
    title: str | None
    published: str | None
    body: tuple[str, ...]
    without: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()


def check_pages(folder: Path) -> list[PageReport]:
    """Extract every page with expectations under *folder* and check them."""
    reports = []
    for expected in sorted(_expected_pages(folder), key=lambda e: e.name):
        report = PageReport(expected.name, expected.url)
        try:
            extracted = extract(expected.path.read_bytes(), expected.url, timezone=expected.zone)
        except (OSError, ExtractionFailed) as exc:
            report.error = str(exc)
        else:
            report.checks = _checks(expected, extracted)
        reports.append(report)
    return reports


def _checks(expected: _Expected, extracted: Extracted) -> list[Check]:
    text = f" {' '.join(tokens(extracted.text))} "

    def found(snippet: str) -> bool:
        return f" {' '.join(tokens(snippet))} " in text

    checks = []
    if expected.title is not None:
        got = extracted.title or ""
        checks.append(Check("title", expected.title, got.strip() == expected.title.strip(), got))
    if expected.published:
        checks.append(_date_check(expected, extracted.published_at))
    file_name = expected.path.name
    for snippet in expected.body:
        erratum = next((why for (page, start), why in GROUND_TRUTH_ERRATA.items()
                        if page == file_name and snippet.startswith(start)), None)
        checks.append(Check("body", snippet, found(snippet), erratum=erratum))
    checks += [Check("without", s, not found(s)) for s in expected.without]
    checks += [Check("comment", s, not found(s)) for s in expected.comments]
    return checks


def _date_check(expected: _Expected, got: datetime | None) -> Check:
    """Compared in UTC; a date without a time of day is compared as the outlet's local day."""
    zone = zone_named(expected.zone)
    value = expected.published.strip()
    if len(value) == 10:
        want: date | datetime = date.fromisoformat(value)
        have = got.astimezone(zone).date() if got else None
    else:
        want = as_utc(datetime.fromisoformat(value), zone)
        have = got.replace(microsecond=0) if got else None
        want = want.replace(microsecond=0)
    shown = have.isoformat() if have else "none"
    return Check("date", want.isoformat(), have == want, shown)


def _expected_pages(folder: Path) -> Iterator[_Expected]:
    if not folder.is_dir():
        raise BenchDataError(f"{folder}: not a folder of pages with expected snippets")
    for meta in folder.rglob("meta.info"):
        yield from _fundus_pages(meta)
    for path in folder.rglob("*.expected.json"):
        yield from _trafilatura_eval_pages(path)


def _load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BenchDataError(f"{path}: cannot read ({exc})") from None
    if not isinstance(data, dict):
        raise BenchDataError(f"{path}: expected a JSON object")
    return data


def _fundus_pages(meta: Path) -> Iterator[_Expected]:
    """fundus layout: meta.info maps a page file to its URL; <Publisher>.json holds the
    parsed versions of that publisher's page (one version, or one per page file)."""
    zone = COUNTRY_ZONES.get(meta.parent.name.split("-")[0].lower())
    for file_name, info in _load_json(meta).items():
        publisher = file_name.split("_")[0]
        versions = _load_json(meta.parent / f"{publisher}.json")
        if file_name in versions:
            data = versions[file_name]
        elif len(versions) == 1:
            data = next(iter(versions.values()))
        else:
            raise BenchDataError(f"{meta.parent / publisher}.json: which version is {file_name}?")
        body = data.get("body") or {}
        snippets = [*body.get("summary", [])]
        for section in body.get("sections", []):
            snippets += [*section.get("headline", []), *section.get("paragraphs", [])]
        yield _Expected(
            name=f"{meta.parent.name}/{file_name}",
            path=meta.parent / file_name,
            url=info.get("url", ""),
            zone=zone,
            title=data.get("title"),
            published=data.get("publishing_date"),
            body=tuple(s for s in snippets if tokens(s)),
        )


def _trafilatura_eval_pages(path: Path) -> Iterator[_Expected]:
    """trafilatura's evaluation layout: URL -> {file, title, date, with, without, comments}."""
    regions = {code.upper(): zone for code, zone in COUNTRY_ZONES.items()}
    for url, data in _load_json(path).items():
        yield _Expected(
            name=f"{path.parent.name}/{data['file']}",
            path=path.parent / data["file"],
            url=url,
            zone=regions.get(str(data.get("region", "")).upper()),
            title=data.get("title"),
            published=data.get("date"),
            body=tuple(data.get("with", [])),
            without=tuple(data.get("without", [])),
            comments=tuple(data.get("comments", [])),
        )


# --- the command ----------------------------------------------------------------


def _pass(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


_VERDICTS: dict[str, Callable[[Check], str]] = {
    "body": lambda c: "kept" if c.ok else "MISSING",
    "without": lambda c: "not leaked" if c.ok else "LEAKED",
    "comment": lambda c: "comment absent" if c.ok else "comment text present (not gated)",
}


def print_pages(reports: list[PageReport]) -> bool:
    """One line per expectation; True when every page passed."""
    for report in reports:
        print(f"  {report.name}  {report.url}")
        if report.error:
            print(f"    FAIL extraction failed: {report.error}")
        for check in report.checks:
            if check.kind in ("title", "date"):
                print(f"    {check.kind:<7} {_pass(check.ok)}  got {check.got!r}, "
                      f"expected {check.expected!r}")
                continue
            verdict = _VERDICTS[check.kind](check)
            if check.erratum:
                verdict = f"{verdict}, NOT GATED: {check.erratum}"
            status = _pass(check.ok) if check.gated else "----"
            print(f"    {check.kind:<7} {status}  {verdict}: {_short(check.expected)}")
        kept = [c for c in report.checks if c.kind == "body" and c.gated]
        leaked = [c for c in report.checks if c.kind == "without" and not c.ok]
        print(f"    page    {_pass(report.passed)}  {sum(c.ok for c in kept)}/{len(kept)} body "
              f"snippets kept, {len(leaked)} unwanted leaked")
    return all(report.passed for report in reports)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(Path(args.aeb), Path(args.pages) if args.pages else None, args.limit)
    except BenchDataError as exc:
        print(f"monitor bench extraction: error: {exc}")
        return 2


def _run(aeb: Path, pages: Path | None, limit: int | None) -> int:
    result = run_aeb(aeb, limit)
    bare_name = f"bare trafilatura {trafilatura.__version__} extract() defaults"
    print(f"AEB word-token F1 on {result.pages} pages ({aeb})")
    for name, scores in (("monitor extract()", result.project), (bare_name, result.bare)):
        print(f"  {name:<44} F1 {scores.f1:.4f}  precision {scores.precision:.4f}  "
              f"recall {scores.recall:.4f}  {scores.ms_per_page:6.1f} ms/page")
    aeb_ok = result.project.f1 >= TARGET_F1
    print(f"  target F1 >= {TARGET_F1:.3f} ({REFERENCE}): "
          f"{result.project.f1:.4f} {_pass(aeb_ok)}")
    pages_ok = True
    if pages is not None:
        print(f"Cyrillic pages with expected snippets ({pages})")
        pages_ok = print_pages(check_pages(pages))
        print(f"  every body snippet kept, nothing unwanted leaked, titles and dates right: "
              f"{_pass(pages_ok)}")
    return 0 if aeb_ok and pages_ok else 1
