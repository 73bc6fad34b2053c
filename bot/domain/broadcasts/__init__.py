"""Broadcasts: announcements from staff to an audience, sent through the outbox."""
