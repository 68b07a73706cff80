"""The whole pipeline through real processes and a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sqlalchemy import func, select

from monitor.replica import render_catalog, serve_replica
from monitor.storage.db import open_database
from monitor.storage.models import ArticleCopy, CrawlRun

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
TIMEOUT = 300


def monitor(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=TIMEOUT,
    )


def seed_paragraphs(name: str) -> list[str]:
    return [line.strip() for line in (ROOT / "seeds" / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demo")
    result = monitor("demo", "--workdir", str(workdir))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    day = datetime.now(ZoneInfo("Europe/Kyiv")).date().isoformat()
    return workdir, day, result


def test_demo_digest_lists_each_seed_under_its_narrative(demo):
    workdir, day, result = demo
    payload = json.loads((workdir / f"digest-{day}.json").read_text(encoding="utf-8"))
    sections = {s["narrative_id"]: s["entries"] for s in payload["sections"]}
    trace_texts = [e["sentence"] for e in sections["ukrainian-trace-kazakhstan"]]
    assert any("український слід" in t for t in trace_texts)
    csto_titles = [e["title"] for e in sections["csto-troops-kazakhstan"]]
    assert any("ОДКБ" in t and "Токаєв" in t for t in csto_titles)
    war = [e for e in sections["kazakhstan-joins-russia-war"] if "тайном намерении" in e["title"]]
    assert war and war[0]["stance"] == "debunk"
    assert f"digest-{day}.html" in result.stdout


def test_demo_stores_clean_text(demo):
    workdir, _, _ = demo
    db = sqlite3.connect(workdir / "demo.sqlite")
    texts = {title: text for title, text in db.execute("select title, text from articles")}
    seed0 = next(text for text in texts.values() if "інсинуації" in text)
    for headline in ("Рашисти вдарили по гуртожитку у Харкові", "Трамп не дав Зеленському ракети Tomahawk",
                     "Понад 160 російських дронів атакували Україну цієї ночі"):
        assert headline not in seed0
    assert "Telegram" not in seed0 and "Читайте також" not in seed0
    assert seed0.rstrip().endswith("у війні проти України .") or seed0.rstrip().endswith("у війні проти України.")
    seed1 = next(text for title, text in texts.items() if title and "ОДКБ" in title and "Токаєв" in title)
    for paragraph in seed_paragraphs("001_62e7a2a410e01d5e.txt")[1:]:
        assert seed1.count(paragraph) == 1, paragraph[:60]
    languages = dict(db.execute("select title, language from articles"))
    assert any(lang == "kk" for lang in languages.values())
    assert languages[next(t for t in languages if t and "тайном намерении" in t)] == "ru"


def test_demo_recognises_the_syndicated_copy_and_records_runs(demo):
    workdir, _, _ = demo
    db = sqlite3.connect(workdir / "demo.sqlite")
    copies = db.execute(
        "select o.key from article_copies c join outlets o on o.id = c.outlet_id").fetchall()
    assert copies, "the syndicated copy should be stored as a copy, not as a second article"
    runs = db.execute("select o.key, articles_found, articles_new, finish_reason from crawl_runs r "
                      "join outlets o on o.id = r.outlet_id").fetchall()
    assert len(runs) == 4
    assert all(found > 0 and reason == "finished" for _, found, _, reason in runs)
    assert sum(new for _, _, new, _ in runs) == db.execute("select count(*) from articles").fetchone()[0]


def test_demo_html_digest_has_no_seed_boilerplate(demo):
    workdir, day, _ = demo
    html = (workdir / f"digest-{day}.html").read_text(encoding="utf-8")
    assert "Підписуйте" not in html
    assert "Рашисти вдарили" not in html
    assert "<mark>" in html


def test_analyze_seed_files_gives_the_same_flags(demo):
    result = monitor("analyze", *map(str, SEEDS), "--json")
    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == 3
    by_seed = {Path(o["source"]).name[:3]: o for o in outputs}
    assert "ukrainian-trace-kazakhstan" in {f["narrative"] for f in by_seed["000"]["flags"]}
    assert "csto-troops-kazakhstan" in {f["narrative"] for f in by_seed["001"]["flags"]}
    war = [f for f in by_seed["003"]["flags"] if f["narrative"] == "kazakhstan-joins-russia-war"]
    assert war and war[0]["stance"] == "debunk"
    assert "Telegram" not in by_seed["000"]["text"]
    assert "Рашисти" not in by_seed["000"]["text"]
    assert by_seed["003"]["language"] == "ru" and by_seed["000"]["language"] == "uk"
    for paragraph in seed_paragraphs("001_62e7a2a410e01d5e.txt")[1:]:
        assert by_seed["001"]["text"].count(paragraph) == 1
    # The same clean text as the crawl stored from the replica's HTML page.
    workdir, _, _ = demo
    stored = sqlite3.connect(workdir / "demo.sqlite").execute(
        "select text from articles where text like '%інсинуації%'").fetchone()[0]
    assert stored == by_seed["000"]["text"]


def test_second_crawl_of_unchanged_site_downloads_no_article(tmp_path, database_url):
    with serve_replica() as base_url:
        catalog = tmp_path / "outlets.yaml"
        catalog.write_text(render_catalog(base_url), encoding="utf-8")
        args = ["--database", database_url, "crawl", "lenta-ua-replica", "--outlets", str(catalog)]
        first = monitor(*args, env={"MONITOR_LOG_LEVEL": "INFO"})
        second = monitor(*args, env={"MONITOR_LOG_LEVEL": "INFO"})
    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    with open_database(database_url)() as session:
        runs = session.execute(
            select(CrawlRun.pages_fetched, CrawlRun.articles_found, CrawlRun.articles_new)
            .order_by(CrawlRun.id)
        ).all()
        copies = session.scalar(select(func.count(ArticleCopy.id)))
    (fetched1, found1, new1), (fetched2, found2, new2) = runs
    assert new1 >= 2 and new2 == 0
    assert found2 == found1
    sources = 2  # the outlet's feed and its listing page
    assert fetched1 == sources + new1 + copies
    assert fetched2 == sources


def test_scrapy_list_prints_every_outlet():
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    keys = result.stdout.split()
    assert len(keys) >= 14
    assert {"ukrainska-pravda", "tengrinews"} <= set(keys) or len(keys) >= 14


def test_broken_catalog_entry_fails_with_a_message_naming_it(tmp_path):
    broken = tmp_path / "outlets.yaml"
    broken.write_text(
        "outlets:\n"
        "  - key: good-one\n    name: Good\n    country: UA\n    homepage: https://good.example.ua/\n"
        "    allowed_domains: [good.example.ua]\n    languages: [uk]\n"
        "    sources: {feeds: ['https://good.example.ua/rss']}\n    article_url_pattern: '/news/'\n"
        "  - key: broken-one\n    name: Broken\n    country: UA\n    homepage: https://broken.example.ua/\n"
        "    allowed_domains: [broken.example.ua]\n    languages: [uk]\n"
        "    sources: {feeds: ['ftp://broken.example.ua/rss']}\n    article_url_pattern: '/news/'\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "MONITOR_OUTLETS": str(broken)})
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "broken-one" in message and "sources.feeds[0]" in message and "outlets.yaml" in message
    crawl = monitor("crawl", "--outlets", str(broken))
    assert crawl.returncode == 2
    assert "broken-one" in crawl.stderr and "Traceback" not in crawl.stderr
