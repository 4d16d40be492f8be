"""The operator's configuration: environment variables (or a `.env` file) and the contacts file.

Validated once, at start-up. Anything wrong becomes one `ConfigError` line that says what to fix.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.deep_links import CAMPAIGN, CAMPAIGN_RULE


class ConfigError(Exception):
    """A configuration problem, worded for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=".env", extra="ignore")

    token: SecretStr
    api_url: HttpUrl | None = None  # a self-hosted Bot API server; None means Telegram's
    db: Path = Path("counts.sqlite3")
    admins: Annotated[frozenset[int], NoDecode] = frozenset()
    contacts: Path = Path("contacts.toml")
    # Idle conversations are forgotten after this many seconds (FSM state and data).
    state_ttl: int = Field(default=24 * 3600, ge=60, le=7 * 24 * 3600)
    # Messages a second in all (Telegram allows about 30; paid broadcasts more) and how many
    # requests may wait for their turn (bot/outgoing): 2,000 is 80 s of sending at 25 a second
    # and about 100 MB of waiting updates (benchmarks/queue_memory.py: 52 KB a waiting tap).
    send_rate: float = Field(default=25.0, gt=0, le=1000)
    send_queue: int = Field(default=2_000, ge=1, le=1_000_000)
    redis_url: str | None = None
    # Webhook mode (bot/webhook.py) when a URL is set, else long polling. Telegram posts updates to
    # the URL (HTTPS, port 443, 80, 88 or 8443) with the secret in a header; the bot listens on
    # BOT_WEBHOOK_LISTEN, behind the reverse proxy that terminates TLS.
    webhook_url: HttpUrl | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1:8080"
    # The campaign tags of start links the bot counts (bot/deep_links.py); any other is not counted.
    campaigns: Annotated[frozenset[str], NoDecode] = frozenset()
    # DEBUG adds aiogram's line for every update handled (no reader's data: see bot/logs.py).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", value.get_secret_value()):
            raise ValueError("expected the token @BotFather gave, like 123456:ABC-DEF...")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # What setWebhook accepts as secret_token.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("expected 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, _, port = value.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("expected host:port, like 127.0.0.1:8080")
        return f"{host}:{port}"

    @property
    def listen(self) -> tuple[str, int]:
        """BOT_WEBHOOK_LISTEN as (host, port); an IPv6 host may be written in brackets."""
        host, _, port = self.webhook_listen.rpartition(":")
        return host.strip("[]"), int(port)

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part for part in value.replace(" ", "").split(",") if part]
            if not all(part.isdigit() for part in parts):
                raise ValueError("expected comma-separated numeric Telegram ids")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("campaigns", mode="before")
    @classmethod
    def _split_campaigns(cls, value: object) -> object:
        if isinstance(value, str):
            tags = [tag.strip() for tag in value.split(",") if tag.strip()]
            for tag in tags:
                if not CAMPAIGN.fullmatch(tag):
                    raise ValueError(f"{tag!r} is not a campaign tag: expected {CAMPAIGN_RULE}")
            return frozenset(tags)
        return value


_PHONE = r"^\+?[0-9][0-9 ()-]{5,24}$"
_HANDLE = r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$"
MAX_KNOWN_FAKES = 20  # all of them fit on one screen with its text (`locales check` measures it)


class Messenger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=32)
    url: HttpUrl


class Contacts(BaseModel):
    """The program's official channels. The bot shows only what is configured here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    example: bool = False  # true in contacts.example.toml: such a file may not go live
    hotline: tuple[Annotated[str, Field(pattern=_PHONE)], ...] = ()
    website: HttpUrl | None = None
    telegram_bot: Annotated[str, Field(pattern=_HANDLE)] | None = None
    telegram_channel: Annotated[str, Field(pattern=_HANDLE)] | None = None
    messengers: tuple[Messenger, ...] = ()
    find_url: HttpUrl | None = None  # «Хочу найти», for relatives
    icrc_url: HttpUrl | None = None
    icrc_phone: Annotated[str, Field(pattern=_PHONE)] | None = None
    # Usernames known to impersonate the program: "How to spot a fake" names them.
    known_fakes: Annotated[
        tuple[Annotated[str, Field(pattern=_HANDLE)], ...], Field(max_length=MAX_KNOWN_FAKES)
    ] = ()

    @field_validator("telegram_bot", "telegram_channel")
    @classmethod
    def _strip_at(cls, value: str | None) -> str | None:
        return value.lstrip("@") if value else value

    @field_validator("known_fakes")
    @classmethod
    def _strip_ats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(handle.lstrip("@") for handle in value)

    @property
    def any_program_channel(self) -> bool:
        return bool(
            self.hotline
            or self.website
            or self.telegram_bot
            or self.telegram_channel
            or self.messengers
        )


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "value"
    message = error["msg"]
    if (
        error["type"] == "tuple_type"
    ):  # the models hold lists as tuples; TOML and the operator say list
        message = "Input should be a list, written [ ... ] in TOML"
    return f"{where}: {message}"


# What contacts.example.toml holds: reserved example domains (RFC 2606), +000 numbers, example
# handles. None of it may reach a reader, even once `example = true` is gone.
_EXAMPLE_HOSTS = ("example.org", "example.com", "example.net")


def _looks_like_example(value: str) -> bool:
    text = value.strip().lower()
    if text.startswith(("http://", "https://")):
        host = (urlsplit(text).hostname or "").rstrip(".")
        return host.endswith(".example") or any(
            host == domain or host.endswith("." + domain) for domain in _EXAMPLE_HOSTS
        )
    if text.startswith("+") or text[:1].isdigit():
        return re.sub(r"\D", "", text).startswith("000")
    return "example" in text  # a handle


def example_values(contacts: Contacts) -> list[str]:
    """Where the contacts still hold one of the example's values ("hotline[0]", "website")."""
    found: list[str] = []

    def walk(where: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{where}.{key}" if where else key, item)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(f"{where}[{index}]", item)
        elif isinstance(value, str) and not where.endswith(".name") and _looks_like_example(value):
            found.append(where)

    walk("", contacts.model_dump(mode="json"))
    return found


def check_live(contacts: Contacts, path: Path) -> None:
    """Raise ConfigError unless the contacts may go live: no `example = true`, no example value."""
    if contacts.example:
        raise ConfigError(
            f"{path} says `example = true`: fill in the program's verified official channels "
            "and remove that line before going live"
        )
    if found := example_values(contacts):
        raise ConfigError(
            f"{path} still holds the example's values ({', '.join(found)}): replace each with "
            "the program's verified contact, or delete it"
        )


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic checks them, as it checks the environment
    except ValidationError as exc:
        error = exc.errors()[0]
        name = "BOT_" + str(error["loc"][0]).upper() if error["loc"] else "BOT_*"
        if error["type"] == "missing":
            raise ConfigError(f"{name} is not set: set it in the environment or in .env") from None
        raise ConfigError(f"{name} is not valid ({error['msg']})") from None


def check_mode(settings: Settings) -> None:
    """Webhook mode needs its secret: without it anyone who finds the URL could post updates."""
    if settings.webhook_url is not None and settings.webhook_secret is None:
        raise ConfigError(
            "BOT_WEBHOOK_SECRET is not set: webhook mode (BOT_WEBHOOK_URL) needs it; every "
            "instance shares it (1 to 256 characters of A-Z, a-z, 0-9, _ and -)"
        )


def load_contacts(path: Path) -> Contacts:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"contacts file {path} not found: copy contacts.example.toml, fill in the "
            "program's official channels and point BOT_CONTACTS at it"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"contacts file {path} cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"contacts file {path} is not valid TOML ({exc})") from None
    try:
        return Contacts.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"contacts file {path}: {_first_error(exc)}") from None
