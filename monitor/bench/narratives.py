"""`monitor bench narratives`: the watchlist against a labelled set, and matching speed.

The set is JSONL, one article a row: {"id", "lang", "title", "text", "labels", "note"},
where labels maps narrative id -> "report" | "debunk" (empty for a negative). By default
every *.jsonl in tests/data/narratives is read. Printed per narrative and language: TP,
FP, FN, precision, recall and stance accuracy (over true positives); then the overall
figures against the gates, the first errors, and articles/s with 50 narratives loaded
(the speed set is built by monitor.bench.narratives_speed). Exit code 1 when a gate fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from monitor.bench.labelled import LabelledSetError, load_rows
from monitor.narratives import load_watchlist
from monitor.narratives.watchlist import PROJECT_ROOT, Watchlist

DEFAULT_DATA = PROJECT_ROOT / "tests" / "data" / "narratives"
MONITORED = ("uk", "ru", "kk", "en")
STANCES = ("report", "debunk")
PRECISION_GATE = 0.95
RECALL_GATE = 0.90
STANCE_GATE = 0.90
SPEED_GATE = 500.0  # articles of 600 words per second, 50 narratives, one core
SHOWN_ERRORS = 10

# An answer for one article: narrative id -> stance.
Flags = dict[str, str]


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    title: str
    text: str
    labels: dict[str, str] = field(hash=False)
    note: str = ""


@dataclass
class Cell:
    """Counts for one narrative in one language (stance counted over true positives)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    stance_right: int = 0

    def add(self, other: Cell) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.stance_right += other.stance_right

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def stance_accuracy(self) -> float:
        return self.stance_right / self.tp if self.tp else 1.0


@dataclass(frozen=True)
class Error:
    kind: str  # 'FP', 'FN' or 'stance'
    item: Item
    narrative_id: str
    expected: str  # the label, or '-' for a false positive
    got: str  # the flag's stance, or '-' for a false negative


@dataclass(frozen=True)
class Score:
    cells: dict[tuple[str, str], Cell]  # (narrative id, lang) -> counts
    errors: tuple[Error, ...]  # in set order

    @property
    def overall(self) -> Cell:
        total = Cell()
        for cell in self.cells.values():
            total.add(cell)
        return total

    def gates(self) -> list[tuple[str, float, float, bool]]:
        """(name, value, gate, passed) for precision, recall and stance accuracy."""
        total = self.overall
        figures = [("precision", total.precision, PRECISION_GATE),
                   ("recall", total.recall, RECALL_GATE),
                   ("stance accuracy", total.stance_accuracy, STANCE_GATE)]
        return [(name, value, gate, value >= gate) for name, value, gate in figures]

    @property
    def passed(self) -> bool:
        return all(ok for *_rest, ok in self.gates())


def load_items(path: Path) -> list[Item]:
    """Rows of one JSONL file, or of every *.jsonl in a folder (sorted by name)."""
    return load_rows(path, _parse_row)


def _parse_row(line: str, where: str) -> Item:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LabelledSetError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise LabelledSetError(f"{where}: expected an object with id, lang, title, text, labels")
    for name in ("id", "lang", "text"):
        if not isinstance(row.get(name), str) or not row[name].strip():
            raise LabelledSetError(f"{where}: field {name!r} must be a non-empty string")
    if row["lang"] not in MONITORED:
        raise LabelledSetError(f"{where}: lang must be one of {', '.join(MONITORED)}")
    labels = row.get("labels")
    if not isinstance(labels, dict) or any(v not in STANCES for v in labels.values()):
        raise LabelledSetError(f"{where}: labels must map narrative ids to 'report' or 'debunk'")
    return Item(row["id"], row["lang"], str(row.get("title") or ""), row["text"], dict(labels),
                str(row.get("note") or ""))


def score(items: Sequence[Item], flag: Callable[[Item], Flags],
          narrative_ids: Iterable[str] = ()) -> Score:
    """Run `flag` on every item and count TP/FP/FN and right stances per narrative × lang.

    `narrative_ids` adds rows for narratives the set never mentions (all zero), so a
    narrative without test data shows up instead of vanishing from the table.
    """
    cells: dict[tuple[str, str], Cell] = {}
    for narrative_id in narrative_ids:
        for lang in MONITORED:
            cells[(narrative_id, lang)] = Cell()
    errors: list[Error] = []
    for item in items:
        got = flag(item)
        for narrative_id in sorted(set(got) | set(item.labels)):
            cell = cells.setdefault((narrative_id, item.lang), Cell())
            expected, answer = item.labels.get(narrative_id), got.get(narrative_id)
            if expected and answer:
                cell.tp += 1
                if expected == answer:
                    cell.stance_right += 1
                else:
                    errors.append(Error("stance", item, narrative_id, expected, answer))
            elif answer:
                cell.fp += 1
                errors.append(Error("FP", item, narrative_id, "-", answer))
            else:
                cell.fn += 1
                errors.append(Error("FN", item, narrative_id, expected, "-"))
    return Score(cells, tuple(errors))


def watchlist_flags(watchlist: Watchlist) -> Callable[[Item], Flags]:
    """The function the bench scores: the item's labelled language picks the queries."""

    def flag(item: Item) -> Flags:
        return {f.narrative_id: f.stance
                for f in watchlist.match(item.text, item.lang, title=item.title or None)}

    return flag


def report(result: Score, source: str, n_items: int) -> str:
    """The labelled-set half of the printout: the table, the gates and the first errors."""
    header = (f"{'narrative':<28} {'lang':<4} {'TP':>3} {'FP':>3} {'FN':>3} "
              f"{'precision':>9} {'recall':>7} {'stance':>7}")
    lines = [f"Narrative matching on {n_items} labelled articles from {source}", header]
    for (narrative_id, lang), cell in sorted(result.cells.items(),
                                             key=lambda kv: (kv[0][0], _lang_rank(kv[0][1]))):
        lines.append(f"{narrative_id:<28} {lang:<4} {cell.tp:>3} {cell.fp:>3} {cell.fn:>3} "
                     f"{_ratio(cell.tp, cell.tp + cell.fp):>9} {_ratio(cell.tp, cell.tp + cell.fn):>7} "
                     f"{_ratio(cell.stance_right, cell.tp):>7}")
    total = result.overall
    lines.append(f"{'all':<28} {'':<4} {total.tp:>3} {total.fp:>3} {total.fn:>3} "
                 f"{total.precision:>9.3f} {total.recall:>7.3f} {total.stance_accuracy:>7.3f}")
    for name, value, gate, ok in result.gates():
        lines.append(f"{name:<16} {value:.3f}  gate >= {gate:.2f}  {'PASS' if ok else 'FAIL'}")
    lines.append(f"errors: {len(result.errors)}; the first {SHOWN_ERRORS}:")
    for error in result.errors[:SHOWN_ERRORS]:
        text = " ".join(f"{error.item.title} | {error.item.text}".split())
        text = text if len(text) <= 90 else text[:89] + "…"
        lines.append(f"  {error.kind:<6} {error.item.id} {error.narrative_id} "
                     f"expected {error.expected}, got {error.got} ({error.item.note}): {text}")
    if not result.errors:
        lines.append("  none")
    return "\n".join(lines)


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def _lang_rank(lang: str) -> int:
    return MONITORED.index(lang) if lang in MONITORED else len(MONITORED)


def run(args: argparse.Namespace) -> int:
    """Entry point of `monitor bench narratives [--data PATH] [--articles N]`."""
    from monitor.bench import narratives_speed

    path = Path(args.data) if getattr(args, "data", None) else DEFAULT_DATA
    try:
        items = load_items(path)
    except LabelledSetError as exc:
        print(f"monitor: error: {exc}", file=sys.stderr)
        return 2
    watchlist = load_watchlist()
    result = score(items, watchlist_flags(watchlist), [n.id for n in watchlist.narratives])
    print(report(result, str(path), len(items)))
    speeds = narratives_speed.measure(items, articles=getattr(args, "articles", None) or 200)
    print(narratives_speed.report(speeds, SPEED_GATE))
    passed = result.passed and speeds[0].warm >= SPEED_GATE
    print("all gates PASS" if passed else "a gate FAILED")
    return 0 if passed else 1
