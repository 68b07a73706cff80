from datetime import datetime, timezone

import pytest

from monitor.feeds import FeedError, parse_date, parse_discovery

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
    assert found.entries[0].published_at == datetime(2022, 1, 10, 12, 15, tzinfo=timezone.utc)


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
    assert entry.published_at == datetime(2022, 3, 3, 4, 0, tzinfo=timezone.utc)


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
    assert entry.published_at == datetime(2022, 1, 11, 7, 30, tzinfo=timezone.utc)


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
        ("Tue, 18 Oct 2025 14:15:00 GMT", datetime(2025, 10, 18, 14, 15, tzinfo=timezone.utc)),
        ("2025-10-18T14:15:00+03:00", datetime(2025, 10, 18, 11, 15, tzinfo=timezone.utc)),
        ("2025-10-18", datetime(2025, 10, 18, tzinfo=timezone.utc)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected
