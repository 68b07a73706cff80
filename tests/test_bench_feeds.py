"""`monitor bench feeds` on folders laid out like chardet's test data, written here."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import pytest

from monitor.bench.feeds import check_file, cyrillic_problem, folder_encoding, run

FEED = """<?xml version="1.0" encoding="{enc}"?>
<!-- Expect: {enc} -->
<rss version="2.0"><channel><title>Новости дня</title>
<item><title>Найдены тела двух погибших под Харьковом</title>
<link>https://example.ru/news/1.html</link></item>
<item><title>Поток пассажиров вырос на 11%</title><link>https://example.ru/news/2.html</link></item>
</channel></rss>"""
PROSE = "В гимназии он не был в числе первых учеников, но математику любил.\n"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def corpus(tmp_path) -> Path:
    """tests/KOI8-R and tests/windows-1251-russian, a feed and a plain-text sample in each."""
    for folder, encoding in (("KOI8-R", "koi8-r"), ("windows-1251-russian", "windows-1251")):
        write(tmp_path / "tests" / folder / "news.xml", FEED.format(enc=encoding).encode(encoding))
        write(tmp_path / "tests" / folder / "_sample.txt", PROSE.encode(encoding))
    write(tmp_path / "README.rst", b"About these files.\n")
    return tmp_path


def test_folder_of_good_feeds_passes_and_says_what_is_not_a_feed(corpus, capsys):
    assert run(Namespace(dirs=[str(corpus)])) == 0
    out = capsys.readouterr().out
    assert f"{corpus.name}: 2/2 feeds parsed with correct Cyrillic — PASS" in out
    assert "bare lxml (declared encoding only): 2/2" in out
    assert "2 of the 4 files are not feeds" in out and "correct Cyrillic: 2/2" in out
    assert "no feed tests/KOI8-R/_sample.txt" in out
    assert "skipped, documentation: README.rst" in out
    assert "entries 2, http links 2, titles correct Cyrillic, = bytes as koi8-r" in out


def test_feed_in_another_encoding_than_its_folder_fails(corpus, capsys):
    # Readable, but not what the folder says the bytes are: the check must notice.
    write(corpus / "tests" / "KOI8-R" / "other.xml", FEED.format(enc="cp1251").encode("cp1251"))
    assert run(Namespace(dirs=[str(corpus)])) == 1
    out = capsys.readouterr().out
    assert "FAIL  tests/KOI8-R/other.xml" in out and "differs from the bytes read as koi8-r" in out
    assert "2/3 feeds parsed with correct Cyrillic — FAIL" in out


def test_mojibake_titles_fail(tmp_path):
    # UTF-8 bytes decoded as windows-1251 once upstream, then stored as UTF-8.
    garbled = FEED.format(enc="utf-8").encode("utf-8").decode("cp1251").encode("utf-8")
    result = check_file(write(tmp_path / "feeds" / "garbled.xml", garbled), tmp_path / "feeds")
    assert result.verdict == "fail" and "mojibake" in result.line


def test_broken_file_with_a_feed_suffix_fails(tmp_path, capsys):
    write(tmp_path / "empty.rss", b"")
    assert run(Namespace(dirs=[str(tmp_path)])) == 1
    assert "FAIL  empty.rss: unreadable feed" in capsys.readouterr().out


def test_cut_off_feed_is_said_to_be_cut_off(tmp_path):
    text = FEED.format(enc="windows-1251")
    cut = text[: text.index("<item>")].encode("windows-1251")
    result = check_file(write(tmp_path / "windows-1251" / "cut.xml", cut), tmp_path)
    assert result.verdict == "ok"
    assert "entries 0" in result.line and "cut off" in result.line


def test_relative_links_are_reported_as_written(tmp_path):
    text = FEED.format(enc="utf-8").replace("https://example.ru/news/2.html", "b2VjML1MLnE")
    result = check_file(write(tmp_path / "feed.xml", text.encode()), tmp_path)
    assert result.verdict == "ok" and "http links 1" in result.line
    assert "relative links as written in the feed: ['b2VjML1MLnE']" in result.line


def test_missing_folder_fails(tmp_path, capsys):
    assert run(Namespace(dirs=[str(tmp_path / "nowhere")])) == 1


@pytest.mark.parametrize(("relative", "expected"), [
    ("tests/KOI8-R/a.xml", "koi8-r"),
    ("tests/windows-1251-russian/a.xml", "cp1251"),
    ("ua-2020/a.xml", None),
    ("a.xml", None),
])
def test_folder_encoding(tmp_path, relative, expected):
    assert folder_encoding(tmp_path / relative, tmp_path) == expected


@pytest.mark.parametrize(("texts", "problem"), [
    (["Новости дня", "Template::Plugin", None], None),
    (["РќРѕРІРѕСЃС‚Рё"], "mojibake"),
    (["Ïîòîê ïàññàæèðîâ"], "no Cyrillic"),
    (["пОТОК ПАССАЖИРОВ ВЫРОС"], "capital"),
    (["Поток пассажиров\ufffd"], "mojibake"),
])
def test_cyrillic_problem(texts, problem):
    found = cyrillic_problem(texts)
    assert (found is None) if problem is None else (problem in found)
