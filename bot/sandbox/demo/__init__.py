"""`kabar demo`: the whole loop on this machine, with a sandbox Telegram and simulated families."""
