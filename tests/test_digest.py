import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from monitor.digest import build_digest, mark_sentence, render_digest
from monitor.storage.models import Article, ArticleCopy, NarrativeFlag, Outlet

SENTENCE = "Є вкидання про «український слід» подій у Казахстані."
START = SENTENCE.index("український")


@pytest.fixture
def filled(sessions):
    with sessions.begin() as session:
        ua = Outlet(key="ua", name="UA outlet", country="UA", homepage="https://ua.example/", languages="uk")
        kz = Outlet(key="kz", name="KZ outlet", country="KZ", homepage="https://kz.example/", languages="ru")
        session.add_all([ua, kz])
        session.flush()

        def article(n, seen, title, outlet=ua, language="uk"):
            row = Article(outlet_id=outlet.id, url=f"https://ua.example/news/{n}", canonical_url=f"https://ua.example/news/{n}",
                          content_hash=str(n), title=title, text=SENTENCE, language=language,
                          published_at=datetime(2022, 1, 10, 8, 0, tzinfo=timezone.utc), first_seen_at=seen)
            session.add(row)
            session.flush()
            return row

        # 22:30 UTC on the 9th is 00:30 on the 10th in Kyiv: it belongs to the 10th's digest.
        a1 = article(1, datetime(2022, 1, 9, 22, 30, tzinfo=timezone.utc), "Про <script>alert(1)</script> слід")
        a2 = article(2, datetime(2022, 1, 10, 12, 0, tzinfo=timezone.utc), "Фейк про війська", outlet=kz, language="ru")
        a3 = article(3, datetime(2022, 1, 10, 23, 0, tzinfo=timezone.utc), "Next day in Kyiv")
        session.add(ArticleCopy(article_id=a1.id, outlet_id=kz.id, url="https://kz.example/copy/1",
                                canonical_url="https://kz.example/copy/1"))
        ev = [{"term": "українського сліду", "field": "body", "start": START, "end": START + len("український слід"),
               "sentence": SENTENCE, "sentence_start": 0}]
        for row, narrative, stance in [(a1, "ukrainian-trace-kazakhstan", "report"),
                                       (a2, "kazakhstan-joins-russia-war", "debunk"),
                                       (a3, "ukrainian-trace-kazakhstan", "report")]:
            session.add(NarrativeFlag(article_id=row.id, narrative_id=narrative, stance=stance, sentence=SENTENCE,
                                      matched_terms=["український слід"], evidence=ev, branch='"український слід"',
                                      version="v1"))
    return sessions


NARRATIVES = [("ukrainian-trace-kazakhstan", "Ukrainian trace"), ("csto-troops-kazakhstan", "CSTO troops"),
              ("kazakhstan-joins-russia-war", "Kazakhstan joins war")]


def test_digest_groups_the_day_by_narrative_in_local_time(filled):
    with filled() as session:
        digest = build_digest(session, date(2022, 1, 10), "Europe/Kyiv", narratives=NARRATIVES)
    assert digest.counts == {"ukrainian-trace-kazakhstan": 1, "csto-troops-kazakhstan": 0,
                             "kazakhstan-joins-russia-war": 1}
    (trace,) = digest.sections[0].entries
    assert trace.title.startswith("Про <script>")
    assert trace.also_carried_by == (("KZ outlet", "https://kz.example/copy/1"),)
    assert [f.text for f in trace.fragments if f.match] == ["український слід"]
    assert digest.sections[2].entries[0].stance == "debunk"


def test_html_digest_escapes_article_text_and_marks_evidence(filled):
    with filled() as session:
        html = render_digest(build_digest(session, date(2022, 1, 10), narratives=NARRATIVES), "html")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>український слід</mark>" in html
    assert "debunk" in html
    assert "also carried by" in html


def test_markdown_and_json_digests(filled):
    with filled() as session:
        digest = build_digest(session, date(2022, 1, 10), narratives=NARRATIVES)
    markdown = render_digest(digest, "md")
    assert "вкидання про «**український слід**» подій" in markdown
    assert "DEBUNK" in markdown
    assert "\\<script\\>" in markdown
    payload = json.loads(render_digest(digest, "json"))
    assert payload["counts"]["kazakhstan-joins-russia-war"] == 1
    assert payload["sections"][0]["entries"][0]["published_at"].startswith("2022-01-10T10:00:00+02:00")


def test_unknown_format_is_refused(filled):
    with filled() as session:
        digest = build_digest(session, date(2022, 1, 10))
    with pytest.raises(ValueError, match="unknown digest format"):
        render_digest(digest, "pdf")


def test_mark_sentence_merges_overlaps_and_ignores_bad_spans():
    fragments = mark_sentence("abcdef", [(1, 3), (2, 4), (10, 12)])
    assert [(f.text, f.match) for f in fragments] == [("a", False), ("bc", True), ("d", True), ("ef", False)]


# Story grouping: articles stored through the Store are clustered into stories.
from monitor.catalog import parse_catalog  # noqa: E402
from monitor.dedup import DedupSettings, canonical_url, content_hash  # noqa: E402
from monitor.extraction import Extracted  # noqa: E402
from monitor.items import ArticleItem  # noqa: E402
from monitor.narratives import Evidence, Flag  # noqa: E402
from monitor.storage.models import Story  # noqa: E402
from monitor.storage.store import Store  # noqa: E402

STORY_CATALOG = """
outlets:
""" + "".join(f"""
  - key: {key}
    name: {name}
    country: {country}
    homepage: https://{key}.example/
    allowed_domains: [{key}.example]
    languages: [{lang}]
    sources: {{feeds: ["https://{key}.example/rss"]}}
    article_url_pattern: '/news/\\\\d+'
""" for key, name, country, lang in [("ua", "UA outlet", "UA", "uk"), ("kz", "KZ outlet", "KZ", "ru")])

STORY = ("Посольство Казахстану в Україні заявило про інсинуації щодо українського сліду подій у країні.\n"
         "За словами дипломатів, повідомлення про участь українських найманців у заворушеннях не мають підтверджень.\n"
         "Міністерство закордонних справ Казахстану закликало не поширювати неперевірену інформацію в соцмережах.\n"
         "Раніше російські телеканали розповсюдили відео, на якому нібито затриманий громадянин говорить про оплату.\n"
         "Експерти центру протидії дезінформації назвали відео постановочним і вказали на монтажні склейки.")
OTHER = ("Уряд Казахстану оголосив про нові виплати сім'ям загиблих під час січневих подій в Алмати.\n"
         "Сума компенсації становитиме десять мільйонів тенге, повідомили у прес-службі прем'єр-міністра.\n"
         "Заяви приймають акимати областей до кінця лютого, документи можна подати також онлайн.\n"
         "Опозиційні активісти вважають виплати спробою заспокоїти суспільство перед слідством.")
TEASER = ("Читайте також: у Києві відкрили нову станцію метро, а синоптики прогнозують морози до кінця тижня "
          "і сильний сніг на заході країни")


def story_item(outlet, n, body, published, title="Заголовок", language="uk", flagged=True):
    url = f"https://{outlet}.example/news/{n}"
    item = ArticleItem(outlet_key=outlet, url=url, html=None)
    item.extracted = Extracted(url=url, title=title, text=body, author=None, published_at=published,
                               canonical_url=None, site_name=outlet)
    item.canonical_url = canonical_url(url)
    item.content_hash = content_hash(body)
    item.language = language
    if not flagged:
        item.flags = []
        return item
    sentence = body.split("\n")[0]
    start = sentence.index("українського")
    evidence = Evidence(term="український слід", field="body", start=start, end=start + 20,
                        sentence=sentence, sentence_start=0)
    item.flags = [Flag(narrative_id="ukrainian-trace-kazakhstan", stance="report", sentence=sentence,
                       matched_terms=("українського сліду",), evidence=(evidence,), branch="слід",
                       version="v1")]
    return item


@pytest.fixture
def story_store(sessions):
    store = Store(sessions, DedupSettings())
    for outlet in parse_catalog(STORY_CATALOG, "test.yaml"):
        store.ensure_outlet(outlet)
    return store


T0 = datetime(2022, 1, 10, 8, 0, tzinfo=timezone.utc)


def _today_digest(sessions):
    with sessions() as session:
        return build_digest(session, datetime.now(timezone.utc).date(), "UTC")


def test_near_duplicates_from_two_outlets_are_one_story_first_publisher_first(story_store, sessions):
    edited = STORY + "\nОновлено: посольство також направило ноту до МЗС України."
    # The later publication is stored first; the earlier one, stored second, is the first publisher.
    later = story_store.save_article(story_item("ua", 1, STORY, T0.replace(hour=11), title="Посольство про інсинуації"))
    earlier = story_store.save_article(story_item("kz", 2, edited, T0, title="Посольство Казахстану: інсинуації",
                                                  language="ru"))
    assert later.outcome == earlier.outcome == "new"
    with sessions() as session:
        stories = session.scalars(select(Story)).all()
        assert len(stories) == 1
        assert stories[0].first_article_id == earlier.article_id
        assert stories[0].first_published_at == T0
    digest = _today_digest(sessions)
    (entry,) = digest.sections[0].entries
    assert entry.first_outlet_name == "KZ outlet"
    assert entry.article_id == earlier.article_id  # the first publisher's own flag
    assert entry.outlets == ("KZ outlet", "UA outlet")
    assert set(entry.languages) == {"uk", "ru"}
    assert entry.also_carried_by == (("UA outlet", "https://ua.example/news/1"),)
    markdown = render_digest(digest, "md")
    assert markdown.count("First published by KZ outlet") == 1


def test_a_flag_on_any_member_flags_the_story_and_copies_are_members(story_store, sessions):
    first = story_store.save_article(story_item("ua", 1, STORY, T0, flagged=False))
    story_store.save_article(story_item("kz", 2, STORY + "\nДодатковий абзац від редакції про реакцію посольства.",
                                        T0.replace(hour=9)))
    copy = story_store.save_article(story_item("kz", 3, STORY, T0.replace(hour=7)))  # identical body, earlier
    assert copy.outcome == "duplicate-content" and copy.article_id == first.article_id
    (entry,) = _today_digest(sessions).sections[0].entries
    assert entry.first_outlet_name == "KZ outlet"
    assert entry.first_published_at == T0.replace(hour=7)
    assert entry.outlets == ("KZ outlet", "UA outlet")


def test_distinct_articles_on_one_topic_stay_two_stories(story_store, sessions):
    story_store.save_article(story_item("ua", 1, STORY, T0))
    other = OTHER.replace("Уряд Казахстану", "Уряд Казахстану після заяв про український слід, який посольство назвало "
                          "інсинуаціями щодо українського сліду,", 1)
    story_store.save_article(story_item("kz", 2, other, T0))
    with sessions() as session:
        assert session.scalar(select(func.count(Story.id))) == 2
    assert len(_today_digest(sessions).sections[0].entries) == 2


TEASERS = [
    TEASER,
    "Читайте також: Нацбанк залишив облікову ставку без змін, аналітики очікують її зниження до літа "
    "через уповільнення інфляції та стабільний курс гривні",
    "Читайте також: у Львові презентували програму підтримки малого бізнесу з пільговими кредитами "
    "для підприємців, які переїхали зі сходу країни",
    "Читайте також: збірна України з біатлону здобула бронзу в естафеті на етапі Кубка світу "
    "в італійському Антхольці після напруженої боротьби",
]


def teaser_bodies() -> list[str]:
    """Three unrelated short articles of one outlet, each carrying the same teaser block."""
    leads = [STORY.split("\n")[0], OTHER.split("\n")[0],
             "Синоптики попередили про ожеледицю на дорогах і радять водіям не виїжджати без потреби."]
    return [lead + "\n" + "\n".join(TEASERS) for lead in leads]


def test_teasers_shared_by_an_outlets_articles_do_not_merge_them(story_store, sessions):
    for n, body in enumerate(teaser_bodies(), 1):
        story_store.save_article(story_item("ua", n, body, T0, flagged=False))
    with sessions() as session:
        assert session.scalar(select(func.count(Story.id))) == 3
        assert {a.story_id for a in session.scalars(select(Article))} == set(session.scalars(select(Story.id)))


def test_without_the_furniture_filter_those_teasers_would_merge_them(sessions):
    # The teaser test above is only a test if the teasers alone make the bodies similar.
    store = Store(sessions, DedupSettings(furniture_min_articles=0))
    for outlet in parse_catalog(STORY_CATALOG, "test.yaml"):
        store.ensure_outlet(outlet)
    for n, body in enumerate(teaser_bodies(), 1):
        store.save_article(story_item("ua", n, body, T0, flagged=False))
    with sessions() as session:
        assert session.scalar(select(func.count(Story.id))) == 1
