"""The query language: parse what a person types into a small tree, then normalise it.

    rover landing          every word must match, "the" too (ranked by relevance)
    "far side"             a phrase
    rover OR lander        either
    NOT artist, -artist    exclude
    title:rover  caption:"far side"  alt:moon  entity:china
    has:image, -has:image  records with (without) an image
    (rover OR lander) -artist

Parsing knows nothing of stems or indexes; ``normalise`` turns each word into
the index's terms through nlp.tokenize, the same path captions took.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator, Union

from ..errors import QuerySyntaxError

MAX_QUERY_LENGTH = 500
FIELDS = {"title": "title", "caption": "caption", "alt": "alt", "entity": "entity", "entities": "entity"}
DEFAULT_FIELD = "text"
# has:<what> -> the facet every record with it carries (indexing.documents writes them).
HAS = {"image": "has:image"}


@dataclass(frozen=True)
class Word:
    """A word (or a quoted phrase, ``quoted=True``) as typed, scoped to a field."""

    field: str
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Term:
    field: str
    term: str
    boost: float = 1.0
    source: str = ""  # the word as typed


@dataclass(frozen=True)
class Phrase:
    field: str
    terms: tuple[str, ...]
    boost: float = 1.0
    source: str = ""


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    item: "Node"


@dataclass(frozen=True)
class Filter:
    """Records carrying a facet (``has:image``): a condition, not a word; it adds nothing to a score."""

    key: str


@dataclass(frozen=True)
class Everything:
    pass


@dataclass(frozen=True)
class Nothing:
    pass


Node = Union[Word, Term, Phrase, And, Or, Not, Filter, Everything, Nothing]

_TOKEN = re.compile(r'\s+|\(|\)|-?[A-Za-z]+:"[^"]*"?|-?"[^"]*"?|[^\s()"]+')


@dataclass
class _Lexeme:
    kind: str  # "word", "quoted", "filter", "(", ")", "OR", "AND", "NOT"
    text: str
    position: int
    field: str = DEFAULT_FIELD
    negated: bool = False


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    for match in _TOKEN.finditer(query):
        text, position = match.group(), match.start() + 1
        if text.isspace():
            continue
        lexemes.extend(_classify(text, position))
    return lexemes


def _classify(text: str, position: int) -> Iterator[_Lexeme]:
    if text in ("(", ")"):
        yield _Lexeme(text, text, position)
        return
    if text in ("OR", "AND", "NOT"):
        yield _Lexeme(text, text, position)
        return
    negated = text.startswith("-") and len(text) > 1
    body = text[1:] if negated else text
    scope = DEFAULT_FIELD
    prefix, colon, rest = body.partition(":")
    if colon and prefix.lower() == "has":
        yield _filter(rest, position, negated)
        return
    if colon and re.fullmatch(r"[A-Za-z]+", prefix):
        if prefix.lower() not in FIELDS:
            known = ", ".join(f"{name}:" for name in ("title", "caption", "alt", "entity", "has"))
            raise QuerySyntaxError(
                f"unknown field '{prefix}:' at position {position}: use {known}, "
                f'or put the text in quotes to search for it ("{body}")'
            )
        scope, body = FIELDS[prefix.lower()], rest
        if not body:
            raise QuerySyntaxError(f"'{prefix}:' at position {position} needs a word or a \"phrase\" after it")
    if body.startswith('"'):
        if len(body) < 2 or not body.endswith('"'):
            raise QuerySyntaxError(f'unclosed quote at position {position}: add the closing "')
        yield _Lexeme("quoted", body[1:-1], position, scope, negated)
        return
    yield _Lexeme("word", body, position, scope, negated)


def _filter(what: str, position: int, negated: bool) -> _Lexeme:
    key = HAS.get(what.strip('"').lower())
    if key is None:
        raise QuerySyntaxError(
            f"'has:{what}' at position {position}: write has:image (or -has:image for records without one)"
        )
    return _Lexeme("filter", key, position, negated=negated)


class _Parser:
    def __init__(self, lexemes: list[_Lexeme]):
        self.lexemes = lexemes
        self.at = 0

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.at]
        self.at += 1
        return lexeme

    def parse(self) -> Node:
        node = self.or_expr()
        extra = self.peek()
        if extra is not None:
            raise QuerySyntaxError(f"unmatched ')' at position {extra.position}: remove it or add a '(' before it")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while (lexeme := self.peek()) is not None and lexeme.kind == "OR":
            self.take()
            following = self.peek()
            if following is None or following.kind in (")", "OR"):
                raise QuerySyntaxError(f"OR at position {lexeme.position} needs a term on both sides")
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items: list[Node] = []
        while (lexeme := self.peek()) is not None and lexeme.kind not in (")", "OR"):
            if lexeme.kind == "AND":
                self.take()
                continue
            items.append(self.unary())
        if not items:
            lexeme = self.peek()
            if lexeme is not None and lexeme.kind == "OR":
                raise QuerySyntaxError(f"OR at position {lexeme.position} needs a term on both sides")
            if lexeme is not None and lexeme.kind == ")":
                raise QuerySyntaxError(
                    f"empty parentheses at position {lexeme.position}: put words inside or remove them"
                )
            raise QuerySyntaxError("the query ends too early: finish it or remove the last operator")
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        lexeme = self.take()
        if lexeme.kind == "NOT":
            following = self.peek()
            if following is None or following.kind in (")", "OR", "AND"):
                raise QuerySyntaxError(f"NOT at position {lexeme.position} needs a term after it")
            return Not(self.unary())
        if lexeme.kind == "(":
            if self.peek() is None:
                raise QuerySyntaxError(f"unclosed '(' at position {lexeme.position}: add a ')'")
            inner = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QuerySyntaxError(f"unclosed '(' at position {lexeme.position}: add a ')'")
            self.take()
            return inner
        word: Node = (
            Filter(lexeme.text)
            if lexeme.kind == "filter"
            else Word(lexeme.field, lexeme.text, quoted=lexeme.kind == "quoted")
        )
        return Not(word) if lexeme.negated else word


def parse(query: str) -> Node:
    """Parse a query string; raises QuerySyntaxError with a position and a fix."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            f"the query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}: shorten it"
        )
    if not query.strip():
        return Everything()
    return _Parser(_lex(query)).parse()


# -- normalising -------------------------------------------------------------------

Analyse = Callable[[str], list[tuple[str, str]]]  # text -> [(folded word, stem), ...]


def normalise(node: Node, analyse: Analyse) -> Node:
    """Replace every Word with index terms: a Term, a Phrase, or Nothing.

    Every word counts, short common ones ("the", "its") included: a query
    means what it says, as in SQLite FTS5 and tantivy. Only a word with no
    letters or digits (a lone dash) stands for nothing and drops out.
    """
    if isinstance(node, Word):
        pairs = analyse(node.text)
        stems = tuple(stem for _, stem in pairs)
        if not stems:
            return Nothing()
        if len(stems) == 1 and not node.quoted:
            return Term(node.field, stems[0], source=node.text)
        return Phrase(node.field, stems, source=node.text)
    if isinstance(node, And):
        items = tuple(normalise(item, analyse) for item in node.items)
        items = tuple(item for item in items if not isinstance(item, Nothing)) or (Nothing(),)
        return items[0] if len(items) == 1 else And(items)
    if isinstance(node, Or):
        return Or(tuple(normalise(item, analyse) for item in node.items))
    if isinstance(node, Not):
        return Not(normalise(node.item, analyse))
    return node


def positive_words(node: Node) -> Iterator[Word]:
    """The words a hit is expected to contain (not those under NOT)."""
    if isinstance(node, Word):
        yield node
    elif isinstance(node, (And, Or)):
        for item in node.items:
            yield from positive_words(item)


def positive_terms(node: Node) -> Iterator[Term | Phrase]:
    """Normalised terms and phrases a hit may contain (for highlighting)."""
    if isinstance(node, (Term, Phrase)):
        yield node
    elif isinstance(node, (And, Or)):
        for item in node.items:
            yield from positive_terms(item)


def replace_words(node: Node, corrections: dict[str, str]) -> Node:
    """The same tree with some plain words replaced (spelling corrections)."""
    if isinstance(node, Word) and not node.quoted:
        return Word(node.field, corrections.get(node.text, node.text), node.quoted)
    if isinstance(node, And):
        return And(tuple(replace_words(item, corrections) for item in node.items))
    if isinstance(node, Or):
        return Or(tuple(replace_words(item, corrections) for item in node.items))
    if isinstance(node, Not):
        return Not(replace_words(node.item, corrections))
    return node


def unparse(node: Node) -> str:
    """A query string for a tree of Words (used to show a corrected query)."""
    if isinstance(node, Filter):
        return node.key
    if isinstance(node, Word):
        scope = "" if node.field == DEFAULT_FIELD else f"{node.field}:"
        text = f'"{node.text}"' if node.quoted else node.text
        return scope + text
    if isinstance(node, And):
        return " ".join(_wrap(item) for item in node.items)
    if isinstance(node, Or):
        return " OR ".join(_wrap(item) for item in node.items)
    if isinstance(node, Not):
        return ("NOT " if isinstance(node.item, (And, Or)) else "-") + _wrap(node.item)
    return ""


def _wrap(node: Node) -> str:
    text = unparse(node)
    return f"({text})" if isinstance(node, (And, Or)) else text
