"""The command line's help is in the operator's language (KABAR_LOCALE), like its output."""

from __future__ import annotations

import inspect
from pathlib import Path

import click

from bot.cli.main import cli
from bot.lib.i18n import translator
from tests.cli.support import run_kabar


def help_texts(command: click.Command) -> list[str]:
    found = [inspect.cleandoc(command.help).split("\f")[0]] if command.help else []
    found += [p.help for p in command.params if isinstance(p, click.Option) and p.help]
    if isinstance(command, click.Group):
        # Through get_command: `kabar`'s own commands are imported when asked for.
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            found += help_texts(sub)
    return found


def test_every_help_text_has_an_indonesian_translation() -> None:
    indonesian = translator("id")
    untranslated = [text for text in help_texts(cli) if indonesian.gettext(text) == text]
    assert untranslated == []


def test_help_in_indonesian_by_default_and_in_english_when_asked(tmp_path: Path) -> None:
    default = run_kabar(tmp_path, "db", "backup", "--help", locale="id")
    assert "Salin basis data ke berkas baru PATH" in "\n".join(default.out)
    english = run_kabar(tmp_path, "db", "backup", "--help")
    assert "Copy the database into the new file PATH" in "\n".join(english.out)
    listing = run_kabar(tmp_path, "--help", locale="id")
    assert any(line.split()[:2] == ["person", "Data"] for line in listing.out)


def test_click_own_words_are_in_the_operators_language_too(tmp_path: Path) -> None:
    # Usage, sections, the help option and a bad option or value: no English left in an
    # Indonesian help or error (click's texts, translated in Kabar's catalog).
    listing = "\n".join(run_kabar(tmp_path, "roster", "--help", locale="id").out)
    for english in ("Usage:", "Options:", "Commands:", "Show this message and exit."):
        assert english not in listing
    assert "Tampilkan pesan ini lalu keluar." in listing
    wrong = run_kabar(tmp_path, "records", "export", "--format", "pdf", locale="id")
    assert wrong.code == 2
    assert wrong.err[-1] == (
        "Galat: Nilai tidak valid untuk '--format': 'pdf' bukan salah satu dari 'csv', 'xlsx'."
    )
    assert wrong.err[1] == "Coba 'kabar records export --help' untuk bantuan."
    unknown = run_kabar(tmp_path, "roster", "import", "x.csv", "--bogus", locale="id")
    assert unknown.err[-1] == "Galat: Tidak ada opsi '--bogus'."
    english = run_kabar(tmp_path, "roster", "import", "x.csv", "--bogus")
    assert english.err[-1] == "Error: No such option '--bogus'."


def test_the_version_is_said_in_the_operators_language(tmp_path: Path) -> None:
    from bot import __version__

    assert run_kabar(tmp_path, "--version", locale="id").out == [f"kabar, versi {__version__}"]
    assert run_kabar(tmp_path, "--version").out == [f"kabar, version {__version__}"]
