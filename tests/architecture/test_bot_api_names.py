"""Only the Telegram edge speaks the Bot API's language: the rest of Kabar writes its own
messages (bot/messaging/messages.py), and bot/tg/botapi.py maps them to Bot API calls."""

from __future__ import annotations

import ast

from bot.sandbox.fakeapi.methods import METHODS
from tests.architecture.imports import ROOT, sources

# Where the Bot API is spoken on purpose: the edge, and the fake Bot API with its demo.
SPEAKERS = ("bot.tg", "bot.sandbox")
# Parameters only a call to Telegram has (incoming updates are parsed by the inbox).
PARAMETERS = frozenset({"reply_markup", "inline_keyboard", "callback_query_id", "photo_b64"})


def _strings(tree: ast.AST) -> list[ast.Constant]:
    """String constants in code; docstrings may still say what Telegram does."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_module_outside_the_edge_names_a_bot_api_method_or_parameter() -> None:
    methods = {name for name, _ in METHODS.values() if name != name.lower()}
    assert {"sendMessage", "setMyCommands", "answerCallbackQuery"} <= methods
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for module, path in sources().items()
        if not module.startswith(SPEAKERS)
        for node in _strings(ast.parse(path.read_text(), filename=str(path)))
        if node.value in methods or node.value in PARAMETERS
    ]
    assert offenders == []
