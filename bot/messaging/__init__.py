"""Outgoing messages: what the domain decides to say, and the outbox that carries it."""
