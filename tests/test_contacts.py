"""The contacts' validation in process (bot/config.py): what the operator may write, and what may
never reach a reader (an example's value). tests/test_startup.py runs the same refusals through
`python -m bot`, as the operator meets them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import ConfigError, Contacts, check_live, example_values, load_contacts
from tests.conftest import ROOT

LIVE = 'hotline = ["+380 800 111 222"]\nwebsite = "https://program.test/"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contacts.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "phone", ["+380 800 111 222", "0800 (50) 1-2-3", "+1234567", "+" + "1" * 25]
)
def test_phones_as_readers_dial_them(phone: str) -> None:
    assert Contacts(hotline=(phone,)).hotline == (phone,)
    assert Contacts(icrc_phone=phone).icrc_phone == phone


@pytest.mark.parametrize("phone", ["", "+12345", "call +380 800", "+" + "1" * 26, "++380800111"])
def test_what_is_not_a_phone_is_refused(phone: str) -> None:
    with pytest.raises(ValidationError):
        Contacts(hotline=(phone,))
    with pytest.raises(ValidationError):
        Contacts(icrc_phone=phone)


def test_handles_lose_their_at_and_must_be_telegram_usernames() -> None:
    contacts = Contacts(telegram_bot="@Official_bot", telegram_channel="channel_1")
    assert contacts.telegram_bot == "Official_bot"
    assert contacts.telegram_channel == "channel_1"
    assert Contacts(telegram_channel="@channel_1").telegram_channel == "channel_1"
    for bad in ("abc", "1abc", "has space", "a" * 33, "@@double"):
        with pytest.raises(ValidationError):
            Contacts(telegram_bot=bad)
    assert Contacts(telegram_bot="a" * 32).telegram_bot == "a" * 32


def test_known_fakes_lose_their_at_and_are_at_most_twenty() -> None:
    assert Contacts(known_fakes=("@fake_one", "fake_two")).known_fakes == ("fake_one", "fake_two")
    assert len(Contacts(known_fakes=tuple(f"fake{i:02}" for i in range(20))).known_fakes) == 20
    with pytest.raises(ValidationError):
        Contacts(known_fakes=tuple(f"fake{i:02}" for i in range(21)))


def test_an_unknown_key_is_refused_and_contacts_cannot_change() -> None:
    with pytest.raises(ValidationError):
        Contacts(hotlines=("+380 800 111 222",))  # type: ignore[call-arg]
    contacts = Contacts()
    with pytest.raises(ValidationError):
        contacts.website = None  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fields", "any_channel"),
    [
        ({}, False),
        ({"hotline": ("+380 800 111 222",)}, True),
        ({"website": "https://program.test/"}, True),
        ({"telegram_bot": "program_bot"}, True),
        ({"telegram_channel": "program_news"}, True),
        ({"messengers": ({"name": "Signal", "url": "https://program.test/s"},)}, True),
        # for relatives, not the program's own channels
        ({"find_url": "https://find.test/", "icrc_phone": "+41 22 730 2111"}, False),
    ],
)
def test_any_program_channel(fields: dict[str, object], any_channel: bool) -> None:
    assert Contacts.model_validate(fields).any_program_channel is any_channel


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/x",
        "http://EXAMPLE.COM",
        "https://www.example.net/",
        "https://program.example/",
        "https://example.org./x",
        " +000 00 000 0000",
        "000 123",
        "0 00 000 0000",
        "example_official_bot",
        "my_EXAMPLE",
    ],
)
def test_an_examples_value_is_found_wherever_it_is(value: str) -> None:
    if value.strip().startswith("http"):
        contacts = Contacts(website=value.strip(), find_url=value.strip())
        assert example_values(contacts) == ["website", "find_url"]
    elif value.strip()[:1] in "+0":
        contacts = Contacts(icrc_phone=value.strip(), hotline=("+380 800 111 222", value.strip()))
        assert example_values(contacts) == ["hotline[1]", "icrc_phone"]
    else:
        contacts = Contacts(telegram_channel=value, known_fakes=("fake_one", value))
        assert example_values(contacts) == ["telegram_channel", "known_fakes[1]"]


@pytest.mark.parametrize(
    "value",
    [
        "https://program.test/",
        "https://notexample.org/",
        "http://notexample.org/",
        "https://example.org.program.test/",
        "https://examples.com/",
        "+380 800 000 222",
        "program_bot",
    ],
)
def test_a_real_value_is_not_taken_for_an_example(value: str) -> None:
    if value.startswith("http"):
        contacts = Contacts(website=value)
    elif value.startswith("+"):
        contacts = Contacts(hotline=(value,))
    else:
        contacts = Contacts(telegram_bot=value)
    assert example_values(contacts) == []


def test_a_messengers_url_is_checked_and_its_name_is_not() -> None:
    contacts = Contacts.model_validate(
        {"messengers": [{"name": "example", "url": "https://example.org/w"}]}
    )
    assert example_values(contacts) == ["messengers[0].url"]


def test_check_live_refuses_the_example_flag_then_the_examples_values(tmp_path: Path) -> None:
    path = tmp_path / "contacts.toml"
    with pytest.raises(ConfigError) as flagged:
        check_live(Contacts(example=True, hotline=("+380 800 111 222",)), path)
    assert str(flagged.value) == (
        f"{path} says `example = true`: fill in the program's verified official channels and "
        "remove that line before going live"
    )
    with pytest.raises(ConfigError) as found:
        check_live(Contacts(hotline=("+000 1234567",), website="https://example.org/"), path)
    assert str(found.value) == (
        f"{path} still holds the example's values (hotline[0], website): replace each with the "
        "program's verified contact, or delete it"
    )
    check_live(Contacts(hotline=("+380 800 111 222",)), path)  # live: no error


def test_the_example_file_loads_and_may_not_go_live() -> None:
    contacts = load_contacts(ROOT / "contacts.example.toml")
    assert contacts.example and contacts.any_program_channel
    with pytest.raises(ConfigError, match="example = true"):
        check_live(contacts, ROOT / "contacts.example.toml")
    assert "hotline[0]" in example_values(contacts)


def test_a_live_file_loads(tmp_path: Path) -> None:
    contacts = load_contacts(write(tmp_path, LIVE))
    assert contacts.hotline == ("+380 800 111 222",)
    assert str(contacts.website) == "https://program.test/"
    assert not contacts.example


def test_each_problem_with_the_file_is_one_line_that_says_what_to_fix(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigError) as error:
        load_contacts(missing)
    assert str(error.value) == (
        f"contacts file {missing} not found: copy contacts.example.toml, fill in the program's "
        "official channels and point BOT_CONTACTS at it"
    )
    with pytest.raises(ConfigError) as error:
        load_contacts(tmp_path)  # a directory
    assert str(error.value).startswith(f"contacts file {tmp_path} cannot be read (")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match=r"cannot be read \(.*codec"):
        load_contacts(binary)
    with pytest.raises(ConfigError) as error:
        load_contacts(write(tmp_path, "hotline = [\n"))
    assert str(error.value).startswith(
        f"contacts file {tmp_path / 'contacts.toml'} is not valid TOML ("
    )
    with pytest.raises(ConfigError) as error:
        load_contacts(write(tmp_path, 'hotline = "+380 800 111 222"\n'))
    assert str(error.value) == (
        f"contacts file {tmp_path / 'contacts.toml'}: hotline: Input should be a list, written "
        "[ ... ] in TOML"
    )
    with pytest.raises(ConfigError) as error:
        load_contacts(write(tmp_path, '[[messengers]]\nname = "Signal"\nurl = "not a url"\n'))
    assert str(error.value).startswith(
        f"contacts file {tmp_path / 'contacts.toml'}: messengers.0.url: "
    )
    assert "Input should be a valid URL" in str(error.value)
    with pytest.raises(ConfigError) as error:
        load_contacts(write(tmp_path, "hotline = [1]\n"))
    assert str(error.value) == (
        f"contacts file {tmp_path / 'contacts.toml'}: hotline.0: Input should be a valid string"
    )
