"""The Telegram adapter: parses updates, calls the domain, writes the outbox."""

import os

# Opt in to PTB 23's RetryAfter.retry_after as a timedelta now; the sender handles both.
os.environ.setdefault("PTB_TIMEDELTA", "1")
