"""Shared fixtures: a fresh, migrated database per test (SQLite file, or PostgreSQL).

Set KABAR_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test to run the suite on
PostgreSQL: every test then gets its own database cloned from a migrated template. When it
is set and the server cannot be reached, tests fail rather than skip.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.db.database import Database
from bot.db.migrate import upgrade
from tests.support.process import kill_leftovers

POSTGRES_URL = os.environ.get("KABAR_TEST_DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgres")
_counter = itertools.count()


def _run(coro: Any) -> Any:
    """Run a coroutine to completion from sync code even if a loop is running here."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as error:  # re-raised in the caller's thread
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


async def _pg_admin(sql: list[str]) -> None:
    import asyncpg

    url = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        for statement in sql:
            await connection.execute(statement)
    finally:
        await connection.close()


def _with_database(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database at head, made once per session and copied for each test."""
    if ON_POSTGRES:
        name = f"kabar_tpl_{os.getpid()}"
        _run(_pg_admin([f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"]))
        upgrade(_with_database(name))
        yield name
        _run(_pg_admin([f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"]))
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_url(_migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database at the head migration, private to this test."""
    if ON_POSTGRES:
        name = f"kabar_t_{os.getpid()}_{next(_counter)}"
        _run(_pg_admin([f"CREATE DATABASE {name} TEMPLATE {_migrated_template}"]))
        yield _with_database(name)
        _run(_pg_admin([f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"]))
    else:
        path = tmp_path / "kabar.db"
        shutil.copyfile(_migrated_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """URL of an empty database (no tables), for migration tests."""
    if ON_POSTGRES:
        name = f"kabar_e_{os.getpid()}_{next(_counter)}"
        _run(_pg_admin([f"CREATE DATABASE {name}"]))
        yield _with_database(name)
        _run(_pg_admin([f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"]))
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture(autouse=True)
def _no_leftover_processes() -> Iterator[None]:
    """A test that fails half-way must not leave `kabar run` loading the machine."""
    yield
    kill_leftovers()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        await database.dispose()
