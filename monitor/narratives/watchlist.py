"""Load config/narratives.yaml, compile its queries, and match articles against it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from monitor.narratives import morphology
from monitor.narratives import text as text_module
from monitor.narratives.flags import Evidence, Flag, Found, build_flag, score
from monitor.narratives.matcher import Document, compile_query, evaluate, unique_hits
from monitor.narratives.query import (
    Node,
    Or,
    QuerySyntaxError,
    Term,
    leaves,
    parse_query,
)
from monitor.narratives.screening import Anchors, Check, KeyFilter, could_match, presence_check
from monitor.narratives.stance import Claim, claim_sentences, cue_sentences, decide_stances

LOGGER = logging.getLogger(__name__)

# Evidence and Flag are defined in monitor.narratives.flags and re-exported here.
__all__ = ["Evidence", "Flag", "Narrative", "Watchlist", "WatchlistError", "load_watchlist"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = PROJECT_ROOT / "config" / "narratives.yaml"
ENV_PATH = "MONITOR_NARRATIVES"

Language = Literal["uk", "ru", "kk", "en"]


class WatchlistError(ValueError):
    """A watchlist that cannot be used; names the file, narrative, language and column."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 narrative_id: str | None = None, language: str | None = None,
                 column: int | None = None):
        where = f"{path}:{line}" if path and line else str(path or "<watchlist>")
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.narrative_id = path, line, narrative_id
        self.language, self.column = language, column


class _Weights(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: float = Field(default=1.0, ge=0)
    body: float = Field(default=1.0, ge=0)


class _NarrativeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    queries: dict[Language, str] = Field(min_length=1)
    context: dict[Language, str] = Field(min_length=1)
    # Each sentence holding a query match scores its field's weight; a flag needs
    # min_score. The defaults (1, 1, 1) flag any match, wherever it stands.
    weights: _Weights = Field(default_factory=_Weights)
    min_score: float = Field(default=1.0, gt=0)


class _WatchlistSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stance_cues: dict[Language, list[str]] = Field(default_factory=dict)
    narratives: list[dict] = Field(min_length=1)


@dataclass(frozen=True)
class Narrative:
    """One watched narrative as declared; `version` changes whenever its definition does."""

    id: str
    title: str
    description: str
    version: str
    queries: dict[str, str] = field(hash=False, repr=False)
    context: dict[str, str] = field(hash=False, repr=False)
    weights: dict[str, float] = field(default_factory=lambda: {"title": 1.0, "body": 1.0},
                                      hash=False, repr=False)
    min_score: float = 1.0


@dataclass(frozen=True)
class _Compiled:
    query: Node
    context: Node
    query_possible: Check
    context_possible: Check


class Watchlist:
    """Compiled narratives; `match` evaluates all of them over one tokenisation per language."""

    def __init__(self, narratives: tuple[Narrative, ...], compiled: dict[str, dict[str, _Compiled]],
                 cues: dict[str, Node]):
        self.narratives = tuple(sorted(narratives, key=lambda n: n.id))
        self._compiled = compiled
        self._cues = cues
        used: dict[str, set[str]] = {}
        trees = [(lang, c.query) for by_lang in compiled.values() for lang, c in by_lang.items()]
        trees += [(lang, c.context) for by_lang in compiled.values() for lang, c in by_lang.items()]
        for lang, tree in trees + list(cues.items()):
            for leaf in leaves(tree):
                for term in leaf.words if not isinstance(leaf, Term) else (leaf,):
                    used.setdefault(lang, set()).update(term.keys)
        self._key_filter = KeyFilter({lang: frozenset(keys) for lang, keys in used.items()})
        # Per article language: the narratives with a query in it, in id order, and the
        # anchors that say which of them an article can concern.
        self._plans: dict[str, list[tuple[Narrative, _Compiled]]] = {}
        self._anchors = Anchors()
        for narrative in self.narratives:
            for lang, clauses in compiled[narrative.id].items():
                plan = self._plans.setdefault(lang, [])
                self._anchors.add(lang, len(plan), clauses.query)
                plan.append((narrative, clauses))

    def clear_caches(self) -> None:
        """Forget every cached word analysis, as in a fresh process (for cold benchmarks)."""
        self._key_filter.clear()
        for cache in morphology._CACHES.values():
            cache.clear()
        text_module._NORMALIZED.clear()

    def match(self, text: str, language: str, title: str | None = None) -> list[Flag]:
        """Flags for every narrative whose query and context clause match, sorted by id."""
        lang = (language or "").lower().replace("_", "-").split("-")[0]
        doc = Document(text, title, self._key_filter)
        found: list[Found] = []
        plan = self._plans.get(lang, [])
        if plan:
            for slot in sorted(self._anchors.candidates(doc.words(lang), lang)):
                narrative, clauses = plan[slot]
                if hit := self._try(doc, narrative, clauses, lang):
                    found.append(hit)
        # A narrative without a query in the article's language (or an article in another
        # language): every language's query is tried, first match wins.
        covered = {narrative.id for narrative, _clauses in plan}
        for narrative in self.narratives:
            if narrative.id in covered:
                continue
            for query_lang, clauses in self._compiled[narrative.id].items():
                if hit := self._try(doc, narrative, clauses, query_lang):
                    found.append(hit)
                    break
        if not found:
            return []
        found.sort(key=lambda f: f.narrative_id)
        cue_langs = [lang] if lang in self._cues else list(self._cues)
        cues = cue_sentences(doc, ((c, self._cues[c]) for c in cue_langs))
        stances = decide_stances(doc, [f.claim for f in found], cues)
        return [build_flag(doc, f, stances[f.narrative_id]) for f in found]

    @staticmethod
    def _try(doc: Document, narrative: Narrative, clauses: _Compiled, lang: str) -> Found | None:
        """The narrative's match in one language, or None."""
        # The query is the selective part; the context ("about Kazakhstan") holds in most
        # articles of the outlets watched, so it is tested second.
        words = doc.words(lang)
        if not (clauses.query_possible(words) and clauses.context_possible(words)
                and could_match(clauses.query, doc, lang)):
            return None
        hits = evaluate(clauses.query, doc, lang)
        if hits is None:
            return None
        context_hits = evaluate(clauses.context, doc, lang)
        if context_hits is None:
            return None
        unique = unique_hits(hits)
        points = score(doc, unique, narrative.weights)
        if points < narrative.min_score:
            return None
        claim = Claim(narrative.id, claim_sentences(doc, unique), clauses.query, lang)
        return Found(narrative.id, narrative.version, claim, hits, unique, context_hits, points)


def definition_version(definition: dict) -> str:
    """First 12 hex digits of sha256 over the canonical JSON of a narrative's mapping."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def load_watchlist(path: str | os.PathLike | None = None) -> Watchlist:
    """Load, validate and compile a watchlist.

    Default path: $MONITOR_NARRATIVES, else config/narratives.yaml at the project root.
    """
    path = Path(path or os.environ.get(ENV_PATH) or DEFAULT_PATH)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        source = _Source(path, _source_lines(text))
    except OSError as exc:
        raise WatchlistError(f"cannot read the watchlist: {exc.strerror}", path=path) from exc
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        raise WatchlistError(f"not valid YAML: {exc}", path=path, line=line) from exc
    try:
        spec = _WatchlistSpec.model_validate(data)
    except ValidationError as exc:
        raise WatchlistError(f"top level: {_describe(exc)}", path=path) from exc

    cues: dict[str, Node] = {}
    for lang, expressions in spec.stance_cues.items():
        nodes = [source.compile(expression, lang, ("stance_cues", lang, i), None,
                                f"stance_cues[{lang}][{i}]")
                 for i, expression in enumerate(expressions)]
        if nodes:
            cues[lang] = nodes[0] if len(nodes) == 1 else Or(tuple(nodes), 1)

    narratives: list[Narrative] = []
    compiled: dict[str, dict[str, _Compiled]] = {}
    for index, raw in enumerate(spec.narratives):
        item = _validate_narrative(raw, index, source)
        if item.id in compiled:
            raise WatchlistError(f"narrative {item.id!r} is defined twice", path=path,
                                 line=source.lines.get(("narratives", index)), narrative_id=item.id)
        compiled[item.id] = {}
        for lang, query in item.queries.items():
            query_node = source.compile(query, lang, ("narratives", index, "queries", lang),
                                        item.id, f"queries[{lang}]")
            context_node = source.compile(item.context[lang], lang,
                                          ("narratives", index, "context", lang), item.id,
                                          f"context[{lang}]")
            compiled[item.id][lang] = _Compiled(query_node, context_node,
                                                presence_check(query_node),
                                                presence_check(context_node))
        narratives.append(Narrative(
            id=item.id, title=item.title.strip(), description=item.description.strip(),
            version=definition_version(raw), queries=dict(item.queries), context=dict(item.context),
            weights=item.weights.model_dump(), min_score=item.min_score,
        ))
    LOGGER.info("loaded %d narratives from %s", len(narratives), path)
    return Watchlist(tuple(narratives), compiled, cues)


def _validate_narrative(raw: object, index: int, source: _Source) -> _NarrativeSpec:
    narrative_id = raw.get("id") if isinstance(raw, dict) else None
    label = f"entry {index + 1}"
    if narrative_id:
        label = f"narrative {narrative_id!r} ({label})"
    line = source.lines.get(("narratives", index))
    try:
        item = _NarrativeSpec.model_validate(raw)
    except ValidationError as exc:
        raise WatchlistError(f"{label}: {_describe(exc)}", path=source.path, line=line,
                             narrative_id=narrative_id) from exc
    unpaired = sorted(set(item.queries) ^ set(item.context))
    if unpaired:
        lang = unpaired[0]
        missing = "context" if lang in item.queries else "queries"
        raise WatchlistError(
            f"{label}: field '{missing}.{lang}': a query and a context clause are both required "
            f"for every language (found only one for {lang!r})",
            path=source.path, line=line, narrative_id=item.id, language=lang)
    return item


@dataclass(frozen=True)
class _Source:
    """The watchlist file and the line of each query in it, for error messages."""

    path: Path
    lines: dict[tuple, int]
    # The same text in the same language compiles to one tree, so a clause written once
    # and shared (the Kazakhstan context) is evaluated once per article, not per narrative.
    compiled: dict[tuple[str, str], Node] = field(default_factory=dict)

    def compile(self, text: str, lang: str, key: tuple, narrative_id: str | None,
                where: str) -> Node:
        found = self.compiled.get((text, lang))
        if found is None:
            found = self.compiled[(text, lang)] = self._compile(text, lang, key, narrative_id,
                                                                where)
        return found

    def _compile(self, text: str, lang: str, key: tuple, narrative_id: str | None,
                 where: str) -> Node:
        try:
            return compile_query(parse_query(text), lang)
        except QuerySyntaxError as exc:
            owner = f"narrative {narrative_id!r}, " if narrative_id else ""
            raise WatchlistError(
                f"{owner}{where} (language {lang}), column {exc.column}: {exc.reason}\n"
                f"{_caret(text, exc.column)}",
                path=self.path, line=self.lines.get(key), narrative_id=narrative_id,
                language=lang, column=exc.column,
            ) from exc


def _caret(text: str, column: int, width: int = 40) -> str:
    """The query around `column` with a ^ under it, so the error can be fixed without counting."""
    start = max(0, column - 1 - width)
    excerpt = text[start : column - 1 + width].replace("\n", " ")
    return f"    {excerpt}\n    {' ' * (column - 1 - start)}^"


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        location = ".".join(str(p) for p in error["loc"])
        parts.append(f"field '{location}': {error['msg']}" if location else error["msg"])
    return "; ".join(parts)


def _source_lines(source: str) -> dict[tuple, int]:
    """1-based line numbers of narratives, their queries/context values and stance cues."""
    lines: dict[tuple, int] = {}
    root = yaml.compose(source, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if key.value == "narratives" and isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                lines[("narratives", i)] = item.start_mark.line + 1
                for section, languages in item.value if isinstance(item, yaml.MappingNode) else ():
                    if isinstance(languages, yaml.MappingNode):
                        for lang, query in languages.value:
                            key = ("narratives", i, section.value, lang.value)
                            lines[key] = query.start_mark.line + 1
        elif key.value == "stance_cues" and isinstance(value, yaml.MappingNode):
            for lang, cues in value.value:
                for j, cue in enumerate(cues.value if isinstance(cues, yaml.SequenceNode) else ()):
                    lines[("stance_cues", lang.value, j)] = cue.start_mark.line + 1
    return lines
