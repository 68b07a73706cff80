"""detect_language on texts written for these tests: 5+ sentences, 2+ paragraphs each."""

from __future__ import annotations

import pytest

from monitor.language import detect_language

UK = (
    "У Львові відкрили новий центр реабілітації для військових. Його облаштували у приміщенні"
    " колишнього заводу, яке місяцями ремонтували волонтери. Центр розрахований на сто пацієнтів"
    " одночасно.\n"
    "Тут працюватимуть фізичні терапевти, психологи та ерготерапевти. Перших відвідувачів прийняли"
    " вже в понеділок. Директор закладу розповів, що черга на реабілітацію сягнула кількох"
    " сотень людей."
)
RU = (
    "В Алматы прошло заседание городского маслихата. Депутаты обсудили бюджет на следующий год"
    " и расходы на ремонт дорог. Аким пообещал завершить строительство новой линии метро"
    " к концу года.\n"
    "Жители высказали недовольство ростом тарифов на коммунальные услуги. Следующее заседание"
    " назначено на декабрь. Эксперты считают, что рост цен связан с сезонным спросом."
)
KK = (
    "Астанада бүгін үкіметтің кезекті отырысы өтті. Премьер-министр елдегі инфляция деңгейі мен"
    " азық-түлік бағасының өсуіне тоқталды. Оның айтуынша, биыл ауыл шаруашылығы өнімдерінің"
    " экспорты едәуір артқан.\n"
    "Ұлттық банк базалық мөлшерлемені өзгеріссіз қалдыру туралы шешім қабылдады. Сарапшылар бұл"
    " қадамды күтілген шешім деп бағалады. Теңгенің бағамы соңғы аптада тұрақты болып отыр."
)
# Kazakh full of Russian loanwords (брифинг, бюджет, департамент, интернет...).
KK_LOANWORDS = (
    "Министрлік брифингте цифрлық трансформация, киберқауіпсіздік және инфрақұрылым жобаларын"
    " таныстырды. Спикердің сөзінше, мобильді интернет пен компьютерлік сауаттылық бағдарламасы"
    " ауылдық мектептерде де іске қосылады.\n"
    "Департамент директоры бюджеттің қосымша транштары мамыр айында бөлінетінін айтты. Проектінің"
    " операторы ретінде ұлттық телекоммуникация компаниясы таңдалды. Журналистер брифинг соңында"
    " министрге сұрақтар қойды."
)
EN = (
    "The city council approved a new budget for public transport on Tuesday. The plan includes"
    " fifty electric buses and a modernised tram depot. Officials said the first vehicles would"
    " arrive next spring.\n"
    "Critics argued that fares should have been frozen as well. The mayor promised to publish the"
    " full contract online. Residents can comment on the routes until the end of the month."
)
# Ukrainian report quoting a Russian statement at length.
UK_QUOTING_RU = (
    "Речник Кремля заявив журналістам: «Мы не видим никаких оснований для продолжения этих"
    " переговоров, пока не будут выполнены наши условия». Українська сторона назвала цю заяву"
    " черговою спробою зірвати діалог.\n"
    "У Міністерстві закордонних справ наголосили, що Київ не прийматиме ультиматумів. Дипломати"
    " також нагадали, що попередні домовленості Росія порушувала неодноразово. Партнери України"
    " закликали Москву повернутися до столу переговорів."
)
# Russian text about Kazakhstan: Kazakh names carry a few Kazakh letters.
RU_WITH_KAZAKH_NAMES = (
    "Президент Қасым-Жомарт Тоқаев провёл совещание в Ақорде. Обсуждались вопросы водоснабжения"
    " южных регионов. Министр доложил о ремонте каналов в Түркістанской области.\n"
    "По словам чиновника, работы завершат до начала поливного сезона. Фермеры жалуются на нехватку"
    " воды уже третий год подряд. Правительство обещает выделить дополнительные средства."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (UK, "uk"),
        (RU, "ru"),
        (KK, "kk"),
        (KK_LOANWORDS, "kk"),
        (EN, "en"),
        (UK_QUOTING_RU, "uk"),
        (RU_WITH_KAZAKH_NAMES, "ru"),
    ],
)
def test_monitored_languages(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (UK, "uk"),
        (RU, "ru"),
        (KK, "kk"),
        (KK_LOANWORDS, "kk"),
        (EN, "en"),
        (RU_WITH_KAZAKH_NAMES, "ru"),
    ],
)
def test_each_paragraph_alone(text, expected):
    for paragraph in text.split("\n"):
        assert detect_language(paragraph) == expected


def test_mixed_page_gets_the_language_of_most_of_its_body():
    assert detect_language("\n".join([UK, RU.split("\n")[0]])) == "uk"
    assert detect_language("\n".join([RU, UK.split("\n")[1]])) == "ru"
    assert detect_language("\n".join([KK, RU.split("\n")[0]])) == "kk"


def test_other_languages_get_their_own_code():
    german = (
        "Der Stadtrat hat am Dienstag einen neuen Haushalt für den Nahverkehr beschlossen."
        " Geplant sind fünfzig Elektrobusse und ein modernisiertes Straßenbahndepot. Die ersten"
        " Fahrzeuge sollen im nächsten Frühjahr eintreffen."
    )
    assert detect_language(german) == "de"


@pytest.mark.parametrize("text", ["", "   \n\n ", "12:30 18.10.2025 — 1 500 000", "!!! ???"])
def test_empty_or_letterless_text_is_undetermined(text):
    assert detect_language(text) == "und"


def test_detection_is_deterministic():
    text = UK_QUOTING_RU + "\n" + KK_LOANWORDS
    assert len({detect_language(text) for _ in range(5)}) == 1


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        # py3langid alone says Belarusian, then Bulgarian.
        ("Тарифы на газ вырастут", "ru"),
        ("Тарифи на газ зростуть", "uk"),
        # ы is Kazakh as well: no Russian cue here.
        ("Мектептер жабылды", "kk"),
        ("Алматыда жаңа саябақ ашылды", "kk"),
    ],
)
def test_short_headlines(headline, expected):
    assert detect_language(headline) == expected
