import pytest

from monitor.dedup import canonical_url, content_hash


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.example.com.ua/news/2022/01/10/123/",
        "http://example.com.ua/news/2022/01/10/123",
        "https://m.example.com.ua/news/2022/01/10/123/?utm_source=tg&utm_medium=social",
        "https://example.com.ua/news/2022/01/10/123/amp/",
        "https://amp.example.com.ua/news/2022/01/10/123#comments",
        "https://EXAMPLE.com.ua:443/news/2022/01/10/123?fbclid=abc",
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


def test_a_two_label_domain_keeps_its_m_prefix_name():
    # "m.kz" would be a domain of its own, not a mobile variant of "kz".
    assert canonical_url("https://m.kz/a") == "https://m.kz/a"


def test_non_default_port_is_kept():
    assert canonical_url("http://127.0.0.1:8080/a/") == "https://127.0.0.1:8080/a"


def test_canonical_url_is_idempotent():
    url = "https://m.example.ua/a/b/amp?utm_source=x&id=3#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_content_hash_ignores_formatting_but_not_words():
    body = "Перший абзац.\n\nДругий   абзац: «цитата»."
    assert content_hash(body) == content_hash("перший абзац\nДругий абзац цитата")
    assert content_hash(body) != content_hash("Перший абзац. Третій абзац.")
