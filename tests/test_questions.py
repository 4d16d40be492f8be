"""Typed questions: the right sections, best first, in the reader's language and from the texts of
their audience; honestly no answer when nothing matches; nothing of the question kept. The question
sets are in tests/questions/."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter as Tally
from collections.abc import Iterable

import pytest
from aiogram import Bot
from aiogram.utils.i18n import I18n

from benchmarks.questions import LANGUAGES, audiences, load
from bot import search
from bot.audiences import offered
from bot.callbacks import Action, ChooseAudience, ChooseRole, Do, Nav, Role
from bot.config import Contacts
from bot.content.audiences import Audience, for_language
from bot.content.tree import BY_ID, HOME
from bot.languages import make_i18n
from fake_telegram import Call, OfflineSession
from storage import Event
from tests.conftest import ReaderFactory

from .conftest import ROOT

MIN_TOP3 = 0.85
# Off-topic messages (of 10) a language's question set may see answered. Hindi: 3, each through a
# word the sections use in another sense: मौसम (the weather; the season's clothes, "Food and
# medical care"), फ़िल्म (a film; being filmed, "At capture"), कितने (how much; how many, "How
# many contacts?").
MAX_OFF_TOPIC = 2
MAX_OFF_TOPIC_BY_LANG = {"hi": 3}
I18N = make_i18n()
# Every language with a question set, with every audience it offers (bot/audiences.py), the one its
# readers get unless they choose first (Korean: North Korean soldiers).
OFFERED = [(lang, audience) for lang in LANGUAGES for audience in audiences(I18N, lang)]


def question_set(
    lang: str, audience: Audience | None = None
) -> tuple[list[tuple[str, frozenset[str]]], list[str]]:
    """The questions a reader of `audience` may ask in `lang` (with every audience's own questions
    if None: tests/questions/<lang>.toml), and the messages no section answers."""
    questions = load(lang)
    parts = questions.for_audience(audience)
    return [q for part in parts.values() for q in part], questions.off_topic


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18N


def index(i18n: I18n, contacts: Contacts, lang: str, audience: Audience) -> search.SectionIndex:
    with i18n.context(), i18n.use_locale(lang):
        return search.index_for(i18n, contacts, audience)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_question_set_is_real(lang: str, i18n: I18n, contacts: Contacts) -> None:
    """At least 40 questions, each naming real sections, none copied from a screen's title or
    text in any audience's version: a set that repeats the screens' wording would prove nothing."""
    questions, off_topic = question_set(lang)
    assert len(questions) >= 40 and len(off_topic) >= 10
    assert len({q for q, _ in questions}) == len(questions)
    screens = []
    for audience in offered(i18n, lang):
        with i18n.context(), i18n.use_locale(lang):
            screens += [
                re.sub(r"\W+", " ", f"{title} {text}".lower())
                for _id, title, text in search.rendered_sections(contacts, audience)
            ]
    for question, answers in questions:
        assert answers and answers <= set(BY_ID) - {HOME}, question
        words = re.sub(r"\W+", " ", question.lower()).strip()
        assert not any(words in screen for screen in screens), f"copied from a screen: {question}"


def test_every_language_is_measured_for_its_readers_audience() -> None:
    """Korean readers read the North Korean soldiers' texts unless they choose otherwise: the
    Korean questions are measured against those, and every other audience a language offers is
    measured too."""
    for lang in LANGUAGES:
        assert audiences(I18N, lang)[0] == for_language(lang)
    assert audiences(I18N, "ko")[0] == Audience.NORTH_KOREA
    assert {("en", Audience.FOREIGN), ("ru", Audience.FOREIGN)} <= set(OFFERED)


@pytest.mark.parametrize(("lang", "audience"), OFFERED, ids=lambda x: str(x))
def test_top3_accuracy(lang: str, audience: Audience, i18n: I18n, contacts: Contacts) -> None:
    questions, off_topic = question_set(lang, audience)
    idx = index(i18n, contacts, lang, audience)
    missed = [(q, a, idx.best(q)) for q, a in questions if not set(idx.best(q)) & a]
    accuracy = 1 - len(missed) / len(questions)
    assert accuracy >= MIN_TOP3, f"{lang}, {audience}: {accuracy:.0%}; missed: {missed}"
    # Nothing a section answers: the bot says so rather than suggest something unrelated.
    answered = [q for q in off_topic if idx.best(q)]
    assert len(answered) <= MAX_OFF_TOPIC_BY_LANG.get(lang, MAX_OFF_TOPIC), answered


def test_devanagari_words_keep_their_vowel_signs_virama_anusvara_and_nukta() -> None:
    """Combining marks (Mn, Mc) belong to the word: "हिंदी" is one word, not "ह" and "द"; a nukta
    typed apart or precomposed (क़ or क + ़) gives the same word."""
    assert search.words("हिंदी में नेपाली, युद्धबंदी! छोराछोरी") == [
        "हिंदी",
        "में",
        "नेपाली",
        "युद्धबंदी",
        "छोराछोरी",
    ]
    assert search.words("\u0958ैदी") == search.words("\u0915\u093c\u0948\u0926\u0940") != []
    # A zero-width joiner (a half form as some keyboards type it) does not split or change a word.
    assert search.words("क्\u200dया सरेंडर") == search.words("क्या सरेंडर")


def test_uzbek_apostrophes_are_one_letter_form() -> None:
    """oʻ, gʻ and the tutuq belgisi as a phone types them: ʻ ʼ ‘ ’ ' ` or nothing."""
    forms = ["oʻzbek", "o‘zbek", "o’zbek", "o'zbek", "o`zbek", "ozbek"]
    assert {tuple(search.words(f"{form}man, sheʼr")) for form in forms} == {("ozbekman", "sher")}


@pytest.mark.parametrize("lang", ["uz_Latn", "kk", "hi", "ne"])
def test_a_question_finds_the_same_sections_however_its_letters_are_typed(
    lang: str, i18n: I18n, contacts: Contacts
) -> None:
    idx = index(i18n, contacts, lang, for_language(lang))
    typed = {
        "uz_Latn": ["oʻzbekman menga ham toʻgʻri keladimi", "o'zbekman menga ham to'g'ri keladimi"],
        "kk": ["кімдер хабарласа алады", "кімдер хабарласа алады?"],
        "hi": ["क़ैद से माँ को फ़ोन", "\u0915\u093c\u0948\u0926 से माँ को फ\u093c\u094bन"],
        "ne": ["सोधपुछमा के भन्ने", "सोधपुछमा के भन्ने ?"],
    }[lang]
    found = [idx.best(question) for question in typed]
    assert found[0] and all(f == found[0] for f in found), found


@pytest.mark.parametrize(
    ("lang", "greeting"),
    [
        ("uz_Latn", "salom"),
        ("uz_Latn", "Assalomu alaykum!"),
        ("uz_Latn", "assalomu aleykum, rahmat"),
        ("kk", "сәлем"),
        ("kk", "Сәлеметсіз бе"),
        ("kk", "ассалаумағалейкум"),
        ("kk", "рахмет"),
        ("hi", "नमस्ते"),
        ("ne", "नमस्कार"),
    ],
)
async def test_a_greeting_gets_the_menu_not_a_section(reader, lang: str, greeting: str) -> None:  # type: ignore[no-untyped-def]
    """A greeting is not a question, though "сәлем" (hello) begins like "сәлемдеме" (a parcel)."""
    soldier = reader(user_id=37, language_code=lang.split("_")[0])
    requests = await soldier.send(greeting)
    assert answers_in(requests) == []
    [sent] = [r for r in requests if r.method == "sendMessage"]
    with I18N.context(), I18N.use_locale(lang):
        note = I18N.gettext(
            "There is no answer to that question here. Please choose a section from the menu. "
            "What you type is not kept."
        )
    assert sent.params["text"].startswith(note)


def test_a_greeting_inside_a_question_does_not_steer_it(i18n, contacts: Contacts) -> None:  # type: ignore[no-untyped-def]
    idx = index(i18n, contacts, "kk", Audience.FOREIGN)
    question = "тұтқындарды тамақтандыра ма"
    assert idx.best(f"сәлем, {question}") == idx.best(question) != []


def test_suggestions_are_at_most_three_distinct_sections(i18n: I18n, contacts: Contacts) -> None:
    idx = index(i18n, contacts, "ru", Audience.DEFAULT)
    for question, _answers in question_set("ru")[0]:
        found = idx.best(question)
        assert len(found) <= 3 and len(set(found)) == len(found) and HOME not in found
    assert idx.best("") == [] and idx.best("?!") == [] and idx.best("👍") == []


async def test_a_typed_question_gets_its_sections_as_buttons(
    reader: ReaderFactory, session: OfflineSession
) -> None:
    olena = reader(user_id=31, language_code="uk")
    await olena.send("/start")
    await olena.press(ChooseRole(role=Role.RELATIVE).pack())
    requests = await olena.send("син зник безвісти, як його шукати?")
    [sent] = [r for r in requests if r.method == "sendMessage"]
    assert "розділах" in sent.params["text"]  # the heading, in Ukrainian
    rows = sent.params["reply_markup"]["inline_keyboard"]
    targets = [Nav.unpack(row[0]["callback_data"]).to for row in rows]
    assert targets[-1] == HOME and 2 <= len(targets) <= 4
    assert "f_search" in targets[:-1]
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("uk"):
        title, text = i18n.gettext(BY_ID["f_search"].title), i18n.gettext(BY_ID["f_search"].text)
    assert rows[targets.index("f_search")][0]["text"] == title
    # A suggestion opens its section like any button.
    await olena.press(Nav(to="f_search").pack())
    assert olena.screen()[0].startswith(text)


async def test_no_match_says_so_and_shows_the_menu(reader: ReaderFactory) -> None:
    ivan = reader(user_id=32, language_code="ru")
    requests = await ivan.send("посоветуй фильм на вечер")
    [sent] = [r for r in requests if r.method == "sendMessage"]
    assert sent.params["text"].startswith("Здесь нет ответа на этот вопрос.")
    targets = [
        Nav.unpack(row[0]["callback_data"]).to
        for row in sent.params["reply_markup"]["inline_keyboard"]
        if row[0]["callback_data"].startswith("n:")
    ]
    assert targets == list(BY_ID[HOME].children)  # the main menu


def answers_in(requests: Iterable[Call]) -> list[str]:
    """The sections a reply to a typed question suggests; [] when it says there is no answer and
    shows the main menu (whose buttons have no way back to the menu)."""
    [sent] = [r for r in requests if r.method == "sendMessage"]
    targets = [
        Nav.unpack(row[0]["callback_data"]).to
        for row in sent.params["reply_markup"]["inline_keyboard"]
        if row[0]["callback_data"].startswith("n:")
    ]
    return targets[:-1] if targets[-1:] == [HOME] else []


async def test_a_question_is_matched_against_the_texts_of_the_readers_audience(
    reader: ReaderFactory,
) -> None:
    """Only the North Korean soldiers' texts say what is known of going to South Korea, and only
    the foreign recruits' texts speak of mercenaries: a Korean reader finds the one by default,
    a Russian reader the other once he has chosen the foreign recruits' texts, and not before."""
    kim = reader(user_id=35, language_code="ko")
    requests = await kim.send("남조선으로 갈수 있습니까")
    assert "q_who" in answers_in(requests)
    ali = reader(user_id=36, language_code="ru")
    question = "я наемник или военнопленный"
    assert answers_in(await ali.send(question)) == []  # the default texts do not answer it
    await ali.send("/start")
    await ali.press(Do(action=Action.AUDIENCES).pack())
    await ali.press(ChooseAudience(audience=Audience.FOREIGN).pack())
    assert {"rights", "q_who"} <= set(answers_in(await ali.send(question)))


class Recording:
    def __init__(self) -> None:
        self.events: Tally[tuple[str, str, str]] = Tally()

    def record(
        self, event: Event, *, lang: str, user_id: int, topic: str = "", audience: str = ""
    ) -> None:
        self.events[(event.value, lang, topic)] += 1


async def test_a_question_is_counted_once_and_a_phone_number_is_still_deleted_first(
    bot: Bot, contacts: Contacts
) -> None:
    from bot.app import build_dispatcher
    from bot.middlewares import Throttle
    from fake_telegram import OfflineReader

    counter = Recording()
    dispatcher = build_dispatcher(
        contacts=contacts, counter=counter, throttle=Throttle(enabled=False)
    )
    kim = OfflineReader(dispatcher, bot, user_id=33, language_code="ko")
    await kim.send("포로가 되면 때립니까?")
    await kim.send("/menu")
    requests = await kim.send("+7 916 123-45-67")
    assert [r.method for r in requests][:1] == ["deleteMessage"]
    await kim.send("/unknown command")
    assert counter.events == {("question", "ko", ""): 1}


async def test_a_button_press_does_not_build_the_index(reader: ReaderFactory) -> None:
    search._index.cache_clear()
    ivan = reader(user_id=34, language_code="ru")
    await ivan.send("/start")
    await ivan.press(ChooseRole(role=Role.SOLDIER).pack())
    for section in ("rights", "r_care", "faq", "q_bot", HOME):
        await ivan.press(Nav(to=section).pack())
    assert search._index.cache_info().currsize == 0
    await ivan.send("кормят ли в плену")
    assert search._index.cache_info().currsize == 1


def test_starting_the_bot_imports_neither_the_stemmer_nor_matplotlib() -> None:
    """Start-up pays for neither: the stemmer loads with the first question, matplotlib with the
    first chart."""
    code = (
        "import sys; import bot.__main__, bot.cli.run, bot.app\n"
        "from bot.app import build_dispatcher\n"
        "from pathlib import Path\n"
        "from bot.config import load_contacts\n"
        f"build_dispatcher(contacts=load_contacts(Path({str(ROOT / 'contacts.example.toml')!r})))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'Stemmer', 'numpy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout
