"""extract / extract_text / extract_path on pages written for these tests, not real outlets'."""

from __future__ import annotations

import dataclasses
import gzip
from datetime import datetime, timezone

import pytest

from monitor.catalog import CatalogError, parse_catalog
from monitor.extraction import (
    ExtractionFailed,
    ExtractionOptions,
    ExtractionOverrides,
    decode_html,
    extract,
    extract_path,
    extract_text,
    selector_xpath,
)

UTC = timezone.utc


def page(body: str, *, head: str = "", charset: str | None = "utf-8", lang: str = "uk") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    head = f"<head>{meta}{head}</head>"
    return f'<!DOCTYPE html>\n<html lang="{lang}">{head}<body>{body}</body></html>'


NAV = (
    '<header><nav><a href="/">Головна</a> <a href="/news">Новини</a>'
    ' <a href="/politics">Політика</a>'
    ' <a href="/economy">Економіка</a> <a href="/sport">Спорт</a></nav></header>'
)

UK_PARAGRAPHS = [
    "Кабінет міністрів ухвалив програму капітального ремонту шкіл у прифронтових громадах,"
    " на яку спрямують понад два мільярди гривень.",
    "За словами міністра освіти, першочергово відновлять укриття та системи опалення,"
    " щоб діти могли навчатися очно вже цієї зими.",
    "«Ми не можемо дозволити собі ще один рік дистанційного навчання», — наголосив міністр"
    " під час брифінгу.",
    "Про це він також написав у своєму Telegram-каналі.",
    "Громади мають подати заявки до кінця листопада, після чого комісія розподілить кошти"
    " між областями.",
]

UK_PAGE = page(
    head=(
        "<title>Уряд погодив програму ремонту шкіл | Вісник Полісся</title>"
        '<meta property="og:title" content="Уряд погодив програму ремонту шкіл">'
        '<meta property="og:site_name" content="Вісник Полісся">'
        '<link rel="canonical" href="/news/2025/10/18/remont-shkil">'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage", "datePublished": "2025-10-01T08:00:00+03:00"},'
        '{"@type": "NewsArticle", "headline": "Уряд погодив програму ремонту шкіл",'
        ' "datePublished": "2025-10-18T14:15:00+03:00",'
        ' "author": {"@type": "Person", "name": "Оксана Мельничук"}}]}</script>'
    ),
    body=(
        '<div class="cookie">Ми використовуємо файли cookie, щоб сайт працював краще.'
        " Погоджуюсь</div>"
        + NAV
        + '<main><div class="article-body"><h1>Уряд погодив програму ремонту шкіл</h1>'
        + f"<p>{UK_PARAGRAPHS[0]}</p><p>{UK_PARAGRAPHS[1]}</p>"
        + "<p>Читайте також: Як працюватимуть школи під час відключень світла</p>"
        + f"<p>{UK_PARAGRAPHS[2]}</p><p>{UK_PARAGRAPHS[3]}</p>"
        + "<p>Фото: Міністерство освіти</p>"
        + f"<p>{UK_PARAGRAPHS[4]}</p>"
        + "<p>Підписуйтеcь на наш Telegram-канал, щоб першими дізнаватися головне</p>"
        + "<p>Оксана МельничукНовини</p>"
        + "<p>На Волині відкрили новий міст через Стир</p><p>14:02 18 жов 2025.</p>"
        + "<p>У Луцьку запрацював центр підтримки ветеранів</p><p>13:40 18 жов 2025.</p>"
        + "<p>Синоптики попередили про перші заморозки</p><p>13:15 18 жов 2025.</p>"
        + "</div></main><footer><p>© 2025 Вісник Полісся. Усі права захищені.</p></footer>"
    ),
)

RU_PARAGRAPHS = [
    "В Караганде после трёх лет строительства открыли новый корпус областной больницы,"
    " рассчитанный на двести коек.",
    "Об этом сообщили в управлении здравоохранения региона. В корпусе разместятся кардиология,"
    " неврология и отделение реанимации.",
    "«Мы ждали этого пять лет, теперь пациентам не придётся ехать в Астану», — рассказала"
    " главный врач.",
    "Оборудование для операционных закупили за счёт республиканского бюджета, часть аппаратов"
    " передали спонсоры.",
]


def ru_page(charset: str | None) -> str:
    """An older table-less layout with the rail inside the content block."""
    return page(
        lang="ru",
        charset=charset,
        head=(
            "<title>В Караганде открыли новый корпус больницы - Степной вестник</title>"
            '<meta property="og:site_name" content="Степной вестник">'
            '<meta property="article:published_time" content="2025-10-18T09:30:00">'
            '<meta name="author" content="Ирина Петрова">'
        ),
        body=(
            '<div id="top"><a href="/">Главная</a> | <a href="/region">Регион</a>'
            ' | <a href="/ads">Реклама</a></div>'
            '<div class="content"><h1>В Караганде открыли новый корпус больницы</h1>'
            f"<p>{RU_PARAGRAPHS[0]}</p><p>{RU_PARAGRAPHS[1]}</p><p>Фото: пресс-служба акимата</p>"
            f"<p>{RU_PARAGRAPHS[2]}</p><p>Читайте также: Как изменятся тарифы на тепло</p>"
            f"<p>{RU_PARAGRAPHS[3]}</p>"
            "<p>Подписывайтесь на наш канал в Телеграм — все главные новости</p>"
            "<div class=\"more-news\"><p>Последние новости</p>"
            "<p>Тарифы на газ вырастут с января</p><p>вчера, 12:30</p>"
            "<p>В Темиртау отремонтируют школу</p><p>вчера, 11:05</p></div></div>"
            '<div id="footer">© 2025 Степной вестник. Все права защищены.</div>'
        ),
    )


def test_utf8_page_gives_clean_body_and_metadata():
    url = "https://visnyk.example/news/2025/10/18/remont-shkil?utm_source=tg"
    result = extract(UK_PAGE.encode(), url)
    assert result.title == "Уряд погодив програму ремонту шкіл"
    assert result.text.split("\n") == UK_PARAGRAPHS
    assert result.author == "Оксана Мельничук"
    # The article's JSON-LD date, not the WebPage's, converted from +03:00.
    assert result.published_at == datetime(2025, 10, 18, 11, 15, tzinfo=UTC)
    assert result.canonical_url == "https://visnyk.example/news/2025/10/18/remont-shkil"
    assert result.url == url
    assert result.site_name == "Вісник Полісся"


def test_windows_1251_page_decodes_and_reads_naive_date_in_outlet_zone():
    data = ru_page("windows-1251").encode("cp1251")
    result = extract(data, "https://stepnoy.example/news/1", timezone="Asia/Almaty")
    assert result.title == "В Караганде открыли новый корпус больницы"
    assert result.text.split("\n") == RU_PARAGRAPHS
    assert result.author == "Ирина Петрова"
    assert result.site_name == "Степной вестник"
    # 09:30 in Almaty (UTC+5) is 04:30 UTC; without a zone the naive time is taken as UTC.
    assert result.published_at == datetime(2025, 10, 18, 4, 30, tzinfo=UTC)
    assert extract(data).published_at == datetime(2025, 10, 18, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("charset", ["koi8-r", None])
def test_koi8_r_page_decodes_with_or_without_a_declaration(charset):
    # KOI8-R has no «»; pages of that era wrote them as character references.
    result = extract(ru_page(charset).encode("koi8_r", errors="xmlcharrefreplace"))
    assert result.text.split("\n") == RU_PARAGRAPHS
    assert "Караганде" in result.title


@pytest.mark.parametrize(
    ("codec", "charset"),
    [("koi8_u", "koi8-u"), ("koi8_u", None), ("cp1251", None), ("cp866", None)],
)
def test_ukrainian_single_byte_pages_keep_their_letters(codec, charset):
    body = UK_PAGE.split("<body>")[1].split("</body>")[0]
    html = page(body, charset=charset, head="<title>Школи</title>")
    result = extract(html.encode(codec, errors="xmlcharrefreplace"))
    assert result.text.split("\n")[0] == UK_PARAGRAPHS[0]
    assert "ї" in result.text and "є" in result.text


def test_undeclared_windows_1251_page_is_guessed():
    result = extract(ru_page(None).encode("cp1251"))
    assert result.text.split("\n") == RU_PARAGRAPHS


def test_header_encoding_wins_over_a_wrong_meta_charset():
    data = ru_page("koi8-r").encode("cp1251")
    assert extract(data, encoding="windows-1251").text.split("\n") == RU_PARAGRAPHS


def test_latin1_label_on_a_cyrillic_page_is_not_trusted():
    data = ru_page("iso-8859-1").encode("cp1251")
    assert extract(data).text.split("\n") == RU_PARAGRAPHS


def test_utf8_page_served_with_a_legacy_header_stays_utf8():
    assert extract(UK_PAGE.encode(), encoding="windows-1251").text.split("\n") == UK_PARAGRAPHS


def test_decode_html_reads_xml_declaration_and_bom():
    text = "Привіт, світе"
    xml = f'<?xml version="1.0" encoding="koi8-u"?><html><body>{text}</body></html>'
    assert text in decode_html(xml.encode("koi8_u"))
    assert decode_html(b"\xef\xbb\xbf<p>" + text.encode() + b"</p>") == f"<p>{text}</p>"
    kazakh = "<p>Ұлттық банк базалық мөлшерлемені өзгеріссіз қалдырды, деп хабарлады банк.</p>"
    assert decode_html(kazakh.encode("kz1048")) == kazakh  # Kazakh's own code page, guessed


def json_ld_page(date: str) -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in RU_PARAGRAPHS)
    head = (
        '<script type="application/ld+json">'
        f'{{"@type": "NewsArticle", "headline": "Тест", "datePublished": "{date}"}}</script>'
        f'<meta property="article:published_time" content="2025-10-18">'
    )
    return page(f"<article>{body}</article>", head=head)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2025-10-18T14:15:00+02:00", datetime(2025, 10, 18, 12, 15, tzinfo=UTC)),
        ("2025-10-18T03:10:00+06:00", datetime(2025, 10, 17, 21, 10, tzinfo=UTC)),
        ("2025-10-18T14:15:00.000+0300", datetime(2025, 10, 18, 11, 15, tzinfo=UTC)),
        ("2025-10-18T14:15:00Z", datetime(2025, 10, 18, 14, 15, tzinfo=UTC)),
    ],
)
def test_json_ld_date_with_offset_converts_to_utc(date, expected):
    # Given a zone, explicit offsets still win over it.
    assert extract(json_ld_page(date), timezone="Europe/Kyiv").published_at == expected


def test_date_without_time_is_midnight_in_the_outlet_zone():
    html = page("<article>" + "".join(f"<p>{p}</p>" for p in RU_PARAGRAPHS) + "</article>",
                head='<meta property="article:published_time" content="2025-10-18">')
    assert extract(html).published_at == datetime(2025, 10, 18, tzinfo=UTC)
    kyiv_midnight = datetime(2025, 10, 17, 21, tzinfo=UTC)
    assert extract(html, timezone="Europe/Kyiv").published_at == kyiv_midnight


def test_english_page_with_its_own_template():
    paragraphs = [
        "The regional council approved a plan on Tuesday to rebuild three bridges destroyed"
        " last spring.",
        "Officials said the work would be funded by the state budget and a loan from foreign"
        " partners.",
        "“We expect the first crossings to reopen by autumn,” the governor told reporters.",
    ]
    html = page(
        lang="en",
        head=(
            "<title>Council approves bridge plan - Polissia Herald</title>"
            '<meta property="og:site_name" content="Polissia Herald">'
            '<meta property="article:published_time" content="2025-10-18T06:45:00Z">'
            '<meta name="author" content="Jane Doe">'
            '<link rel="canonical" href="https://herald.example/bridges">'
        ),
        body=(
            '<div id="consent">We use cookies to improve your experience. Accept all</div>'
            '<div id="menu"><a href="/">Home</a> <a href="/world">World</a>'
            ' <a href="/business">Business</a></div>'
            '<div id="story"><h1>Council approves bridge plan</h1><p class="byline">By Jane Doe</p>'
            f"<p>{paragraphs[0]}</p><p>Photo: Reuters</p><p>{paragraphs[1]}</p>"
            "<p>Read more: How the reconstruction fund works</p>"
            f"<p>{paragraphs[2]}</p><p>Follow us on Telegram for the latest updates</p>"
            "<p>Storm warning issued for the coast Oct 18, 2025</p>"
            "<p>Parliament passes the budget Oct 17, 2025</p></div>"
            "<div id='foot'>Copyright 2025 Polissia Herald. All rights reserved.</div>"
        ),
    )
    result = extract(html, "https://herald.example/bridges?ref=home")
    assert result.text.split("\n") == paragraphs
    assert result.title == "Council approves bridge plan"
    assert result.author == "Jane Doe"
    assert result.published_at == datetime(2025, 10, 18, 6, 45, tzinfo=UTC)
    assert result.canonical_url == "https://herald.example/bridges"


def test_kazakh_page():
    paragraphs = [
        "Астанада үкіметтің кезекті отырысы өтті, онда жылу маусымына дайындық барысы талқыланды.",
        "Премьер-министр әкімдерге қазан айының соңына дейін барлық қазандықтарды іске"
        " қосуды тапсырды.",
        "«Бірде-бір мектеп пен аурухана жылусыз қалмауы тиіс», — деді ол отырыс барысында.",
    ]
    html = page(
        lang="kk",
        head=(
            "<title>Үкімет жылу маусымын талқылады</title>"
            '<script type="application/ld+json">{"@context": "https://schema.org",'
            ' "@type": "NewsArticle",'
            ' "datePublished": "2025-10-18T10:00:00+05:00",'
            ' "author": [{"@type": "Person", "name": "Асқар Жұмабаев"}]}</script>'
        ),
        body=(
            '<nav><a href="/">Басты бет</a> <a href="/saiasat">Саясат</a>'
            ' <a href="/qogam">Қоғам</a></nav>'
            "<article><h1>Үкімет жылу маусымын талқылады</h1>"
            f"<p>{paragraphs[0]}</p><p>Сурет: Үкімет баспасөз қызметі</p><p>{paragraphs[1]}</p>"
            f"<p>Оқи: Алматыда жылу тарифі өзгереді</p><p>{paragraphs[2]}</p>"
            "<p>Telegram-арнамызға жазылыңыз</p><p>Асқар ЖұмабаевЖаңалықтар</p>"
            "<p>Алматыда жаңа саябақ ашылды</p><p>Кеше, 14:20</p>"
            "<p>Бензин бағасы өзгерді</p><p>Кеше, 13:10</p></article>"
        ),
    )
    result = extract(html.encode())
    assert result.text.split("\n") == paragraphs
    assert result.author == "Асқар Жұмабаев"
    assert result.published_at == datetime(2025, 10, 18, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not-html"),
        ("Просто текст без жодної розмітки, який хтось зберіг як сторінку.", "not-html"),
        (page(NAV + "<footer>© 2025</footer>"), "empty-text"),  # a menu is not a body
        (page("<article><p>Коротко: світло дали.</p></article>"), "too-short"),
        (page("<article><p>Читайте також: Новина</p><p>Фото: Reuters</p></article>"), "empty-text"),
    ],
)
def test_failures_raise_with_a_reason(data, reason):
    with pytest.raises(ExtractionFailed) as caught:
        extract(data, "https://example.org/x")
    assert caught.value.reason == reason


def test_min_text_chars_is_an_option():
    html = page("<article><p>Коротко: у Луцьку дали світло всім споживачам.</p></article>")
    assert extract(html, options=ExtractionOptions(min_text_chars=20)).text.startswith("Коротко")


def test_unknown_timezone_is_reported():
    with pytest.raises(ValueError, match="Europe/Kiyv"):
        extract(UK_PAGE, timezone="Europe/Kiyv")


def test_extracted_is_frozen():
    result = extract(UK_PAGE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.title = "x"  # type: ignore[misc]


def test_extract_text_takes_a_headline_first_line_as_title():
    text = "\n".join(
        [
            "Уряд погодив програму ремонту шкіл",
            *UK_PARAGRAPHS[:3],
            "Фото: Reuters",
            "Читайте також: Інша новина",
        ]
    )
    result = extract_text(text, source="feed.txt")
    assert result.title == "Уряд погодив програму ремонту шкіл"
    assert result.text.split("\n") == UK_PARAGRAPHS[:3]
    assert result.url == "feed.txt"
    assert result.published_at is None


def test_extract_text_without_headline_has_no_title():
    # Like a scraped file that opens with a blank line and then the lead.
    result = extract_text("\n" + "\n".join(UK_PARAGRAPHS))
    assert result.title is None
    assert result.text.split("\n") == UK_PARAGRAPHS
    # A first line ending with a full stop is the lead, not a title.
    assert extract_text("\n".join(UK_PARAGRAPHS)).title is None


def test_extract_path_reads_html_gz_and_txt(tmp_path):
    (tmp_path / "a.html").write_bytes(ru_page("windows-1251").encode("cp1251"))
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(UK_PAGE.encode()))
    text = "Заголовок новини\n" + "\n".join(UK_PARAGRAPHS)
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    (tmp_path / "d.pdf").write_bytes(b"%PDF-1.7")
    assert extract_path(tmp_path / "a.html").text.split("\n") == RU_PARAGRAPHS
    assert extract_path(tmp_path / "b.html.gz").text.split("\n") == UK_PARAGRAPHS
    assert extract_path(tmp_path / "c.txt").title == "Заголовок новини"
    with pytest.raises(ValueError, match="d.pdf"):
        extract_path(tmp_path / "d.pdf")


def test_page_declared_utf8_but_written_in_windows_1251_is_guessed():
    assert extract(ru_page("utf-8").encode("cp1251")).text.split("\n") == RU_PARAGRAPHS


def test_extract_text_does_not_take_a_dateline_for_a_title():
    result = extract_text("18 жовтня 2025, 14:15\n" + "\n".join(UK_PARAGRAPHS))
    assert result.title is None
    assert result.text.split("\n") == UK_PARAGRAPHS


# --- trafilatura's precision mode, and its safety net -------------------------------


def test_related_story_list_inside_the_article_is_pruned():
    related = "".join(
        f'<li><a href="/news/{i}">Інша новина номер {i} про ремонт доріг в області</a></li>'
        for i in range(6)
    )
    html = page(
        "<article><h1>Уряд погодив ремонт шкіл</h1>"
        + "".join(f"<p>{p}</p>" for p in UK_PARAGRAPHS)
        + f"<ul class='related'>{related}</ul></article>"
    )
    assert extract(html).text.split("\n") == UK_PARAGRAPHS


def test_short_precision_result_is_checked_against_the_balanced_mode(monkeypatch):
    from monitor import extraction

    calls = []
    real = extraction.trafilatura.bare_extraction

    def counting(tree, options):
        calls.append(options.focus)
        return real(tree, options=options)

    monkeypatch.setattr(extraction.trafilatura, "bare_extraction", counting)
    # A body shorter than recheck_below_words: precision first, then the balanced mode.
    extract(UK_PAGE, options=ExtractionOptions(recheck_below_words=1000))
    assert calls == ["precision", "balanced"]
    calls.clear()
    extract(UK_PAGE, options=ExtractionOptions(recheck_below_words=10))
    assert calls == ["precision"]


def test_standfirst_under_the_headline_opens_the_body():
    standfirst = "Школи прифронтових громад відремонтують до зими за державні кошти"
    html = page(
        head=f'<meta property="og:description" content="{standfirst}">',
        body=f"<article><header><h1>Уряд погодив ремонт шкіл</h1><h2>{standfirst}</h2></header>"
        + "".join(f"<p>{p}</p>" for p in UK_PARAGRAPHS)
        + "</article>",
    )
    assert extract(html).text.split("\n") == [standfirst, *UK_PARAGRAPHS]
    # A description that the page does not show under the headline is not added.
    hidden = html.replace(f"<h2>{standfirst}</h2>", "")
    assert extract(hidden).text.split("\n") == UK_PARAGRAPHS


# --- per-outlet overrides -----------------------------------------------------------

SUPPORT_BOX = (
    '<div class="support-box"><p>Ми працюємо завдяки читачам. Кожна гривня допомагає нам'
    " розслідувати корупцію в громаді й далі.</p></div>"
)


@pytest.mark.parametrize("selector", ["div.support-box", '//div[contains(@class, "support")]'])
def test_drop_override_removes_a_block_the_generic_path_keeps(selector):
    html = page(
        "<article><h1>Уряд погодив ремонт шкіл</h1>"
        + "".join(f"<p>{p}</p>" for p in UK_PARAGRAPHS[:2])
        + SUPPORT_BOX
        + "".join(f"<p>{p}</p>" for p in UK_PARAGRAPHS[2:])
        + "</article>"
    )
    assert "Кожна гривня" in extract(html).text
    fixed = extract(html, overrides=ExtractionOverrides(drop=(selector,)))
    assert fixed.text.split("\n") == UK_PARAGRAPHS


def test_body_override_takes_the_block_trafilatura_passes_over():
    letters = "".join(
        f"<p>Лист читача {i}: ремонт шкіл треба було починати ще минулого року, а не чекати"
        " холодів і відключень світла в громаді.</p>"
        for i in range(8)
    )
    html = page(
        '<div class="news-text">'
        + "<br><br>".join(UK_PARAGRAPHS)
        + '</div><article class="letters"><h2>Листи читачів</h2>'
        + letters
        + "</article>"
    )
    assert "Лист читача" in extract(html).text  # the generic path picks the letters
    fixed = extract(html, overrides=ExtractionOverrides(body="div.news-text"))
    assert fixed.text.split("\n") == UK_PARAGRAPHS
    # A body selector matching nothing leaves the generic path in charge.
    assert extract(html, overrides=ExtractionOverrides(body="div.absent")).text == extract(
        html
    ).text


@pytest.mark.parametrize(
    ("selector", "visible"),
    [
        ("span.when", "Опубліковано: 18 жовтня 2025, 14:15"),
        ('//div[@class="meta"]/span/text()', "18 октября 2025 г. 14:15"),
        ("span.when", "18 қазан 2025, 14:15"),
        ("time", '<time datetime="2025-10-18T14:15:00+03:00">вчора</time>'),
    ],
)
def test_date_override_reads_a_visible_date_in_the_outlet_zone(selector, visible):
    html = page(
        "<article><h1>Уряд погодив ремонт шкіл</h1>"
        f'<div class="meta"><span class="when">{visible}</span></div>'
        + "".join(f"<p>{p}</p>" for p in UK_PARAGRAPHS)
        + "</article>"
    )
    overrides = ExtractionOverrides(date=selector)
    result = extract(html, timezone="Europe/Kyiv", overrides=overrides)
    assert result.published_at == datetime(2025, 10, 18, 11, 15, tzinfo=UTC)


def test_date_override_finding_nothing_falls_back_to_the_page_metadata():
    overrides = ExtractionOverrides(date="span.absent")
    assert extract(UK_PAGE, overrides=overrides).published_at == extract(UK_PAGE).published_at


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("div.article-body p", "descendant-or-self::div"),
        ('//div[@id="text"]', '//div[@id="text"]'),
        ('(//article)[1]', "(//article)[1]"),
    ],
)
def test_selector_xpath_reads_css_and_xpath(selector, expected):
    assert selector_xpath(selector).startswith(expected)


@pytest.mark.parametrize(
    ("selector", "message"),
    [("div[", "CSS selector"), ("//div[", "XPath"), ("//div[bogus()]", "XPath"), ("  ", "empty")],
)
def test_bad_selectors_say_which_kind_was_expected(selector, message):
    with pytest.raises(ValueError, match=message):
        selector_xpath(selector)


CATALOG_ENTRY = """\
outlets:
  - key: visnyk
    name: Вісник Полісся
    country: UA
    homepage: https://visnyk.example/
    allowed_domains: [visnyk.example]
    languages: [uk]
    sources:
      feeds: [https://visnyk.example/rss]
    article_url_pattern: /news/\\d+
"""


def test_catalog_extraction_rules_become_overrides():
    text = CATALOG_ENTRY + (
        "    extraction:\n"
        "      drop: [div.support-box, '//aside']\n"
        "      body: div.news-text\n"
        "      date: span.when\n"
    )
    outlet = parse_catalog(text, "outlets.yaml").get("visnyk")
    assert outlet.extraction_overrides() == ExtractionOverrides(
        drop=("div.support-box", "//aside"), body="div.news-text", date="span.when"
    )
    plain = parse_catalog(CATALOG_ENTRY, "outlets.yaml").get("visnyk")
    assert plain.extraction_overrides() == ExtractionOverrides()


@pytest.mark.parametrize(
    ("rules", "where", "what"),
    [
        ("      drop: ['div.ok', 'div[']\n",
         "outlets.yaml:12: entry 1 ('visnyk'): field 'extraction.drop[1]'",
         "expected a CSS selector, got 'div['"),
        ("      body: '//div['\n",
         "outlets.yaml:13: entry 1 ('visnyk'): field 'extraction.body'",
         "expected an XPath expression"),
        ("      dates: span.when\n",
         "outlets.yaml:13: entry 1 ('visnyk'): field 'extraction.dates'",
         "expected one of: drop, body, date"),
    ],
)
def test_catalog_reports_a_bad_extraction_rule_with_file_line_entry_and_field(rules, where, what):
    text = CATALOG_ENTRY + "    extraction:\n" + ("      drop: [div.ok]\n" if "drop" not in rules
                                                   else "") + rules
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "outlets.yaml")
    assert str(caught.value).startswith(where)
    assert what in str(caught.value)


# --- whole pages in different templates and languages --------------------------------

KK_PARAGRAPHS = [
    "Қарағандыда облыстық аурухананың жаңа корпусы ашылды, онда екі жүз төсек-орын бар.",
    "Бұл туралы өңірлік денсаулық сақтау басқармасы хабарлады, құрылыс үш жылға созылған.",
    "«Біз мұны бес жыл күттік», — деді бөлім меңгерушісі ашылу салтанатында.",
    "Жаңа корпуста балалар бөлімі мен оңалту орталығы жұмыс істейді.",
]

TEMPLATE_PAGES = {
    # uk: <main> with a lead div, an inline promo and a "don't miss" rail with links
    "uk": (
        page(
            '<main><div class="post"><h1>Уряд погодив програму ремонту шкіл</h1>'
            + f'<div class="lead"><p>{UK_PARAGRAPHS[0]}</p></div>'
            + "".join(f"<p>{p}</p>" for p in UK_PARAGRAPHS[1:3])
            + "<p>Слідкуйте за «Вісником Полісся» у Facebook та Viber</p>"
            + "".join(f"<p>{p}</p>" for p in UK_PARAGRAPHS[3:])
            + "<p>Редакція може не поділяти думку автора.</p>"
            + '<div class="more"><h3>Не пропустіть</h3><ul>'
            + "".join(f'<li><a href="/n/{i}">Новина дня номер {i} з області</a></li>'
                      for i in range(5))
            + "</ul></div></div></main>"
        ),
        UK_PARAGRAPHS,
    ),
    # ru: table-free <section>, a share caption, a reprint notice and a timed rail
    "ru": (
        page(
            "<section class='material'><h1>В Караганде открыли корпус больницы</h1>"
            + "".join(f"<p>{p}</p>" for p in RU_PARAGRAPHS)
            + "<p>Поделитесь с друзьями!</p>"
            + "<p>При цитировании ссылка на «Степной вестник» обязательна.</p>"
            + "<div class='feed'><p>Курс тенге укрепился</p><p>вчера, 15:20</p>"
            + "<p>Фестиваль в Шымкенте</p><p>вчера, 15:05</p></div></section>",
            lang="ru",
        ),
        RU_PARAGRAPHS,
    ),
    # kk: <article> with a verb-final promo and a credit
    "kk": (
        page(
            "<article><h1>Қарағандыда жаңа корпус ашылды</h1>"
            + "".join(f"<p>{p}</p>" for p in KK_PARAGRAPHS[:2])
            + "<p>Жаңалықтарды Telegram-нан оқыңыз.</p>"
            + "<p>Сурет: облыс әкімдігінің баспасөз қызметі</p>"
            + "".join(f"<p>{p}</p>" for p in KK_PARAGRAPHS[2:])
            + "<p>Материалдарды пайдаланғанда сілтеме міндетті.</p></article>",
            lang="kk",
        ),
        KK_PARAGRAPHS,
    ),
}


@pytest.mark.parametrize("language", sorted(TEMPLATE_PAGES))
def test_pages_in_other_templates_give_exactly_their_body(language):
    html, paragraphs = TEMPLATE_PAGES[language]
    assert extract(html, "https://example.org/news/1").text.split("\n") == paragraphs
