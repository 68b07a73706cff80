"""The `monitor` command line, in-process for commands that do not start a crawl."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from monitor.cli import build_parser, main
from monitor.replica import serve_replica
from monitor.storage.db import open_database
from monitor.storage.models import Article, CrawlRun, NarrativeFlag, Outlet

ROOT = Path(__file__).resolve().parents[1]


def command_paths(parser, prefix=()):
    """Every command path of the parser, e.g. ('outlets', 'list')."""
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from command_paths(sub, (*prefix, name))


def test_every_command_has_help(capsys):
    paths = list(command_paths(build_parser()))
    assert ("outlets", "list") in paths and ("bench", "extraction") in paths
    for path in paths:
        with pytest.raises(SystemExit) as exit_info:
            main([*path, "--help"])
        assert exit_info.value.code == 0
        assert "usage: monitor" in capsys.readouterr().out


def test_outlets_list_shows_the_catalog(capsys):
    assert main(["outlets", "list"]) == 0
    out = capsys.readouterr().out
    assert "ukrainska-pravda" in out and "tengrinews" in out
    assert out.strip().splitlines()[-1].endswith("outlets")
    assert int(out.strip().splitlines()[-1].split()[0]) >= 14


def test_narratives_list_shows_the_four_watched_narratives(capsys):
    assert main(["narratives", "list"]) == 0
    out = capsys.readouterr().out
    for narrative in ("ukrainian-trace-kazakhstan", "csto-troops-kazakhstan",
                      "kazakhstan-joins-russia-war", "foreign-trained-militants"):
        assert narrative in out


def test_status_marks_outlets_that_yielded_nothing(database_url, capsys):
    url = database_url
    assert main(["--database", url, "status"]) == 0
    assert "No outlet has been crawled yet" in capsys.readouterr().out
    sessions = open_database(url)
    now = datetime.now(timezone.utc)
    with sessions.begin() as session:
        quiet = Outlet(key="quiet-one", name="Quiet", country="KZ", homepage="https://q.kz/", languages="kk")
        busy = Outlet(key="busy-one", name="Busy", country="UA", homepage="https://b.ua/", languages="uk")
        session.add_all([quiet, busy])
        session.flush()
        session.add_all([
            CrawlRun(outlet_id=quiet.id, started_at=now, finished_at=now, pages_fetched=1, articles_found=0,
                     articles_new=0, articles_duplicate=0, extraction_failures=0, errors=1,
                     finish_reason="finished", problems=[]),
            CrawlRun(outlet_id=busy.id, started_at=now, finished_at=now, pages_fetched=5, articles_found=4,
                     articles_new=4, articles_duplicate=0, extraction_failures=0, errors=0,
                     finish_reason="finished", problems=[]),
        ])
    assert main(["--database", url, "status"]) == 0
    out = capsys.readouterr().out
    quiet_line = next(line for line in out.splitlines() if line.startswith("quiet-one"))
    busy_line = next(line for line in out.splitlines() if line.startswith("busy-one"))
    assert "NO ARTICLES" in quiet_line and "NO ARTICLES" not in busy_line
    assert "1 outlet(s) yielded no article" in out


def test_digest_command_writes_each_format(tmp_path, database_url, capsys):
    url = database_url
    sessions = open_database(url)
    with sessions.begin() as session:
        outlet = Outlet(key="o", name="Outlet", country="UA", homepage="https://o.ua/", languages="uk")
        session.add(outlet)
        session.flush()
        article = Article(outlet_id=outlet.id, url="https://o.ua/1", canonical_url="https://o.ua/1",
                          content_hash="h", title="Заголовок", text="Текст", language="uk",
                          first_seen_at=datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc))
        session.add(article)
        session.flush()
        session.add(NarrativeFlag(article_id=article.id, narrative_id="csto-troops-kazakhstan", stance="report",
                                  sentence="Текст", matched_terms=["Текст"], evidence=[], branch="b", version="v"))
    for fmt in ("html", "md", "json"):
        out = tmp_path / f"d.{fmt}"
        assert main(["--database", url, "digest", "--date", "2024-05-01", "--format", fmt, "--out", str(out)]) == 0
        assert "Заголовок" in out.read_text(encoding="utf-8")
    payload = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert payload["counts"]["csto-troops-kazakhstan"] == 1
    assert payload["counts"]["ukrainian-trace-kazakhstan"] == 0
    assert "1 flagged article(s) on 2024-05-01" in capsys.readouterr().out


def test_bad_arguments_are_one_line_errors(capsys, database_url):
    with pytest.raises(SystemExit) as exit_info:
        main(["digest", "--date", "2024-13-45"])
    assert exit_info.value.code == 2
    assert "expected YYYY-MM-DD" in capsys.readouterr().err
    for extra in ([], ["--date", "2024-05-01"]):
        args = ["--database", database_url, "digest", "--timezone", "Mars/Base"]
        assert main(args + extra) == 2
        assert "unknown time zone 'Mars/Base'" in capsys.readouterr().err
    assert main(["crawl", "no-such-outlet"]) == 2
    assert "no-such-outlet" in capsys.readouterr().err


def test_analyze_a_url_on_loopback_and_a_missing_file(capsys):
    with serve_replica() as base_url:
        page = f"{base_url}/factcheck-kz/ru/checks/o-tajnom-namerenii-kazahstana-podderzhat-rossiyu.cp1251.html"
        assert main(["analyze", page, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["title"].startswith("О тайном намерении Казахстана")
    assert result["language"] == "ru"
    assert [f["stance"] for f in result["flags"] if f["narrative"] == "kazakhstan-joins-russia-war"] == ["debunk"]
    assert main(["analyze", str(ROOT / "no-such-file.html")]) == 1
    assert "no such file" in capsys.readouterr().err
