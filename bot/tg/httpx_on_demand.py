"""httpx, imported only when something uses it.

PTB imports httpx for its default transport (HTTPXRequest), and with it httpcore, h11,
anyio, certifi and their modules: about 5 MB resident in every bot process. Kabar sends
through aiohttp (bot/tg/http.py), so a running bot never uses them.

While PTB is imported, `httpx` is a stand-in module. At import time PTB reads only
`httpx.AsyncClient`, `httpx.Proxy` and `httpx.URL`, in type annotations, and gets `Any`. Afterwards
the stand-in leaves `sys.modules`: an `import httpx` anywhere imports the real one, and
PTB's own modules, which hold the stand-in, get the real httpx's attributes through it
the first time they use one (PTB's default transport, if something builds a Bot without
Kabar's).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

# What PTB's modules read from httpx while they are imported (annotations only).
_READ_AT_IMPORT = ("AsyncClient", "Proxy", "URL")


class _OnDemand(ModuleType):
    """Forwards every attribute to the real httpx, importing it on first use."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's own probes, e.g. __path__
            raise AttributeError(name)
        if sys.modules.get("httpx") is self:
            del sys.modules["httpx"]
        return getattr(importlib.import_module("httpx"), name)


@contextmanager
def httpx_on_demand() -> Iterator[None]:
    """Inside, `import httpx` gives the stand-in (unless httpx is imported already)."""
    if "httpx" in sys.modules:
        yield
        return
    stand_in = _OnDemand("httpx", __doc__)
    for name in _READ_AT_IMPORT:
        setattr(stand_in, name, Any)
    sys.modules["httpx"] = stand_in
    try:
        yield
    finally:
        for name in _READ_AT_IMPORT:
            delattr(stand_in, name)  # from now on, the real ones
        if sys.modules.get("httpx") is stand_in:
            del sys.modules["httpx"]
