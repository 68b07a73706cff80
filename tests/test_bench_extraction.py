"""The extraction benchmark on folders these tests write: its metric, its gates, its output."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pytest

from monitor.bench import extraction as bench
from monitor.bench.extraction import f1, precision_recall, tokens

PARAGRAPHS = [
    "Кабінет міністрів ухвалив програму ремонту шкіл у прифронтових громадах.",
    "За словами міністра освіти, першочергово відновлять укриття та системи опалення.",
    "Громади мають подати заявки до кінця листопада, після чого комісія розподілить кошти.",
]


def article_page(paragraphs: list[str], *, title: str, extra: str = "", head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html lang="uk"><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        '<nav><a href="/">Головна</a> <a href="/news">Новини</a></nav>'
        f"<article><h1>{title}</h1>{body}{extra}</article>"
        "<footer>© 2025 Вісник. Усі права захищені.</footer></body></html>"
    )


# --- the metric ---------------------------------------------------------------


def test_tokens_are_lower_cased_word_runs():
    assert tokens("Київ, 18:30 — «Вітаю»!") == ["київ", "18", "30", "вітаю"]


@pytest.mark.parametrize(
    ("extracted", "truth", "expected"),
    [
        ("a b c", "a b c", (1.0, 1.0)),
        ("a b c d", "a b", (0.5, 1.0)),  # two junk words
        ("a", "a b c d", (1.0, 0.25)),  # three words missed
        ("a a a", "a b", (1 / 3, 0.5)),  # multisets: one "a" matches once
        ("", "a b", (0.0, 0.0)),  # nothing extracted scores nothing
        ("", "", (1.0, 1.0)),
        ("x y", "", (0.0, 1.0)),
    ],
)
def test_precision_and_recall_of_word_multisets(extracted, truth, expected):
    assert precision_recall(extracted, truth) == pytest.approx(expected)


def test_f1_is_the_harmonic_mean():
    assert f1(0.5, 1.0) == pytest.approx(2 / 3)
    assert f1(0.0, 0.0) == 0.0


# --- a two-page AEB-like folder -------------------------------------------------


@pytest.fixture
def aeb(tmp_path: Path) -> Path:
    folder = tmp_path / "aeb"
    (folder / "html").mkdir(parents=True)
    pages = {
        "page-a": article_page(PARAGRAPHS, title="Уряд погодив ремонт шкіл"),
        "page-b": article_page(
            PARAGRAPHS[:2], title="Школи відремонтують",
            extra="<p>Підписуйтесь на наш Telegram-канал, щоб першими знати головне</p>",
        ),
    }
    truth = {}
    for page_id, html in pages.items():
        (folder / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        body = PARAGRAPHS if page_id == "page-a" else PARAGRAPHS[:2]
        truth[page_id] = {"articleBody": "\n\n".join(body), "url": f"https://example.org/{page_id}"}
    (folder / "ground-truth.json").write_text(json.dumps(truth, ensure_ascii=False))
    return folder


def test_aeb_scores_project_and_bare_trafilatura_on_the_same_pages(aeb):
    result = bench.run_aeb(aeb)
    assert result.pages == 2
    # The promo is the only junk: the project drops it, bare trafilatura keeps it.
    assert result.project.precision == pytest.approx(1.0)
    assert result.project.recall == pytest.approx(1.0)
    assert result.bare.precision < 1.0
    assert result.project.ms_per_page > 0 and result.bare.ms_per_page > 0
    assert bench.run_aeb(aeb, limit=1).pages == 1


def test_missing_ground_truth_is_reported(tmp_path):
    with pytest.raises(bench.BenchDataError, match="ground-truth.json"):
        bench.run_aeb(tmp_path)


# --- pages with expected snippets -------------------------------------------------


def write_fundus_page(folder: Path, body: list[str], *, title: str, date: str) -> Path:
    """fundus layout: <country>/meta.info, <Publisher>.json, <Publisher>_<date>.html.gz."""
    country = folder / "ua"
    country.mkdir(parents=True)
    head = '<meta property="article:published_time" content="2025-10-24T15:26:00">'
    html = article_page(PARAGRAPHS, title="Уряд погодив ремонт шкіл", head=head)
    (country / "Visnyk_2025_10_24.html.gz").write_bytes(gzip.compress(html.encode()))
    meta = {"Visnyk_2025_10_24.html.gz": {"url": "https://visnyk.example/news/1"}}
    (country / "meta.info").write_text(json.dumps(meta))
    expected = {"V1": {"title": title, "publishing_date": date,
                       "body": {"summary": [], "sections": [{"headline": [], "paragraphs": body}]}}}
    (country / "Visnyk.json").write_text(json.dumps(expected, ensure_ascii=False))
    return country


def write_trafilatura_eval_page(folder: Path, *, without: list[str]) -> None:
    extra = '<div class="promo">Читайте нас у Telegram: t.me/visnyk</div>'
    html = article_page(PARAGRAPHS, title="Школи відремонтують", extra=extra)
    (folder / "visnyk.html").write_text(html, encoding="utf-8")
    expected = {"https://visnyk.example/news/2": {
        "file": "visnyk.html", "title": "Школи відремонтують", "date": "",
        "with": ["програму ремонту шкіл", "комісія розподілить кошти"],
        "without": without, "comments": [], "region": "UA"}}
    (folder / "visnyk.expected.json").write_text(json.dumps(expected, ensure_ascii=False))


def checks_by_kind(report: bench.PageReport) -> dict[str, list[bench.Check]]:
    kinds: dict[str, list[bench.Check]] = {}
    for check in report.checks:
        kinds.setdefault(check.kind, []).append(check)
    return kinds


def test_fundus_page_checks_body_title_and_date_in_utc(tmp_path):
    write_fundus_page(tmp_path, PARAGRAPHS, title="Уряд погодив ремонт шкіл",
                      date="2025-10-24 15:26:00")
    [report] = bench.check_pages(tmp_path)
    kinds = checks_by_kind(report)
    assert report.passed, report.checks
    assert [c.ok for c in kinds["body"]] == [True, True, True]
    # The naive expected time is Kyiv time (the "ua" folder): 12:26 UTC.
    assert kinds["date"][0].expected == "2025-10-24T12:26:00+00:00"


def test_fundus_page_with_a_paragraph_not_on_the_page_fails(tmp_path):
    write_fundus_page(tmp_path, [*PARAGRAPHS, "Цього абзацу на сторінці немає зовсім."],
                      title="Інший заголовок", date="2025-10-24 15:26:00")
    [report] = bench.check_pages(tmp_path)
    kinds = checks_by_kind(report)
    assert not report.passed
    assert [c.ok for c in kinds["body"]] == [True, True, True, False]
    assert not kinds["title"][0].ok


def test_trafilatura_eval_page_reports_leaks(tmp_path):
    write_trafilatura_eval_page(tmp_path, without=["Читайте нас у Telegram", "Усі права захищені"])
    [report] = bench.check_pages(tmp_path)
    assert report.passed, report.checks
    write_trafilatura_eval_page(tmp_path, without=["розподілить кошти"])  # it is in the body
    [report] = bench.check_pages(tmp_path)
    assert not report.passed


def run_bench(aeb: Path, pages: Path | None = None) -> argparse.Namespace:
    return argparse.Namespace(aeb=str(aeb), pages=str(pages) if pages else None, limit=None)


def test_run_prints_both_extractors_the_target_and_every_snippet(aeb, tmp_path, capsys,
                                                                 monkeypatch):
    pages = tmp_path / "pages"
    pages.mkdir()
    write_trafilatura_eval_page(pages, without=["Читайте нас у Telegram"])
    assert bench.run(run_bench(aeb, pages)) == 0
    out = capsys.readouterr().out
    assert "monitor extract()" in out and "bare trafilatura" in out
    assert out.count("ms/page") == 2
    assert "target F1 >= 0.970" in out and "PASS" in out
    assert "kept: програму ремонту шкіл" in out
    assert "not leaked: Читайте нас у Telegram" in out
    # An unreachable target fails the run.
    monkeypatch.setattr(bench, "TARGET_F1", 1.01)
    assert bench.run(run_bench(aeb)) == 1
    assert "FAIL" in capsys.readouterr().out


def test_run_reports_a_bad_folder_without_a_traceback(tmp_path, capsys):
    assert bench.run(run_bench(tmp_path / "missing")) == 2
    assert "ground-truth.json" in capsys.readouterr().out
