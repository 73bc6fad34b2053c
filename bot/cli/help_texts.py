"""The command line's help in the operator's language (KABAR_LOCALE), like its output.

Help texts are written in English in the commands themselves (docstrings and `help=`), as
click reads them. `extract` is the catalog extractor for the CLI's modules (babel.cfg): it
takes their gettext messages as Babel's Python extractor does, and each help text as click
will show it. `translate` swaps them for the operator's language before click runs.
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Iterator
from typing import IO, Any

import click

from bot.lib.i18n import N_, Translator


def _click_help(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of each command's docstring and each `help=` of a click decorator."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            isinstance(d, ast.Call) and ast.unparse(d.func).endswith((".command", ".group"))
            for d in node.decorator_list
        ):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                # As click shows it: cleaned, and cut at \f.
                yield node.lineno, inspect.cleandoc(doc).split("\f")[0]
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                text = value.value if isinstance(value, ast.Constant) else None
                if keyword.arg == "help" and isinstance(text, str):
                    yield node.lineno, text


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Any]:
    """Babel extractor: the module's gettext messages, then its click help texts."""
    from babel.messages.extract import extract_python

    content = fileobj.read()
    yield from extract_python(io.BytesIO(content), keywords, comment_tags, options)
    for line, text in _click_help(content.decode("utf-8")):
        yield line, None, text, []


def translate(command: click.Command, t: Translator) -> None:
    """Every help text of `command` and what is under it, in `t`'s language."""
    if command.help:
        command.help = t.gettext(inspect.cleandoc(command.help).split("\f")[0])
    for param in command.params:
        if isinstance(param, click.Option) and param.help:
            param.help = t.gettext(param.help)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate(sub, t)


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair of click's for the catalog (Babel extracts `ngettext` calls)."""
    return singular, plural


# Click's own words, as click writes them: its usage line, sections, help option and
# usage errors. Click looks them up with the standard `gettext` module's global domain,
# which Kabar's in-memory catalogs are not; `speak_click` hands click Kabar's instead.
CLICK_TEXTS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("Aborted!"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is not readable."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("default: {default}"),
)
CLICK_PLURALS = (
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."
    ),
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
)


def speak_click(t: Translator) -> None:
    """Click's own texts in `t`'s language: each of its modules looks them up through its
    `_` and `ngettext` names, bound at import to the standard gettext functions."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.types,
    ):
        if hasattr(module, "_"):
            module._ = t.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = t.ngettext  # type: ignore[attr-defined]
