"""PTB's HTTP transport on aiohttp instead of httpx.

PTB keeps the Bot API semantics (building the request, decoding the answer, mapping errors
to RetryAfter, Forbidden, BadRequest, TimedOut and NetworkError); this class only moves the
bytes. httpx (with anyio and h11 in pure Python) was about a third of `kabar run`'s CPU when
families answer at once; aiohttp parses HTTP in C.
"""

from __future__ import annotations

import functools

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.lib import fastjson

_JSON = {"Content-Type": "application/json"}


# How long a call's answer is waited for. Telegram sometimes answers after several seconds
# and still performs the call: a message given up on after PTB's 5 s was sent again, and
# arrived twice. A call that has not answered in 30 s is retried.
READ_TIMEOUT_S = 30.0


@functools.lru_cache(maxsize=16)
def _timeout(
    read: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """The timeouts of a call, made once for each of the few combinations in use."""
    return aiohttp.ClientTimeout(
        total=None,
        connect=None if pool is None or connect is None else pool + connect,
        sock_connect=connect,
        sock_read=read,
    )


class AiohttpRequest(BaseRequest):
    """A pool of keep-alive connections to the Bot API; a read timeout that fits Telegram's
    real latency (`READ_TIMEOUT_S`), the other timeouts as PTB's defaults."""

    __slots__ = ("_connections", "_session", "_timeouts")

    def __init__(
        self,
        *,
        connections: int = 16,
        read_timeout: float | None = READ_TIMEOUT_S,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._connections = connections
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts[0]

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """PTB's reading of an answer, through orjson (bot/lib/fastjson.py): every answer,
        getUpdates' included, is read here."""
        try:
            parsed: JSONDict = fastjson.loads(payload)
        except ValueError:  # what PTB does with an unreadable answer
            return BaseRequest.parse_json_payload(payload)
        return parsed

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
                # The Bot API sets no cookies: reading every answer for them is wasted work.
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read, write, connect, pool = (
            default if isinstance(given, DefaultValue) else given
            for given, default in zip(
                (read_timeout, write_timeout, connect_timeout, pool_timeout),
                self._timeouts,
                strict=True,
            )
        )
        # aiohttp has no write timeout of its own: a body is written within `connect` +
        # `read`. Its `connect` covers waiting for a pooled connection and connecting.
        del write
        timeout = _timeout(read, connect, pool)
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and request_data.contains_files:
            form = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, mime) in request_data.multipart_data.items():
                form.add_field(name, content, filename=filename, content_type=mime)
            data = form
        elif request_data is not None:
            # One JSON document, which the Bot API takes as well as a form: URL-encoding
            # every field, each JSON-encoded on its own, cost more than the request itself.
            data, headers = fastjson.dumps_bytes(request_data.parameters), _JSON
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
