"""Check-ins: the answers of a round's conversation become a typed follow-up record."""
