"""Boilerplate removal for extracted article text (uk, ru, kk, en).

trafilatura keeps whatever sits inside the article container: "read also" links,
channel promos, photo credits, bylines and the "latest news" rail that many
outlets render right after the body. The rules below are keyed to the *shape*
of such lines (a label, a call to action plus a platform, a date grammar), not
to one outlet's wording, so that new templates are handled without new code.
The word lists and line shapes are in monitor/boilerplate_patterns.py.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

from monitor import boilerplate_patterns as P

LOGGER = logging.getLogger(__name__)

__all__ = ["clean_text", "fold_homoglyphs"]


def fold_homoglyphs(text: str) -> str:
    """Rewrite mixed-script words into their majority script ("Підписуйтеcь" -> all Cyrillic)."""

    def fold(match: re.Match[str]) -> str:
        word = match.group()
        latin = sum(ch.isascii() for ch in word)
        return word.translate(P.TO_CYRILLIC if 2 * latin <= len(word) else P.TO_LATIN)

    return P.MIXED_WORD.sub(fold, text)


def clean_text(text: str, title: str | None = None) -> str:
    """Drop boilerplate lines from an article body; idempotent; paragraphs joined by "\\n"."""
    lines = [_normalise_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    # Each pass can expose another rule's target (a byline becomes the last
    # line once the rail below it is gone). Passes only remove lines, so this
    # reaches a fixed point, which is what makes clean_text idempotent.
    while True:
        before = len(lines)
        lines = _drop_labelled_lines(lines)
        lines = _trim_head(lines, title)
        lines = _trim_tail(lines)
        lines = _drop_repeats(lines)
        if len(lines) == before:
            break
    return "\n".join(lines)


def _normalise_line(line: str) -> str:
    line = P.INVISIBLE.sub("", unicodedata.normalize("NFC", line))
    return P.SPACES.sub(" ", line).strip()


@functools.lru_cache(maxsize=4096)
def _key(line: str) -> str:
    """Matching form of a line: homoglyphs folded, lower case, one apostrophe."""
    return fold_homoglyphs(line).lower().replace("’", "'").replace("ʼ", "'").replace("`", "'")


def _drop_labelled_lines(lines: list[str]) -> list[str]:
    """Remove lines that are boilerplate wherever they stand: read-also, promos, credits, chrome."""
    kept: list[str] = []
    skip_headlines = False
    for line in lines:
        if skip_headlines and _headline_like(line, 150):
            continue  # the headlines listed under a bare "Читайте також:" label
        read_also = _read_also(line)
        skip_headlines = bool(read_also)
        if read_also is None and not (_is_promo(line) or _is_credit(line) or _is_chrome(line)):
            kept.append(line)
    return kept


def _read_also(line: str) -> bool | None:
    """None if not a read-also line, else whether the label stands alone on its line."""
    key = _key(line)
    if P.RAIL_CAPTION.match(key):
        return True
    match = P.READ_ALSO.match(key)
    if match is None or len(key) > 300:
        return None
    rest = match["rest"]
    if not rest:
        return True
    # Case is read from the original line: folding and lower() keep offsets here.
    first = line[match.start("rest")] if len(line) == len(key) else rest[0]
    if match["strong"] or match["sep"] or first.isupper() or first.isdigit() or first in "«\"“":
        return False
    return None


def _is_promo(line: str) -> bool:
    key = _key(line)
    if len(key) > 300 or not P.PLATFORM.search(key):
        return False
    if P.PLATFORM_ONLY.match(key):
        return True
    addressed = P.CALL_TO_ACTION.search(key) or (
        len(key) <= 200
        and (P.ADDRESS_START.search(key) or P.ADDRESS_END.search(key))
        and not P.ATTRIBUTION.search(key)
    )
    return bool(addressed) and not P.ATTRIBUTED_QUOTE.search(key)


def _is_credit(line: str) -> bool:
    key = _key(line)
    if len(key) > 160:
        return False
    if P.STAFF_CREDIT.search(key):
        return True
    match = P.CREDIT.match(key)
    if match is None:
        return False
    rest = match["rest"]
    if rest is None:
        return True
    # "Фото: Reuters" names a source; "Фото — головний доказ, ..." is a sentence.
    limit = 40 if match["sep"].strip() in "—–-" else 100
    return len(rest) <= limit and len(rest.split()) <= 12


def _is_chrome(line: str) -> bool:
    key = _key(line)
    if len(key) <= 200 and P.CHROME.search(key):
        return True
    if len(key) <= 160 and (
        P.SHARE.search(key) or (P.EMAIL.search(key) and P.CONTACT_VERB.search(key))
    ):
        return True
    return len(key) <= 300 and bool(P.COOKIE.search(key)) and bool(P.COOKIE_VERB.search(key))


def _is_byline(line: str) -> bool:
    """A bare "Автор: ..." line or a name glued to a section label ("Ігор ПетрукНовини")."""
    if len(line) > 80:
        return False
    if P.AUTHOR.match(line):
        return True
    match = P.GLUED_BYLINE.match(line)
    if match is None:
        return False
    tail = match["tail"]
    # Cyrillic camel case does not occur in prose; Latin does (McCain, YouTube).
    return bool(P.CYRILLIC.match(tail)) or tail.split()[0].lower() in P.LATIN_SECTIONS


def _is_timestamp(line: str) -> bool:
    """A date or time alone on its line, possibly behind a label ("Оновлено: 14:20")."""
    if len(line) > 60 or not P.DIGIT.search(line):
        return False
    key = _key(line)
    return bool(P.PURE_TS.match(key) or P.PURE_TS.match(P.DATELINE_LABEL.sub("", key, count=1)))



def _headline_like(line: str, max_len: int = 200) -> bool:
    """Short line without a closing full stop: how headlines in lists look."""
    return (
        3 <= len(line) <= max_len
        and line[-1] not in P.SENTENCE_END
        and " " in line
        and not _is_timestamp(line)
    )


def _pins_a_moment(stamp: str) -> bool:
    """A time of day, a full date or a relative time; not a bare day and month, nor a year."""
    return bool(P.MOMENT.search(stamp)) or bool(P.YEAR.search(stamp) and P.MONTH_WORD.search(stamp))


def _timestamped_headline(line: str) -> bool:
    """'14:15 Headline' or 'Headline 18.10.2025' with a headline-like remainder.

    The stamp must pin a moment: "24 лютого – ..." or "June 9 – Tampa" lines are a
    chronology or a tour schedule, which are content."""
    if len(line) > 260 or not P.DIGIT.search(line):
        return False
    key = _key(line)
    for pattern in (P.TS_PREFIX, P.TS_SUFFIX):
        match = pattern.search(key)
        rest = (key[: match.start()] + key[match.end() :]).strip() if match else ""
        if match and _pins_a_moment(match.group()) and _headline_like(rest):
            return True
    return False


def _trim_head(lines: list[str], title: str | None) -> list[str]:
    """Drop a repeated title, a dateline and a byline from the top."""
    title_words = _words(title) if title else ()
    start = 0
    while start < len(lines) and (
        _repeats_title(lines[start], title_words)
        or _is_timestamp(lines[start])
        or _is_byline(lines[start])
    ):
        start += 1
    return lines[start:]


def _repeats_title(line: str, title_words: tuple[str, ...]) -> bool:
    """The title again, possibly with the site name appended ("Заголовок | Вісник")."""
    if not title_words:
        return False
    words = _words(line)
    if words == title_words or _near(words, title_words, set(words), set(title_words)):
        return True
    extra = len(words) - len(title_words)
    return 0 < extra <= 4 and words[: len(title_words)] == title_words and _headline_like(line)


def _trim_tail(lines: list[str]) -> list[str]:
    """Strip what follows the article: headline rails, bylines, bare dates."""
    while lines:
        start = _rail_start(lines)
        if start is not None:
            if start > 1 and _caption(lines[start - 1]):
                start -= 1
            LOGGER.debug("dropping %d trailing rail lines", len(lines) - start)
            lines = lines[:start]
        elif _is_byline(lines[-1]) or _is_timestamp(lines[-1]):
            lines = lines[:-1]
        else:
            break
    return lines


def _rail_start(lines: list[str]) -> int | None:
    """Index where a trailing list of other headlines begins, or None."""
    best = None
    for stamp_first in (False, True):
        end, items = len(lines), 0
        while end > 0:
            last, prev = lines[end - 1], lines[end - 2] if end >= 2 else ""
            headline, stamp = (last, prev) if stamp_first else (prev, last)
            if end >= 2 and _is_timestamp(stamp) and _headline_like(headline):
                end, items = end - 2, items + 1
            elif _is_timestamp(last) or _timestamped_headline(last):
                end, items = end - 1, items + 1
            else:
                break
        if items >= 2 and end > 0 and (best is None or end < best):
            best = end
    return best if best is not None else _untimed_rail_start(lines)


def _untimed_rail_start(lines: list[str]) -> int | None:
    """A run of >= 3 short capitalised headline lines after a finished last paragraph."""
    end = len(lines)
    while end > 0 and _rail_headline(lines[end - 1]):
        end -= 1
    if len(lines) - end < 3 or end == 0:
        return None
    if end > 1 and _caption(lines[end - 1]):
        end -= 1  # a caption ("Це цікаво") above the run
    # The article must visibly end before the run; "...такі:" introduces a real list.
    return end if lines[end - 1][-1] in ".!?»\"”…" else None


def _caption(line: str) -> bool:
    """A rail's caption ("Останні новини", "Новини партнерів"): short, unpunctuated."""
    return len(line) <= 50 and len(line.split()) <= 5 and line[-1] not in P.SENTENCE_END + "!?»"


def _rail_headline(line: str) -> bool:
    """Capitalised, 3+ words: a bulleted item ("- ...") is a real list, not a rail, and
    a line opened by a date ("9 червня – Київ") is a schedule or a chronology."""
    first = line[0]
    return (
        _headline_like(line, 140)
        and len(line.split()) >= 3
        and (first.isupper() or first.isdigit() or first in "«\"“")
        and line[-1] not in "!…"
        and not _opens_with_date(line)
    )


def _opens_with_date(line: str) -> bool:
    match = P.TS_PREFIX.match(_key(line))
    return match is not None and bool(P.DIGIT.search(match.group()))


def _words(line: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", _key(line).replace("ё", "е")))


def _near(a: tuple[str, ...], b: tuple[str, ...], set_a: set[str], set_b: set[str]) -> bool:
    """Two long paragraphs with near-equal word sets (a typo fixed, a word added)."""
    shorter, longer = sorted((len(a), len(b)))
    if shorter < 8 or shorter < 0.8 * longer:
        return False  # cheap length test first: most pairs stop here
    return len(set_a & set_b) >= 0.85 * len(set_a | set_b)


def _drop_repeats(lines: list[str]) -> list[str]:
    """Drop paragraphs printed twice: right after themselves, or as part of a repeated block.

    A teaser list or a whole body rendered twice repeats as a run of consecutive
    paragraphs; a lone repeat further down is deliberate (an interview's recurring
    question, a recipe step), and so are repeated list items and table rows.
    """
    positions = [i for i, line in enumerate(lines) if not P.STRUCTURED.match(line)]
    words = [_words(lines[i]) for i in positions]
    word_sets = [set(w) for w in words]
    first_seen: dict[tuple[str, ...], int] = {}
    repeats: list[set[int]] = []  # per position: the earlier positions it repeats
    for p, (w, s) in enumerate(zip(words, word_sets)):
        same: set[int] = set()
        if len(w) >= 4:
            if w in first_seen:
                same.add(first_seen[w])
            same.update(q for q in range(p) if len(words[q]) >= 8 and _near(w, words[q], s, word_sets[q]))
            first_seen.setdefault(w, p)
        repeats.append(same)
    dropped = {
        positions[p]
        for p, same in enumerate(repeats)
        if any(
            q == p - 1
            or (p > 0 and q - 1 in repeats[p - 1])
            or (p + 1 < len(repeats) and q + 1 in repeats[p + 1])
            for q in same
        )
    }
    return [line for i, line in enumerate(lines) if i not in dropped]
