"""parse_mode handling: plain text of formatted messages, with Telegram's parse errors.

Only enough of Telegram's parser is modelled to catch the usual bot bugs (an unescaped
``.`` in MarkdownV2, an unclosed ``<b>`` in HTML) and to give transcripts the visible text.
"""

from __future__ import annotations

from html.parser import HTMLParser

from bot.sandbox.fakeapi.api_errors import ApiError, bad_request

_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_TOGGLES = ("||", "__", "*", "_", "~")


def _parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            raise _parse_error('Unsupported start tag "br"')
        if tag not in _HTML_TAGS:
            raise _parse_error(f'Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise _parse_error(f'Unexpected end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(text: str) -> str:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.parts)


def _markdown_v2_text(text: str) -> str:
    out: list[str] = []
    open_toggles: list[tuple[str, int]] = []
    link_depth = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 >= n:
                raise _parse_error(f"Can't find end of the entity starting at byte offset {i}")
            out.append(text[i + 1])
            i += 2
            continue
        if c == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            if end < 0:
                raise _parse_error(f"Can't find end of Code entity at byte offset {i}")
            body = text[i + len(fence) : end]
            if fence == "```" and "\n" in body:
                body = body.split("\n", 1)[1]  # drop the language line
            out.append(body.replace("\\`", "`").replace("\\\\", "\\"))
            i = end + len(fence)
            continue
        toggle = next((t for t in _MDV2_TOGGLES if text.startswith(t, i)), None)
        if toggle is not None:
            if open_toggles and open_toggles[-1][0] == toggle:
                open_toggles.pop()
            else:
                open_toggles.append((toggle, i))
            i += len(toggle)
            continue
        if c == "[":
            link_depth += 1
            i += 1
            continue
        if c == "]" and link_depth:
            link_depth -= 1
            if text.startswith("(", i + 1):
                close = text.find(")", i + 2)
                if close < 0:
                    raise _parse_error(f"Can't find end of a URL at byte offset {i}")
                i = close + 1
            else:
                i += 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # blockquote marker
            continue
        if c in _MDV2_RESERVED:
            raise _parse_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(c)
        i += 1
    if open_toggles:
        raise _parse_error(
            f"Can't find end of the entity starting at byte offset {open_toggles[-1][1]}"
        )
    if link_depth:
        raise _parse_error("Can't find end of a text URL entity")
    return "".join(out)


def _markdown_text(text: str) -> str:
    """Legacy Markdown: *bold* _italic_ `code` [text](url); no escaping rules to enforce."""
    out: list[str] = []
    opened: tuple[str, int] | None = None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "*_`":
            opened = None if opened and opened[0] == c else (opened or (c, i))
            i += 1
            continue
        if c == "[":
            close = text.find("](", i)
            end = text.find(")", close + 2) if close >= 0 else -1
            if close >= 0 and end >= 0:
                out.append(text[i + 1 : close])
                i = end + 1
                continue
        out.append(c)
        i += 1
    if opened:
        raise _parse_error(f"Can't find end of the entity starting at byte offset {opened[1]}")
    return "".join(out)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text a user would see; raises a 400 like Telegram for malformed markup."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _html_text(text)
    if mode == "markdownv2":
        return _markdown_v2_text(text)
    if mode == "markdown":
        return _markdown_text(text)
    if mode:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    return text
