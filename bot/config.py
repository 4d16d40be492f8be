"""The operator's configuration: environment variables (or a `.env` file) and the contacts file.

Validated once, at start-up. Anything wrong becomes one `ConfigError` line that says what to fix.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated

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
    # The campaign tags of start links the bot counts (bot/deep_links.py); any other is not counted.
    campaigns: Annotated[frozenset[str], NoDecode] = frozenset()

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", value.get_secret_value()):
            raise ValueError("expected the token @BotFather gave, like 123456:ABC-DEF...")
        return value

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
    return f"{where}: {error['msg']}"


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = "BOT_" + str(error["loc"][0]).upper() if error["loc"] else "BOT_*"
        if error["type"] == "missing":
            raise ConfigError(f"{name} is not set: set it in the environment or in .env") from None
        raise ConfigError(f"{name} is not valid ({error['msg']})") from None


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
