"""Conversations: flows run for people against the database.

The runner starts (one or many), answers, cancels and restarts a person's conversation,
keeps its state as versioned JSON, and carries it over when its flow's version changes;
a binding per flow says what the answers mean to the domain.
"""
