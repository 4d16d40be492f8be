"""Several instances for real: two `python -m bot` processes in webhook mode, sharing a real Redis,
behind a round-robin forwarder; the fake Telegram posts every update to the forwarder with the
secret (tests/e2e/cluster.py).

- Crossing instances: one reader's conversation alternates between the instances and stays
  coherent (language, audience, place in the menu), and /erase reaches every message.
- Forged requests: without the secret, or with a wrong one: 403, nothing handled, nothing logged.
  A body too large or not an update: 400, never a traceback.
- An instance dies (SIGKILL) mid-conversation: the reader's next tap is answered by the other.
- /healthz: 200 while the instance can serve, 503 once Redis is gone.
- SIGTERM: exit 0, and the webhook stays set for the others.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.callbacks import ChooseAudience, ChooseLanguage, ChooseRole, Nav, Role
from bot.config import load_contacts
from bot.content.audiences import Audience
from bot.content.tree import BY_ID, HOME
from bot.languages import make_i18n
from bot.screens import section_screen
from fake_telegram import updates as api
from tests.e2e.cluster import HOOK_PATH, SECRET, Cluster, as_json, get, post
from tests.e2e.test_end_to_end import Conversation, Reader
from tests.e2e.test_operation import Bot, one_line_and_exit_2

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with Cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


def _section_with(audience: Audience) -> str:
    """A section reached from the main menu whose text differs for `audience`."""
    home = BY_ID[HOME]
    for child in home.children:
        if audience in BY_ID[child].texts:
            return child
    pytest.skip(f"no section of the main menu is written for {audience}")


def _expected(section: str, lang: str, audience: Audience, contacts_path: Path) -> str:
    contacts = load_contacts(contacts_path)
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(lang):
        return section_screen(section, contacts, audience).text


def test_a_conversation_crossing_instances_stays_coherent(cluster: Cluster) -> None:
    telegram, talk = cluster.telegram, Conversation(cluster.telegram)
    reader = Reader(api.user(5550002001, "Crossing", language_code="ru"))
    first = len(cluster.forwarder.served)
    talk.send(reader, api.command(reader.user, "/start"))
    talk.press(reader, ChooseRole(role=Role.SOLDIER).pack())
    talk.press(reader, ChooseLanguage(code="en").pack())  # a language chosen on one instance...
    talk.press(
        reader, ChooseAudience(audience=Audience.FOREIGN).pack()
    )  # ...an audience on the next
    talk.send(reader, api.command(reader.user, "/menu"))
    section = _section_with(Audience.FOREIGN)
    talk.press(reader, Nav(to=section).pack())
    contacts = cluster.bots[0].db.parent / "contacts.toml"
    text, rows = telegram.screen(reader.chat)
    assert text == _expected(section, "en", Audience.FOREIGN, contacts)
    # Deeper into the menu, one tap on each instance: each screen leads on from the last.
    branch = next(s for s in BY_ID[HOME].children if BY_ID[s].children)
    for step in (branch, BY_ID[branch].children[0]):
        buttons = [b["callback_data"] for row in rows for b in row if "callback_data" in b]
        assert Nav(to=step).pack() in buttons or step == branch, (step, buttons)
        talk.press(reader, Nav(to=step).pack())
        text, rows = telegram.screen(reader.chat)
        assert text == _expected(step, "en", Audience.FOREIGN, contacts)
    talk.send(reader, api.command(reader.user, "/erase"))

    served = cluster.forwarder.served[first:]
    assert set(served) == {0, 1}, served  # both instances took part...
    assert all(a != b for a, b in itertools.pairwise(served)), served  # ...in turn
    # The state both instances read and wrote: keys built with the bot's id and the destiny, each
    # with its time-to-live.
    import redis

    client = redis.Redis.from_url(cluster.redis.url, decode_responses=True)
    try:
        every = [str(key) for key in client.keys("*")]  # str already: decode_responses
        keys = [key for key in every if key.startswith("fsm:")]  # beside them, bot/shared's keys
        assert keys and all(key.startswith(f"fsm:{telegram.bot_user['id']}:") for key in keys)
        assert all(":default:" in key for key in keys if not key.endswith(":lock")), keys
        ttls = {key: client.ttl(key) for key in every}
        # Every key expires (-2: one that expired since it was listed, a flood bucket refilled).
        assert [k for k, ttl in ttls.items() if ttl == -1] == [], ttls
    finally:
        client.close()
    left = telegram.messages_in(reader.chat)
    assert len(left) == 1 and left[0]["from"]["is_bot"], left  # every message erased but its note
    assert telegram.unanswered_callback_queries() == []


def test_forged_requests_are_refused_unhandled_and_unlogged(cluster: Cluster) -> None:
    reader = api.user(5550002002, "Forger", language_code="en")
    update = as_json({"update_id": 999_001, **api.command(reader, "/start")})
    calls, logs = len(cluster.telegram.calls), [bot.stderr for bot in cluster.bots]
    for index in range(2):
        url = cluster.instance_url(index) + HOOK_PATH
        for headers in (
            {"Content-Type": "application/json"},
            {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "guess"},
            {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET + "x"},
        ):
            status, _ = post(url, update, headers)
            assert status == 403, (index, headers)
    time.sleep(0.5)
    assert cluster.telegram.calls[calls:] == []  # nothing handled: no reply, no answer
    assert [bot.stderr for bot in cluster.bots] == logs  # and not a line in the log

    # With the secret, what is not an update is refused too: 400, and no traceback.
    good = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    url = cluster.instance_url(0) + HOOK_PATH
    for body in (b"{not json", b"[1, 2]", b'{"update_id": "x"}', b"\xff\xfe", b""):
        assert post(url, body, good)[0] == 400, body
    assert post(url, b"{" + b" " * (300 * 1024) + b"}", good)[0] == 400  # over the bound
    assert cluster.telegram.calls[calls:] == []
    assert all("Traceback" not in bot.stderr for bot in cluster.bots)
    assert all(bot.process.poll() is None for bot in cluster.bots)
    assert "5550002002" not in "".join(bot.stderr for bot in cluster.bots)


def test_health_is_200_on_every_instance_while_they_can_serve(cluster: Cluster) -> None:
    for index in range(2):
        assert get(cluster.instance_url(index) + "/healthz") == (200, b"ok")


def test_the_going_live_line_names_the_mode(cluster: Cluster) -> None:
    for bot in cluster.bots:
        [live] = [line for line in bot.stderr.splitlines() if "going live" in line]
        assert "mode webhook at 127.0.0.1, listening on 127.0.0.1:" in live, live
        assert "polling" not in live and SECRET not in bot.stderr


def test_webhook_mode_without_its_secret_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bot = Bot(tmp_path, "http://127.0.0.1:9", BOT_WEBHOOK_URL="https://bot.program.test/updates")
    one_line_and_exit_2(bot, "BOT_WEBHOOK_SECRET", "BOT_WEBHOOK_URL")


# Last in this file: it ends the module's cluster (one start of two processes for every test).
def test_an_instance_dies_and_the_other_answers_then_stops_cleanly(cluster: Cluster) -> None:
    telegram, talk = cluster.telegram, Conversation(cluster.telegram)
    reader = Reader(api.user(5550002003, "Survivor", language_code="uk"))
    talk.send(reader, api.command(reader.user, "/start"))
    talk.press(reader, ChooseRole(role=Role.RELATIVE).pack())
    talk.send(reader, api.command(reader.user, "/menu"))
    doomed = cluster.forwarder.served[-1] ^ 1  # the one the next update goes to
    cluster.bots[doomed].process.kill()  # SIGKILL: no goodbye
    cluster.bots[doomed].process.wait(10)

    since = len(cluster.forwarder.served)
    section = BY_ID[HOME].children[0]
    talk.press(reader, Nav(to=section).pack())  # the reader's next tap
    assert cluster.forwarder.served[since:] == [doomed ^ 1]
    contacts = cluster.bots[0].db.parent / "contacts.toml"
    text = telegram.screen(reader.chat)[0]
    assert text == _expected(section, "uk", Audience.DEFAULT, contacts)  # still in Ukrainian
    assert telegram.unanswered_callback_queries() == []

    # Health: 200 while it can serve; 503 once the readers' state is out of reach.
    survivor = cluster.instance_url(doomed ^ 1) + "/healthz"
    assert get(survivor)[0] == 200
    cluster.redis.stop()
    assert get(survivor)[0] == 503
    cluster.redis.start()
    assert get(survivor)[0] == 200

    bot = cluster.bots[doomed ^ 1]
    assert bot.stop() == 0, bot.stderr
    assert telegram.calls_to("deleteWebhook") == []  # the others serve it
    assert telegram.webhook is not None
    assert "Traceback" not in bot.stderr and "5550002003" not in bot.stderr
