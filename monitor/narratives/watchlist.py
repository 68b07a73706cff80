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

from monitor.narratives.matcher import Document, Hit, compile_query, evaluate, unique_hits
from monitor.narratives.query import Node, Or, QuerySyntaxError, parse_query, prune, render
from monitor.narratives.stance import cue_sentences, decide_stance

LOGGER = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = PROJECT_ROOT / "config" / "narratives.yaml"
ENV_PATH = "MONITOR_NARRATIVES"
MAX_QUERY_EVIDENCE = 20
# The context clause ("the article is about Kazakhstan") matches all over an article;
# a few places are enough to show why it held.
MAX_CONTEXT_EVIDENCE = 3

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


class _NarrativeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    queries: dict[Language, str] = Field(min_length=1)
    context: dict[Language, str] = Field(min_length=1)


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


@dataclass(frozen=True)
class Evidence:
    """A matched place: `text[start:end] == term` for the title or body text of `field`."""

    term: str
    field: str  # 'title' | 'body'
    start: int
    end: int
    sentence: str
    sentence_start: int
    clause: str = "query"  # 'query' or 'context' (the "article is about Kazakhstan" clause)


@dataclass(frozen=True)
class Flag:
    """A narrative found in an article, with the evidence an analyst needs to check it."""

    narrative_id: str
    stance: str  # 'debunk' | 'report'
    sentence: str
    matched_terms: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    branch: str
    version: str


@dataclass(frozen=True)
class _Compiled:
    query: Node
    context: Node


class Watchlist:
    """Compiled narratives; `match` evaluates all of them over one tokenisation per language."""

    def __init__(self, narratives: tuple[Narrative, ...], compiled: dict[str, dict[str, _Compiled]],
                 cues: dict[str, Node]):
        self.narratives = tuple(sorted(narratives, key=lambda n: n.id))
        self._compiled = compiled
        self._cues = cues

    def match(self, text: str, language: str, title: str | None = None) -> list[Flag]:
        """Flags for every narrative whose query and context clause match, sorted by id."""
        lang = (language or "").lower().replace("_", "-").split("-")[0]
        doc = Document(text, title)
        cue_langs = [lang] if lang in self._cues else list(self._cues)
        cues: set[int] | None = None
        flags = []
        for narrative in self.narratives:
            compiled = self._compiled[narrative.id]
            for query_lang in [lang] if lang in compiled else list(compiled):
                hits = evaluate(compiled[query_lang].query, doc, query_lang)
                if hits is None:
                    continue
                context_hits = evaluate(compiled[query_lang].context, doc, query_lang)
                if context_hits is None:
                    continue
                if cues is None:
                    cues = cue_sentences(doc, ((c, self._cues[c]) for c in cue_langs))
                flags.append(_flag(narrative, compiled[query_lang].query, doc, hits,
                                   context_hits, cues))
                break
        return flags


def _flag(narrative: Narrative, query: Node, doc: Document, hits: list[Hit],
          context_hits: list[Hit], cues: set[int]) -> Flag:
    branch = render(prune(query, {id(leaf) for _start, _end, leaf in hits}))
    hits = unique_hits(hits)
    spans = {(h[0], h[1]) for h in hits}
    context = [h for h in unique_hits(context_hits) if (h[0], h[1]) not in spans]
    evidence = [_evidence(doc, h, "query") for h in hits[:MAX_QUERY_EVIDENCE]]
    evidence += [_evidence(doc, h, "context") for h in context[:MAX_CONTEXT_EVIDENCE]]
    return Flag(
        narrative_id=narrative.id,
        stance=decide_stance(doc, hits, cues),
        sentence=evidence[0].sentence,
        matched_terms=tuple(dict.fromkeys(e.term for e in evidence if e.clause == "query")),
        evidence=tuple(evidence),
        branch=branch,
        version=narrative.version,
    )


def _evidence(doc: Document, hit: Hit, clause: str) -> Evidence:
    first, last = doc.tokens[hit[0]], doc.tokens[hit[1]]
    sentence = doc.sentences[doc.token_sentence[hit[0]]]
    text = doc.texts[sentence.field]
    return Evidence(
        term=text[first.start : last.end],
        field=sentence.field,
        start=first.start,
        end=last.end,
        sentence=text[sentence.start : sentence.end],
        sentence_start=sentence.start,
        clause=clause,
    )


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
        compiled[item.id] = {
            lang: _Compiled(
                source.compile(query, lang, ("narratives", index, "queries", lang), item.id,
                               f"queries[{lang}]"),
                source.compile(item.context[lang], lang, ("narratives", index, "context", lang),
                               item.id, f"context[{lang}]"),
            )
            for lang, query in item.queries.items()
        }
        narratives.append(Narrative(
            id=item.id, title=item.title.strip(), description=item.description.strip(),
            version=definition_version(raw), queries=dict(item.queries), context=dict(item.context),
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

    def compile(self, text: str, lang: str, key: tuple, narrative_id: str | None,
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
