"""clean_text: each rule on several wordings and languages, plus what must survive.

All texts are written for these tests; none is copied from a real outlet.
"""

from __future__ import annotations

import pytest

from monitor.boilerplate import clean_text, fold_homoglyphs

# A lead, a quote and a closing paragraph that every case wraps its boilerplate around.
NEWS_UK = [
    "Уряд погодив нову програму відновлення мостів у Житомирській області.",
    "Про це, 12 березня, повідомила пресслужба обласної військової адміністрації.",
    "«Ми розраховуємо завершити перші об'єкти до осені», — сказав очільник області.",
    "Роботи фінансуватимуть з державного бюджету та коштом міжнародних партнерів.",
]
NEWS_RU = [
    "В Караганде открыли новый корпус областной больницы.",
    "Об этом сообщили в управлении здравоохранения региона.",
    "«Мы ждали этого пять лет», — рассказала главный врач отделения.",
]
NEWS_KK = [
    "Қарағандыда облыстық ауруханаының жаңа корпусы ашылды.",
    "Бұл туралы өңірлік денсаулық сақтау басқармасы хабарлады.",
    "«Біз мұны бес жыл күттік», — деді бөлім меңгерушісі.",
]
NEWS_EN = [
    "The regional council approved a plan to rebuild three bridges.",
    "Officials said the work would be funded by the state budget and foreign partners.",
    "“We expect the first crossings to reopen by autumn,” the governor said.",
]


def lines(*parts: str | list[str]) -> str:
    out: list[str] = []
    for part in parts:
        out.extend([part] if isinstance(part, str) else part)
    return "\n".join(out)


def test_seed_like_article_keeps_exactly_its_news_paragraphs():
    # Written to mirror the layout of a scraped Ukrainian page: blank first line,
    # a promo with a Latin "c" inside a Cyrillic word, a credit, two read-also
    # lines, a byline glued to the section name and a rail of timed headlines.
    text = lines(
        "",
        NEWS_UK[:2],
        "Підпиcуйтеcь на наш Telegram-канал Вісник - тільки перевірені новини про події в Україні",
        NEWS_UK[2:],
        "Ілюстративне фото: visnyk.example",
        "Читайте також: На Житомирщині відремонтували ще два мости",
        "Читайте також: Скільки коштує відбудова доріг у регіоні",
        "Олена КовальчукНовини",
        "У Житомирі відкрили новий сквер",
        "14:15 18 жов 2025.",
        "Синоптики прогнозують перші заморозки",
        "13:55 18 жов 2025.",
        "На Поліссі запустили автобусний маршрут",
        "13:15 18 жов 2025.",
        "Ветерани отримають нові сертифікати",
        "12:55 18 жов 2025.",
    )
    assert clean_text(text).split("\n") == NEWS_UK


@pytest.mark.parametrize(
    "rail",
    [
        # uk, headline then "time date" line
        ["Вибухи на Полтавщині: що відомо", "14:15 18 жов 2025.",
         "Ціни на хліб зросли", "13:55 18 жов 2025."],
        # ru, relative day first, then the headline
        ["вчера, 12:30", "В Астане открыли каток", "вчера, 11:05", "Тарифы на газ вырастут"],
        # kk, relative day after the headline
        ["Алматыда жаңа саябақ ашылды", "Кеше, 14:20", "Бензин бағасы өзгерді", "Кеше, 13:10"],
        # en, glued date suffix
        ["Storm warning issued for the coast Oct 18, 2025",
         "Parliament passes the budget Oct 17, 2025"],
        # numeric date prefix with a pipe
        ["18.10.2025 | Уряд змінив правила бронювання", "17.10.2025 | Нафта подешевшала"],
        # full month names, time glued in front of the headline
        ["09:30 Курс долара знизився", "18 жовтня 2025, 09:10",
         "08:45 У Києві запрацював новий міст"],
        # ru full month + year suffix
        ["Минобороны опровергло слухи", "18 октября 2025 г.",
         "Курс тенге укрепился", "17 октября 2025 г."],
        # kk month names
        ["Үкімет жаңа бағдарламаны бекітті", "18 қазан 2025, 10:15",
         "Ақтөбеде жол жөнделді", "17 қазан 2025, 09:00"],
        # relative "N hours ago"
        ["Markets fall after rate decision", "2 hours ago", "New metro line opens", "5 hours ago"],
    ],
)
def test_trailing_headline_rails_with_timestamps_are_dropped(rail):
    assert clean_text(lines(NEWS_UK, rail)).split("\n") == NEWS_UK


def test_rail_caption_above_timed_rail_is_dropped():
    # A caption in no word list: it goes because a timed rail follows it.
    rail = ["Что ещё произошло", "Курс тенге укрепился", "15:20", "Фестиваль в Шымкенте", "15:05"]
    text = lines(NEWS_RU, rail)
    assert clean_text(text).split("\n") == NEWS_RU


def test_untimed_block_of_headlines_after_the_article_is_dropped():
    rail = [
        "Нацбанк залишив облікову ставку без змін",
        "У Карпатах випав перший сніг",
        "Скільки коштуватиме проїзд у Львові з листопада",
        "Чому в Україні дорожчають ліки",
    ]
    assert clean_text(lines(NEWS_UK, rail)).split("\n") == NEWS_UK


def test_live_blog_entries_with_times_are_kept():
    text = lines(
        NEWS_UK[:1],
        "14:15",
        "Повітряна тривога у Києві триває вже понад годину.",
        "14:05",
        "У місті чути роботу протиповітряної оборони, просимо залишатися в укриттях.",
    )
    assert clean_text(text) == text


def test_real_short_list_closing_an_article_is_kept():
    text = lines(
        NEWS_UK,
        "Серед пошкоджених об'єктів такі:",
        "Міст через річку Тетерів у Житомирі",
        "Шляхопровід на трасі Київ - Чоп",
        "Пішохідний міст у Коростені",
    )
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "ending",
    [
        "Засідання комісії відбудеться 25 жовтня 2025 року.",
        "Наступне засідання призначено на 25.10.2025.",
        "Следующее заседание пройдёт 25 октября в 14:00.",
        "The hearing is scheduled for October 25, 2025.",
    ],
)
def test_short_last_paragraph_with_a_date_is_kept(ending):
    text = lines(NEWS_UK, ending)
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "label",
    [
        "Читайте також: Як змінилися ціни на пальне",
        "ЧИТАЙТЕ ТАКОЖ Як змінилися ціни на пальне",
        "читайте також - як змінилися ціни на пальне",
        "Читайте также – Как изменились цены на бензин",
        "Также читайте: Тарифы вырастут с января",
        "Смотрите также: Видео с места событий",
        "Дивіться також Відео з місця подій",
        "Загляньте також: Рейтинг найкращих шкіл країни",
        "По теме: Токаев подписал закон о медиа",
        "По темі: Зеленський провів нараду зі Ставкою",
        "Оқи: Тоқаев жаңа заңға қол қойды",
        "Оқыңыз Алматыда метро кеңейтіледі",
        "Тағы оқыңыз: Бензин бағасы қымбаттады",
        "Read also: Parliament approves the budget",
        "Read more: How the reform will work",
        "► Читайте також: Що відомо про новий законопроєкт",
        "Читайте тaкож: Ціни на газ",  # Latin "a" in "тaкож"
    ],
)
def test_read_also_lines_are_dropped(label):
    text = lines(NEWS_UK[:2], label, NEWS_UK[2:])
    assert clean_text(text).split("\n") == NEWS_UK


def test_bare_read_also_label_takes_its_headlines_with_it():
    text = lines(NEWS_RU[:2], "Читайте также:", "Тарифы на газ вырастут с января", NEWS_RU[2:])
    assert clean_text(text).split("\n") == NEWS_RU


@pytest.mark.parametrize(
    "sentence",
    [
        "По темі переговорів висловився і прем'єр-міністр, який назвав їх складними.",
        "Оқиға орнына полиция мен жедел жәрдем қызметкерлері келді.",
        "Read the full statement on the ministry's website.",
        "Смотрите, как меняется город: за год здесь появилось пять новых парков.",
    ],
)
def test_sentences_starting_like_a_label_are_kept(sentence):
    text = lines(NEWS_UK, sentence)
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "promo",
    [
        "Підписуйтесь на наш Telegram-канал",
        "Підписуйтеcь на наш Telegram-канал Вісник - новини без цензури",  # Latin c
        "Підпишіться на наш канал у Viber, щоб не пропустити головне",
        "Приєднуйтесь до нас у Telegram",
        "Стежте за нами у Facebook та Instagram",
        "Більше новин — у нашому Telegram",
        "Подписывайтесь на наш канал в Телеграм",
        "Пoдпиcывaйтecь нa нaш WhatsApp",  # Latin o, c, a, e
        "Больше новостей — в нашем Telegram-канале.",
        "Telegram-арнамызға жазылыңыз",
        "Біздің YouTube арнамызға жазылыңыз!",
        "Follow us on Telegram",
        "Subscribe to our WhatsApp channel for daily updates",
        "Join our TikTok",
        "Telegram | Viber | Facebook | YouTube",
    ],
)
def test_channel_promos_are_dropped(promo):
    text = lines(NEWS_UK[:3], promo, NEWS_UK[3:])
    assert clean_text(text).split("\n") == NEWS_UK


@pytest.mark.parametrize(
    "sentence",
    [
        "Про це повідомив президент Володимир Зеленський у Telegram.",
        "Окупанти створили в Telegram фейковий канал від імені обласної адміністрації.",
        "Об этом он написал в своём Telegram-канале.",
        "«Підписуйтесь на наш канал», — закликав блогер, якого згодом затримали.",
        "Елімізде Telegram мессенджері бұғатталған жоқ, деді министр.",
        "The minister announced the decision on Telegram late on Sunday.",
        "Наш кореспондент побував на телеканалі, який відновив мовлення.",
    ],
)
def test_news_sentences_mentioning_platforms_are_kept(sentence):
    text = lines(NEWS_UK[:2], sentence, NEWS_UK[2:])
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "credit",
    [
        "Фото: Reuters",
        "Ілюстративне фото: visnyk.example",
        "Фото ілюстративне",
        "Иллюстративное фото",
        "Фото з відкритих джерел",
        "(Фото: УНІАН)",
        "Сурет: Ақорда баспасөз қызметі",
        "Photo: AP",
        "Photo by Jane Doe on Unsplash",
        "Відео: пресслужба ДСНС",
        "© Getty Images",
    ],
)
def test_credit_only_lines_are_dropped(credit):
    text = lines(NEWS_UK[:2], credit, NEWS_UK[2:])
    assert clean_text(text).split("\n") == NEWS_UK


@pytest.mark.parametrize(
    "sentence",
    [
        "Фото опублікував у мережі місцевий мешканець, який бачив вибух.",
        "Відео — головний доказ у справі, вважають слідчі, адже на ньому видно обличчя нападника.",
        "Photographs of the damaged bridge were shared widely on Monday evening.",
    ],
)
def test_sentences_about_photos_are_kept(sentence):
    text = lines(NEWS_UK[:2], sentence, NEWS_UK[2:])
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "byline",
    ["Олена КовальчукНовини", "Асқар ЖұмабаевЖаңалықтар", "Ирина ПетроваПолитика", "John SmithNews",
     "Автор: Марія Іваненко", "Author: Jane Doe", "By Jane Doe"],
)
def test_bylines_at_the_end_are_dropped(byline):
    assert clean_text(lines(NEWS_UK, byline)).split("\n") == NEWS_UK


def test_camel_case_names_and_plain_names_at_the_end_are_kept():
    text = lines(NEWS_EN, "Ronald McDonald House", "Джерело: Reuters")
    assert clean_text(text) == text


def test_repeated_teaser_paragraphs_are_kept_once():
    teasers = [
        "Україна намагається залучити більше партнерів до коаліції, щоб посилити ППО.",
        "У Харкові триває відновлення енергетичних об'єктів після нічної атаки дронів.",
        "Новий раунд переговорів може відбутися наступного тижня в Женеві, повідомили дипломати.",
        "Міністр закордонних справ провів телефонну розмову з колегою з Польщі.",
    ]
    between = "Окремий абзац про інше, щоб повтор не стояв поруч."
    text = lines(NEWS_UK, teasers, between, teasers)
    assert clean_text(text).split("\n") == NEWS_UK + teasers + [between]


def test_near_exact_repeats_are_dropped():
    first = (
        "Новий раунд переговорів між делегаціями може відбутися наступного тижня в Женеві,"
        " повідомили дипломати."
    )
    variants = [
        first.replace("Женеві", "Женеві "),  # stray space
        first.replace("Новий", "Нoвий"),  # Latin o
        first.replace("повідомили дипломати", "повідомили наші дипломати"),  # a word added
        first.rstrip("."),
    ]
    text = lines(NEWS_UK, first, variants)
    assert clean_text(text).split("\n") == NEWS_UK + [first]


def test_short_repeated_replies_are_kept():
    text = lines("— Ви підтримуєте рішення?", "— Так.", "— А ваші колеги?", "— Так.", NEWS_UK)
    assert clean_text(text) == text


def test_title_repeated_as_first_line_is_dropped():
    title = "Уряд погодив програму відновлення мостів"
    assert clean_text(lines(title, NEWS_UK), title=title).split("\n") == NEWS_UK
    assert clean_text(lines(title.upper(), NEWS_UK), title=title).split("\n") == NEWS_UK
    with_site = f"{title} | Вісник Полісся"
    assert clean_text(lines(with_site, NEWS_UK), title=title).split("\n") == NEWS_UK
    # Without the title, or with another one, the first line is content.
    assert clean_text(lines(title, NEWS_UK)).split("\n")[0] == title
    assert clean_text(lines(title, NEWS_UK), title="Інший заголовок").split("\n")[0] == title


def test_site_chrome_lines_are_dropped():
    text = lines(
        "Ми використовуємо файли cookie, щоб покращити роботу сайту.",
        NEWS_RU,
        "Реклама",
        "Теги: Караганда, медицина",
        "© 2025 Степной вестник. Все права защищены.",
        "We use cookies to improve your experience. Accept",
    )
    assert clean_text(text).split("\n") == NEWS_RU


@pytest.mark.parametrize("news", [NEWS_UK, NEWS_RU, NEWS_KK, NEWS_EN])
def test_plain_articles_pass_unchanged(news):
    text = lines(news)
    assert clean_text(text) == text


def test_whitespace_and_invisible_characters_are_normalised():
    text = "  Перший\u00a0 абзац\u200b новини.  \n\n\n\tДругий абзац новини.\u00ad"
    assert clean_text(text) == "Перший абзац новини.\nДругий абзац новини."


IDEMPOTENCE_CASES = [
    lines("", NEWS_UK[:2], "Підпиcуйтеcь на наш Telegram", NEWS_UK[2:], "Фото: Reuters",
          "Олена КовальчукНовини", "Новина перша", "14:15 18 жов 2025.", "Новина друга",
          "13:15 18 жов 2025."),
    lines(NEWS_RU, NEWS_RU, "Последние новости", "вчера, 12:30", "В Астане открыли каток",
          "вчера, 11:05", "Тарифы на газ вырастут"),
    lines("Заголовок статті", "Заголовок статті", NEWS_UK, "Автор: Марія Іваненко",
          "Автор: Марія Іваненко"),
    lines(NEWS_KK, "Оқи:", "Тоқаев жаңа заңға қол қойды", "Telegram-арнамызға жазылыңыз",
          NEWS_KK[0]),
    lines(NEWS_EN, "Read more: How the reform will work", "Photo: AP", "By Jane Doe",
          "Jane DoeNews"),
]


@pytest.mark.parametrize("text", IDEMPOTENCE_CASES)
def test_clean_text_is_idempotent(text):
    once = clean_text(text, title="Заголовок статті")
    assert clean_text(once, title="Заголовок статті") == once
    assert once  # every case keeps its news


def test_fold_homoglyphs_rewrites_mixed_words_only():
    assert fold_homoglyphs("Підписуйтеcь на Telegram") == "Підписуйтесь на Telegram"
    assert fold_homoglyphs("Теlegram") == "Telegram"  # Cyrillic Т and е in a Latin word
    assert fold_homoglyphs("Київ і Kyiv") == "Київ і Kyiv"


REALISTIC_ARTICLES = {
    "uk-interview": [
        "Міністр енергетики розповів про підготовку до зими та ремонт електростанцій.",
        "— Чи будуть графіки відключень цієї зими?",
        "— Ми робимо все, щоб їх уникнути. Але багато залежить від інтенсивності обстрілів.",
        "— Скільки коштуватиме відновлення?",
        "— За попередніми оцінками, понад мільярд доларів.",
        "Розмову записано 18 жовтня 2025 року.",
    ],
    "uk-closing-list": [
        "Уряд оприлюднив перелік змін, які набудуть чинності з 1 січня.",
        "Що варто знати",
        "- Мінімальна зарплата зросте до 8647 гривень",
        "- Пенсії проіндексують на 11,5 відсотка",
        "- Тарифи на електроенергію для населення не зміняться",
    ],
    "ru-platforms-and-dates": [
        "Как сообщил 18 октября в своём Telegram-канале глава МИД, переговоры продолжатся.",
        "Ранее, 12.10.2025, ведомство опровергло сообщения о переброске войск.",
        "Фейк о «тайной мобилизации» распространяли через анонимные Telegram-каналы и TikTok.",
        "«Наш Telegram-канал заблокировали без объяснения причин», — сказал редактор издания.",
        "Источник: пресс-служба МИД",
    ],
    "kk-forum": [
        "Бүгін, 18 қазанда, Астанада халықаралық форум басталды.",
        "Форумға 40 елден 500-ден астам делегат қатысуда.",
        "Министр өз Telegram-арнасында форумның негізгі тақырыптарын жариялады.",
        "Кеше, 17 қазанда, делегаттар тіркеуден өтті.",
        "Форум 20 қазанда аяқталады.",
    ],
    "en-report": [
        "Follow the money, investigators say: the network was funded through shell companies.",
        "The ministry posted the video on its Telegram channel and on X.",
        "Our correspondent in Kyiv reported several explosions overnight.",
        "Photos published by the ministry show the damage to the power plant.",
        "Read the full report on the ministry's website.",
    ],
}


@pytest.mark.parametrize("name", sorted(REALISTIC_ARTICLES))
def test_realistic_articles_pass_unchanged(name):
    text = lines(REALISTIC_ARTICLES[name])
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "caption",
    ["Новини партнерів", "Більше новин", "Останні новини:", "Новости партнеров",
     "Соңғы жаңалықтар", "Latest news", "Популярне"],
)
def test_rail_caption_takes_its_headlines_with_it(caption):
    rail = [caption, "- Як зекономити на комуналці взимку", "- П'ять міфів про електрокари",
            "Что подарить близким на праздники"]
    assert clean_text(lines(NEWS_UK, rail)).split("\n") == NEWS_UK


# --- promos worded in ways no phrase list holds: found by a promo verb's grammar ---------


@pytest.mark.parametrize(
    "promo",
    [
        "Слідкуйте за «Вісником Полісся» у Facebook",
        "Шукайте «Житомир.інфо» у Google News",
        "Завантажуйте застосунок і читайте свіжі новини у Viber",
        "Натисніть «Стежити» в Google News, щоб першими бачити головне",
        "Будьте в курсі подій області — долучайтеся до спільноти у Viber",
        "Узнавайте новости первыми в Telegram",
        "Ставьте лайк и делитесь видео на YouTube",
        "Ищите «Степной вестник» в Дзене",
        "Следите за «Вечерней Карагандой» в Instagram",
        "Жаңалықтарды Telegram-нан оқыңыз.",
        "Instagram парақшамызға жазылыңыз",
        "Жаңалықтардан хабардар болыңыз: Telegram арнасы",
        "Follow Polissia Herald on Instagram, Facebook and YouTube.",
    ],
)
def test_promos_in_other_wordings_are_dropped(promo):
    text = lines(NEWS_UK[:2], promo, NEWS_UK[2:])
    assert clean_text(text).split("\n") == NEWS_UK


@pytest.mark.parametrize(
    "sentence",
    [
        "Будьте обережні: шахраї розсилають фейкові повідомлення у Viber від імені банків.",
        "Перевіряйте інформацію лише в офіційних Telegram-каналах, закликають у СБУ.",
        "Не переходьте за посиланнями з Viber-розсилок, попереджають у кіберполіції.",
        "Окупанти поширюють фейки в Telegram, попереджають у ЦПД.",
        "Не верьте сообщениям в Telegram о «мобилизации», заявили в МВД.",
        "Министр Telegram арнасында жаңа бағдарламаны таныстырды.",
        "Читачі діляться фото зруйнованого мосту у Facebook.",
    ],
)
def test_advice_and_reports_about_platforms_are_kept(sentence):
    text = lines(NEWS_UK[:2], sentence, NEWS_UK[2:])
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "chrome",
    [
        # share buttons' captions
        "Поділіться новиною з друзями",
        "Поделитесь с друзьями!",
        "Достарыңызбен бөлісіңіз",
        # reprint terms, disclaimers, sponsorship
        "Використання матеріалів дозволяється лише за умови гіперпосилання на «Вісник».",
        "При цитировании ссылка на «Степной вестник» обязательна.",
        "Материалдарды пайдаланғанда сілтеме міндетті.",
        "Передрук матеріалів без дозволу редакції заборонено.",
        "Редакція може не поділяти думку автора.",
        "Мнение редакции может не совпадать с мнением автора.",
        "Редакцияның көзқарасы автордың пікірімен сәйкес келмеуі мүмкін.",
        "На правах реклами",
        "Партнерський матеріал",
        # what subscription and comment forms print
        "Дякуємо за підписку!",
        "Сталася помилка. Спробуйте ще раз.",
        "Произошла ошибка, попробуйте позже",
        "Thanks for signing up!",
        "Що думаєте? Пишіть у коментарях",
        "Оставьте комментарий",
        "Пікіріңізді қалдырыңыз",
        # newsroom contacts
        "Пишіть нам: news@visnyk.example",
        "Есть новость? Напишите на tips@vestnik.example",
        "Хабарласыңыз: info@habar.example",
        # agency staff credits and a bare tag label
        "(Reporting by Jane Doe; Editing by John Roe)",
        "Теги",
    ],
)
def test_site_chrome_in_several_languages_is_dropped(chrome):
    text = lines(NEWS_UK[:2], chrome, NEWS_UK[2:])
    assert clean_text(text).split("\n") == NEWS_UK


def test_labelled_dateline_on_top_is_dropped():
    for dateline in ("Оновлено: 18 жовтня 2025, 14:20", "Обновлено 18.10.2025 14:20",
                     "Updated at 1:23 p.m."):
        assert clean_text(lines(dateline, NEWS_UK)).split("\n") == NEWS_UK


def test_contact_details_inside_a_report_are_kept():
    sentence = "Скарги можна надсилати на адресу skargy@rada.example, повідомили в міськраді."
    text = lines(NEWS_UK[:2], sentence, NEWS_UK[2:])
    assert clean_text(text) == text


def test_captioned_rail_of_headlines_in_caps_is_dropped():
    rail = ["Не пропустіть", "Уряд змінив правила бронювання [ВІДЕО]",
            "У Житомирі відкрили новий сквер [ФОТО]"]
    assert clean_text(lines(NEWS_UK, rail)).split("\n") == NEWS_UK


# --- dated lists that are content, not rails ------------------------------------------


@pytest.mark.parametrize(
    "items",
    [
        # a chronology closing the article
        ["24 лютого – Росія розпочала повномасштабне вторгнення",
         "2 квітня – ЗСУ звільнили Київську область",
         "11 листопада – українські війська увійшли до Херсона"],
        # a tour or match schedule
        ["9 июня – Алматы, Дворец Республики", "12 июня – Астана, Barys Arena",
         "15 июня – Караганда, Дворец спорта"],
    ],
)
def test_dated_lists_without_times_are_kept(items):
    text = lines(NEWS_UK, "Хронологія подій:" if "лютого" in items[0] else "Дати туру", items)
    assert clean_text(text) == text


# --- repeats ----------------------------------------------------------------------------


def test_questions_repeated_across_interviews_are_kept():
    question = "Що вас надихнуло створити власну кулінарну сторінку в мережі?"
    text = lines(
        "Ми поговорили з трьома авторами кулінарних блогів про їхні улюблені страви.",
        "Олена, Житомир", question, "— Бажання ділитися бабусиними рецептами з друзями.",
        "Андрій, Луцьк", question, "— Я просто хотів навчитися готувати для родини.",
    )
    assert clean_text(text) == text


def test_repeated_list_items_and_table_rows_are_kept():
    text = lines(
        NEWS_UK[:1],
        "| Область | Мости | Кошти |", "| Житомирська | 3 | 120 млн |",
        "| Область | Мости | Кошти |", "| Волинська | 2 | 80 млн |",
        "Модель А", "- Автоматичне ввімкнення та підключення до телефона",
        "Модель Б", "- Автоматичне ввімкнення та підключення до телефона",
    )
    assert clean_text(text) == text


def test_whole_body_printed_twice_is_kept_once():
    assert clean_text(lines(NEWS_RU, "Поделиться", NEWS_RU)).split("\n") == NEWS_RU


# --- whole articles in different templates: the body must come out exactly ----------------

TEMPLATES = {
    "uk-regional": (
        ["Оновлено: 18 жовтня 2025, 14:20", *NEWS_UK[:2],
         "Будьте в курсі подій області — долучайтеся до спільноти у Viber", *NEWS_UK[2:],
         "Фото: пресслужба ОВА", "Редакція може не поділяти думку автора.",
         "Теги", "Не пропустіть", "У Житомирі відкрили новий сквер",
         "Синоптики попередили про перші заморозки"],
        NEWS_UK,
    ),
    "ru-city": (
        ["Узнавайте новости первыми в Telegram", *NEWS_RU[:2], "Иллюстративное фото",
         *NEWS_RU[2:], "Есть новость? Напишите на tips@vestnik.example",
         "При цитировании ссылка на «Степной вестник» обязательна.",
         "Курс тенге укрепился", "вчера, 15:20", "Фестиваль в Шымкенте", "вчера, 15:05"],
        NEWS_RU,
    ),
    "kk-national": (
        [*NEWS_KK[:1], "Жаңалықтардан хабардар болыңыз: Telegram арнасы", *NEWS_KK[1:],
         "Сурет: Ақорда баспасөз қызметі", "Достарыңызбен бөлісіңіз",
         "Материалдарды пайдаланғанда сілтеме міндетті.", "Соңғы жаңалықтар",
         "Алматыда жаңа саябақ ашылды", "Бензин бағасы өзгерді"],
        NEWS_KK,
    ),
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_articles_in_other_templates_come_out_exactly(name):
    text, body = TEMPLATES[name]
    assert clean_text(lines(text)).split("\n") == body
    assert clean_text(clean_text(lines(text))) == clean_text(lines(text))
