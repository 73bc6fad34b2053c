"""The Telegram edge, the only package that imports `telegram`: receives and parses
updates, routes them to handlers that call the domain, and maps Kabar's messages to Bot API
calls.
"""

import os
import sys

from bot.tg.httpx_on_demand import httpx_on_demand

# Opt in to PTB 23's RetryAfter.retry_after as a timedelta now; the sender handles both.
os.environ.setdefault("PTB_TIMEDELTA", "1")

# httpx, which PTB imports, loads its command-line client whenever `click` and `rich` are
# installed (they are, for `kabar`'s own commands), and with it rich and pygments: about 100
# modules and 3 MB in every bot process. Kabar never runs httpx's client; a None entry
# makes that import fail quietly, as the import system documents, and httpx falls back.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

# PTB with httpx left unimported until something uses it (bot/tg/httpx_on_demand.py).
with httpx_on_demand():
    import telegram
    import telegram.ext

del telegram
