"""Persistence: typed models, the database (engine and transactions), migrations, and the
one place for SQL that SQLite and PostgreSQL spell differently (dialect.py).
"""
