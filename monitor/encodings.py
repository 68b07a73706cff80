"""Bytes -> text for Cyrillic web documents (pages and feeds).

Declared charsets lie in both directions on Ukrainian, Russian and Kazakh sites, so each
decoder checks what it is told and falls back to the Cyrillic code page that reads best.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections import Counter

LOGGER = logging.getLogger(__name__)

BOMS = (  # UTF-32 LE first: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried in this order when no declared encoding reads cleanly; ties go to the first.
CYRILLIC_CODECS = ("cp1251", "kz1048", "koi8_u", "koi8_r", "iso8859_5", "cp866")
XML_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']?([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# Cyrillic in a single-byte code page is a run of high bytes in every word;
# Western European text has at most an isolated accented letter.
_HIGH_BYTE_WORD = re.compile(rb"[\x80-\xff]{3,}")
# Browsers read these labels as windows-1252 (WHATWG encoding standard).
_WESTERN_CODECS = frozenset({"ascii", "iso8859-1", "cp1252"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CORE_LETTERS = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґәғқңөұүһ")
_NEUTRAL = frozenset("«»—–…№\u00a0\u2019\u201c\u201d\u201e")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# cp1251 read as Latin-1: whole words of accented Latin letters, which no Western language has.
_LATIN1_WORD = re.compile("[\u00c0-\u00ff]{3,}")


def cyrillic_score(text: str) -> int:
    """Higher when text reads as uk/ru/kk: lower-case letters of those alphabets count for,
    capitals (a wrong code page swaps the cases) and other non-ASCII characters against."""
    score = 0
    for char, count in Counter(_NON_ASCII.findall(text, 0, 200_000)).items():
        if char in _CORE_LETTERS:
            score += count
        elif char.lower() in _CORE_LETTERS:
            score -= count
        elif char not in _NEUTRAL:
            score -= 3 * count  # box drawing, Latin-1 letters, U+FFFD
    return score


def best_cyrillic_codec(data: bytes) -> str:
    """The Cyrillic code page under which the first 64 KiB read best."""
    sample = data[:65536]
    return max(CYRILLIC_CODECS, key=lambda c: cyrillic_score(sample.decode(c, "replace")))


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode a page: BOM, then *encoding* (HTTP header), XML declaration, <meta charset>, guess."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    try:
        as_utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    head = data[:4096]
    declared = [encoding]
    for pattern in (XML_DECLARED_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        declared.append(match.group(1).decode("ascii") if match else None)
    for name in filter(None, declared):
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            LOGGER.warning("unknown charset %r declared, ignoring it", name)
            continue
        if codec.startswith("utf") and codec != "utf-8":
            continue  # a UTF-16 declaration on bytes without a BOM is a copy-paste leftover
        if as_utf8 is not None and codec != "utf-8" and not data.isascii():
            # Servers often default the header to a legacy charset for UTF-8 pages;
            # real Cyrillic single-byte text is never valid multi-byte UTF-8.
            return as_utf8
        if codec in _WESTERN_CODECS:
            if _looks_cyrillic(data):
                break  # "iso-8859-1" on a Russian page: a misconfigured server
            return data.decode("cp1252", errors="replace")
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            LOGGER.debug("page does not decode as declared %s", codec)
    if as_utf8 is not None:
        return as_utf8
    if _looks_cyrillic(data):
        best = best_cyrillic_codec(data)
        LOGGER.debug("no usable charset declared; guessed %s", best)
        return data.decode(best, errors="replace")
    return data.decode("cp1252", errors="replace")


def _looks_cyrillic(data: bytes) -> bool:
    return len(_HIGH_BYTE_WORD.findall(data, 0, 200_000)) >= 3


def decode_feed(body: bytes, declared_encoding: str | None = None) -> str:
    """The document's text. A BOM decides; bytes that are valid UTF-8 are UTF-8 whatever is
    declared (legacy Cyrillic text practically never is); else the first of the XML
    declaration and the HTTP charset that decodes strictly without mojibake; else the
    Cyrillic code page that reads best. Declarations lie both ways, in practice."""
    for bom, codec in BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = XML_DECLARED_ENCODING.match(body)
    labels = (match.group(1).decode("ascii") if match else None, declared_encoding)
    for label in filter(None, labels):
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            LOGGER.warning("unknown charset %r declared; ignoring it", label)
            continue
        if codec.startswith("utf"):
            continue  # UTF-8 failed above; UTF-16/32 without a BOM is a copy-paste leftover
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            LOGGER.debug("document does not decode as declared %s", codec)
            continue
        if not _garbled(text):
            return text
        LOGGER.debug("document reads as mojibake in declared %s", codec)
    best = best_cyrillic_codec(body)
    LOGGER.debug("no declared charset fits the document (%s); guessed %s",
                " / ".join(filter(None, labels)) or "none declared", best)
    return body.decode(best, errors="replace")


def _garbled(text: str) -> bool:
    """Mojibake: Cyrillic that reads mostly as capitals and symbols (a wrong code page),
    or cp1251 read as Latin-1."""
    if _CYRILLIC.search(text):
        return cyrillic_score(text) < 0
    return len(_LATIN1_WORD.findall(text, 0, 200_000)) >= 3
