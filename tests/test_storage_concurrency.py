"""Crawler processes storing the same article at the same moment leave one row.

Real OS processes (multiprocessing, 'spawn') released together by a barrier store the same
article, round after round, against the test's database (SQLite file or PostgreSQL).
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections import Counter, defaultdict

from sqlalchemy import event, func, select
from sqlalchemy.orm import sessionmaker

from monitor.catalog import parse_catalog
from monitor.storage.db import make_engine
from monitor.storage.models import Article, ArticleCopy
from monitor.storage.store import Store
from tests.test_storage import BODY, CATALOG, make_flag, make_item

WORKERS = 6
ROUNDS = 4
# Each round: what every worker stores, and the outcome all but the one winner must get.
KINDS = {
    "same-url": "duplicate-url",  # one URL, one body
    "same-url-other-body": "duplicate-url",  # one URL, a different body in each worker
    "same-body": "duplicate-content",  # one body under a different URL in each worker
}
TIMEOUT = 60


def _item(kind: str, round_: int, worker: int):
    if kind == "same-url":
        return make_item("first-outlet", f"https://first.example.ua/news/1{round_}",
                         body=f"{BODY}\nРаунд {round_}.")
    if kind == "same-url-other-body":
        return make_item("first-outlet", f"https://first.example.ua/news/2{round_}",
                         body=f"{BODY}\nРаунд {round_}, версія {worker}.")
    outlet, host = [("first-outlet", "first.example.ua"), ("second-outlet", "second.example.kz")][
        worker % 2]
    return make_item(outlet, f"https://{host}/news/3{round_}{worker}",
                     body=f"{BODY}\nКопія {round_}.")


def _worker(database_url: str, worker: int, barrier, results) -> None:
    """Store every round's item as soon as the barrier lets all workers go at once."""
    try:
        engine = make_engine(database_url)
        store = Store(sessionmaker(engine, expire_on_commit=False))
        with engine.connect() as connection:  # connect now, not after the barrier
            connection.exec_driver_sql("SELECT 1")
        for round_ in range(ROUNDS):
            for kind in KINDS:
                item = _item(kind, round_, worker)
                barrier.wait(TIMEOUT)
                result = store.save_article(item)
                results.put((kind, round_, worker, result.outcome, result.article_id))
        engine.dispose()
    except BaseException:
        barrier.abort()  # release the others at once instead of after the timeout
        results.put(("error", worker, traceback.format_exc()))
        raise


def _store_with_outlets(sessions) -> Store:
    store = Store(sessions)
    for outlet in parse_catalog(CATALOG, "test.yaml"):
        store.ensure_outlet(outlet)
    return store


def test_processes_storing_the_same_article_at_once_leave_one_row(sessions, database_url):
    _store_with_outlets(sessions)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [context.Process(target=_worker, args=(database_url, worker, barrier, results))
                 for worker in range(WORKERS)]
    for process in processes:
        process.start()
    received = []
    try:
        for _ in range(WORKERS * ROUNDS * len(KINDS)):
            received.append(results.get(timeout=TIMEOUT))
            if received[-1][0] == "error":
                break
    except queue.Empty:
        pass
    finally:
        for process in processes:
            process.join(TIMEOUT)
            if process.is_alive():
                process.kill()
    errors = [entry[2] for entry in received if entry[0] == "error"]
    assert not errors, "\n".join(errors)
    assert [process.exitcode for process in processes] == [0] * WORKERS
    assert len(received) == WORKERS * ROUNDS * len(KINDS)

    by_round = defaultdict(list)
    for kind, round_, _worker_number, outcome, article_id in received:
        by_round[kind, round_].append((outcome, article_id))
    with sessions() as session:
        for (kind, round_), outcomes in sorted(by_round.items()):
            assert Counter(outcome for outcome, _ in outcomes) == Counter(
                {"new": 1, KINDS[kind]: WORKERS - 1}), (kind, round_)
            assert len({article_id for _, article_id in outcomes}) == 1, (kind, round_)
            article_id = outcomes[0][1]
            item = _item(kind, round_, 0)
            stored = session.scalars(select(Article).where(
                (Article.canonical_url == item.canonical_url)
                | (Article.content_hash == item.content_hash))).all()
            assert [article.id for article in stored] == [article_id], (kind, round_)
            copies = session.scalar(
                select(func.count(ArticleCopy.id)).where(ArticleCopy.article_id == article_id))
            assert copies == (WORKERS - 1 if kind == "same-body" else 0), (kind, round_)
        assert session.scalar(select(func.count(Article.id))) == ROUNDS * len(KINDS)


def test_articles_copies_and_flags_are_written_with_insert_on_conflict(sessions):
    """A regression to check-then-insert shows as a plain INSERT into one of these tables."""
    store = _store_with_outlets(sessions)
    inserts = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(" ".join(statement.split()))

    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        outcomes = [
            store.save_article(make_item("first-outlet", "https://first.example.ua/news/1",
                                         flags=[make_flag("probe")])),
            store.save_article(make_item("second-outlet", "https://second.example.kz/news/9")),
        ]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [result.outcome for result in outcomes] == ["new", "duplicate-content"]
    tables = {"articles", "article_copies", "narrative_flags"}
    # Story tables (stories, story_signatures, outlet_paragraphs) are written under the story
    # lock, which serialises them across processes; the unique-keyed tables use ON CONFLICT.
    written = {statement.split()[2] for statement in inserts}
    assert written & (tables | {"stories", "story_signatures", "outlet_paragraphs"}) == written
    assert tables <= written, inserts
    for statement in inserts:
        if statement.split()[2] in tables:
            assert "ON CONFLICT" in statement.upper(), statement
