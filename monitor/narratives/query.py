"""The narrative query language: lexer, recursive-descent parser and rendering.

Grammar (EBNF; docs/narratives.md explains the semantics):

    query    = or_expr ;
    or_expr  = and_expr , { "OR" , and_expr } ;
    and_expr = near_expr , { "AND" , [ "NOT" ] , near_expr } ;
    near_expr= primary , { "NEAR/" , digits , primary } ;
    primary  = word | phrase | "(" , or_expr , ")" ;
    word     = [ "exact:" ] , letters , [ "*" ] ;
    phrase   = [ "exact:" ] , '"' , word , { word } , '"' ;

Operators are upper case; two operands side by side without an operator are an error,
because an implicit AND hides a forgotten OR or missing quotes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace

from monitor.narratives.text import WORD_RE, normalize_word

LOGGER = logging.getLogger(__name__)

MAX_NEAR_DISTANCE = 100
MIN_PREFIX_LENGTH = 2
_QUOTES = {'"': '"', "«": "»", "“": "”"}
_EXACT = "exact:"
_WORD_CHARS_RE = re.compile(r"[\w'’ʼ*-]+")
_NEAR_RE = re.compile(r"NEAR(?:/(\d+))?(?![\w'’ʼ*-])")
_OPERATORS = {"AND", "OR", "NOT"}


class QuerySyntaxError(ValueError):
    """A query that does not parse; `column` is 1-based within the query string."""

    def __init__(self, message: str, column: int):
        super().__init__(f"column {column}: {message}")
        self.reason = message
        self.column = column


# --- AST ------------------------------------------------------------------------------
# Nodes compare by identity (eq=False): evaluation reports which leaf objects matched.


@dataclass(frozen=True, eq=False)
class Term:
    """One word. kind: 'lemma' (any inflection), 'exact' (this form) or 'prefix' (word*)."""

    kind: str
    word: str  # normalised (text.normalize_word); for 'prefix' without the '*'
    source: str  # as written in the query, for rendering
    column: int
    keys: frozenset[str] = field(default=frozenset())  # filled by matcher.compile_query


@dataclass(frozen=True, eq=False)
class Phrase:
    """Words that must follow each other in one sentence."""

    words: tuple[Term, ...]
    source: str
    column: int


@dataclass(frozen=True, eq=False)
class Near:
    """Two positional operands with at most `distance` words between them, either order."""

    left: Node
    right: Node
    distance: int
    column: int


@dataclass(frozen=True, eq=False)
class Or:
    children: tuple[Node, ...]
    column: int
    # For the single words among the children, a lookup built by matcher.compile_query so
    # the whole group is matched at once (a narrative's OR-groups run to dozens of words).
    word_group: object = field(default=None, repr=False)


@dataclass(frozen=True, eq=False)
class And:
    children: tuple[Node, ...]
    column: int


@dataclass(frozen=True, eq=False)
class AndNot:
    left: Node
    right: Node
    column: int


Node = Term | Phrase | Near | Or | And | AndNot


def is_positional(node: Node) -> bool:
    """True for nodes that have positions in the text and so may stand next to NEAR."""
    if isinstance(node, (Term, Phrase, Near)):
        return True
    return isinstance(node, Or) and all(is_positional(child) for child in node.children)


# --- lexer ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexeme:
    kind: str  # 'word', 'phrase', '(', ')', 'AND', 'OR', 'NOT', 'NEAR', 'end'
    text: str
    column: int
    exact: bool = False
    distance: int = 0


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    i = 0
    while i < len(query):
        ch = query[i]
        column = i + 1
        if ch.isspace():
            i += 1
        elif ch in "()":
            lexemes.append(_Lexeme(ch, ch, column))
            i += 1
        elif m := _NEAR_RE.match(query, i):
            if m.group(1) is None:
                raise QuerySyntaxError("NEAR needs a distance in words, e.g. NEAR/5", column)
            distance = int(m.group(1))
            if distance > MAX_NEAR_DISTANCE:
                raise QuerySyntaxError(
                    f"NEAR distance {distance} exceeds {MAX_NEAR_DISTANCE}", column
                )
            lexemes.append(_Lexeme("NEAR", m.group(), column, distance=distance))
            i = m.end()
        else:
            exact = query.startswith(_EXACT, i)
            start = i + len(_EXACT) if exact else i
            if start < len(query) and query[start] in _QUOTES:
                close = query.find(_QUOTES[query[start]], start + 1)
                if close < 0:
                    raise QuerySyntaxError("unterminated phrase: missing closing quote", start + 1)
                lexemes.append(_Lexeme("phrase", query[start + 1 : close], column, exact))
                i = close + 1
                continue
            m = _WORD_CHARS_RE.match(query, start)
            if not m:
                found = query[start : start + 1]
                raise QuerySyntaxError(f"unexpected character {found!r}", start + 1)
            word = m.group()
            kind = word if word in _OPERATORS and not exact else "word"
            lexemes.append(_Lexeme(kind, word, column, exact))
            i = m.end()
    lexemes.append(_Lexeme("end", "", len(query) + 1))
    return lexemes


# --- parser ---------------------------------------------------------------------------


def parse_query(query: str) -> Node:
    """Parse a query string into an AST; raises QuerySyntaxError with the column."""
    parser = _Parser(_lex(query))
    node = parser.or_expr()
    extra = parser.peek()
    if extra.kind == ")":
        raise QuerySyntaxError("unbalanced ')': no '(' to close", extra.column)
    if extra.kind != "end":
        raise QuerySyntaxError(
            f"missing operator before {extra.text!r}: write AND, OR or NEAR/n between terms "
            '(put words in "double quotes" to match them as a phrase)',
            extra.column,
        )
    return node


class _Parser:
    def __init__(self, lexemes: list[_Lexeme]):
        self.lexemes = lexemes
        self.pos = 0

    def peek(self) -> _Lexeme:
        return self.lexemes[self.pos]

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.pos]
        self.pos += 1
        return lexeme

    def or_expr(self) -> Node:
        first = self.and_expr()
        children = [first]
        while self.peek().kind == "OR":
            self.take()
            children.append(self.and_expr())
        return first if len(children) == 1 else Or(tuple(_flatten(Or, children)), first.column)

    def and_expr(self) -> Node:
        node = self.near_expr()
        while self.peek().kind == "AND":
            self.take()
            if self.peek().kind == "NOT":
                self.take()
                node = AndNot(node, self.near_expr(), node.column)
            else:
                node = And(tuple(_flatten(And, [node, self.near_expr()])), node.column)
        return node

    def near_expr(self) -> Node:
        node = self.primary()
        while self.peek().kind == "NEAR":
            operator = self.take()
            right = self.primary()
            for operand in (node, right):
                if not is_positional(operand):
                    raise QuerySyntaxError(
                        "NEAR operands must be words, phrases or OR-groups of them, not AND/NOT",
                        operand.column,
                    )
            node = Near(node, right, operator.distance, node.column)
        return node

    def primary(self) -> Node:
        lexeme = self.take()
        if lexeme.kind == "word":
            return _word_node(lexeme)
        if lexeme.kind == "phrase":
            return _phrase_node(lexeme)
        if lexeme.kind == "(":
            node = self.or_expr()
            closing = self.take()
            if closing.kind != ")":
                raise QuerySyntaxError(
                    f"expected ')' to close the '(' at column {lexeme.column}", closing.column
                )
            return node
        if lexeme.kind == "NOT":
            raise QuerySyntaxError(
                "NOT is only allowed after AND: write 'a AND NOT b'", lexeme.column
            )
        found = "the end of the query" if lexeme.kind == "end" else repr(lexeme.text)
        raise QuerySyntaxError(f"expected a word, a phrase or '(' but found {found}", lexeme.column)


def _flatten(cls: type, nodes: list[Node]) -> list[Node]:
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.children if isinstance(node, cls) else (node,))
    return flat


def _make_term(text: str, exact: bool, column: int) -> Term:
    if text.endswith("*"):
        prefix = normalize_word(text[:-1])
        if len(prefix) < MIN_PREFIX_LENGTH:
            raise QuerySyntaxError(
                f"a wildcard needs at least {MIN_PREFIX_LENGTH} letters before '*'", column
            )
        return Term("prefix", prefix, text, column)
    return Term("exact" if exact else "lemma", normalize_word(text), text, column)


def _split_words(text: str, column: int) -> list[tuple[str, int]]:
    """Words of a query word or phrase as the text tokenizer would split them, '*' kept."""
    words = []
    for m in re.finditer(r"[\w'’ʼ*]+", text):
        word = m.group().strip("'’ʼ")
        if "*" in word[:-1]:
            raise QuerySyntaxError("'*' is only allowed at the end of a word", column + m.start())
        if not WORD_RE.fullmatch(word.rstrip("*")):
            raise QuerySyntaxError(f"{m.group()!r} is not a word", column + m.start())
        words.append((word, column + m.start()))
    return words


def _word_node(lexeme: _Lexeme) -> Node:
    offset = lexeme.column + (len(_EXACT) if lexeme.exact else 0)
    parts = _split_words(lexeme.text, offset)
    source = (_EXACT if lexeme.exact else "") + lexeme.text
    if not parts:
        raise QuerySyntaxError(f"{lexeme.text!r} is not a word", lexeme.column)
    if len(parts) == 1:
        term = _make_term(parts[0][0], lexeme.exact, lexeme.column)
        return Term(term.kind, term.word, source, lexeme.column)
    # "Нур-Султан" is two tokens in the text, so a hyphenated word is a phrase.
    words = tuple(_make_term(word, lexeme.exact, column) for word, column in parts)
    return Phrase(words, source, lexeme.column)


def _phrase_node(lexeme: _Lexeme) -> Node:
    offset = lexeme.column + 1 + (len(_EXACT) if lexeme.exact else 0)
    parts = _split_words(lexeme.text, offset)
    if not parts:
        raise QuerySyntaxError("empty phrase", lexeme.column)
    words = tuple(_make_term(word, lexeme.exact, column) for word, column in parts)
    source = (_EXACT if lexeme.exact else "") + f'"{lexeme.text}"'
    return Phrase(words, source, lexeme.column)


# --- rendering ------------------------------------------------------------------------
_PRECEDENCE = {Or: 1, And: 2, AndNot: 2, Near: 3, Term: 4, Phrase: 4}


def render(node: Node, *, explicit: bool = False) -> str:
    """Query text for a node, parenthesised only where precedence needs it (or everywhere
    with `explicit`, which tests and debugging use to see the tree)."""

    def wrap(child: Node, minimum: int) -> str:
        text = render(child, explicit=explicit)
        composite = not isinstance(child, (Term, Phrase))
        if composite and (explicit or _PRECEDENCE[type(child)] < minimum):
            return f"({text})"
        return text

    if isinstance(node, (Term, Phrase)):
        return node.source
    if isinstance(node, Or):
        return " OR ".join(wrap(c, 1) for c in node.children)
    if isinstance(node, And):
        return " AND ".join(wrap(c, 2) for c in node.children)
    if isinstance(node, AndNot):
        return f"{wrap(node.left, 2)} AND NOT {wrap(node.right, 3)}"
    return f"{wrap(node.left, 3)} NEAR/{node.distance} {wrap(node.right, 4)}"


def prune(node: Node, keep: set[int]) -> Node:
    """The branch that fired: OR-groups cut down to the alternatives holding a leaf whose id
    is in `keep`. The excluded side of AND NOT did not match, so it stays whole."""
    if isinstance(node, Or):
        kept = [prune(c, keep) for c in node.children if _uses(c, keep)] or list(node.children)
        return kept[0] if len(kept) == 1 else replace(node, children=tuple(kept))
    if isinstance(node, And):
        return replace(node, children=tuple(prune(c, keep) for c in node.children))
    if isinstance(node, AndNot):
        return replace(node, left=prune(node.left, keep))
    if isinstance(node, Near):
        return replace(node, left=prune(node.left, keep), right=prune(node.right, keep))
    return node


def leaves(node: Node) -> list[Term | Phrase]:
    """All Term and Phrase nodes of a tree, left to right."""
    if isinstance(node, (Term, Phrase)):
        return [node]
    if isinstance(node, (Or, And)):
        return [leaf for child in node.children for leaf in leaves(child)]
    return leaves(node.left) + leaves(node.right)


def claim_leaves(node: Node) -> list[Term | Phrase]:
    """Leaves that say what the query claims: all of them but the excluded side of AND NOT."""
    if isinstance(node, AndNot):
        return claim_leaves(node.left)
    if isinstance(node, (Or, And)):
        return [leaf for child in node.children for leaf in claim_leaves(child)]
    if isinstance(node, Near):
        return claim_leaves(node.left) + claim_leaves(node.right)
    return [node]


def _uses(node: Node, keep: set[int]) -> bool:
    return any(id(leaf) in keep for leaf in leaves(node))
