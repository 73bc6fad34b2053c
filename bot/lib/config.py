"""Configuration from KABAR_* environment variables and an optional .env file.

Every wrong value is reported as one line naming the variable and what is expected, and all
of them are reported at once, so an operator fixes the file in one go, in KABAR_LOCALE's
language (Indonesian when that setting is itself wrong).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.lib.i18n import N_

if TYPE_CHECKING:
    from bot.lib.i18n import Translator

DEFAULT_DATABASE_URL = "sqlite:///kabar.db"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"
DEFAULT_TIMEZONE = "Asia/Jakarta"
DEFAULT_LOCALE = "id"

_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
_USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


def looks_like_token(value: str) -> bool:
    """Whether `value` has a Bot API token's shape (digits, a colon, the secret)."""
    return _TOKEN_RE.match(value) is not None


@dataclass(frozen=True, slots=True)
class Problem:
    """One wrong setting, untranslated: a msgid, its parameters, and those of its parameters
    that are phrases to translate as well."""

    msgid: str
    params: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)

    def text(self, t: Translator | None = None) -> str:
        say = t.gettext if t is not None else str
        return say(self.msgid).format(
            **self.params, **{name: say(phrase) for name, phrase in self.phrases.items()}
        )


class ConfigError(Exception):
    """One or more configuration values are wrong; each problem is one line (`lines()`, in
    `locale`; the exception's own text is English, for a traceback)."""

    def __init__(self, problems: list[Problem], locale: str = DEFAULT_LOCALE) -> None:
        super().__init__("\n".join(problem.text() for problem in problems))
        self.problems = problems
        self.locale = locale

    def lines(self) -> list[str]:
        from bot.lib.i18n import translator

        t = translator(self.locale)
        return [problem.text(t) for problem in self.problems]


NO_TOKEN = N_("KABAR_BOT_TOKEN: not set; expected the token BotFather gave, like 123456:ABC-…")
BAD_TOKEN = N_(
    "KABAR_BOT_TOKEN: not a bot token; expected digits, a colon and the secret, like "
    "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
)
BAD_DATABASE = N_(
    "KABAR_DATABASE_URL: unsupported database; expected sqlite:///path.db or "
    "postgresql://user@host/dbname"
)
BAD_API_URL = N_(
    "KABAR_TELEGRAM_API_URL: {value} is not a Bot API address; expected an http(s) URL ending "
    "in /bot, to which the token is appended, like https://api.telegram.org/bot"
)
BAD_USERNAME = N_(
    "KABAR_BOT_USERNAME: not a Telegram username; expected 5-32 letters, digits or "
    "underscores, like kabar_bot"
)
BAD_TIMEZONE = N_(
    "KABAR_TIMEZONE: unknown time zone {value}; expected an IANA name such as Asia/Jakarta, "
    "Asia/Makassar or Asia/Jayapura"
)
BAD_LOCALE = N_("KABAR_LOCALE: unsupported language {value}; expected one of {choices}")
NOT_A_NUMBER = N_("{name}: not a number; expected {expected}")
OUT_OF_RANGE = N_("{name}: {value} is out of range; expected {expected}")
BAD_PAID = N_("KABAR_PAID_BROADCAST: expected true or false")
BAD_LOG_FORMAT = N_("KABAR_LOG_FORMAT: expected text (one line per event) or json")


@dataclass(frozen=True, slots=True)
class Settings:
    bot_token: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    bot_username: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    locale: str = DEFAULT_LOCALE
    send_per_second: float = 30.0
    send_chat_interval_s: float = 1.0
    paid_broadcast: bool = False
    log_format: str = "text"  # text | json (KABAR_LOG_FORMAT)
    # Copies of the photos and voice notes people send (bot/domain/media): the folder
    # (default: media/ beside a SQLite database, ./media otherwise) and the largest file.
    media_dir: str | None = None
    media_max_bytes: int = 20 * 1024 * 1024

    @property
    def telegram_file_url(self) -> str:
        """PTB's base_file_url that goes with telegram_api_url (…/bot -> …/file/bot)."""
        base = self.telegram_api_url
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base.rstrip("/") + "/file/bot"

    def require_token(self) -> str:
        if not self.bot_token:
            raise ConfigError([Problem(NO_TOKEN)], self.locale)
        return self.bot_token

    def with_overrides(self, **changes: str | None) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> Settings:
    """Read and check the settings; the process environment wins over .env."""
    env: dict[str, str] = _read_dotenv(dotenv_path or Path.cwd() / ".env")
    env.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = env.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    problems: list[Problem] = []

    token = get("KABAR_BOT_TOKEN")
    if token is not None and not _TOKEN_RE.match(token):
        problems.append(Problem(BAD_TOKEN))

    database_url = get("KABAR_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(("sqlite", "postgresql", "postgres://")):
        problems.append(Problem(BAD_DATABASE))

    api_url = get("KABAR_TELEGRAM_API_URL") or DEFAULT_TELEGRAM_API_URL
    # The token is appended as it is: without the /bot the calls go to a wrong address
    # (http://host:8081123456:ABC…/getMe), a failure that names nothing the operator set.
    if not api_url.startswith(("http://", "https://")) or not api_url.endswith("/bot"):
        problems.append(Problem(BAD_API_URL, {"value": repr(api_url)}))

    username = get("KABAR_BOT_USERNAME")
    if username is not None:
        username = username.removeprefix("@")
        if not _USERNAME_RE.match(username):
            problems.append(Problem(BAD_USERNAME))

    timezone = get("KABAR_TIMEZONE") or DEFAULT_TIMEZONE
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(BAD_TIMEZONE, {"value": repr(timezone)}))

    from bot.lib.i18n import SUPPORTED_LOCALES

    locale = get("KABAR_LOCALE") or DEFAULT_LOCALE
    if locale not in SUPPORTED_LOCALES:
        choices = ", ".join(SUPPORTED_LOCALES)
        problems.append(Problem(BAD_LOCALE, {"value": repr(locale), "choices": choices}))

    send_per_second = _number(
        get("KABAR_SEND_PER_SECOND"),
        30.0,
        0.1,
        1000.0,
        "KABAR_SEND_PER_SECOND",
        problems,
        N_("messages a second, from 0.1 to 1000 (Telegram allows about 30 in bulk)"),
    )
    chat_interval = _number(
        get("KABAR_SEND_CHAT_INTERVAL"),
        1.0,
        0.0,
        60.0,
        "KABAR_SEND_CHAT_INTERVAL",
        problems,
        N_("seconds between bulk messages to one chat, from 0 to 60 (Telegram: about 1)"),
    )
    media_max_bytes = _number(
        get("KABAR_MEDIA_MAX_BYTES"),
        20 * 1024 * 1024,
        0,
        20 * 1024 * 1024,
        "KABAR_MEDIA_MAX_BYTES",
        problems,
        N_("the largest file to download, in bytes, up to 20971520 (Telegram's getFile limit)"),
    )
    paid = (get("KABAR_PAID_BROADCAST") or "false").lower()
    if paid not in ("true", "false", "1", "0", "yes", "no"):
        problems.append(Problem(BAD_PAID))

    log_format = (get("KABAR_LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        problems.append(Problem(BAD_LOG_FORMAT))

    if problems:
        raise ConfigError(problems, locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE)
    return Settings(
        log_format=log_format,
        send_per_second=send_per_second,
        send_chat_interval_s=chat_interval,
        paid_broadcast=paid in ("true", "1", "yes"),
        media_dir=get("KABAR_MEDIA_DIR"),
        media_max_bytes=int(media_max_bytes),
        bot_token=token,
        database_url=database_url,
        telegram_api_url=api_url,
        bot_username=username,
        timezone=timezone,
        locale=locale,
    )


def _number(
    raw: str | None,
    default: float,
    low: float,
    high: float,
    name: str,
    problems: list[Problem],
    expected: str,
) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        problems.append(Problem(NOT_A_NUMBER, {"name": name}, {"expected": expected}))
        return default
    if not low <= value <= high:
        params = {"name": name, "value": raw}
        problems.append(Problem(OUT_OF_RANGE, params, {"expected": expected}))
    return value
