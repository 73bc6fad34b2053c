"""Flows and their texts, declared as data; the engine in bot/ runs them."""
