"""Boilerplate removal for extracted article text (uk, ru, kk, en).

trafilatura keeps whatever sits inside the article container: "read also" links,
channel promos, photo credits, bylines and the "latest news" rail that many
outlets render right after the body. The rules below are keyed to the *shape*
of such lines (a label, a call to action plus a platform, a date grammar), not
to one outlet's wording, so that new templates are handled without new code.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

LOGGER = logging.getLogger(__name__)

__all__ = ["clean_text", "fold_homoglyphs"]

# Any Cyrillic capital, including the Ukrainian and Kazakh letters.
_UP = "A-ZА-ЯЁЄІЇҐӘҒҚҢӨҰҮҺЎ"
_LOW = "a-zа-яёєіїґәғқңөұүһў"
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
# A letters-only word in which a Latin and a Cyrillic letter touch.
_MIXED_WORD = re.compile(r"[^\W\d_]*(?:[a-zA-Z][\u0400-\u04ff]|[\u0400-\u04ff][a-zA-Z])[^\W\d_]*")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Letters that look the same in both scripts; promo spammers and careless
# typists mix them ("Підписуйтеcь" with a Latin c).
_LATIN_TWINS = "AaBCcEeHIiKkMOoPpTXxYyj"
_CYRILLIC_TWINS = "АаВСсЕеНІіКкМОоРрТХхУуј"
_TO_CYRILLIC = str.maketrans(_LATIN_TWINS, _CYRILLIC_TWINS)
_TO_LATIN = str.maketrans(_CYRILLIC_TWINS, _LATIN_TWINS)

# --- "read also" labels -----------------------------------------------------
# Strong labels never open a news sentence; weak ones ("По теме", "Оқи") only
# count when a colon/dash follows, the label stands alone, or a capitalised
# headline follows it (a sentence would continue in lower case).
_READ_ALSO_STRONG = (
    r"(?:читайте|дивіться|смотрите|загляньте|тағы)\s+(?:також|также|теж|ещ[её]|ще|більше|оқыңыз)"
    r"|(?:також|также)\s+(?:читайте|дивіться|смотрите)|сондай-ақ\s+оқыңыз|оқи\s+отырыңыз"
    r"|read\s+(?:also|more)|also\s+read|see\s+also|you\s+may\s+also\s+like"
    r"|вас\s+може\s+зацікавити|вас\s+может\s+заинтересовать|рекомендуємо\s+прочитати"
    r"|рекомендуем\s+прочитать|більше\s+за\s+темою|новини\s+за\s+темою|новости\s+по\s+теме"
)
_READ_ALSO_WEAK = (
    r"по\s+темі|по\s+теме|за\s+темою|оқи|оқыңыз|тағы\s+қараңыз|қараңыз|читайте|дивіться"
    r"|смотрите|related|recommended|рекомендуємо|рекомендуем|read|watch"
)
_READ_ALSO = re.compile(
    rf"^[^\w«\"“]*(?:(?P<strong>{_READ_ALSO_STRONG})|(?P<weak>{_READ_ALSO_WEAK}))(?!\w)"
    rf"(?P<sep>\s*[:—–>→-]+)?\s*(?P<rest>.*)$",
)
# A line that is only a rail's caption ("Більше новин", "Новости партнеров") works
# like a bare "Читайте також:": it goes, and so do the headlines listed under it.
_RAIL_CAPTION = re.compile(
    r"^\W*(?:(?:(?:більше|ще|інші|останні|головні|популярні|свіжі|больше|ещ[её]|другие|последние"
    r"|главные|популярные|свежие|соңғы|басқа|тағы|more|latest|related|top|other|popular)\s+)?"
    r"(?:новини|новин|новости|новостей|жаңалықтар|news|stories|articles)"
    r"(?:\s+(?:за\s+темою|по\s+теме|партнерів|партнеров|дня|тижня|недели))?"
    r"|популярне|популярное|найпопулярніше|самое\s+читаемое|вибір\s+редакції|выбор\s+редакции"
    r"|головне\s+за\s+день|главное\s+за\s+день|editor'?s\s+picks|most\s+read|trending)\W*$"
)

# --- channel promos ---------------------------------------------------------
_PLATFORM = re.compile(
    r"telegram|телеграм|t\.me/|viber|вайбер|whatsapp|ватсап|вотсап|youtube|ютуб|facebook|фейсбук"
    r"|instagram|инстаграм|інстаграм|tiktok|т[іи]кток|twitter|тв[іи]ттер|threads|google\s+news"
    r"|дзен|вконтакте|\bканал|\bарна(?!й)|соцмереж|соцсет|newsletter|розсилк|рассылк",
)
_CALL_TO_ACTION = re.compile(
    r"\b(?:підписуй(?:те)?с[ья]|підпиш[іи](?:ться|сь)|приєднуй(?:те)?с[ья]|долучай(?:те)?с[ья]"
    r"|подписыва(?:йтесь|йтеся|йся)|подпиш(?:итесь|ись)|присоединя(?:йтесь|йтеся|йся)"
    r"|(?:стежте|слідкуйте|следите|читайте|шукайте|ищите|дивіться|смотрите)\s+(?:за\s+)?"
    r"на(?:с|ми)\b|(?:стежте|слідкуйте|следите)\s+за\s+(?:новинами|новостями|подіями|событиями)"
    r"|жазыл(?:ыңыз|ыңдар|ып)|қосыл(?:ыңыз|ыңдар)|бізді|subscribe|follow\s+(?:us|our)"
    r"|join\s+(?:us|our)|find\s+us"
    r"|stay\s+(?:tuned|updated|informed))"
    r"|\b(?:наш(?:ому|ем|ого|ей|ій|их|у|а|ім)?|our|біздің)\b"
    r"|(?:арна|парақша|канал|аккаунт|сайт)[ыі]?мыз"
    r"|\b(?:більше|всі|усі|головні|оперативні)\s+новин"
    r"|\b(?:больше|все|главные|оперативные)\s+новост"
    r"|\bmore\s+news|\blatest\s+news",
)
# «Підписуйтесь на наш канал», — закликав блогер: a quoted call is news.
_ATTRIBUTED_QUOTE = re.compile(r"[»”\"]\s*,?\s*[—–-]\s*\w")
_PLATFORM_ONLY = re.compile(
    rf"^(?:(?:{_PLATFORM.pattern}|x|поділитися|поделиться|бөлісу|share|копіювати посилання)"
    r"[\s|,•·/]*)+$",
)

# --- credits, site chrome ---------------------------------------------------
_CREDIT = re.compile(
    r"^[(\[]?\s*(?:(?:ілюстративне|иллюстративное|архівне|архивное|головне|главное|джерело|источник"
    r"|автор)\s+)?"
    r"(?:фото(?:графія|графия)?|відео|видео|сурет(?:тер)?|бейне|photo(?:graph)?s?|image|picture"
    r"|video|illustration|credit|ілюстрація|иллюстрация|колаж|коллаж|інфографіка|инфографика"
    r"|скріншот|скриншот|кадр\s+(?:з|из)\s+(?:відео|видео)|getty\s+images)"
    r"(?:\s*/\s*(?:відео|видео|video))?"
    r"(?:\s+(?:ілюстративне|иллюстративное|illustrative|для\s+ілюстрації|для\s+иллюстрации"
    r"|з\s+відкритих\s+джерел|из\s+открытых\s+источников|з\s+соцмереж|из\s+соцсетей"
    r"|ашық\s+дереккөздерден|credit))?"
    r"(?:\s*(?P<sep>[:©|.]|[—–-]\s|\s(?:by|via|автора)\s)\s*(?P<rest>.*)|\s*[)\]]?\s*)$",
)
_CHROME = re.compile(
    r"^(?:реклама|advertisement|жарнама|ad|поділитися|поделиться|share|бөлісу|коментарі"
    r"|комментарии|comments|пікірлер)\W*$"
    r"|ctrl\s*\+\s*enter"  # "Помітили помилку? Виділіть її та натисніть Ctrl+Enter"
    r"|^(?:теги|тэги|мітки|теґи|tags|тегтер|ключові слова|ключевые слова)\s*[:—]"
    r"|всі права захищені|усі права захищені|все права защищены|барлық құқықтар қорғалған"
    r"|all rights reserved|^copyright\b|^©|^\(c\)\s",
)
_COOKIE = re.compile(r"cookie|куки|кукі")
_COOKIE_VERB = re.compile(r"використову|использу|\buse\b|қолдан|погоджу|соглаша|agree|accept")
_AUTHOR = re.compile(
    rf"^(?:(?:автор(?:ка|и|ы)?|авторы|author|текст|редактор(?:ка)?|editor)"
    rf"(?:\s+(?:матеріалу|материала|статті|статьи|тексту|текста))?\s*[:—–-]\s*"
    rf"|by\s+(?-i:(?=[{_UP}])))[\w'’. -]{{2,60}}(?:,\s*[\w'’. -]{{2,60}})*$",
    re.I,
)
# "Ігор ПетрукНовини": a name glued to a section label by a lost separator.
_GLUED_BYLINE = re.compile(
    rf"^(?:[{_UP}][{_LOW}'’-]+\s+){{1,3}}[{_UP}][{_LOW}'’-]*[{_LOW}](?P<tail>[{_UP}][{_LOW}'’-]+"
    rf"(?:\s+[{_UP}{_LOW}][{_LOW}'’-]+){{0,2}})$"
)
_LATIN_SECTIONS = frozenset(
    "news politics world business economy society sport sports culture opinion analysis war "
    "tech technology health science life ukraine kazakhstan russia".split()
)

# --- dates and times, for "latest news" rails --------------------------------
_MONTH = (
    r"(?:січ(?:ня|ень)?|лют(?:ого|ий)?|берез(?:ня|ень)|бер|квіт(?:ня|ень)|кві|трав(?:ня|ень)|тра"
    r"|черв(?:ня|ень)|чер|лип(?:ня|ень)?|серп(?:ня|ень)|сер|верес(?:ня|ень)|вер|жовт(?:ня|ень)|жов"
    r"|листопад(?:а)?|лис|груд(?:ня|ень)|гру|январ[яь]|янв|феврал[яь]|фев|марта?|мар|апрел[яь]|апр"
    r"|ма[йя]|июн[яь]?|июл[яь]?|августа?|авг|сентябр[яь]|сент?|октябр[яь]|окт|ноябр[яь]|ноя"
    r"|декабр[яь]|дек|(?:қаңтар|қаң|ақпан|ақп|наурыз|нау|сәуір|сәу|мамыр|мам|маусым|мау|шілде|шіл"
    r"|тамыз|там|қыркүйек|қыр|қазан|қаз|қараша|қар|желтоқсан|жел)(?:да|де|ның|нің|ы|і)?"
    r"|january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september"
    r"|sept?|october|oct|november|nov|december|dec)\.?(?!\w)"
)
_WEEKDAY = (
    r"понеділ\w*|вівтор\w*|серед[аи]|четвер\w*|п'ятниц\w*|субот\w*|неділ\w*|понедельник|вторник"
    r"|среда|четверг|пятниц\w*|суббот\w*|воскресень\w*|дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма"
    r"|сенбі|жексенбі|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
)
_TS_TOKEN = (
    rf"\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?(?:\s*[ap]\.?m\.?)?|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}\s+{_MONTH}(?:\s*,?\s*\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
    r"|(?:19|20)\d\d"
    rf"|сьогодні|вчора|позавчора|сегодня|вчера|позавчера|бүгін|кеше|today|yesterday|{_WEEKDAY}"
    r"|\d+\s+(?:хв|хвилин[аиу]?|годин[аиу]?|год|мин|минут[аы]?|час(?:а|ов)?|сағат|min|minutes?"
    r"|hours?|h|days?|день|дн(?:і|ів|я|ей)|доби|күн)\.?\s+(?:тому|назад|бұрын|ago)"
    r"|(?:р|г|року|года|ж|жыл|жылы|сағ)\.?|[ову]|at"
)
_TS_SEP = r"[\s,|/•·—–.-]*"
_TS_RUN = rf"(?:{_TS_TOKEN})(?!\w)(?:{_TS_SEP}(?:{_TS_TOKEN})(?!\w))*"
_PURE_TS = re.compile(rf"^\W*{_TS_RUN}[\s.,]*$")
_TS_PREFIX = re.compile(rf"^\W*{_TS_RUN}\s*[|•·—–:-]?\s*(?=[\w«\"“])")
_TS_SUFFIX = re.compile(rf"(?<=\w|[»\"”?!])\s*[|•·—–-]?\s*{_TS_RUN}[\s.]*$")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = ".;:,…"


def fold_homoglyphs(text: str) -> str:
    """Rewrite mixed-script words into their majority script ("Підписуйтеcь" -> all Cyrillic)."""

    def fold(match: re.Match[str]) -> str:
        word = match.group()
        latin = sum(ch.isascii() for ch in word)
        return word.translate(_TO_CYRILLIC if 2 * latin <= len(word) else _TO_LATIN)

    return _MIXED_WORD.sub(fold, text)


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
    line = _INVISIBLE.sub("", unicodedata.normalize("NFC", line))
    return _SPACES.sub(" ", line).strip()


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
    if _RAIL_CAPTION.match(key):
        return True
    match = _READ_ALSO.match(key)
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
    if len(key) > 300 or not _PLATFORM.search(key):
        return False
    if _PLATFORM_ONLY.match(key):
        return True
    return bool(_CALL_TO_ACTION.search(key)) and not _ATTRIBUTED_QUOTE.search(key)


def _is_credit(line: str) -> bool:
    key = _key(line)
    if len(key) > 160:
        return False
    match = _CREDIT.match(key)
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
    if len(key) <= 200 and _CHROME.search(key):
        return True
    return len(key) <= 300 and bool(_COOKIE.search(key)) and bool(_COOKIE_VERB.search(key))


def _is_byline(line: str) -> bool:
    """A bare "Автор: ..." line or a name glued to a section label ("Ігор ПетрукНовини")."""
    if len(line) > 80:
        return False
    if _AUTHOR.match(line):
        return True
    match = _GLUED_BYLINE.match(line)
    if match is None:
        return False
    tail = match["tail"]
    # Cyrillic camel case does not occur in prose; Latin does (McCain, YouTube).
    return bool(_CYRILLIC.match(tail)) or tail.split()[0].lower() in _LATIN_SECTIONS


def _is_timestamp(line: str) -> bool:
    return len(line) <= 60 and bool(_DIGIT.search(line)) and bool(_PURE_TS.match(_key(line)))


def _headline_like(line: str, max_len: int = 200) -> bool:
    """Short line without a closing full stop: how headlines in lists look."""
    return (
        3 <= len(line) <= max_len
        and line[-1] not in _SENTENCE_END
        and " " in line
        and not _is_timestamp(line)
    )


def _timestamped_headline(line: str) -> bool:
    """'14:15 Headline' or 'Headline 18.10.2025' with a headline-like remainder."""
    if len(line) > 260 or not _DIGIT.search(line):
        return False
    key = _key(line)
    for pattern in (_TS_PREFIX, _TS_SUFFIX):
        match = pattern.search(key)
        if match and _DIGIT.search(match.group()):
            if _headline_like((key[: match.start()] + key[match.end() :]).strip()):
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
    return len(line) <= 50 and len(line.split()) <= 5 and line[-1] not in _SENTENCE_END + "!?»"


def _rail_headline(line: str) -> bool:
    """Capitalised, 3+ words: a bulleted item ("- ...") is a real list, not a rail."""
    first = line[0]
    return (
        _headline_like(line, 140)
        and len(line.split()) >= 3
        and (first.isupper() or first.isdigit() or first in "«\"“")
        and line[-1] not in "!…"
    )


def _words(line: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", _key(line).replace("ё", "е")))


def _near(a: tuple[str, ...], b: tuple[str, ...], set_a: set[str], set_b: set[str]) -> bool:
    """Two long paragraphs with near-equal word sets (a typo fixed, a word added)."""
    shorter, longer = sorted((len(a), len(b)))
    if shorter < 8 or shorter < 0.8 * longer:
        return False  # cheap length test first: most pairs stop here
    return len(set_a & set_b) >= 0.85 * len(set_a | set_b)


def _drop_repeats(lines: list[str]) -> list[str]:
    """Keep the first occurrence of each (near-)identical paragraph of four or more words."""
    kept: list[str] = []
    exact: set[tuple[str, ...]] = set()
    earlier: list[tuple[tuple[str, ...], set[str]]] = []
    for line in lines:
        words = _words(line)
        if len(words) >= 4:
            word_set = set(words)
            if words in exact or any(_near(words, w, word_set, s) for w, s in earlier):
                continue
            exact.add(words)
            earlier.append((words, word_set))
        kept.append(line)
    return kept
