from datetime import UTC, datetime

import pytest

from monitor.feeds import FeedError, decode_feed, parse_date, parse_discovery

RSS = """<?xml version="1.0" encoding="{enc}"?>
<rss version="2.0"><channel><title>Новини</title>
<item><title>Уряд ухвалив бюджет</title><link>https://example.ua/news/1.html</link>
<pubDate>Mon, 10 Jan 2022 14:15:00 +0200</pubDate></item>
<item><title>Другая новость</title><link>/news/2.html</link></item>
</channel></rss>"""


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251", "koi8-r"])
def test_rss_in_cyrillic_encodings_gives_right_titles(encoding):
    body = RSS.format(enc=encoding).encode(encoding)
    found = parse_discovery(body, "https://example.ua/rss.xml")
    assert found.kind == "rss"
    assert [e.title for e in found.entries] == ["Уряд ухвалив бюджет", "Другая новость"]
    assert found.entries[1].url == "https://example.ua/news/2.html"
    assert found.entries[0].published_at == datetime(2022, 1, 10, 12, 15, tzinfo=UTC)


def test_feed_without_xml_declaration_uses_http_charset():
    body = RSS.split("\n", 1)[1].encode("windows-1251")
    found = parse_discovery(body, "https://example.ua/rss", declared_encoding="windows-1251")
    assert found.entries[0].title == "Уряд ухвалив бюджет"


def test_atom_feed():
    body = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Жаңалықтар</title>
<entry><title>Алматыда қар жауды</title><link rel="alternate" href="https://example.kz/kk/news/5"/>
<link rel="edit" href="https://example.kz/edit/5"/><published>2022-03-03T10:00:00+06:00</published></entry>
</feed>""".encode()
    found = parse_discovery(body, "https://example.kz/atom")
    assert found.kind == "atom"
    (entry,) = found.entries
    assert entry.url == "https://example.kz/kk/news/5"
    assert entry.title == "Алматыда қар жауды"
    assert entry.published_at == datetime(2022, 3, 3, 4, 0, tzinfo=UTC)


def test_sitemap_index_and_google_news_sitemap():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.kz/sitemap-1.xml</loc></sitemap></sitemapindex>"""
    found = parse_discovery(index, "https://example.kz/sitemap.xml")
    assert found.sitemaps == ("https://example.kz/sitemap-1.xml",)
    assert found.entries == ()
    news = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://example.ua/a/1</loc><news:news><news:publication><news:name>X</news:name>
<news:language>uk</news:language></news:publication><news:publication_date>2022-01-11T09:30:00+02:00</news:publication_date>
<news:title>Війська ОДКБ виходять</news:title></news:news></url></urlset>""".encode()
    (entry,) = parse_discovery(news, "https://example.ua/news-sitemap.xml").entries
    assert entry.title == "Війська ОДКБ виходять"
    assert entry.published_at == datetime(2022, 1, 11, 7, 30, tzinfo=UTC)


def test_gzipped_sitemap():
    import gzip

    body = gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://e.ua/1</loc></url></urlset>')
    assert [e.url for e in parse_discovery(body, "https://e.ua/s.xml.gz").entries] == ["https://e.ua/1"]


@pytest.mark.parametrize("body", [b"", b"<html><body>not a feed</body></html>", b"\x00\x01garbage"])
def test_unreadable_documents_raise_feed_error(body):
    with pytest.raises(FeedError):
        parse_discovery(body, "https://example.ua/rss")


def test_entity_expansion_is_not_performed():
    body = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&e;</title><link>https://e.ua/1</link></item></channel></rss>"""
    (entry,) = parse_discovery(body, "https://e.ua/rss").entries
    assert "root:" not in (entry.title or "")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Tue, 18 Oct 2025 14:15:00 GMT", datetime(2025, 10, 18, 14, 15, tzinfo=UTC)),
        ("2025-10-18T14:15:00+03:00", datetime(2025, 10, 18, 11, 15, tzinfo=UTC)),
        ("2025-10-18", datetime(2025, 10, 18, tzinfo=UTC)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


# --- encodings ---------------------------------------------------------------------------
# Feeds shaped like the ones outlets serve: Yandex-style RSS with a default namespace,
# Netscape RSS 0.91 with its DOCTYPE, RSS 1.0 (RDF) and Blogger-style Atom, each written
# here in Russian, Ukrainian or Kazakh.

CHANNEL = "Новини дня"
TEXTS = {
    "ru": "Найдены тела двух погибших под Харьковом",
    "uk": "Їжак і ґанок: єдність громади, що вражає",
    "kk": "Алматыда қар жауды: әкімдік ұсыныс берді",
}
LINK = "https://example.ua/news/2024/05/14/7450001/"
TEMPLATES = {
    "yandex-rss": """{decl}
<rss xmlns:yandex="http://news.yandex.ru" xmlns="http://backend.userland.com/rss2" version="2.0">
<channel><title>{channel}</title><link>https://example.ua/</link>
<item><title>{title}</title><link>{link}</link><yandex:full-text>{title}.</yandex:full-text>
<pubDate>Tue, 14 May 2024 10:00:00 +0300</pubDate></item></channel></rss>""",
    "netscape-rss": """{decl}
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>{channel}</title><link>https://example.ua/</link>
<item><title>{title}</title><link>{link}</link><description>{title}</description></item>
</channel></rss>""",
    "rdf": """{decl}
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.ua/"><title>{channel}</title>
<items><rdf:Seq><rdf:li rdf:resource="{link}"/></rdf:Seq></items></channel>
<item rdf:about="{link}"><title>{title}</title><link>{link}</link>
<dc:date>2024-05-14T10:00:00+03:00</dc:date></item></rdf:RDF>""",
    "atom": """{decl}
<?xml-stylesheet href="https://example.ua/atom.css" type="text/css"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{channel}</title>
<entry><title type="text">{title}</title><link rel="alternate" type="text/html" href="{link}"/>
<published>2024-05-14T10:00:00+03:00</published></entry></feed>""",
}


def feed(template: str = "yandex-rss", lang: str = "uk", declared: str | None = "utf-8",
         **fields) -> str:
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    values = {"channel": CHANNEL, "title": TEXTS[lang], "link": LINK, **fields}
    return TEMPLATES[template].format(decl=decl, **values)


def assert_reads_right(found, lang: str) -> None:
    assert found.title == CHANNEL
    assert [(e.title, e.url) for e in found.entries] == [(TEXTS[lang], LINK)]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(("encoding", "lang"), [
    ("windows-1251", "ru"), ("windows-1251", "uk"), ("koi8-r", "ru"), ("koi8-u", "uk"),
    ("kz-1048", "kk"), ("utf-8", "kk"), ("iso-8859-5", "ru"),
])
def test_declared_encodings(template, encoding, lang):
    text = feed(template, lang, declared=encoding)
    if encoding == "kz-1048":
        text = text.replace(CHANNEL, "Жаңалықтар")
    found = parse_discovery(text.encode(encoding), "https://example.ua/rss")
    assert [(e.title, e.url) for e in found.entries] == [(TEXTS[lang], LINK)]


@pytest.mark.parametrize(("encoding", "lang"), [
    ("windows-1251", "ru"), ("windows-1251", "uk"), ("koi8-r", "ru"), ("koi8-u", "uk"),
])
def test_http_charset_when_the_document_declares_none(encoding, lang):
    body = feed(lang=lang, declared=None).encode(encoding)
    assert_reads_right(parse_discovery(body, "https://example.ua/rss", encoding), lang)


@pytest.mark.parametrize(("encoding", "lang"), [
    ("windows-1251", "ru"), ("windows-1251", "uk"), ("koi8-r", "ru"), ("koi8-u", "uk"),
    ("kz1048", "kk"),
])
def test_undeclared_legacy_encoding_is_guessed(encoding, lang):
    body = feed("rdf", lang=lang, declared=None).encode(encoding)
    if encoding == "kz1048":
        body = feed("rdf", lang=lang, declared=None, channel="Жаңалықтар").encode(encoding)
        found = parse_discovery(body, "https://example.kz/rss")
        assert found.title == "Жаңалықтар" and found.entries[0].title == TEXTS[lang]
        return
    assert_reads_right(parse_discovery(body, "https://example.ua/rss"), lang)


@pytest.mark.parametrize(("declared", "actual", "http_charset", "lang"), [
    ("utf-8", "windows-1251", None, "uk"),  # the template's default, on a legacy site
    ("windows-1251", "utf-8", None, "uk"),  # a site moved to UTF-8, the header stayed
    ("windows-1251", "koi8-r", None, "ru"),
    ("koi8-r", "windows-1251", None, "ru"),
    ("koi8-u", "windows-1251", None, "uk"),
    ("iso-8859-1", "windows-1251", None, "ru"),
    ("utf-16", "utf-8", None, "uk"),  # UTF-16 without a BOM cannot be
    ("no-such-charset", "windows-1251", None, "uk"),
    (None, "windows-1251", "utf-8", "uk"),  # the server's default charset
    (None, "utf-8", "windows-1251", "uk"),
    ("windows-1251", "windows-1251", "utf-8", "uk"),  # declaration right, header wrong
])
def test_lying_declarations_are_caught(declared, actual, http_charset, lang):
    body = feed(lang=lang, declared=declared).encode(actual)
    assert_reads_right(parse_discovery(body, "https://example.ua/rss", http_charset), lang)


@pytest.mark.parametrize(("bom_encoding", "declared"), [
    ("utf-8-sig", "windows-1251"), ("utf-8-sig", None), ("utf-16", "utf-16"), ("utf-16", None),
])
def test_byte_order_mark_wins(bom_encoding, declared):
    body = feed("atom", declared=declared).encode(bom_encoding)
    assert_reads_right(parse_discovery(body, "https://example.ua/atom", "koi8-r"), "uk")


def test_decode_feed_gives_the_text_as_written():
    text = feed(lang="ru", declared="koi8-r")
    assert decode_feed(text.encode("koi8-r")) == text
    assert decode_feed(text.encode("windows-1251")) == text  # declaration lies
    assert decode_feed(text.encode("utf-8")) == text


# --- entities, CDATA, markup in titles -------------------------------------------------------


def test_html_entities_xml_does_not_define_are_read():
    # The RSS 0.91 DTD defines them, but it is never fetched.
    title = "&laquo;Укренерго&raquo;&nbsp;&mdash; графіки &LT;відключень&GT; &amp; AT&amp;T"
    (entry,) = parse_discovery(feed("netscape-rss", title=title).encode(), LINK).entries
    assert entry.title == "«Укренерго» — графіки <відключень> & AT&T"


@pytest.mark.parametrize("title", [
    "<![CDATA[\n    «Укренерго» &mdash; графіки відключень\n  ]]>",
    "&amp;laquo;Укренерго&amp;raquo; &amp;mdash; графіки відключень",  # escaped twice
    "&lt;b&gt;«Укренерго»&lt;/b&gt; — графіки відключень",  # Atom type="html"
])
def test_titles_come_out_as_plain_text(title):
    body = feed("atom", title=title).encode("windows-1251", errors="xmlcharrefreplace")
    (entry,) = parse_discovery(body, LINK).entries
    assert entry.title == "«Укренерго» — графіки відключень"


def test_rss_1_item_without_link_uses_rdf_about():
    text = feed("rdf", declared="windows-1251").replace(f"<link>{LINK}</link>", "")
    (entry,) = parse_discovery(text.encode("windows-1251"), "https://example.ua/rss").entries
    assert entry.url == LINK
    assert entry.published_at == datetime(2024, 5, 14, 7, 0, tzinfo=UTC)


def test_truncated_feed_keeps_the_items_before_the_cut():
    text = feed(lang="ru", declared="windows-1251")
    cut = text.replace("</item></channel></rss>", "</item><item><title>Обрыв")
    found = parse_discovery(cut.encode("windows-1251"), "https://example.ua/rss")
    assert found.title == CHANNEL
    assert found.entries[0].title == TEXTS["ru"]
