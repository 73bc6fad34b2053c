"""Persistence: typed models, the engine, migrations."""
