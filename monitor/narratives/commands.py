"""The logic of `monitor narratives test`, `monitor narratives backtest` and `monitor reflag`.

Each command is a function that returns a result and a `format_*` function that renders it,
so tests (and later the web app) call them without the command line:

    verdict = evaluate_text(watchlist, "csto-troops-kazakhstan", text)
    print(format_verdict(verdict, color=False))
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.digest import mark_sentence
from monitor.narratives import Flag, Narrative, Watchlist

if TYPE_CHECKING:
    from monitor.storage.store import Store, StoredArticle, StoredFlag

LOGGER = logging.getLogger(__name__)

PROGRESS_EVERY = 5000  # articles between progress lines on long runs
HIGHLIGHT = "\033[1;31m"  # bold red on a terminal; [[brackets]] elsewhere
RESET = "\033[0m"
REFLAG_OUTCOMES = ("added", "updated", "removed", "kept", "unchanged")


class UnknownNarrative(KeyError):
    """A narrative id the watchlist does not define; the message lists the ones it does."""


def find_narrative(watchlist: Watchlist, narrative_id: str) -> Narrative:
    """The watchlist's narrative `narrative_id`, or UnknownNarrative naming the known ids."""
    for narrative in watchlist.narratives:
        if narrative.id == narrative_id:
            return narrative
    known = ", ".join(n.id for n in watchlist.narratives)
    raise UnknownNarrative(f"unknown narrative {narrative_id!r}; the watchlist has: {known}")


def match_one(watchlist: Watchlist, narrative_id: str, text: str, language: str,
              title: str | None = None) -> Flag | None:
    """The flag of one narrative on a text, or None."""
    flags = watchlist.match(text, language, title=title)
    return next((flag for flag in flags if flag.narrative_id == narrative_id), None)


# --- highlighting -------------------------------------------------------------------------


def highlight(sentence: str, spans: list[tuple[int, int]], *, color: bool) -> str:
    """The sentence with the spans marked: ANSI bold red if `color`, else [[brackets]]."""
    return "".join(
        (f"{HIGHLIGHT}{f.text}{RESET}" if color else f"[[{f.text}]]") if f.match else f.text
        for f in mark_sentence(sentence, spans)
    )


def evidence_lines(flag: Flag, *, color: bool) -> list[str]:
    """One line per evidence sentence ('title: …' / 'body: …'), query words highlighted."""
    sentences: dict[tuple[str, int], tuple[str, list[tuple[int, int]]]] = {}
    for evidence in flag.evidence:
        if evidence.clause != "query":
            continue
        key = (evidence.field, evidence.sentence_start)
        _, spans = sentences.setdefault(key, (evidence.sentence, []))
        spans.append((evidence.start - evidence.sentence_start,
                      evidence.end - evidence.sentence_start))
    ordered = sorted(sentences.items(), key=lambda item: (item[0][0] != "title", item[0][1]))
    return [f"{where}: {highlight(sentence, spans, color=color)}"
            for (where, _), (sentence, spans) in ordered]


# --- narratives test ----------------------------------------------------------------------


@dataclass(frozen=True)
class TextVerdict:
    narrative: Narrative
    language: str
    language_detected: bool
    flag: Flag | None


def evaluate_text(watchlist: Watchlist, narrative_id: str, text: str, *,
                  title: str | None = None, language: str | None = None) -> TextVerdict:
    """Run one narrative over a text; the language is detected unless given."""
    narrative = find_narrative(watchlist, narrative_id)
    detected = language is None
    if detected:
        from monitor.language import detect_language

        language = detect_language(text)
    flag = match_one(watchlist, narrative.id, text, language, title=title)
    return TextVerdict(narrative, language, detected, flag)


def evaluate_file(watchlist: Watchlist, narrative_id: str, path: str | Path, *,
                  language: str | None = None) -> TextVerdict:
    """`evaluate_text` on a saved page (.html, .html.gz) or a plain-text article (.txt)."""
    from monitor.extraction import extract_path

    extracted = extract_path(path)
    return evaluate_text(watchlist, narrative_id, extracted.text, title=extracted.title,
                         language=language)


def format_verdict(verdict: TextVerdict, *, color: bool) -> str:
    """The verdict, stance, branch, version and highlighted evidence, for a terminal."""
    narrative, flag = verdict.narrative, verdict.flag
    how = "detected" if verdict.language_detected else "given"
    lines = [
        f"{'FLAGGED' if flag else 'not flagged'}: {narrative.id} (version {narrative.version})",
        f"language: {verdict.language} ({how})",
    ]
    if verdict.language not in narrative.queries:
        lines.append(f"note:     no {verdict.language} query; the "
                     f"{', '.join(sorted(narrative.queries))} queries were tried")
    if flag is None:
        return "\n".join(lines)
    lines += [f"stance:   {flag.stance}", f"branch:   {flag.branch}", "evidence:"]
    lines += [f"  {line}" for line in evidence_lines(flag, color=color)]
    context = dict.fromkeys(e.term for e in flag.evidence if e.clause == "context")
    if context:
        lines.append(f"context:  {', '.join(context)}")
    return "\n".join(lines)


# --- narratives backtest ------------------------------------------------------------------


class _Progress:
    """A log line every PROGRESS_EVERY articles, so a long run shows it is alive."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0

    def advance(self, count: int) -> None:
        before, self.done = self.done, self.done + count
        if self.done // PROGRESS_EVERY > before // PROGRESS_EVERY:
            LOGGER.info("%s: %d/%d articles", self.label, self.done, self.total)


class _Reservoir:
    """A uniform sample of fixed size from a stream (seeded: the same archive, the same sample)."""

    def __init__(self, size: int):
        self.size, self.seen, self.items = size, 0, []
        self._random = random.Random(0)

    def offer(self, item: object) -> None:
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append(item)
            return
        slot = self._random.randrange(self.seen)
        if slot < self.size:
            self.items[slot] = item


@dataclass(frozen=True)
class Sample:
    """An article in a backtest sample, with the fresh flag or the stored one it would lose."""

    article_id: int
    outlet_key: str
    title: str
    date: datetime
    flag: Flag | None = None
    stored: StoredFlag | None = None
    new: bool = False


@dataclass
class BacktestReport:
    """What a definition would flag in the archive, beside the flags stored now."""

    narrative: Narrative
    since: datetime | None
    scanned: Counter[tuple[str, str]] = field(default_factory=Counter)  # (outlet, language)
    flagged: Counter[tuple[str, str]] = field(default_factory=Counter)
    stored: Counter[tuple[str, str]] = field(default_factory=Counter)  # live flags now
    stances: Counter[str] = field(default_factory=Counter)
    stored_versions: Counter[str] = field(default_factory=Counter)
    comparison: Counter[str] = field(default_factory=Counter)  # same / new / lost
    # Every reviewed flag (superseded ones too): (review_state, still flagged?) -> count.
    reviewed: Counter[tuple[str, bool]] = field(default_factory=Counter)
    sample: list[Sample] = field(default_factory=list)
    lost_sample: list[Sample] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return sum(self.scanned.values())

    @property
    def would_flag(self) -> int:
        return sum(self.flagged.values())


def _sample(article: StoredArticle, **kwargs) -> Sample:
    title = article.title or article.text[:80]
    return Sample(article.id, article.outlet_key, title,
                  article.published_at or article.first_seen_at, **kwargs)


def backtest(store: Store, watchlist: Watchlist, narrative_id: str, *,
             since: datetime | None = None, sample_size: int = 5,
             batch_size: int = 500) -> BacktestReport:
    """Run one narrative of `watchlist` over the stored articles first seen since `since`,
    writing nothing; memory stays flat however large the archive."""
    narrative = find_narrative(watchlist, narrative_id)
    report = BacktestReport(narrative, since)
    flagged_sample, lost_sample = _Reservoir(sample_size), _Reservoir(sample_size)
    progress = _Progress("backtest", store.count_articles(since))
    for batch in store.articles(since, batch_size):
        rows = {row.article_id: row for row in store.stored_flags([a.id for a in batch], narrative.id)}
        for article in batch:
            key = (article.outlet_key, article.language)
            flag = match_one(watchlist, narrative.id, article.text, article.language,
                             title=article.title)
            row = rows.get(article.id)
            if row is not None and row.review_state:
                report.reviewed[(row.review_state, flag is not None)] += 1
            old = row if row is not None and not row.superseded else None
            report.scanned[key] += 1
            if old is not None:
                report.stored[key] += 1
                report.stored_versions[old.version] += 1
            if flag is not None:
                report.flagged[key] += 1
                report.stances[flag.stance] += 1
                report.comparison["same" if old else "new"] += 1
                flagged_sample.offer(_sample(article, flag=flag, new=old is None))
            elif old is not None:
                report.comparison["lost"] += 1
                lost_sample.offer(_sample(article, stored=old))
        progress.advance(len(batch))
    report.sample = sorted(flagged_sample.items, key=lambda s: s.date, reverse=True)
    report.lost_sample = sorted(lost_sample.items, key=lambda s: s.date, reverse=True)
    return report


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {count}" for key, count in counter.most_common()) or "none"


def _sample_lines(samples: list[Sample], *, color: bool) -> list[str]:
    lines = []
    for sample in samples:
        mark = " [new]" if sample.new else ""
        lines.append(f"  {sample.date:%Y-%m-%d}  {sample.outlet_key}{mark}  "
                     f"#{sample.article_id}  {sample.title}")
        if sample.flag is not None:
            lines += [f"      {line}" for line in evidence_lines(sample.flag, color=color)[:2]]
        elif sample.stored is not None:
            lines.append(f"      stored: {sample.stored.sentence}")
    return lines


def format_backtest(report: BacktestReport, *, color: bool) -> str:
    """Totals, the outlet × language table, the comparison with stored flags and samples."""
    narrative = report.narrative
    since = f" first seen since {report.since:%Y-%m-%d}" if report.since else ""
    share = f" ({report.would_flag / report.articles:.1%})" if report.articles else ""
    stored = sum(report.stored.values())
    versions = _counts(Counter({f"v{k}": n for k, n in report.stored_versions.items()}))
    lines = [
        f"backtest of {narrative.id} (version {narrative.version}) over {report.articles} "
        + f"article(s){since}",
        f"would flag: {report.would_flag}{share}; stance: {_counts(report.stances)}",
        f"flagged now: {stored}" + (f" ({versions})" if stored else ""),
        "compared with now: {same} same, {new} new, {lost} lost".format_map(report.comparison),
    ]
    for state in sorted({state for state, _ in report.reviewed}):
        kept, dropped = report.reviewed[(state, True)], report.reviewed[(state, False)]
        lines.append(f"reviewed {state}: {kept} still flagged, {dropped} not flagged")
    lines += ["", f"{'outlet':28} {'lang':5} {'articles':>8} {'would flag':>10} {'flagged now':>11}"]
    for (outlet, language), scanned in sorted(report.scanned.items()):
        key = (outlet, language)
        lines.append(f"{outlet:28} {language:5} {scanned:8} {report.flagged[key]:10} "
                     f"{report.stored[key]:11}")
    if report.sample:
        lines += ["", f"sample of {len(report.sample)} of the {report.would_flag} it would flag:"]
        lines += _sample_lines(report.sample, color=color)
    if report.lost_sample:
        lost = f"({len(report.lost_sample)} of {report.comparison['lost']})"
        lines += ["", f"flagged now but not by this definition {lost}:"]
        lines += _sample_lines(report.lost_sample, color=color)
    return "\n".join(lines)


# --- reflag -------------------------------------------------------------------------------


@dataclass
class ReflagReport:
    """What `reflag` did, per narrative: see REFLAG_OUTCOMES and `Store.refresh_flags`."""

    narratives: tuple[str, ...]
    checked: int = 0
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    left_alone: dict[str, int] = field(default_factory=dict)  # narratives not in the watchlist

    def total(self, outcome: str) -> int:
        return sum(n for (_, kind), n in self.outcomes.items() if kind == outcome)


def reflag(store: Store, watchlist: Watchlist, *, since: datetime | None = None,
           narrative_id: str | None = None, force: bool = False,
           batch_size: int = 500) -> ReflagReport:
    """Re-evaluate stored articles (first seen since `since`) against the current watchlist.

    Flags of the current version are left alone (unless `force`, e.g. after a matcher
    change); a flag of an older version gets the new evidence, stance, branch and version,
    or is deleted when the narrative no longer matches; new matches are added. Reviewed
    verdicts are kept: an updated flag keeps its review, and a reviewed flag that no longer
    matches stays as it was, marked superseded ("kept"). Flags of narratives missing from
    the watchlist are not touched. Commits once per batch; a second run changes nothing.
    """
    if narrative_id is not None:
        narratives: tuple[Narrative, ...] = (find_narrative(watchlist, narrative_id),)
    else:
        narratives = watchlist.narratives
    versions = {narrative.id: narrative.version for narrative in narratives}
    report = ReflagReport(tuple(versions))
    if narrative_id is None:
        report.left_alone = {
            other: count for other, count in store.flag_counts(since).items()
            if other not in versions
        }
    progress = _Progress("reflag", store.count_articles(since))
    for batch in store.articles(since, batch_size):
        matches = {
            article.id: [flag for flag in watchlist.match(article.text, article.language,
                                                           title=article.title)
                         if flag.narrative_id in versions]
            for article in batch
        }
        report.outcomes.update(store.refresh_flags(matches, versions, force=force))
        report.checked += len(batch)
        progress.advance(len(batch))
    return report


def format_reflag(report: ReflagReport) -> str:
    """Articles checked and a narrative × outcome table."""
    lines = [f"reflag: {report.checked} article(s) checked",
             f"{'narrative':32}" + "".join(f"{outcome:>10}" for outcome in REFLAG_OUTCOMES)]
    for narrative_id in report.narratives:
        lines.append(f"{narrative_id:32}" + "".join(
            f"{report.outcomes[(narrative_id, outcome)]:10}" for outcome in REFLAG_OUTCOMES))
    lines.append(f"{'total':32}" + "".join(f"{report.total(o):10}" for o in REFLAG_OUTCOMES))
    if report.total("kept"):
        lines.append("kept: reviewed flags the narrative no longer matches, left with their "
                     "old evidence and version and marked superseded")
    if report.left_alone:
        listed = ", ".join(f"{key} ({count})" for key, count in sorted(report.left_alone.items()))
        lines.append(f"left alone, not in the watchlist: {listed}")
    return "\n".join(lines)
