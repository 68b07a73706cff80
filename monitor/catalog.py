"""Load and validate the outlet catalog (config/outlets.yaml).

Each outlet is a declaration: where to discover articles, which hosts belong to it and
what its article URLs look like. Every problem is reported on one line as
``FILE:LINE: entry N ('key'): field 'a.b[0]': what was expected``.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, StrictInt, ValidationError,
                      model_validator)
from pydantic_core import InitErrorDetails, PydanticCustomError

if TYPE_CHECKING:
    from monitor.extraction import ExtractionOverrides

LOGGER = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG_PATH = PROJECT_ROOT / "config" / "outlets.yaml"
CATALOG_PATH_ENV = "MONITOR_OUTLETS"

_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_ENTRY_LINE = re.compile(r"\s*-\s+key\s*:\s*['\"]?([^'\"\s#]*)")
_FIELD_LINE = re.compile(r"\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:")


class CatalogError(ValueError):
    """The catalog cannot be used; each line of the message is one problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _rule(test, expected: str) -> AfterValidator:
    def check(value):
        if not test(value):
            raise PydanticCustomError("catalog", f"expected {expected}, got {_short(value)}")
        return value
    return AfterValidator(check)


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_host(value: str) -> bool:
    try:
        return bool(ipaddress.ip_address(value))
    except ValueError:
        return all(_HOST_LABEL.fullmatch(label) for label in value.split("."))


def _compiles(value: str) -> bool:
    try:
        return bool(re.compile(value))
    except re.error as exc:
        message = f"expected a Python regular expression, got {value!r} ({exc})"
        raise PydanticCustomError("catalog", message) from None


def _error(loc: tuple, message: str, value: object) -> InitErrorDetails:
    # Raised from a model validator, these locations are kept, relative to that model.
    return InitErrorDetails(type=PydanticCustomError("catalog", message), loc=loc, input=value)


HttpUrl = Annotated[str, _rule(_is_http_url, "an http(s) URL")]
Domain = Annotated[str, _rule(_is_host, "a lower-case host such as 'pravda.com.ua' or an IP,"
                                        " without scheme, port or path")]
Language = Annotated[str, _rule(re.compile("[a-z]{2}").fullmatch, "an ISO 639-1 code such as 'uk'")]
Country = Annotated[str, _rule(re.compile("[A-Z]{2}").fullmatch, "an ISO 3166 code such as 'UA'")]
Key = Annotated[str, _rule(re.compile("[a-z][a-z0-9-]*").fullmatch,
                           "lower-case letters, digits and '-', starting with a letter")]
Minutes = Annotated[StrictInt, _rule(lambda v: 5 <= v <= 1440, "minutes from 5 to 1440")]
Year = Annotated[StrictInt, _rule(lambda v: 1800 <= v <= 2100, "a year")]
NonEmpty = _rule(bool, "at least one value")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sources(_Frozen):
    """Discovery URLs of one outlet, by kind."""

    feeds: tuple[HttpUrl, ...] = ()  # RSS 2.0 / Atom
    news_sitemaps: tuple[HttpUrl, ...] = ()  # Google News sitemaps
    sitemaps: tuple[HttpUrl, ...] = ()  # sitemaps or sitemap indexes
    listings: tuple[HttpUrl, ...] = ()  # HTML section pages


def _check_selector(value: str) -> str:
    # monitor.extraction (trafilatura) is imported only for catalogs that use selectors.
    from monitor.extraction import selector_xpath

    try:
        selector_xpath(value)
    except ValueError as exc:
        raise PydanticCustomError("catalog", str(exc)) from None
    return value


Selector = Annotated[str, AfterValidator(_check_selector)]


class ExtractionRules(_Frozen):
    """Per-outlet extraction overrides, for the rare outlet the generic path gets wrong.
    A selector is CSS, or XPath when it starts with '/' or '(' (see docs/extraction.md)."""

    drop: tuple[Selector, ...] = ()  # elements removed before extraction
    body: Selector | None = None  # the element holding the article body
    date: Selector | None = None  # the element showing the publication date

    def overrides(self) -> ExtractionOverrides:
        """These rules as the `overrides` argument of monitor.extraction.extract()."""
        from monitor.extraction import ExtractionOverrides

        return ExtractionOverrides(drop=self.drop, body=self.body, date=self.date)


class Outlet(_Frozen):
    """One catalog entry: a news outlet and how to crawl it."""

    key: Key
    name: Annotated[str, _rule(str.strip, "a non-empty name")]
    country: Country
    homepage: HttpUrl
    allowed_domains: Annotated[tuple[Domain, ...], NonEmpty]
    languages: Annotated[tuple[Language, ...], NonEmpty]
    sources: Sources
    article_url_pattern: Annotated[str, _rule(_compiles, "a Python regular expression")]
    crawl_interval: Minutes = 60
    founded: Year | None = None
    notes: str | None = None
    extraction: ExtractionRules | None = None
    # Real article URLs of the outlet: the entry checks its own pattern against them at load.
    example_articles: tuple[HttpUrl, ...] = ()

    @model_validator(mode="after")
    def _check_urls(self) -> Outlet:
        outside = f"expected a URL on {', '.join(self.allowed_domains)} (see allowed_domains)"
        located = [(("homepage",), self.homepage)] + [(("sources", kind, i), url)
                                                      for kind, urls in self.sources
                                                      for i, url in enumerate(urls)]
        errors = [_error(loc, f"{outside}, got {url!r}", url)
                  for loc, url in located if not self.allows(url)]
        if not self.source_urls():
            message = "expected at least one feed, sitemap or listing"
            errors.append(_error(("sources",), message, {}))
        if self.article_regex.search(self.homepage):
            message = "the pattern matches the homepage; make it specific to article URLs"
            errors.append(_error(("article_url_pattern",), message, self.article_url_pattern))
        for i, url in enumerate(self.example_articles):
            if not self.is_article_url(url):
                message = "expected an article URL of this outlet that article_url_pattern matches"
                errors.append(_error(("example_articles", i), f"{message}, got {url!r}", url))
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    @cached_property
    def article_regex(self) -> re.Pattern[str]:
        """The compiled article_url_pattern."""
        return re.compile(self.article_url_pattern)

    def allows(self, url: str) -> bool:
        """True if url is http(s) and its host is an allowed domain or a subdomain of one."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".")
        except ValueError:  # e.g. a broken IPv6 literal in a scraped link
            return False
        return parts.scheme in ("http", "https") and any(
            host == domain or host.endswith("." + domain) for domain in self.allowed_domains)

    def is_article_url(self, url: str) -> bool:
        """True if url belongs to this outlet and matches its article_url_pattern."""
        return self.allows(url) and self.article_regex.search(url) is not None

    def extraction_overrides(self) -> ExtractionOverrides:
        """The `extraction:` rules as extract()'s `overrides` argument (empty ones if none)."""
        return (self.extraction or ExtractionRules()).overrides()

    def source_urls(self) -> tuple[str, ...]:
        """All discovery URLs: feeds, news sitemaps, sitemaps, then listings."""
        return tuple(url for _, urls in self.sources for url in urls)


class _CatalogFile(_Frozen):
    outlets: Annotated[tuple[Outlet, ...], NonEmpty]

    @model_validator(mode="after")
    def _check_unique_keys(self) -> _CatalogFile:
        first: dict[str, int] = {}
        errors = []
        for i, outlet in enumerate(self.outlets):
            if outlet.key in first:
                message = f"duplicate key {outlet.key!r}; entry {first[outlet.key] + 1} has it"
                errors.append(_error(("outlets", i, "key"), message, outlet.key))
            first.setdefault(outlet.key, i)
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


@dataclass(frozen=True)
class Catalog:
    """The validated outlets, in file order."""

    outlets: tuple[Outlet, ...]
    source: str = "<memory>"

    def get(self, key: str) -> Outlet:
        """The outlet with this key; KeyError naming the known keys otherwise."""
        for outlet in self.outlets:
            if outlet.key == key:
                return outlet
        known = ", ".join(self.keys())
        raise KeyError(f"unknown outlet {key!r} in {self.source}; known outlets: {known}")

    def keys(self) -> tuple[str, ...]:
        """Outlet keys in file order."""
        return tuple(outlet.key for outlet in self.outlets)

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self.outlets)

    def __len__(self) -> int:
        return len(self.outlets)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load the catalog from path, else $MONITOR_OUTLETS, else config/outlets.yaml."""
    path = Path(path or os.environ.get(CATALOG_PATH_ENV) or DEFAULT_CATALOG_PATH)
    inside_cwd = path.is_absolute() and path.resolve().is_relative_to(Path.cwd())
    shown = os.path.relpath(path) if inside_cwd else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        hint = f"pass a path or set {CATALOG_PATH_ENV}"
        raise CatalogError([f"{shown}: cannot read the outlet catalog ({exc}); {hint}"]) from None
    catalog = parse_catalog(text, shown)
    LOGGER.debug("loaded %d outlets from %s", len(catalog), shown)
    return catalog


def parse_catalog(text: str, source: str) -> Catalog:
    """Validate catalog YAML text; source names the file in error messages."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        raise CatalogError([_syntax_problem(text, source, exc)]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        got = _short(data)
        raise CatalogError([f"{source}:1: expected a mapping with an 'outlets' list, got {got}"])
    problems = [_locate(source, root, data, loc, "given twice in one mapping", line)
                for loc, line in _repeated_fields(root, ())]
    try:
        outlets = _CatalogFile.model_validate(data).outlets
    except ValidationError as exc:
        problems += [_locate(source, root, data, e["loc"], _explain(e)) for e in exc.errors()]
    if problems:
        raise CatalogError([message for _, message in sorted(problems)])
    return Catalog(outlets, source)


def _explain(error: dict) -> str:
    loc, kind = error["loc"], error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        model = (Sources if "sources" in loc else ExtractionRules if "extraction" in loc
                 else Outlet if len(loc) > 2 else _CatalogFile)
        return f"unknown field; expected one of: {', '.join(model.model_fields)}"
    if kind == "catalog":
        return error["msg"]
    return f"{error['msg'][0].lower()}{error['msg'][1:]}, got {_short(error['input'])}"


def _locate(source: str, root: yaml.Node, data: dict, loc: tuple, what: str,
            line: int | None = None) -> tuple[int, str]:
    line = line or _line_of(root, loc)
    where = f"{source}:{line}: "
    if loc[:1] == ("outlets",) and len(loc) > 1 and isinstance(loc[1], int):
        entry = data["outlets"][loc[1]]
        key = entry.get("key") if isinstance(entry, dict) else None
        where += f"entry {loc[1] + 1}" + (f" ({key!r})" if isinstance(key, str) else "") + ": "
        loc = loc[2:]
    if loc:
        where += f"field {_dotted(loc)!r}: "
    return line, where + what


def _line_of(node: yaml.Node, loc: tuple) -> int:
    """1-based line of the deepest node on the path loc (a mapping field's key line)."""
    line = node.start_mark.line
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == part), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line, pair[1]
        elif isinstance(node, yaml.SequenceNode) and part in range(len(node.value)):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _repeated_fields(node: yaml.Node, loc: tuple) -> Iterator[tuple[tuple, int]]:
    """Fields given twice in one mapping, which PyYAML would silently overwrite."""
    if isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            yield from _repeated_fields(child, loc + (i,))
    elif isinstance(node, yaml.MappingNode):
        seen = set()
        for key, child in node.value:
            if key.value in seen:
                yield loc + (key.value,), key.start_mark.line + 1
            seen.add(key.value)
            yield from _repeated_fields(child, loc + (key.value,))


def _syntax_problem(text: str, source: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    lines = text.splitlines()[:line]
    # The document did not parse, so entry and field are read from the raw lines.
    entries = [m.group(1) for m in map(_ENTRY_LINE.match, lines) if m]
    where = f"entry {len(entries)} ({entries[-1]!r}): " if entries else ""
    field = _FIELD_LINE.match(lines[-1]) if lines else None
    where += f"field {field.group(1)!r}: " if field else ""
    problem = getattr(exc, "problem", None) or str(exc)
    if getattr(exc, "context", None) and exc.context_mark:
        problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
    return f"{source}:{line}: {where}YAML syntax error: {problem}"


def _dotted(loc: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
