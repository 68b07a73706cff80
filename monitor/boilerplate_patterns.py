"""The word lists and line shapes that monitor.boilerplate matches, in uk, ru, kk and en.

Kept apart from the rules that use them so each file reads on its own: this one
is data (what a promo, a credit or a date looks like), boilerplate.py is logic.
"""

import re

# Any Cyrillic capital, including the Ukrainian and Kazakh letters.
UP = "A-ZА-ЯЁЄІЇҐӘҒҚҢӨҰҮҺЎ"
LOW = "a-zа-яёєіїґәғқңөұүһў"
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
SPACES = re.compile(r"[^\S\n]+")
# A letters-only word in which a Latin and a Cyrillic letter touch.
MIXED_WORD = re.compile(r"[^\W\d_]*(?:[a-zA-Z][\u0400-\u04ff]|[\u0400-\u04ff][a-zA-Z])[^\W\d_]*")
CYRILLIC = re.compile("[\u0400-\u04ff]")
# Letters that look the same in both scripts; promo spammers and careless
# typists mix them ("Підписуйтеcь" with a Latin c).
LATIN_TWINS = "AaBCcEeHIiKkMOoPpTXxYyj"
CYRILLIC_TWINS = "АаВСсЕеНІіКкМОоРрТХхУуј"
TO_CYRILLIC = str.maketrans(LATIN_TWINS, CYRILLIC_TWINS)
TO_LATIN = str.maketrans(CYRILLIC_TWINS, LATIN_TWINS)

# --- "read also" labels -----------------------------------------------------
# Strong labels never open a news sentence; weak ones ("По теме", "Оқи") only
# count when a colon/dash follows, the label stands alone, or a capitalised
# headline follows it (a sentence would continue in lower case).
READ_ALSO_STRONG = (
    r"(?:читайте|дивіться|смотрите|загляньте|тағы)\s+(?:також|также|теж|ещ[её]|ще|більше|оқыңыз)"
    r"|(?:також|также)\s+(?:читайте|дивіться|смотрите)|сондай-ақ\s+оқыңыз|оқи\s+отырыңыз"
    r"|read\s+(?:also|more)|also\s+read|see\s+also|you\s+may\s+also\s+like"
    r"|вас\s+може\s+зацікавити|вас\s+может\s+заинтересовать|рекомендуємо\s+прочитати"
    r"|рекомендуем\s+прочитать|більше\s+за\s+темою|новини\s+за\s+темою|новости\s+по\s+теме"
)
READ_ALSO_WEAK = (
    r"по\s+темі|по\s+теме|за\s+темою|оқи|оқыңыз|тағы\s+қараңыз|қараңыз|читайте|дивіться"
    r"|смотрите|related|recommended|рекомендуємо|рекомендуем|read|watch"
)
READ_ALSO = re.compile(
    rf"^[^\w«\"“]*(?:(?P<strong>{READ_ALSO_STRONG})|(?P<weak>{READ_ALSO_WEAK}))(?!\w)"
    rf"(?P<sep>\s*[:—–>→-]+)?\s*(?P<rest>.*)$",
)
# A line that is only a rail's caption ("Більше новин", "Новости партнеров") works
# like a bare "Читайте також:": it goes, and so do the headlines listed under it.
RAIL_CAPTION = re.compile(
    r"^\W*(?:(?:(?:більше|ще|інші|останні|головні|популярні|свіжі|больше|ещ[её]|другие|последние"
    r"|главные|популярные|свежие|соңғы|басқа|тағы|more|latest|related|top|other|popular)\s+)?"
    r"(?:новини|новин|новости|новостей|жаңалықтар|news|stories|articles)"
    r"(?:\s+(?:за\s+темою|по\s+теме|партнерів|партнеров|дня|тижня|недели))?"
    r"|популярне|популярное|найпопулярніше|самое\s+читаемое|вибір\s+редакції|выбор\s+редакции"
    r"|головне\s+за\s+день|главное\s+за\s+день|editor'?s\s+picks|most\s+read|trending"
    r"|не\s+пропустіть|не\s+пропустите|don'?t\s+miss|must\s+read)\W*$"
)

# --- channel promos ---------------------------------------------------------
PLATFORM = re.compile(
    r"telegram|телеграм|t\.me/|viber|вайбер|whatsapp|ватсап|вотсап|youtube|ютуб|facebook|фейсбук"
    r"|instagram|инстаграм|інстаграм|tiktok|т[іи]кток|twitter|тв[іи]ттер|threads|google\s+news"
    r"|дзен|вконтакте|\bканал|\bарна(?!й)|соцмереж|соцсет|newsletter|розсилк|рассылк",
)
CALL_TO_ACTION = re.compile(
    r"\b(?:підписуй(?:те)?с[ья]|підпиш[іи](?:ться|сь)|приєднуй(?:те)?с[ья]|долучай(?:те)?с[ья]"
    r"|подписыва(?:йтесь|йтеся|йся)|подпиш(?:итесь|ись)|присоединя(?:йтесь|йтеся|йся)"
    r"|(?:стежте|слідкуйте|следите|читайте|шукайте|ищите|дивіться|смотрите)\s+(?:за\s+)?"
    r"на(?:с|ми)\b|(?:стежте|слідкуйте|следите)\s+за\s+(?:новинами|новостями|подіями|событиями)"
    r"|жазыл(?:ыңыз|ыңдар|ып)|қосыл(?:ыңыз|ыңдар)|бізді|subscribe|follow\s+(?:us|our)"
    r"|join\s+(?:us|our)|find\s+us"
    r"|stay\s+(?:tuned|updated|informed))"
    r"|\b(?:наш(?:ому|ем|ого|ей|ій|их|у|а|ім)?|our|біздің)\b"
    r"|(?:арна|парақша|канал|аккаунт|сайт)[ыі]?мыз"
    r"|\b(?:більше|всі|усі|головні|оперативні)\s+новин"
    r"|\b(?:больше|все|главные|оперативные)\s+новост"
    r"|\bmore\s+news|\blatest\s+news",
)
# A promo verb in the second person plural, however it is worded around: "Узнавайте
# первыми в Telegram", "Слідкуйте за «Вісником» у Facebook", "Жаңалықтарды Telegram-нан
# оқыңыз". A stem of subscribing, following, reading, watching, finding, installing,
# pressing or learning, with a plural imperative ending; the verb opens a clause in
# uk/ru/en and closes one in kk (verb-final). "Будьте обережні" is not a promo verb.
CLAUSE_START = r"(?:^|[.!?:;—–(«\"“]\s*|,\s+|\s(?:і|й|та|и|а|and)\s+)"
_PROMO_STEMS = (
    r"підпис|підпиш|стеж|слідку|приєдн|долуч|чита|диві|слуха|шука|знаход|завантаж|встанов"
    r"|тисн|натисн|переход|отриму|дізна|пиш|став|поширю"
    r"|подпис|подпиш|след|присоедин|смотр|слуша|ищ|наход|скачива|скача|устан|жм|нажм|нажим"
    r"|получа|узнава|узна|дел"
)
ADDRESS_START = re.compile(
    CLAUSE_START + rf"(?:(?:{_PROMO_STEMS})[^\W\d_]*?(?:[йьжвди]те|іть|ите)(?:ся|сь)?"
    r"|іться|будьте\s+в\s+курс[іе]"
    r"|(?:follow|subscribe|sign\s+up|join|download|listen|watch|tap|check\s+out|install)"
    r")(?!\w)"
)
ADDRESS_END = re.compile(
    r"(?:жазыл|қосыл|оқ|қара|тыңда|ізде|жүкте|орнат|бас|біл|бол|бөліс)"
    r"(?:ыңыз|іңіз|ңыз|ңіз|ыңдар|іңдер)(?=\s*(?:[.!?,;:—–)»\"”]|$))"
)
# "..., закликають у поліції": advice reported as news, not the outlet's own call.
ATTRIBUTION = re.compile(
    r"заклика|наголош|радять|порадил|попереджа|повідомил|заяви|призыва|совету|предупрежда"
    r"|сообщил|заявил|деді|мәлімде|хабарлад|\b(?:urged|warned|advised|said|says)\b"
)
# «Підписуйтесь на наш канал», — закликав блогер: a quoted call is news.
ATTRIBUTED_QUOTE = re.compile(r"[»”\"]\s*,?\s*[—–-]\s*\w")
PLATFORM_ONLY = re.compile(
    rf"^(?:(?:{PLATFORM.pattern}|x|поділитися|поделиться|бөлісу|share|копіювати посилання)"
    r"[\s|,•·/]*)+$",
)

# --- credits, site chrome ---------------------------------------------------
CREDIT = re.compile(
    r"^[(\[]?\s*(?:(?:ілюстративне|иллюстративное|архівне|архивное|головне|главное|джерело|источник"
    r"|автор)\s+)?"
    r"(?:фото(?:графія|графия)?|відео|видео|сурет(?:тер)?|бейне|photo(?:graph)?s?|image|picture"
    r"|video|illustration|credit|ілюстрація|иллюстрация|колаж|коллаж|інфографіка|инфографика"
    r"|скріншот|скриншот|кадр\s+(?:з|из)\s+(?:відео|видео)|getty\s+images)"
    r"(?:\s*/\s*(?:відео|видео|video))?"
    r"(?:\s+(?:ілюстративне|иллюстративное|illustrative|для\s+ілюстрації|для\s+иллюстрации"
    r"|з\s+відкритих\s+джерел|из\s+открытых\s+источников|з\s+соцмереж|из\s+соцсетей"
    r"|ашық\s+дереккөздерден|credit))?"
    r"(?:\s*(?P<sep>[:©|.]|[—–-]\s|\s(?:by|via|автора)\s)\s*(?P<rest>.*)|\s*[)\]]?\s*)$",
)
CHROME = re.compile(
    r"^(?:реклама|advertisement|жарнама|ad|поділитися|поделиться|share|бөлісу|коментарі"
    r"|комментарии|comments|пікірлер|теги|тэги|мітки|tags|тегтер)\W*$"
    r"|ctrl\s*\+\s*enter"  # "Помітили помилку? Виділіть її та натисніть Ctrl+Enter"
    r"|^(?:теги|тэги|мітки|теґи|tags|тегтер|ключові слова|ключевые слова)\s*[:—]"
    r"|всі права захищені|усі права захищені|все права защищены|барлық құқықтар қорғалған"
    r"|all rights reserved|^copyright\b|^©|^\(c\)\s"
    r"|for\s+(?:your\s+)?personal,?\s+non-commercial\s+use"
    # reprint terms: "Використання матеріалів дозволяється лише за умови гіперпосилання"
    r"|(?:гіпер)?посилання\W+(?:\w+\W+){0,4}(?:є\s+)?обов.язков|(?:гипер)?ссылка\W+(?:\w+\W+){0,4}обязательн"
    r"|сілтеме\W+(?:\w+\W+){0,3}міндетті"
    r"|(?:передрук|копіюванн|перепечатк|копировани|використання\s+матеріал|использование\s+материал)"
    r"\w*\W.{0,80}(?:заборон|запрещ|лише\s+за|тільки\s+за|только\s+при|дозволя|разреша)"
    r"|редакці[яї]\s+(?:може\s+)?не\s+(?:завжди\s+)?поділя|мнение\s+редакции"
    r"|редакция\s+(?:может\s+)?не\s+(?:всегда\s+)?(?:разделя|совпада)|редакцияның\s+көзқарас"
    r"|на\s+правах\s+реклам|^(?:партнерськ|партнерск|спонсорськ|спонсорск)\w*\s+(?:матеріал|материал)"
    # a subscription or comment form's own messages
    r"|thanks?\s+(?:you\s+)?for\s+(?:signing\s+up|subscribing)|дякуємо\s+за\s+підписку"
    r"|спасибо\s+за\s+подписку|жазылғаныңызға\s+рахмет|error\s+(?:has\s+)?occurred"
    r"|there\s+was\s+an\s+error|сталася\s+помилка|произошла\s+ошибка|қате\s+орын\s+алды"
    r"|^(?:tell\s+us\s+)?what\s+(?:do\s+)?you\s+think|пишіть\s+у\s+коментарях"
    r"|пишите\s+в\s+комментариях|^(?:залиште|оставьте)\s+(?:свій\s+|свой\s+)?(?:коментар|комментарий)"
    r"|пікір(?:іңізді)?\s+қалдырыңыз"
    r"|^(?:print(?:\s+article)?|order\s+reprints|версія\s+для\s+друку|версия\s+для\s+печати)\W*$",
)
# Who reported and edited, as agencies sign: "(Reporting by ...; Editing by ...)",
# "AP writers ... contributed to this report". A byline, like AUTHOR; a source
# ("Джерело: Reuters") is not one and stays.
STAFF_CREDIT = re.compile(
    r"^\W*(?:additional\s+)?(?:reporting|editing|writing)\s+by\b"
    r"|\b(?:writers?|correspondents?)\b.{0,200}\bcontributed\s+to\s+this\s+report"
)
# "Оновлено: 14:20", "Updated at 1:23 p.m.": a dateline behind a label.
DATELINE_LABEL = re.compile(
    r"^\W*(?:updated|published|posted|оновлено|опубліковано|обновлено|опубликовано"
    r"|жаңартылды|жарияланды)(?:\s+(?:at|on|о|в))?\s*:?\s*"
)
# "Поділіться з друзями", "Share it with a friend!"
SHARE = re.compile(
    CLAUSE_START + r"(?:share\s+(?:it|this)|поділіться|поделитесь)(?!\w)|бөлісіңіз(?!\w)"
)
# "Пишіть нам: news@visnyk.example"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
CONTACT_VERB = re.compile(
    r"(?<!\w)(?:пишіть|напишіть|пишите|напишите|звертайтеся|обращайтесь|жазыңыз|хабарласыңыз"
    r"|write|email|e-mail|contact)(?!\w)"
)
COOKIE = re.compile(r"cookie|куки|кукі")
COOKIE_VERB = re.compile(r"використову|использу|\buse\b|қолдан|погоджу|соглаша|agree|accept")
AUTHOR = re.compile(
    rf"^(?:(?:автор(?:ка|и|ы)?|авторы|author|текст|редактор(?:ка)?|editor)"
    rf"(?:\s+(?:матеріалу|материала|статті|статьи|тексту|текста))?\s*[:—–-]\s*"
    rf"|by\s+(?-i:(?=[{UP}])))[\w'’. -]{{2,60}}(?:,\s*[\w'’. -]{{2,60}})*$",
    re.I,
)
# "Ігор ПетрукНовини": a name glued to a section label by a lost separator.
GLUED_BYLINE = re.compile(
    rf"^(?:[{UP}][{LOW}'’-]+\s+){{1,3}}[{UP}][{LOW}'’-]*[{LOW}](?P<tail>[{UP}][{LOW}'’-]+"
    rf"(?:\s+[{UP}{LOW}][{LOW}'’-]+){{0,2}})$"
)
LATIN_SECTIONS = frozenset(
    "news politics world business economy society sport sports culture opinion analysis war "
    "tech technology health science life ukraine kazakhstan russia".split()
)

# --- dates and times, for "latest news" rails --------------------------------
MONTH = (
    r"(?:січ(?:ня|ень)?|лют(?:ого|ий)?|берез(?:ня|ень)|бер|квіт(?:ня|ень)|кві|трав(?:ня|ень)|тра"
    r"|черв(?:ня|ень)|чер|лип(?:ня|ень)?|серп(?:ня|ень)|сер|верес(?:ня|ень)|вер|жовт(?:ня|ень)|жов"
    r"|листопад(?:а)?|лис|груд(?:ня|ень)|гру|январ[яь]|янв|феврал[яь]|фев|марта?|мар|апрел[яь]|апр"
    r"|ма[йя]|июн[яь]?|июл[яь]?|августа?|авг|сентябр[яь]|сент?|октябр[яь]|окт|ноябр[яь]|ноя"
    r"|декабр[яь]|дек|(?:қаңтар|қаң|ақпан|ақп|наурыз|нау|сәуір|сәу|мамыр|мам|маусым|мау|шілде|шіл"
    r"|тамыз|там|қыркүйек|қыр|қазан|қаз|қараша|қар|желтоқсан|жел)(?:да|де|ның|нің|ы|і)?"
    r"|january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september"
    r"|sept?|october|oct|november|nov|december|dec)\.?(?!\w)"
)
WEEKDAY = (
    r"понеділ\w*|вівтор\w*|серед[аи]|четвер\w*|п'ятниц\w*|субот\w*|неділ\w*|понедельник|вторник"
    r"|среда|четверг|пятниц\w*|суббот\w*|воскресень\w*|дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма"
    r"|сенбі|жексенбі|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
)
TS_TOKEN = (
    rf"\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?(?:\s*[ap]\.?m\.?)?|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}\s+{MONTH}(?:\s*,?\s*\d{{4}})?|{MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
    r"|(?:19|20)\d\d"
    rf"|сьогодні|вчора|позавчора|сегодня|вчера|позавчера|бүгін|кеше|today|yesterday|{WEEKDAY}"
    r"|\d+\s+(?:хв|хвилин[аиу]?|годин[аиу]?|год|мин|минут[аы]?|час(?:а|ов)?|сағат|min|minutes?"
    r"|hours?|h|days?|день|дн(?:і|ів|я|ей)|доби|күн)\.?\s+(?:тому|назад|бұрын|ago)"
    r"|(?:р|г|року|года|ж|жыл|жылы|сағ)\.?|[ову]|at"
)
TS_SEP = r"[\s,|/•·—–.-]*"
TS_RUN = rf"(?:{TS_TOKEN})(?!\w)(?:{TS_SEP}(?:{TS_TOKEN})(?!\w))*"
PURE_TS = re.compile(rf"^\W*{TS_RUN}[\s.,]*$")
TS_PREFIX = re.compile(rf"^\W*{TS_RUN}\s*[|•·—–:-]?\s*(?=[\w«\"“])")
TS_SUFFIX = re.compile(rf"(?<=\w|[»\"”?!])\s*[|•·—–-]?\s*{TS_RUN}[\s.]*$")
DIGIT = re.compile(r"\d")
MOMENT = re.compile(
    r"\d:\d\d|\d[./]\d{1,2}[./]\d\d|\d{4}-\d\d-\d\d|\d\s*\w+\.?\s+(?:тому|назад|бұрын|ago)"
    r"|сьогодні|вчора|позавчора|сегодня|вчера|позавчера|бүгін|кеше|today|yesterday"
)
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
MONTH_WORD = re.compile(rf"(?<!\w){MONTH}")
# List items and table rows as trafilatura renders them.
STRUCTURED = re.compile(r"^(?:[-•*]\s|\|)")
SENTENCE_END = ".;:,…"
