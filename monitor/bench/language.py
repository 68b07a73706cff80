"""`monitor bench language`: detect_language per language and kind on a labelled set.

The set is JSONL, one text a row: {"id", "kind": "sentence"|"article", "lang", "text", "note"}.
By default every *.jsonl in monitor/bench/data/language is read. Bare py3langid (full model)
is scored on the same texts in the same run as the reference. Gates: 99% of articles and 95%
of sentences right in each monitored language; the exit code is 1 when one fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor.bench.labelled import LabelledSetError, load_rows
from monitor.language import detect_language

DEFAULT_DATA = Path(__file__).parent / "data" / "language"
MONITORED = ("uk", "ru", "kk", "en")
KINDS = ("article", "sentence")
TARGETS = {"article": 0.99, "sentence": 0.95}
_FIELDS = ("id", "kind", "lang", "text", "note")
_SHOWN_MISSES = 5


@dataclass(frozen=True)
class Sample:
    id: str
    kind: str
    lang: str
    text: str
    note: str = ""


@dataclass(frozen=True)
class Group:
    """Figures for one language and kind."""

    lang: str
    kind: str
    n: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def target(self) -> float | None:
        """Required accuracy, or None for languages outside the monitored ones (no gate)."""
        return TARGETS[self.kind] if self.lang in MONITORED else None

    @property
    def passed(self) -> bool:
        return self.target is None or self.accuracy >= self.target


@dataclass(frozen=True)
class Score:
    """One detector's results on a labelled set."""

    groups: tuple[Group, ...]
    confusions: Counter[tuple[str, str]]  # (expected, got) -> count, misses only
    misses: tuple[tuple[Sample, str], ...]  # in set order
    seconds: float

    @property
    def passed(self) -> bool:
        return all(group.passed for group in self.groups)

    @property
    def throughput(self) -> float:
        total = sum(group.n for group in self.groups)
        return total / self.seconds if self.seconds > 0 else float("inf")


def load_samples(path: Path) -> list[Sample]:
    """Rows of one JSONL file, or of every *.jsonl in a folder (sorted by name)."""
    return load_rows(path, _parse_row)


def _parse_row(line: str, where: str) -> Sample:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LabelledSetError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise LabelledSetError(f"{where}: expected an object with fields {', '.join(_FIELDS)}")
    for field in _FIELDS[:4]:
        if not isinstance(row.get(field), str) or not row[field].strip():
            raise LabelledSetError(f"{where}: field {field!r} must be a non-empty string")
    if row["kind"] not in KINDS:
        raise LabelledSetError(
            f"{where}: kind must be 'article' or 'sentence', got {row['kind']!r}"
        )
    return Sample(row["id"], row["kind"], row["lang"], row["text"], str(row.get("note") or ""))


def score(samples: Sequence[Sample], detect: Callable[[str], str]) -> Score:
    """Run *detect* on every text and count it right or wrong per language and kind."""
    started = time.perf_counter()
    answers = [detect(sample.text) for sample in samples]
    seconds = time.perf_counter() - started
    totals: Counter[tuple[str, str]] = Counter()
    correct: Counter[tuple[str, str]] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    misses = []
    for sample, answer in zip(samples, answers, strict=True):
        key = (sample.lang, sample.kind)
        totals[key] += 1
        if answer == sample.lang:
            correct[key] += 1
        else:
            confusions[(sample.lang, answer)] += 1
            misses.append((sample, answer))
    groups = tuple(
        Group(lang, kind, totals[(lang, kind)], correct[(lang, kind)])
        for lang, kind in sorted(totals, key=_group_order)
    )
    return Score(groups, confusions, tuple(misses), seconds)


def _group_order(key: tuple[str, str]) -> tuple[int, str, str]:
    lang, kind = key
    rank = MONITORED.index(lang) if lang in MONITORED else len(MONITORED)
    return rank, lang, kind


def bare_py3langid(text: str) -> str:
    """The reference: py3langid's own answer on the full model, nothing else."""
    import py3langid

    return py3langid.classify(text)[0]


def report(ours: Score, reference: Score, source: str) -> str:
    """The benchmark's printout: gates per group beside the reference, confusions, misses."""
    total = sum(group.n for group in ours.groups)
    header = (
        f"{'lang':<5} {'kind':<9} {'n':>4} {'correct':>8} {'accuracy':>9} {'target':>7}  "
        f"{'gate':<5} {'py3langid':>9}"
    )
    lines = [f"Language identification on {total} labelled texts from {source}", header]
    reference_by_key = {(g.lang, g.kind): g for g in reference.groups}
    for group in ours.groups:
        bare = reference_by_key[(group.lang, group.kind)]
        target = f"{group.target:.0%}" if group.target is not None else "-"
        gate = ("PASS" if group.passed else "FAIL") if group.target is not None else "-"
        lines.append(
            f"{group.lang:<5} {group.kind:<9} {group.n:>4} {group.correct:>8} "
            f"{group.accuracy:>9.1%} {target:>7}  {gate:<5} {bare.accuracy:>9.1%}"
        )
    lines.append(
        f"throughput: detect_language {ours.throughput:,.0f} texts/s, "
        f"bare py3langid {reference.throughput:,.0f} texts/s"
    )
    for name, result in (("detect_language", ours), ("bare py3langid", reference)):
        pairs = ", ".join(
            f"{expected}->{got} {count}"
            for (expected, got), count in sorted(
                result.confusions.items(), key=lambda item: (-item[1], item[0])
            )
        )
        lines.append(f"confusions, {name} (expected->got): {pairs or 'none'}")
    lines.append(f"first {_SHOWN_MISSES} misclassified by detect_language:")
    for sample, got in ours.misses[:_SHOWN_MISSES]:
        text = " ".join(sample.text.split())
        text = text if len(text) <= 100 else text[:99] + "…"
        note = f" ({sample.note})" if sample.note else ""
        lines.append(f"  {sample.id} {sample.kind} {sample.lang}->{got}{note}: {text}")
    if not ours.misses:
        lines.append("  none")
    lines.append("all gates PASS" if ours.passed else "a gate FAILED")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Entry point of `monitor bench language [--data PATH]`."""
    path = Path(args.data) if getattr(args, "data", None) else DEFAULT_DATA
    try:
        samples = load_samples(path)
    except LabelledSetError as exc:
        print(f"monitor: error: {exc}", file=sys.stderr)
        return 2
    # Load both models before timing so throughput is per text, not per start-up.
    detect_language("warm up")
    bare_py3langid("warm up")
    ours = score(samples, detect_language)
    reference = score(samples, bare_py3langid)
    print(report(ours, reference, str(path)))
    return 0 if ours.passed else 1
