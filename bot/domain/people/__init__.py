"""People as the bot sees them: registration, reachability, pausing."""
