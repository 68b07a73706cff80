"""Matching articles against narratives: morphology, operators, evidence, stance, versions.

Every text here is written for the test; the shipped watchlist is exercised with short
sentences per narrative and language and with paraphrases of the seed situations.
"""

from __future__ import annotations

import statistics
import time

import pytest
import yaml

from monitor.narratives import load_watchlist

CONTEXT = {"uk": "казах*", "ru": "казах*", "kk": "Қазақстан*", "en": "Kazakh*"}


def single(tmp_path, queries: dict[str, str], context: dict[str, str] | None = None,
           cues: dict[str, list[str]] | None = None):
    """A watchlist with one narrative 'probe' (context: the article mentions Kazakhstan)."""
    definition = {
        "id": "probe",
        "title": "Probe",
        "description": "Test narrative.",
        "queries": queries,
        "context": context or {lang: CONTEXT[lang] for lang in queries},
    }
    path = tmp_path / "narratives.yaml"
    path.write_text(yaml.safe_dump({"stance_cues": cues or {}, "narratives": [definition]},
                                   allow_unicode=True), encoding="utf-8")
    return load_watchlist(path)


def matches(watchlist, text: str, lang: str, title: str | None = None) -> bool:
    return bool(watchlist.match(text, lang, title=title))


@pytest.fixture(scope="module")
def shipped():
    return load_watchlist()


def flagged(watchlist, text: str, lang: str, title: str | None = None) -> dict[str, str]:
    return {f.narrative_id: f.stance for f in watchlist.match(text, lang, title=title)}


# --- inflection per language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "query", "text"),
    [
        ("uk", '"український слід"', "Шукали українського сліду в Казахстані."),
        ("uk", '"український слід"', "Знайшли українські сліди у Казахстані."),
        ("uk", "табір", "Бойовики жили в таборах біля Казахстану."),
        ("ru", '"украинский след"', "Искали украинского следа в Казахстане."),
        ("ru", "наёмник", "Наемники прибыли в Казахстан."),
        ("ru", "наемник", "Наёмники прибыли в Казахстан."),
        ("kk", "Қазақстан", "Әскер Қазақстанға келді."),
        ("kk", "Қазақстан", "Қазақстандағы жағдай тұрақты."),
        ("kk", "Қазақстан", "Қазақстанның әскері."),
        ("kk", "әскер", "Қазақстан әскерлері қайтты."),
        ("kk", "әскер", "Қазақстан әскерін шығарды."),
        ("en", "troop", "Troops left Kazakhstan."),
        ("en", '"train abroad"', "Militants trained abroad attacked Kazakhstan."),
        ("en", "Kazakhstan AND leave", "Kazakhstan's guests were leaving."),
    ],
)
def test_words_match_inflected_forms(tmp_path, lang, query, text):
    assert matches(single(tmp_path, {lang: query}), text, lang)


@pytest.mark.parametrize(
    ("lang", "query", "text"),
    [
        ("uk", '"український слід"', "Слід український лишився в Казахстані."),  # order
        ("uk", "слід", "Казахстан слідкує за подіями."),
        ("kk", "әскер", "Қазақстан әскери оқу өткізді."),  # әскери is another word
        ("en", "train", "Kazakhstan hired trainees."),
    ],
)
def test_words_do_not_match_other_words(tmp_path, lang, query, text):
    assert not matches(single(tmp_path, {lang: query}), text, lang)


def test_exact_form_and_prefix(tmp_path):
    exact = single(tmp_path, {"uk": "exact:слід"})
    assert matches(exact, "Там слід Казахстану.", "uk")
    assert not matches(exact, "Без сліду Казахстану.", "uk")
    prefix = single(tmp_path, {"uk": "майдан*"})
    assert matches(prefix, "Майданні технології в Казахстані.", "uk")
    assert not matches(prefix, "Протест у Казахстані.", "uk")


def test_homoglyphs_in_text_are_normalised(tmp_path):
    watchlist = single(tmp_path, {"uk": '"український слід"'})
    assert matches(watchlist, "Укрaїнський cлід у Казахстані.", "uk")  # Latin a and c


# --- operators --------------------------------------------------------------------------


def test_context_clause_is_required(tmp_path, shipped):
    watchlist = single(tmp_path, {"uk": '"український слід"'})
    assert not matches(watchlist, "Український слід в історії джазу.", "uk")
    assert matches(watchlist, "Український слід в історії Казахстану.", "uk")
    assert flagged(shipped, "Український слід в історії джазу.", "uk") == {}


def test_and_not_excludes(tmp_path):
    watchlist = single(tmp_path, {"uk": "слід AND NOT джаз"})
    assert matches(watchlist, "Слід веде до Казахстану.", "uk")
    assert not matches(watchlist, "Слід джазу в Казахстані.", "uk")


def test_or_and_precedence_in_matching(tmp_path):
    watchlist = single(tmp_path, {"en": "riot OR troop AND withdraw"})
    assert matches(watchlist, "Riots in Kazakhstan.", "en")
    assert not matches(watchlist, "Troops in Kazakhstan.", "en")
    assert matches(watchlist, "Troops are withdrawing from Kazakhstan.", "en")


@pytest.mark.parametrize(
    ("between", "expected"),
    [(0, True), (3, True), (4, False)],
)
def test_near_distance_counts_words_between_in_either_order(tmp_path, between, expected):
    watchlist = single(tmp_path, {"en": "troop NEAR/3 Kazakhstan"})
    filler = " ".join(["very"] * between)
    assert matches(watchlist, f"Troops {filler} Kazakhstan.", "en") is expected
    assert matches(watchlist, f"Kazakhstan {filler} troops.", "en") is expected


def test_near_with_phrase_operand_counts_from_the_phrase_edge(tmp_path):
    watchlist = single(tmp_path, {"uk": '"український слід" NEAR/3 протест'})
    assert matches(watchlist, "Протести в Казахстані мали український слід.", "uk")
    assert not matches(watchlist, "Протести в місті Казахстану мали український слід.", "uk")


def test_near_needs_two_places_and_one_field(tmp_path):
    watchlist = single(tmp_path, {"en": "troop NEAR/3 troop"})
    assert not matches(watchlist, "Troops in Kazakhstan.", "en")
    assert matches(watchlist, "Troops and troops in Kazakhstan.", "en")
    across = single(tmp_path, {"en": "CSTO NEAR/3 troop"})
    assert not matches(across, "Troops left Kazakhstan.", "en", title="About the CSTO")
    assert matches(across, "CSTO troops left Kazakhstan.", "en", title="About the CSTO")


def test_near_operand_inside_the_other_span_counts_as_near(tmp_path):
    # "terrorists who attacked the country were trained abroad": the attack stands inside
    # the span of (terrorists ... trained abroad); different words, so they are near.
    watchlist = single(tmp_path, {"en": "(troop NEAR/6 abroad) NEAR/2 Kazakhstan"})
    assert matches(watchlist, "Troops from Kazakhstan trained abroad.", "en")
    same_words = single(tmp_path, {"en": "(troop NEAR/6 abroad) NEAR/2 troop"})
    assert not matches(same_words, "Troops from Kazakhstan trained abroad.", "en")


def test_phrase_does_not_run_across_sentences(tmp_path):
    watchlist = single(tmp_path, {"uk": '"український слід"'})
    assert not matches(watchlist, "Це був уряд український. Слід Казахстану зник.", "uk")


def test_unknown_language_evaluates_every_query(tmp_path):
    watchlist = single(tmp_path, {"uk": '"український слід"', "en": '"Ukrainian trace"'})
    assert matches(watchlist, "A Ukrainian trace in Kazakhstan.", "de")
    assert matches(watchlist, "A Ukrainian trace in Kazakhstan.", "EN-gb")
    assert not matches(watchlist, "A Ukrainian trace in Kazakhstan.", "uk")


# --- evidence, branch, versions ---------------------------------------------------------


def test_evidence_offsets_point_at_the_matched_text(shipped):
    title = "Фейк про «український слід» у протестах у Казахстані"
    text = ("Заява посольства. Російські канали поширюють фейк: нібито українські інструктори "
            "навчали учасників протестів в Алмати.")
    (flag,) = shipped.match(text, "uk", title=title)
    fields = {"title": title, "body": text}
    assert flag.narrative_id == "ukrainian-trace-kazakhstan"
    assert {e.field for e in flag.evidence} == {"title", "body"}
    for evidence in flag.evidence:
        source = fields[evidence.field]
        assert source[evidence.start:evidence.end] == evidence.term
        assert source[evidence.sentence_start:].startswith(evidence.sentence)
        assert evidence.start >= evidence.sentence_start
    assert flag.matched_terms == ("український", "слід", "протестах", "українські",
                                  "інструктори", "протестів")
    assert flag.sentence == title  # the first sentence carrying the claim, title first
    assert [e.term for e in flag.evidence if e.clause == "context"] == ["Казахстані", "Алмати"]
    assert flag.branch == "україн* NEAR/6 (слід OR інструктор) NEAR/25 протест"


def test_branch_shows_the_alternative_that_fired(tmp_path):
    query = '"Ukrainian trace" OR (Ukrainian NEAR/2 (instructor OR militant))'
    watchlist = single(tmp_path, {"en": query})
    (flag,) = watchlist.match("Ukrainian instructors were seen in Almaty, Kazakhstan.", "en")
    assert flag.branch == "Ukrainian NEAR/2 instructor"
    assert flag.matched_terms == ("Ukrainian", "instructors")


def test_flags_are_sorted_and_sentence_is_from_the_query(shipped):
    text = ("Токаєв заявив, що на Казахстан напали терористи, підготовлені за кордоном. "
            "Після цього в країну прибули миротворці ОДКБ.")
    flags = shipped.match(text, "uk")
    assert [f.narrative_id for f in flags] == [
        "csto-troops-kazakhstan",
        "foreign-trained-militants",
    ]
    assert flags[0].sentence == "Після цього в країну прибули миротворці ОДКБ."
    assert flags[1].sentence.startswith("Токаєв заявив")


def test_version_follows_the_definition(tmp_path):
    first = single(tmp_path, {"uk": "слід"}).narratives[0].version
    again = single(tmp_path, {"uk": "слід"}).narratives[0].version
    changed = single(tmp_path, {"uk": "слід OR сліди"}).narratives[0].version
    assert first == again
    assert first != changed
    assert len(first) == 12 and int(first, 16) >= 0


def test_version_ignores_key_order_and_flags_carry_it(tmp_path):
    path = tmp_path / "narratives.yaml"
    path.write_text(
        "narratives:\n"
        "  - {id: probe, title: Probe, description: Test narrative.,"
        " queries: {uk: слід}, context: {uk: 'казах*'}}\n", encoding="utf-8")
    reordered = load_watchlist(path)
    original = single(tmp_path, {"uk": "слід"})
    assert reordered.narratives[0].version == original.narratives[0].version
    (flag,) = original.match("Слід Казахстану.", "uk")
    assert flag.version == original.narratives[0].version


# --- stance -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "narrative"),
    [
        ("uk", "Історія про український слід у протестах у Казахстані є дезінформацією.",
         "ukrainian-trace-kazakhstan"),
        ("uk", "Посольство Казахстану спростувало чутки про причетних до протестів українців.",
         "ukrainian-trace-kazakhstan"),
        ("ru", ("Сообщение, что Казахстан встанет на сторону России в войне, не соответствует "
                "действительности."), "kazakhstan-joins-russia-war"),
        ("kk", "Қазақстан Ресей жағында соғысқа кіреді деген хабар жалған ақпарат.",
         "kazakhstan-joins-russia-war"),
        ("en", "Claims that Ukrainian instructors organised the riots in Almaty were debunked.",
         "ukrainian-trace-kazakhstan"),
    ],
)
def test_debunk_when_fact_check_wording_is_in_the_sentence(shipped, lang, text, narrative):
    assert flagged(shipped, text, lang) == {narrative: "debunk"}


@pytest.mark.parametrize(
    ("lang", "text", "narrative"),
    [
        ("uk", "Російські канали пишуть про український слід у протестах у Казахстані.",
         "ukrainian-trace-kazakhstan"),
        ("ru", "Казахстан втайне готовится вступить в войну на стороне России.",
         "kazakhstan-joins-russia-war"),
        ("kk", "Қазақстан Ресей жағында соғысқа кіреді деген хабар тарады.",
         "kazakhstan-joins-russia-war"),
        ("en", "Russian television claimed Ukrainian instructors trained the rioters in Almaty.",
         "ukrainian-trace-kazakhstan"),
    ],
)
def test_report_without_fact_check_wording(shipped, lang, text, narrative):
    assert flagged(shipped, text, lang) == {narrative: "report"}


@pytest.mark.parametrize(("cue_after", "stance"), [(2, "debunk"), (3, "report")])
def test_stance_window_is_two_sentences(shipped, cue_after, stance):
    sentences = ["Новини дня.", "Погода ясна.",
                 "Канали пишуть про український слід у протестах у Казахстані."]
    sentences += ["Речення без нічого."] * (cue_after - 1) + ["Експерти назвали це фейком."]
    assert flagged(shipped, " ".join(sentences), "uk") == {"ukrainian-trace-kazakhstan": stance}


CLAIM = "Канали пишуть про український слід у протестах у Казахстані."


def test_cue_in_title_or_lead_debunks_when_the_lead_speaks_about_the_claim(shipped):
    text = " ".join(["Новини дня."] * 6 + [CLAIM])
    assert flagged(shipped, text, "uk") == {"ukrainian-trace-kazakhstan": "report"}
    # A fact-check framing: the verdict leads and the lead names the claim ...
    titled = flagged(shipped, text, "uk", title="Фейк про українських інструкторів")
    assert titled == {"ukrainian-trace-kazakhstan": "debunk"}
    lead = "Це неправда. " + CLAIM + " " + " ".join(["Новини дня."] * 6)
    assert flagged(shipped, lead, "uk") == {"ukrainian-trace-kazakhstan": "debunk"}


def test_cue_in_title_or_lead_alone_does_not_make_a_distant_claim_debunked(shipped):
    # ... but "Фейк тижня" over an article that reaches the claim seven sentences later
    # is about something else (the old rule made every flag of such an article a debunk).
    text = " ".join(["Новини дня."] * 6 + [CLAIM])
    assert flagged(shipped, text, "uk", title="Фейк тижня") == {
        "ukrainian-trace-kazakhstan": "report"}
    lead = "Це неправда. " + text
    assert flagged(shipped, lead, "uk") == {"ukrainian-trace-kazakhstan": "report"}


def test_fact_check_of_one_narrative_reports_another_stated_as_fact(shipped):
    title = "Фейк про український слід: що насправді відомо про січень у Казахстані"
    text = ("Розповіді про українських бойовиків у Казахстані — фейк, який не підтвердило "
            "жодне відомство. Водночас 6 січня до країни справді прибули миротворці ОДКБ. "
            "Їх вивели вже за два тижні.")
    assert flagged(shipped, text, "uk", title=title) == {
        "ukrainian-trace-kazakhstan": "debunk", "csto-troops-kazakhstan": "report"}


def test_verdict_between_two_claims_belongs_to_the_one_before_it(shipped):
    text = ("Російські канали стверджували, що протестувальників у Казахстані навчали "
            "інструктори з України. Ця версія — вигадка пропагандистів. Окремо відзначимо, що "
            "2 500 військових ОДКБ, введених у країну 6 січня, покинули її до 19 січня.")
    assert flagged(shipped, text, "uk") == {
        "ukrainian-trace-kazakhstan": "debunk", "csto-troops-kazakhstan": "report"}


def test_neither_confirmed_nor_denied_is_not_a_refutation(shipped):
    text = ("Російські ЗМІ пишуть, що миротворчий контингент ОДКБ затримається в Казахстані. "
            "Акорда цю інформацію не підтвердила і не спростувала.")
    assert flagged(shipped, text, "uk") == {"csto-troops-kazakhstan": "report"}
    english = ("Russian media reported that the CSTO peacekeeping contingent would remain in "
               "Kazakhstan. Akorda has neither confirmed nor denied the reports.")
    assert flagged(shipped, english, "en") == {"csto-troops-kazakhstan": "report"}
    denied = "Kazakhstan denied reports that CSTO troops would remain in the country."
    assert flagged(shipped, denied, "en") == {"csto-troops-kazakhstan": "debunk"}


# --- the shipped narratives, one positive and one negative per language --------------------

POSITIVE = {
    "ukrainian-trace-kazakhstan": [
        ("uk", "Пропагандисти шукали українського сліду в заворушеннях в Алмати."),
        ("ru", "Утверждалось, что в беспорядках в Казахстане участвовали украинские боевики."),
        ("kk", "Кейбір арналар Алматыдағы оқиғаларда украиналық нұсқаушылар болды деп жазды."),
        ("en", "The channel said Kazakhstan's riots followed a Maidan scenario."),
        ("ru", "По версии Москвы, протесты в Казахстане готовили по технологиям Майдана."),
        ("en", "Pundits blamed Ukrainian mercenaries for the unrest in Almaty."),
    ],
    "csto-troops-kazakhstan": [
        ("uk", "Миротворці ОДКБ почали виходити з Казахстану."),
        ("ru", "Российские миротворцы вернулись из Алматы домой."),
        ("kk", "ҰҚШҰ бітімгерлері Қазақстаннан шығарыла бастады."),
        ("en", "The last CSTO peacekeepers left Kazakhstan on Wednesday."),
        ("uk", "Перші літаки з десантниками ОДКБ приземлилися в Алмати."),
        ("kk", "Ресей бітімгерлері Алматыға келді."),
        ("en", "CSTO forces began withdrawing from Kazakhstan."),
    ],
    "kazakhstan-joins-russia-war": [
        ("uk", "Казахстан нібито таємно стане на бік Росії у війні проти України."),
        ("ru", "Пишут, что Астана отправит своих военных и бронетехнику на фронт."),
        ("kk", "Қазақстан Украинаға әскер жібереді деген ақпарат тарады."),
        ("en", "Kazakhstan will secretly side with Russia in the war, the post claimed."),
        ("ru", "Блогеры утверждают, что Казахстан передаст России снаряды для войны."),
        ("uk", "Нібито Астана готова вступити у війну разом із Москвою."),
    ],
    "foreign-trained-militants": [
        ("uk", "Токаєв заявив, що на Казахстан напали терористи, підготовлені за кордоном."),
        ("ru", "По словам властей, Алматы атаковали боевики из зарубежных лагерей."),
        ("kk", "Тоқаев шетелде дайындалған лаңкестер елге шабуыл жасады деді."),
        ("en", "Tokayev said terrorists trained abroad had attacked the country."),
        ("uk", "Акорда повідомила про іноземних бойовиків на вулицях Алмати."),
        ("en", "Officials said the gunmen came from camps abroad and attacked Almaty."),
    ],
}

NEGATIVE = [
    ("uk", "Українська делегація приїхала до Астани обговорити торгівлю зерном."),
    ("uk", "Український слід в історії джазу."),
    ("ru", "Генсек ОДКБ обсудил с Казахстаном вопросы торговли."),
    ("ru", "Казахстанские спортсмены тренировались за рубежом перед Олимпиадой."),
    ("kk", "Қазақстан мен Ресей сауда келісіміне қол қойды."),
    ("kk", "Қазақстандық студенттер шетелде оқиды."),
    ("en", "Kazakhstan and Russia signed a grain supply deal."),
    ("en", "Many Kazakh doctors were trained abroad."),
    ("en", "A Ukrainian jazz band played in Almaty."),
]


@pytest.mark.parametrize(
    ("narrative", "lang", "text"),
    [(narrative, lang, text) for narrative, cases in POSITIVE.items() for lang, text in cases],
)
def test_shipped_narrative_positive(shipped, narrative, lang, text):
    assert narrative in flagged(shipped, text, lang)


@pytest.mark.parametrize(("lang", "text"), NEGATIVE)
def test_shipped_narratives_negative(shipped, lang, text):
    assert flagged(shipped, text, lang) == {}


# --- paraphrases of the seed situations -------------------------------------------------


def test_embassy_rejects_ukrainian_trace(shipped):
    text = (
        "Посольство Казахстану в Україні прокоментувало січневі події.\n"
        "Дипломати подякували українській стороні за охорону посольства. «Розмови про "
        "український слід у заворушеннях — це вкидання», — наголосили в посольстві. Ситуація в "
        "країні стабілізується. Інвестиційний клімат не зміниться.\n"
        "Раніше Путін на засіданні ОДКБ говорив про бойовиків, яких нібито вишколили в "
        "закордонних таборах, і про «технології майдану».\n"
        "Згодом до Казахстану перекинули російських «миротворців»."
    )
    flags = flagged(shipped, text, "uk")
    # The rejection stands next to the Ukrainian-trace claim, not next to the other two.
    assert flags == {
        "csto-troops-kazakhstan": "report",
        "foreign-trained-militants": "report",
        "ukrainian-trace-kazakhstan": "debunk",
    }


def test_tokayev_announces_csto_withdrawal(shipped):
    title = "Токаєв оголосив про виведення сил ОДКБ"
    text = (
        "Президент Казахстану заявив, що миротворчий контингент ОДКБ залишить країну протягом "
        "двох днів. Рішення ще не погоджене з іншими учасниками. Учасників протестів він назвав "
        "бандитами. Очевидці розповідають про масові затримання.\n"
        "Раніше посольство назвало дезінформацією чутки, ніби до заворушень причетні українці.\n"
        "Тим часом Китай продовжує підтримувати Росію економічно."
    )
    flags = flagged(shipped, text, "uk", title=title)
    assert flags == {"csto-troops-kazakhstan": "report", "ukrainian-trace-kazakhstan": "debunk"}


def test_fact_check_on_secret_war_entry(shipped):
    title = "Фейк: Казахстан тайно отправит войска на помощь России"
    text = (
        "В соцсетях пишут, что Астана договорилась с Москвой о переброске казахстанских военных "
        "и бронетехники на фронт.\n"
        "Министерство обороны опровергло эти слухи и напомнило, что решение об отправке "
        "контингента за рубеж принимает парламент."
    )
    flags = flagged(shipped, text, "ru", title=title)
    assert flags == {"kazakhstan-joins-russia-war": "debunk"}
    assert flagged(shipped, text, "ru") == {"kazakhstan-joins-russia-war": "debunk"}


# --- performance ------------------------------------------------------------------------


def test_matching_a_5000_character_article_takes_well_under_10_ms(shipped):
    paragraph = (
        "Президент Казахстану заявив, що миротворчий контингент ОДКБ залишить країну. "
        "Російські канали поширюють фейк про український слід у протестах в Алмати. "
        "Уряд обговорив ціни на газ, зарплати вчителів і ремонт доріг у регіонах. "
    )
    text = (paragraph * 30)[:5000]
    shipped.match(text, "uk")  # warm-up: lemma cache
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        shipped.match(text, "uk")
        timings.append(time.perf_counter() - started)
    median_ms = statistics.median(timings) * 1000
    print(f"match() on {len(text)} characters: median {median_ms:.2f} ms (reference: 10 ms)")
    assert median_ms < 10
