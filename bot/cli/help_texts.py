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

from bot.lib.i18n import Translator


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
