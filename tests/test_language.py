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


# The same budget news in languages this project does not monitor.
OTHER_LANGUAGES = {
    "de": "Die Bundesregierung hat den Haushalt für das kommende Jahr beschlossen. Die"
    " Abgeordneten stritten über die Ausgaben für Gesundheit und Bildung. Der Finanzminister"
    " kündigte an, das Defizit zu senken.",
    "pl": "Rada Ministrów przyjęła nowy budżet na przyszły rok. Posłowie dyskutowali o wydatkach"
    " na ochronę zdrowia i edukację. Minister finansów zapowiedział, że deficyt zostanie"
    " zmniejszony.",
    "fr": "Le gouvernement a adopté un nouveau budget pour l'année prochaine. Les députés ont"
    " débattu des dépenses de santé et d'éducation. Le ministre des Finances a promis de"
    " réduire le déficit.",
    "tr": "Hükümet gelecek yıl için yeni bütçeyi onayladı. Milletvekilleri sağlık ve eğitim"
    " harcamalarını tartıştı. Maliye bakanı bütçe açığının azalacağını söyledi.",
    "be": "Урад Беларусі зацвердзіў новы бюджэт на наступны год. Дэпутаты абмяркоўвалі выдаткі"
    " на ахову здароўя і адукацыю. Міністр фінансаў заявіў, што дэфіцыт бюджэту скароціцца.",
    "bg": "Правителството одобри нов бюджет за следващата година. Депутатите обсъждаха разходите"
    " за здравеопазване и образование. Финансовият министър заяви, че дефицитът ще бъде"
    " намален.",
    "sr": "Влада Србије усвојила је нови буџет за следећу годину. Посланици су расправљали о"
    " трошковима за здравство и образовање. Министар финансија је изјавио да ће дефицит бити"
    " смањен.",
    "mk": "Владата го усвои новиот буџет за следната година. Пратениците разговараа за трошоците"
    " за здравство и образование. Министерот за финансии изјави дека дефицитот ќе биде"
    " намален.",
    "ky": "Кыргызстандын өкмөтү кийинки жылга жаңы бюджетти бекитти. Депутаттар саламаттыкты"
    " сактоо жана билим берүү чыгымдарын талкуулашты. Финансы министри бюджеттин тартыштыгы"
    " азаярын билдирди.",
    "tt": "Татарстан хөкүмәте киләсе елга яңа бюджетны раслады. Депутатлар сәламәтлек саклау"
    " һәм мәгариф чыгымнарын тикшерделәр. Финанслар министры бюджет дефициты кимәячәк дип"
    " белдерде.",
    "mn": "Монгол Улсын Засгийн газар ирэх оны төсвийг баталлаа. Гишүүд эрүүл мэнд,"
    " боловсролын зардлын талаар ярилцав. Сангийн сайд төсвийн алдагдал буурна гэж"
    " мэдэгдлээ.",
    "uz": "Ўзбекистон ҳукумати келгуси йил учун янги бюджетни тасдиқлади. Депутатлар соғлиқни"
    " сақлаш ва таълим харажатларини муҳокама қилишди. Молия вазири бюджет тақчиллиги"
    " камайишини маълум қилди.",
    "tg": "Ҳукумати Тоҷикистон буҷети навро барои соли оянда тасдиқ кард. Вакилон хароҷоти"
    " тандурустӣ ва маорифро муҳокима карданд. Вазири молия гуфт, ки касри буҷет кам мешавад.",
    "el": "Η κυβέρνηση ενέκρινε τον νέο προϋπολογισμό για το επόμενο έτος. Οι βουλευτές"
    " συζήτησαν τις δαπάνες για την υγεία και την παιδεία.",
}


@pytest.mark.parametrize(("expected", "text"), sorted(OTHER_LANGUAGES.items()))
def test_other_languages_get_their_own_code(expected, text):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("expected", "sentence"),
    [
        # Short Latin-script sentences: the full model must still win over 'en'.
        ("de", "Der Stadtrat tagt am Dienstag."),
        ("pl", "Sejm przyjął ustawę o mediach"),
        ("es", "El gobierno aprobó el presupuesto."),
        # Kazakh's neighbours: their shared letters must not make them Kazakh.
        ("ky", "Өкмөт жаңы мыйзамды кабыл алды"),
        ("tt", "Татарстан хөкүмәте киләсе елга яңа бюджетны раслады."),
    ],
)
def test_other_languages_in_a_single_sentence(expected, sentence):
    assert detect_language(sentence) == expected


def test_other_language_paragraph_inside_a_monitored_page():
    page = "\n".join([UK, OTHER_LANGUAGES["pl"]])
    assert detect_language(page) == "uk"
    assert detect_language(OTHER_LANGUAGES["pl"] + "\n" + OTHER_LANGUAGES["de"]) in {"pl", "de"}


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


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Russian from Kazakh outlets with names in Kazakh spelling: py3langid alone says kk.
        ("Аким Маңғыстауской области Нұрдаулет Қилыбай провёл совещание в Ақтау.", "ru"),
        ("В Қарағанды открыли новый каток", "ru"),
        # Kazakh about Russians: Russian names, hardly any Kazakh letters.
        ("Сергей Ковалев пен Игорь Морозов сотта жауап берді", "kk"),
        ("Ресей үкіметінің басшысы Михаил Мишустин Астанаға келді.", "kk"),
        # English headline made of transliterated names: py3langid alone says uz.
        ("Tokayev meets Mirziyoyev in Tashkent", "en"),
        # All capitals: no word looks like a common word, so all of them count.
        ("ТАРИФЫ НА ГАЗ ВЫРАСТУТ", "ru"),
        ("ҮКІМЕТ ЖАҢА БАҒДАРЛАМАНЫ БЕКІТТІ", "kk"),
    ],
)
def test_names_do_not_decide_the_language(sentence, expected):
    assert detect_language(sentence) == expected


def test_majority_is_counted_in_letters_not_paragraphs():
    short_uk = [
        "Тривогу скасовано о шостій ранку, повідомили в міській військовій адміністрації."
    ] * 2
    long_ru = " ".join(RU.split("\n"))
    assert detect_language("\n".join([*short_uk, long_ru])) == "ru"
    assert detect_language("\n".join([EN, UK.split("\n")[0]])) == "en"
