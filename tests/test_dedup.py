import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.boilerplate import clean_text
from monitor.dedup import (
    FORMAT,
    DedupSettings,
    Fingerprint,
    MinHashFormat,
    StoryIndex,
    band_keys,
    canonical_url,
    choose_canonical,
    content_hash,
    fingerprint,
    furniture_keys,
    paragraph_keys,
    similarity,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
T0 = datetime(2022, 1, 11, 9, 0, tzinfo=UTC)

# --- canonical URLs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.example.com.ua/news/2022/01/10/123/",
        "http://example.com.ua/news/2022/01/10/123",
        "https://m.example.com.ua/news/2022/01/10/123/?utm_source=tg&utm_medium=social",
        "https://example.com.ua/news/2022/01/10/123/amp/",
        "https://amp.example.com.ua/news/2022/01/10/123#comments",
        "https://EXAMPLE.com.ua:443/news/2022/01/10/123?fbclid=abc",
        "https://example.com.ua//news/2022//01/10/123",
        "https://example.com.ua/news/2022/01/10/123/index.html",
        "https://example.com.ua/news/2022/01/10/123.amp",
        "https://mobile.example.com.ua/news/2022/01/10/123/amp?amp=1",
    ],
)
def test_variants_of_one_article_share_a_canonical_url(variant):
    assert canonical_url(variant) == "https://example.com.ua/news/2022/01/10/123"


def test_meaningful_query_parameters_are_kept_and_sorted():
    url = "https://example.kz/view.php?p=2&id=77&utm_campaign=x"
    assert canonical_url(url) == "https://example.kz/view.php?id=77&p=2"
    assert canonical_url(url) != canonical_url("https://example.kz/view.php?id=78&p=2")


def test_percent_encoding_and_cyrillic_paths_are_one_spelling():
    encoded = "https://example.ua/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8/1"
    assert canonical_url(encoded) == canonical_url("https://example.ua/новини/1")
    assert canonical_url(encoded.lower()) == canonical_url(encoded)


def test_an_encoded_slash_is_not_a_segment_boundary():
    assert canonical_url("https://example.ua/a%2Fb") != canonical_url("https://example.ua/a/b")


def test_path_case_is_kept_but_host_case_is_not():
    # CMS ids are case-sensitive: /a/Xk3 and /a/xk3 can be two articles.
    assert canonical_url("https://Example.UA/a/Xk3") == "https://example.ua/a/Xk3"
    assert canonical_url("https://example.ua/a/Xk3") != canonical_url("https://example.ua/a/xk3")


def test_an_internationalised_host_has_one_spelling():
    assert canonical_url("https://приклад.укр/a") == canonical_url("https://xn--80aikifvh.xn--j1amh/a")


def test_a_two_label_domain_keeps_its_m_prefix_name():
    # "m.kz" would be a domain of its own, not a mobile variant of "kz".
    assert canonical_url("https://m.kz/a") == "https://m.kz/a"


def test_non_default_port_is_kept():
    assert canonical_url("http://127.0.0.1:8080/a/") == "https://127.0.0.1:8080/a"


def test_canonical_url_is_idempotent():
    url = "https://m.example.ua/a/b/amp?utm_source=x&id=3#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


SEGMENT = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    "абвгдежзийклмнопрстуфхцчшщьюяіїєґәғқңөұүһАБВГДЕЖЗИКЛМНОПРСТУФЦЧШЩЮЯІЇЄҒҚҢӨҰҮ",
    min_size=1, max_size=12,
).filter(lambda segment: segment.lower() != "amp")
PATH = st.lists(SEGMENT, min_size=1, max_size=5)
HOST = st.sampled_from(["example.com.ua", "news.kz", "tengrinews.kz", "pravda.com.ua"])
PARAMS = st.dictionaries(st.sampled_from(["id", "p", "page", "lang"]),
                         st.text("abc0123456789", min_size=1, max_size=4), max_size=2)
ANYTHING = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


def _url(host: str, segments: list[str], params: dict[str, str]) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"https://{host}/{'/'.join(segments)}" + (f"?{query}" if query else "")


@given(HOST, st.lists(st.one_of(SEGMENT, ANYTHING, st.sampled_from(
    ["amp", "", "index.html", "%2F", "%", "%D0%BD", "a.amp", "amp.html", "%252F"])), max_size=6),
    PARAMS, st.sampled_from(["", "/", "//", "#x", "?utm_source=y", "/amp/"]))
def test_canonicalisation_is_idempotent(host, segments, params, tail):
    url = _url(host, segments, params) + tail
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(HOST, PATH, PATH, PARAMS)
def test_different_article_paths_never_merge(host, a, b, params):
    if a != b:
        assert canonical_url(_url(host, a, params)) != canonical_url(_url(host, b, params))


@given(HOST, st.lists(SEGMENT, max_size=3), st.integers(1, 10**9), st.integers(1, 10**9))
def test_different_numeric_ids_never_merge(host, section, first, second):
    if first != second:
        a = canonical_url(_url(host, [*section, str(first)], {}))
        b = canonical_url(_url(host, [*section, str(second)], {}))
        assert a != b


@given(HOST, PATH, PARAMS, st.sets(st.sampled_from(
    ["utm", "www", "m", "slash", "fragment", "host_case", "http", "port", "amp"])))
def test_variants_of_an_article_url_always_merge(host, segments, params, changes):
    base = _url(host, segments, params)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    scheme, prefix, path = "https", "", "/" + "/".join(segments)
    query_tail, fragment, port = query, "", ""
    if "utm" in changes:
        query_tail = "&".join(filter(None, [query, "utm_source=tg&fbclid=x"]))
    if "www" in changes:
        prefix = "www."
    if "m" in changes:
        prefix = "m."
    if "slash" in changes:
        path += "/"
    if "amp" in changes:
        path = path.rstrip("/") + "/amp"
    if "fragment" in changes:
        fragment = "#comments"
    if "http" in changes:
        scheme = "http"
    if "port" in changes:
        port = ":443" if scheme == "https" else ":80"
    variant_host = (prefix + host).upper() if "host_case" in changes else prefix + host
    variant = f"{scheme}://{variant_host}{port}{path}" + (f"?{query_tail}" if query_tail else "")
    assert canonical_url(variant + fragment) == canonical_url(base)


def _outlet_allows(url: str) -> bool:
    # What Outlet.is_article_url answers for an outlet on example.ua with /news/ articles.
    return "example.ua/news/" in url


def test_choose_canonical_trusts_a_rel_canonical_on_the_outlet():
    chosen = choose_canonical("https://example.ua/amp/news/77?utm_source=tg",
                              "https://www.example.ua/news/77/", None, _outlet_allows)
    assert chosen == "https://example.ua/news/77"


def test_choose_canonical_resolves_a_relative_rel_canonical():
    assert choose_canonical("https://m.example.ua/x/1", "/news/1", None,
                            _outlet_allows) == "https://example.ua/news/1"


def test_choose_canonical_falls_back_to_og_url_then_to_the_fetched_url():
    fetched = "https://example.ua/news/77?from=main"
    off_site = "https://aggregator.example.com/story/77"
    assert choose_canonical(fetched, off_site, "https://example.ua/news/77-slug",
                            _outlet_allows) == "https://example.ua/news/77-slug"
    assert choose_canonical(fetched, off_site, off_site, _outlet_allows) == (
        "https://example.ua/news/77")
    assert choose_canonical(fetched, None, None, _outlet_allows) == "https://example.ua/news/77"


def test_choose_canonical_ignores_a_homepage_or_a_non_http_declaration():
    fetched = "https://example.ua/news/77"
    assert choose_canonical(fetched, "https://example.ua/", None, lambda url: True) == fetched
    assert choose_canonical(fetched, "javascript:void(0)", "", lambda url: True) == fetched


def test_choose_canonical_skips_a_broken_declaration():
    fetched = "https://example.ua/news/77"
    assert choose_canonical(fetched, "http://[broken", "https://example.ua/news/77-x",
                            _outlet_allows) == "https://example.ua/news/77-x"
    assert choose_canonical(fetched, "https://example.ua:port/news/1", None,
                            lambda url: True) == "https://example.ua/news/1"


def test_choose_canonical_without_a_catalog_keeps_to_the_fetched_host():
    fetched = "https://m.example.ua/news/77"
    assert choose_canonical(fetched, "https://www.example.ua/news/77/") == (
        "https://example.ua/news/77")
    assert choose_canonical(fetched, "https://other.ua/news/77") == "https://example.ua/news/77"


# --- content hash and fingerprints ----------------------------------------------------------


def test_content_hash_ignores_formatting_but_not_words():
    body = "Перший абзац.\n\nДругий   абзац: «цитата»."
    assert content_hash(body) == content_hash("перший абзац\nДругий абзац цитата")
    assert content_hash(body) != content_hash("Перший абзац. Третій абзац.")


BODY = (
    "Президент Казахстану Касим-Жомарт Токаєв вважає, що війська ОДКБ варто вивести за два дні.\n"
    "Їхню місію в Казахстані завершено. Про це політик 11 січня заявив на засіданні.\n"
    "Він зазначив, що через два дні розпочнеться поетапне виведення контингенту ОДКБ."
)


def test_fingerprint_and_band_keys_are_pinned():
    # The stored signatures of every article depend on these values: a change here must come
    # with a new MinHashFormat version and a re-fingerprinting of the archive.
    fp = fingerprint("Президент Казахстану заявив, що місію завершено.\n"
                     "Війська почнуть виводити за два дні.")
    assert fp.shingle_count == 6
    assert fp.signature[:8].hex() == "eeac21825aede606"
    assert band_keys(fp)[:2] == ["00:20a834e8bad4dfc8", "01:925f212ec3b2e634"]
    assert FORMAT.version == "minhash-w4-b32x4-v1"


def test_band_keys_are_the_same_in_another_process_and_hash_seed():
    script = ("import sys; from monitor.dedup import band_keys, fingerprint; "
              "print(' '.join(band_keys(fingerprint(sys.stdin.read()))))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", script], input=BODY, capture_output=True,
                         text=True, env=env, check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == band_keys(fingerprint(BODY))
    assert len(band_keys(fingerprint(BODY))) == FORMAT.bands


def test_similarity_ignores_case_punctuation_apostrophes_and_homoglyphs():
    variant = BODY.upper().replace(",", "").replace("Касим", "Kасим")  # a Latin K
    assert similarity(fingerprint(BODY), fingerprint(variant)) == 1.0
    assert similarity(fingerprint("Зв'язок відновили у місті"),
                      fingerprint("Звʼязок відновили у місті")) == 1.0


def test_similarity_estimates_jaccard():
    other = ("Синоптики прогнозують сильний дощ і вітер у Львові до кінця тижня, водіїв просять "
             "бути обережними.")
    assert similarity(fingerprint(BODY), fingerprint(other)) < 0.1
    longer = f"{BODY}\nКомунальні служби готові до негоди та працюють цілодобово в усіх районах."
    assert 0.5 < similarity(fingerprint(BODY), fingerprint(longer)) < 1.0


def test_an_empty_body_matches_nothing():
    empty = fingerprint("  \n…\n")
    assert empty.empty and band_keys(empty) == []
    assert similarity(empty, fingerprint("")) == 0.0
    assert similarity(empty, fingerprint(BODY)) == 0.0


def test_a_fingerprint_restores_from_its_stored_bytes():
    fp = fingerprint(BODY)
    stored = Fingerprint(bytes(fp.signature), fp.shingle_count)
    assert stored == fp and band_keys(stored) == band_keys(fp)
    assert similarity(stored, fp) == 1.0


def test_fingerprints_of_two_formats_do_not_compare():
    with pytest.raises(ValueError, match="do not compare"):
        similarity(fingerprint(BODY), fingerprint(BODY, fmt=MinHashFormat(3, 32, 4)))


def test_furniture_paragraphs_are_left_out_of_the_fingerprint():
    teaser = "Інша новина дня про погоду.\nЩе одна новина дня про ціни."
    furniture = set(paragraph_keys(teaser))
    assert fingerprint(f"{BODY}\n{teaser}", furniture) == fingerprint(BODY)


def test_furniture_is_what_the_outlet_printed_before_but_never_the_lead():
    keys = ["lead", "body", "teaser", "footer"]
    printed = {"lead": 5, "teaser": 1, "footer": 3}
    assert furniture_keys(keys, printed, 1) == {"teaser", "footer"}
    assert furniture_keys(keys, printed, 2) == {"footer"}
    assert furniture_keys(keys, printed, 0) == set()
    assert furniture_keys([], printed, 1) == set()


# --- story clustering ------------------------------------------------------------------------


def test_a_copy_joins_the_story_of_its_original():
    index = StoryIndex()
    first = index.add(1, BODY, T0, "aspi")
    copy = index.add(2, "Як повідомляє ASPI news:\n" + BODY, T0 + timedelta(hours=2), "lenta")
    other = index.add(3, "Синоптики прогнозують сильний дощ і вітер у Львові.", T0, "lenta")
    assert first.is_new and first.matched_article_id is None
    assert not copy.is_new and copy.story_id == first.story_id
    assert copy.matched_article_id == 1 and copy.similarity >= index.settings.threshold
    assert other.is_new and other.story_id != first.story_id
    story = index.story(first.story_id)
    assert story.article_ids == [1, 2] and story.first_article_id == 1


def test_the_first_publisher_moves_to_an_earlier_copy_that_arrives_later():
    index = StoryIndex()
    story_id = index.add("late", BODY, T0 + timedelta(hours=3), "lenta").story_id
    index.add("unknown", BODY + "\nДжерело: ASPI.", None, "zn")
    story = index.story(story_id)
    assert (story.first_article_id, story.first_outlet) == ("late", "lenta")
    index.add("early", BODY, T0, "aspi")
    assert (story.first_article_id, story.first_outlet, story.first_published_at) == (
        "early", "aspi", T0)
    index.add("same-time", BODY, T0, "other")  # ties keep the incumbent
    assert story.first_article_id == "early"


def test_a_known_time_beats_an_unknown_one():
    index = StoryIndex()
    story_id = index.add(1, BODY, None, "a").story_id
    index.add(2, BODY, T0, "b")
    assert index.story(story_id).first_article_id == 2


def test_adding_an_article_again_changes_nothing():
    index = StoryIndex()
    first = index.add(1, BODY, T0, "aspi")
    assert index.add(1, "completely different text now", T0, "aspi") == first
    assert len(index) == 1 and index.story(first.story_id).article_ids == [1]


def test_an_article_matching_two_stories_merges_them():
    p = "Перший абзац історії про вибори у місті та нові правила голосування для всіх виборців."
    q = "Другий абзац розповідає про реакцію опозиції та громадських організацій на рішення."
    r = "Третій абзац містить коментар юристів щодо можливого оскарження результатів у суді."
    index = StoryIndex()
    first = index.add(1, f"{p}\n{q}", T0 + timedelta(hours=1), "x")
    second = index.add(2, f"{q}\n{r}", T0, "y")  # a third alike: below the threshold
    assert first.story_id != second.story_id
    bridge = index.add(3, f"{p}\n{q}\n{r}", T0 + timedelta(hours=2), "z")
    assert bridge.story_id == first.story_id and bridge.merged_story_ids == (second.story_id,)
    story = index.story_of(2)
    assert story.article_ids == [1, 2, 3] and story.first_article_id == 2
    assert [s.story_id for s in index.stories()] == [first.story_id]
    assert index.add(2, "", None, "y").story_id == first.story_id


def test_articles_published_further_apart_than_the_window_are_not_compared():
    index = StoryIndex(DedupSettings(window_days=14))
    first = index.add(1, BODY, T0, "aspi")
    assert index.add(2, BODY, T0 + timedelta(days=15), "lenta").story_id != first.story_id
    assert index.add(3, BODY, T0 - timedelta(days=13), "zn").story_id == first.story_id
    assert index.add(4, BODY, None, "kp").story_id == first.story_id  # unknown time: compared
    unbounded = StoryIndex(DedupSettings(window_days=None))
    unbounded.add(1, BODY, T0, "aspi")
    assert not unbounded.add(2, BODY, T0 + timedelta(days=400), "lenta").is_new


def test_settings_come_from_project_settings():
    settings = DedupSettings.from_settings({"DEDUP_MINHASH_THRESHOLD": "0.5",
                                            "DEDUP_FURNITURE_MIN_ARTICLES": 2,
                                            "DEDUP_WINDOW_DAYS": ""})
    assert settings == DedupSettings(threshold=0.5, furniture_min_articles=2, window_days=None)
    assert DedupSettings.from_settings({}) == DedupSettings()


@pytest.fixture(scope="module")
def seed_001():
    """Seed 001 cleaned: its body and the teaser carousel cleaning leaves after it."""
    title, text = (SEEDS / "001_62e7a2a410e01d5e.txt").read_text(encoding="utf-8").split("\n", 1)
    paragraphs = clean_text(text, title).split("\n")
    return "\n".join(paragraphs[:5]), "\n".join(paragraphs[5:])


@pytest.fixture(scope="module")
def seed_000_lead():
    text = clean_text((SEEDS / "000_61507f8df7a681b9.txt").read_text(encoding="utf-8"))
    return "\n".join(text.split("\n")[:2])


def test_seed_001_teaser_block_dominates_an_unfiltered_fingerprint(seed_001, seed_000_lead):
    body, teasers = seed_001
    assert len(teasers.split()) > len(body.split())  # the carousel outweighs the story
    a, b = f"{body}\n{teasers}", f"{seed_000_lead}\n{teasers}"
    assert similarity(fingerprint(a), fingerprint(b)) >= DedupSettings().threshold


@pytest.mark.parametrize("order", ["other-first", "seed-first"])
def test_articles_sharing_only_an_outlets_teasers_stay_apart(seed_001, seed_000_lead, order):
    body, teasers = seed_001
    pages = [("seed", f"{body}\n{teasers}"), ("other", f"{seed_000_lead}\n{teasers}")]
    index = StoryIndex()
    for article_id, text in (pages if order == "seed-first" else pages[::-1]):
        index.add(article_id, text, T0, "aspi")
    assert index.story_of("seed") is not index.story_of("other")
    unfiltered = StoryIndex(replace(DedupSettings(), furniture_min_articles=0))
    for article_id, text in pages:
        unfiltered.add(article_id, text, T0, "aspi")
    assert unfiltered.story_of("seed") is unfiltered.story_of("other")


def test_a_copy_of_seed_001_elsewhere_joins_it_despite_both_carousels(seed_001, seed_000_lead):
    body, teasers = seed_001
    index = StoryIndex()
    index.add("earlier", f"{seed_000_lead}\n{teasers}", T0 - timedelta(hours=1), "aspi")
    index.add("seed", f"{body}\n{teasers}", T0, "aspi")
    other_outlet = "Головне за добу: у Києві відкрили новий міст.\nОбмінний курс гривні стабільний."
    index.add("their-earlier", f"Стаття про інше.\n{other_outlet}", T0, "lenta")
    copy = index.add("copy", f"Як повідомляє ASPI news:\n{body}\n{other_outlet}",
                     T0 + timedelta(hours=1), "lenta")
    assert copy.story_id == index.story_of("seed").story_id
    assert index.story_of("earlier") is not index.story_of("seed")


def test_an_outlets_first_page_is_matched_again_once_its_carousel_is_known(
        seed_001, seed_000_lead):
    body, teasers = seed_001
    index = StoryIndex()
    index.add("seed", f"{body}\n{teasers}", T0, "aspi")  # the outlet's first page
    copy = index.add("copy", f"Як повідомляє ASPI news:\n{body}", T0 + timedelta(hours=1), "zn")
    assert copy.is_new  # the carousel, not yet known as one, outweighs the shared body
    index.add("next", f"{seed_000_lead}\n{teasers}", T0 + timedelta(hours=2), "aspi")
    assert index.story_of("seed") is index.story_of("copy")
    assert index.story_of("next") is not index.story_of("seed")
    assert index.story_of("copy").first_article_id == "seed"
