"""Configuration: defaults, .env, and one clear line per wrong value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lib.config import ConfigError, load_settings


def test_defaults_without_anything(tmp_path: Path) -> None:
    settings = load_settings({}, dotenv_path=tmp_path / ".env")
    assert settings.database_url == "sqlite:///kabar.db"
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.telegram_file_url == "https://api.telegram.org/file/bot"
    assert settings.timezone == "Asia/Jakarta"
    assert settings.locale == "id"
    assert settings.bot_token is None


def test_dotenv_is_read_and_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "KABAR_TIMEZONE=Asia/Makassar\nKABAR_LOCALE=en\nKABAR_BOT_USERNAME=@kabar_bot\n"
    )
    settings = load_settings({"KABAR_LOCALE": "id"}, dotenv_path=dotenv)
    assert settings.timezone == "Asia/Makassar"
    assert settings.locale == "id"
    assert settings.bot_username == "kabar_bot"


def test_every_wrong_value_is_named_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            {
                "KABAR_BOT_TOKEN": "not-a-token",
                "KABAR_DATABASE_URL": "mysql://x",
                "KABAR_TELEGRAM_API_URL": "api.telegram.org",
                "KABAR_TIMEZONE": "Asia/Jakrta",
                "KABAR_LOCALE": "fr",
                "KABAR_BOT_USERNAME": "a b",
            },
            dotenv_path=tmp_path / ".env",
        )
    names = [line.split(":")[0] for line in caught.value.lines()]
    assert names == [
        "KABAR_BOT_TOKEN",
        "KABAR_DATABASE_URL",
        "KABAR_TELEGRAM_API_URL",
        "KABAR_BOT_USERNAME",
        "KABAR_TIMEZONE",
        "KABAR_LOCALE",
    ]
    # Said in Indonesian: KABAR_LOCALE is itself wrong here, so the default language.
    assert all("seharusnya" in line for line in caught.value.lines())


def test_run_needs_a_token(tmp_path: Path) -> None:
    settings = load_settings({}, dotenv_path=tmp_path / ".env")
    with pytest.raises(ConfigError, match="KABAR_BOT_TOKEN"):
        settings.require_token()


def test_the_media_folder_and_the_largest_download_can_be_set(tmp_path: Path) -> None:
    default = load_settings({}, dotenv_path=tmp_path / ".env")
    assert (default.media_dir, default.media_max_bytes) == (None, 20 * 1024 * 1024)
    settings = load_settings(
        {"KABAR_MEDIA_DIR": "/var/lib/kabar/media", "KABAR_MEDIA_MAX_BYTES": "5000000"},
        dotenv_path=tmp_path / ".env",
    )
    assert (settings.media_dir, settings.media_max_bytes) == ("/var/lib/kabar/media", 5_000_000)
    with pytest.raises(ConfigError, match="KABAR_MEDIA_MAX_BYTES: 30000000 is out of range"):
        load_settings({"KABAR_MEDIA_MAX_BYTES": "30000000"}, dotenv_path=tmp_path / ".env")


def test_the_problems_are_said_in_the_operators_language(tmp_path: Path) -> None:
    wrong = {"KABAR_SEND_PER_SECOND": "cepat", "KABAR_TIMEZONE": "Asia/Jakrta"}
    with pytest.raises(ConfigError) as indonesian:
        load_settings(wrong, dotenv_path=tmp_path / ".env")
    assert indonesian.value.lines() == [
        "KABAR_TIMEZONE: zona waktu 'Asia/Jakrta' tidak dikenal; seharusnya nama IANA seperti "
        "Asia/Jakarta, Asia/Makassar atau Asia/Jayapura",
        "KABAR_SEND_PER_SECOND: bukan angka; seharusnya pesan per detik, dari 0,1 sampai 1000 "
        "(Telegram mengizinkan sekitar 30 untuk pesan massal)",
    ]
    with pytest.raises(ConfigError) as english:
        load_settings({**wrong, "KABAR_LOCALE": "en"}, dotenv_path=tmp_path / ".env")
    assert english.value.lines()[1] == (
        "KABAR_SEND_PER_SECOND: not a number; expected messages a second, from 0.1 to 1000 "
        "(Telegram allows about 30 in bulk)"
    )
    unset = load_settings({"KABAR_LOCALE": "en"}, dotenv_path=tmp_path / ".env")
    with pytest.raises(ConfigError) as no_token:
        unset.require_token()
    assert no_token.value.lines() == [
        "KABAR_BOT_TOKEN: not set; expected the token BotFather gave, like 123456:ABC-…"
    ]


def test_a_bot_api_address_without_its_bot_path_is_named(tmp_path: Path) -> None:
    # The token is appended to it as it is: a self-hosted server's address without /bot
    # would call http://localhost:8081123456:…/getMe and fail naming nothing set.
    for address in ("http://localhost:8081", "http://localhost:8081/bot/"):
        with pytest.raises(ConfigError, match="KABAR_TELEGRAM_API_URL") as caught:
            load_settings(
                {"KABAR_TELEGRAM_API_URL": address, "KABAR_LOCALE": "en"},
                dotenv_path=tmp_path / ".env",
            )
        assert f"{address!r} is not a Bot API address" in caught.value.lines()[0]
    served = load_settings(
        {"KABAR_TELEGRAM_API_URL": "http://localhost:8081/bot"}, dotenv_path=tmp_path / ".env"
    )
    assert served.telegram_file_url == "http://localhost:8081/file/bot"
