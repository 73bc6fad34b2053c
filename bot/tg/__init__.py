"""The Telegram edge, the only package that imports `telegram`: receives and parses
updates, routes them to handlers that call the domain, and maps Kabar's messages to Bot API
calls.
"""

import os

# Opt in to PTB 23's RetryAfter.retry_after as a timedelta now; the sender handles both.
os.environ.setdefault("PTB_TIMEDELTA", "1")
