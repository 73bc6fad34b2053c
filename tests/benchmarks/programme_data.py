"""A programme's year in a Kabar database, for the figures and export benchmarks.

Run: .venv/bin/python tests/benchmarks/programme_data.py URL [--participants 100000]
     [--rounds 52] [--seed 1]
URL: sqlite:///path.db (the file must not exist) or a PostgreSQL database that is empty
(`createdb -h 127.0.0.1 -U postgres kabar_bench_figures`). The schema comes from the
migrations (alembic upgrade head).

What it makes, for N participants (default 100,000) and R rounds (default 52):
- 4 cohorts (kg, kg, lembar, bungkus; WITA and WIB), 12 districts of 10 villages, one
  coordinator per district, one facilitator per 200 families (one district and cohort
  each), 3 staff; N registered families (5% of them register during the first 8 weeks)
  and N/100 invited who never registered.
- R closed weekly rounds per cohort and one open round (R+1) that 70% of its answers have
  reached: about N × R records. Families differ in how often they answer and produce; an
  answer has the quantity, the quantity sold, revenue in round thousands of rupiah, now and
  then problem codes with a note in the families' words, a help request or lateness; when
  not all was sold, whether the family wants its stock offered to buying partners (60%).
- 2% of families pause and 1.5% block the bot during the last 10 rounds (no records after).
- Alerts from the real rules (`evaluate`), 40% of them acted on (contacted, will visit, a
  note), 5% resolved; each family's stock kept for the pickup list (`refresh_stocks`).

Loading is in bulk: executemany in chunks on SQLite (journal off while loading), COPY on
PostgreSQL, with the records' secondary indexes dropped and rebuilt afterwards. Minutes,
not hours: about 3 min for 100,000 × 52 on this 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import case, func, insert, literal, select, update
from sqlalchemy.engine import make_url

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Alert, AlertAction, AlertStatus

START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
WEEK = timedelta(days=7)
CHUNK = 50_000
FAMILIES_PER_FACILITATOR = 200

# name, unit, price per unit (rupiah), time zone, local hour of the round
COHORTS = (
    ("pelepah-pisang-2025", "kg", 25_000, "Asia/Makassar", 0),
    ("keripik-singkong-2025", "kg", 40_000, "Asia/Makassar", 0),
    ("tenun-ikat-2025", "lembar", 150_000, "Asia/Makassar", 0),
    ("kue-basah-2025", "bungkus", 2_000, "Asia/Jakarta", 1),  # 08:00 WIB is 01:00 UTC
)
DISTRICTS = (
    "Komodo", "Boleng", "Lembor", "Lembor Selatan", "Welak", "Mbeliling", "Sano Nggoang",
    "Kuwus", "Kuwus Barat", "Ndoso", "Macang Pacar", "Pacar",
)  # fmt: skip
VILLAGE_START = ("Golo", "Wae", "Nanga", "Compang", "Poco", "Watu", "Liang", "Ranggu", "Batu")
VILLAGE_END = ("Mori", "Kelambu", "Lili", "Bilas", "Ndaru", "Sepang", "Dongo", "Nae", "Lenteng")
VILLAGE_END += ("Mbaru", "Sumberkare", "Tiwu", "Rii", "Pongkor")
FIRST = ("Endang", "Rohmah", "Rina", "Budi", "Dewi", "Hasanah", "Nur", "Lilik", "Wati", "Maria")
LAST = ("Purnomo", "Rahayu", "Setiawan", "Maryam", "Susanti", "Sari", "Goreti", "Jehaut")
CODES = ("tools", "raw_material", "market", "capital", "health", "skills", "other")
CODE_WEIGHTS = (0.30, 0.20, 0.20, 0.15, 0.05, 0.05, 0.05)
NOTES = {
    "tools": (
        "belum punya pengering", "pengering rusak", "timbangan rusak, butuh timbangan",
        "alat pengering belum datang", "mesin pemotong tumpul", "tidak ada timbangan",
    ),
    "raw_material": ("pelepah pisang habis", "bahan baku mahal", "benang habis di pasar"),
    "market": ("pembeli jauh", "harga turun di pengepul", "belum ada pembeli tetap"),
    "capital": ("modal habis untuk sekolah anak", "butuh pinjaman modal", "tidak ada modal"),
    "health": ("anak sakit", "suami sakit jadi tidak sempat", "saya sakit minggu ini"),
    "skills": ("belum bisa menganyam rapi", "perlu pelatihan lagi"),
    "other": ("hujan terus, tidak bisa menjemur", "banjir di desa", "ada hajatan keluarga"),
}  # fmt: skip
RECORD_COLUMNS = (
    "round_id", "person_id", "session_id", "status", "produced", "quantity_produced", "unit",
    "quantity_sold", "revenue_idr", "problems", "problem_note", "needs_help", "late",
    "answered_at", "created_at", "updated_at", "offer_stock",
)  # fmt: skip


class Loader:
    """Bulk inserts into one database, values given as Python objects."""

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def stamp(self, value: datetime) -> Any:
        return value

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteLoader(Loader):
    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.connection.execute("BEGIN")

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        self.connection.executemany(sql, rows)

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql).fetchall()

    def stamp(self, value: datetime) -> Any:
        # How SQLAlchemy stores a UTCDateTime on SQLite (bot/db/types.py): naive UTC text.
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        rows = self.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}'"
            " AND sql IS NOT NULL"
        )
        return [(name, sql) for name, sql in rows]

    def close(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.close()


class PostgresLoader(Loader):
    def __init__(self, url: str) -> None:
        import asyncpg

        parsed = make_url(url)
        self.loop = asyncio.new_event_loop()
        self.connection = self.loop.run_until_complete(
            asyncpg.connect(
                host=parsed.host or "127.0.0.1",
                port=parsed.port or 5432,
                user=parsed.username or "postgres",
                password=parsed.password,
                database=parsed.database,
            )
        )
        # Foreign keys are checked by triggers, one per row: the generated data is right.
        self.execute("SET session_replication_role = replica")

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        batch = list(rows)
        if batch:
            self.loop.run_until_complete(
                self.connection.copy_records_to_table(table, records=batch, columns=list(columns))
            )

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        rows = self.loop.run_until_complete(self.connection.fetch(sql))
        return [tuple(row) for row in rows]

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        # Indexes of no constraint (the primary key and unique constraints stay).
        return self.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes AS i WHERE i.tablename = "
            f"'{table}' AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c "
            "WHERE c.conname = i.indexname)"
        )

    def close(self) -> None:
        self.execute("SET session_replication_role = DEFAULT")
        self.loop.run_until_complete(self.connection.close())
        self.loop.close()


def _villages() -> list[str]:
    names = [f"{a} {b}" for b in VILLAGE_END for a in VILLAGE_START]
    return names[: len(DISTRICTS) * 10]


def _person_rows(
    loader: Loader, n: int, rounds: int, per_facilitator: int, rng: np.random.Generator
) -> dict[str, Any]:
    """People: staff, coordinators, facilitators and families, with their arrays."""
    created = loader.stamp(START - timedelta(days=30))
    villages = _villages()
    facilitators = max(1, n // per_facilitator)
    rows: list[tuple[Any, ...]] = []

    def person(pid: str, role: str, name: str, **cells: Any) -> tuple[Any, ...]:
        return (
            pid, role, name, cells.get("phone"), cells.get("cohort_id"), cells.get("village"),
            cells.get("district"), "Manggarai Barat", cells.get("supervisor_id"),
            cells.get("language"), "{}", cells.get("status", "active"), cells.get("consent_at"),
            cells.get("paused_at"), created, created,
        )  # fmt: skip

    registered = loader.stamp(START - timedelta(days=20))
    for i in range(1, 4):
        rows.append(person(f"STF-{i:02d}", "staff", f"Staf {i}", consent_at=registered))
    for i, district in enumerate(DISTRICTS, start=1):
        rows.append(
            person(f"KRD-{i:02d}", "coordinator", f"Koordinator {district}",
                   district=district, consent_at=registered)
        )  # fmt: skip
    for f in range(facilitators):
        d = f % len(DISTRICTS)
        rows.append(
            person(f"PDP-{f + 1:04d}", "facilitator", f"Pendamping {f + 1}",
                   district=DISTRICTS[d], supervisor_id=f"KRD-{d + 1:02d}",
                   cohort_id=f % len(COHORTS) + 1, consent_at=registered)
        )  # fmt: skip
    total = n + n // 100
    facilitator = np.arange(total) % facilitators
    district = facilitator % len(DISTRICTS)
    village = district * 10 + rng.integers(0, 10, total)
    cohort = facilitator % len(COHORTS)
    # Registration: most before the first round, 5% during the first 8 weeks, 1% never.
    joined = -rng.integers(1, 15 * 24, total) * 3600.0
    late = rng.random(total) < 0.05
    joined[late] = rng.integers(0, 8 * 7 * 24, int(late.sum())) * 3600.0
    registered_mask = np.arange(total) < n
    # Pausing and blocking the bot, in the last 10 rounds.
    leave = rng.random(total)
    leave_at = ((rounds - 10 + rng.integers(0, 10, total)) * 7 + 2) * 86400.0
    paused = registered_mask & (leave < 0.02)
    blocked = registered_mask & (leave >= 0.02) & (leave < 0.035)
    languages = (None, None, None, "jv", "en")
    for i in range(total):
        pid = f"KPM-{i + 1:06d}"
        consent = START + timedelta(seconds=float(joined[i])) if registered_mask[i] else None
        gone = START + timedelta(seconds=float(leave_at[i]))
        rows.append(
            person(
                pid, "participant", f"{FIRST[i % 10]} {LAST[(i // 10) % 8]}",
                phone=f"+62813{i + 1:08d}", cohort_id=int(cohort[i]) + 1,
                village=villages[int(village[i])], district=DISTRICTS[int(district[i])],
                supervisor_id=f"PDP-{int(facilitator[i]) + 1:04d}",
                language=languages[i % 5], consent_at=consent and loader.stamp(consent),
                status="paused" if paused[i] else "unreachable" if blocked[i] else "active",
                paused_at=loader.stamp(gone) if paused[i] else None,
            )
        )  # fmt: skip
    columns = (
        "id", "role", "name", "phone", "cohort_id", "village", "district", "regency",
        "supervisor_id", "language", "attributes", "status", "consent_at", "paused_at",
        "created_at", "updated_at",
    )  # fmt: skip
    for start in range(0, len(rows), CHUNK):
        loader.insert("people", columns, rows[start : start + CHUNK])
    accounts = [
        (f"KPM-{i + 1:06d}", 10_000_000 + i, 10_000_000 + i, loader.stamp(START), "invitation",
         loader.stamp(START + timedelta(seconds=float(leave_at[i]))) if blocked[i] else None,
         "Forbidden: bot was blocked by the user" if blocked[i] else None)
        for i in range(n)
    ]  # fmt: skip
    account_columns = ("person_id", "telegram_user_id", "chat_id", "linked_at", "linked_by")
    account_columns += ("unreachable_at", "unreachable_reason")
    for start in range(0, len(accounts), CHUNK):
        loader.insert("telegram_accounts", account_columns, accounts[start : start + CHUNK])
    return {
        "joined": np.where(registered_mask, joined, np.inf)[:n],
        "leave_at": np.where(paused | blocked, leave_at, np.inf)[:n],
        "cohort": cohort[:n],
    }


def _cohorts_and_rounds(loader: Loader, rounds: int) -> dict[int, list[tuple[int, datetime]]]:
    """Cohorts and their rounds: `rounds` closed, one open. {cohort: [(round id, opened)]}."""
    created = loader.stamp(START - timedelta(days=30))
    loader.insert(
        "cohorts",
        ("id", "name", "schedule", "timezone", "unit", "quiet_hours_start", "quiet_hours_end",
         "reminder_after_hours", "close_after_days", "max_quantity", "max_revenue_idr",
         "missed_rounds_threshold", "no_production_threshold", "escalate_after_days",
         "created_at"),
        [(i, name, "mon 08:00", zone, unit, "21:00", "06:00", 24, 6, 10_000, 1_000_000_000,
          2, 3, 3, created)
         for i, (name, unit, _price, zone, _hour) in enumerate(COHORTS, start=1)],
    )  # fmt: skip
    out: dict[int, list[tuple[int, datetime]]] = {}
    rows = []
    round_id = 0
    for cohort, (_name, _unit, _price, _zone, hour) in enumerate(COHORTS, start=1):
        out[cohort] = []
        for week in range(rounds + 1):
            round_id += 1
            opened = START + week * WEEK + timedelta(hours=hour)
            closed = loader.stamp(opened + WEEK) if week < rounds else None
            s = loader.stamp
            rows.append(
                (round_id, cohort, "scheduled", s(opened), s(opened), s(opened + timedelta(days=6)),
                 closed)
            )  # fmt: skip
            out[cohort].append((round_id, opened))
    columns = ("id", "cohort_id", "kind", "scheduled_for", "opened_at", "closes_at", "closed_at")
    loader.insert("rounds", columns, rows)
    return out


def _problems(rng: np.random.Generator, size: int, producing: np.ndarray) -> list[Any]:
    """Per record: None or (codes JSON, note)."""
    chance = np.where(producing, 0.25, 0.6)
    has = rng.random(size) < chance
    first = rng.choice(len(CODES), size, p=CODE_WEIGHTS)
    second = rng.choice(len(CODES), size, p=CODE_WEIGHTS)
    two = rng.random(size) < 0.2
    noted = rng.random(size) < 0.6
    pick = rng.integers(0, 6, size)
    out: list[Any] = []
    for i in range(size):
        if not has[i]:
            out.append(None)
            continue
        codes = [CODES[first[i]]]
        if two[i] and second[i] != first[i]:
            codes.append(CODES[second[i]])
        notes = NOTES[codes[0]]
        out.append((json.dumps(codes), notes[pick[i] % len(notes)] if noted[i] else None))
    return out


def _records(
    loader: Loader, rounds: dict[int, list[tuple[int, datetime]]], people: dict[str, Any],
    n: int, rng: np.random.Generator,
) -> int:  # fmt: skip
    answer_p = rng.choice([0.97, 0.88, 0.65, 0.3], n, p=[0.45, 0.3, 0.15, 0.1])
    produce_p = rng.choice([0.92, 0.7, 0.35, 0.05], n, p=[0.4, 0.3, 0.2, 0.1])
    scale = rng.lognormal(1.6, 0.6, n)
    ids = [f"KPM-{i + 1:06d}" for i in range(n)]
    total = 0
    weeks = len(next(iter(rounds.values())))
    conversation_id = 0
    for week in range(weeks):
        is_open = week == weeks - 1
        for cohort, series in rounds.items():
            round_id, opened = series[week]
            _name, unit, price, _zone, _hour = COHORTS[cohort - 1]
            seconds = (opened - START).total_seconds()
            members = np.nonzero(
                (people["cohort"] == cohort - 1)
                & (people["joined"] <= seconds)
                & (people["leave_at"] > seconds)
            )[0]
            size = len(members)
            u = rng.random(size)
            # Over the year families answer a little less often and produce a little more.
            progress = week / weeks
            p = answer_p[members] * (1 - 0.15 * progress)
            status = np.where(u < p * 0.94, 0, np.where(u < p, 1, 2))  # answered, partial, missed
            produced = rng.random(size) < produce_p[members]
            known = (status == 0) | ((status == 1) & (rng.random(size) < 0.5))
            grown = scale[members] * (0.7 + 0.6 * progress)
            quantity = np.maximum(0.5, np.round(grown * rng.lognormal(0, 0.4, size), 1))
            sold = np.where(
                rng.random(size) < 0.2, 0.0, np.round(quantity * rng.uniform(0.3, 1, size), 1)
            )
            revenue = np.maximum(5, np.round(sold * price * rng.uniform(0.8, 1.2, size) / 5000))
            minutes = rng.integers(5, 60 * 60, size)
            flags = rng.random(size)
            problems = _problems(rng, size, produced)
            stamps: dict[int, Any] = {}
            created = loader.stamp(opened)
            closed = loader.stamp(opened + WEEK)
            reached = rng.random(size) < 0.7
            rows = []
            conversations = []
            for k in range(size):
                state = int(status[k])
                if is_open:
                    conversation_id += 1
                    conversations.append(
                        (conversation_id, ids[members[k]], round_id, "checkin", 1, None, "{}", 1,
                         "completed" if state == 0 and reached[k] else "open", created, created)
                    )  # fmt: skip
                    if state == 2 or not reached[k]:
                        continue
                if state == 2:
                    rows.append(
                        (round_id, ids[members[k]], None, "missed", None, None, unit, None, None,
                         "[]", None, False, False, None, closed, closed, None)
                    )  # fmt: skip
                    continue
                minute = int(minutes[k])
                when = stamps.get(minute)
                if when is None:
                    when = stamps[minute] = loader.stamp(opened + timedelta(minutes=minute))
                made = bool(produced[k]) if known[k] else None
                full = state == 0
                q = float(quantity[k]) if made and (full or flags[k] < 0.5) else None
                s = float(sold[k]) if made and full else None
                r = int(revenue[k]) * 5000 if s else None
                codes, note = (problems[k] or ("[]", None)) if full else ("[]", None)
                # Asked when some is left over this time: 60% want it offered.
                offer = bool(flags[k] < 0.6) if s is not None and q is not None and q > s else None
                rows.append(
                    (round_id, ids[members[k]], conversation_id if is_open else None,
                     "answered" if full else "partial", made, q, unit, s, r, codes, note,
                     full and bool(flags[k] > 0.97), full and bool(0.5 < flags[k] < 0.53),
                     when if full else None, created, when, offer)
                )  # fmt: skip
            if conversations:
                columns = ("id", "person_id", "round_id", "flow", "flow_version", "step")
                columns += ("state", "revision", "status", "started_at", "updated_at")
                loader.insert("conversation_sessions", columns, conversations)
            loader.insert("follow_up_records", RECORD_COLUMNS, rows)
            total += len(rows)
    return total


async def refresh_all_stocks(url: str, now: datetime) -> None:
    """Every family's kept stock (the pickup list's rows), as finishing each check-in would
    have left it."""
    from bot.domain.stock.holdings import refresh_stocks

    db = Database(url)
    try:
        async with db.transaction() as session:
            await refresh_stocks(session, now)
    finally:
        await db.dispose()


async def _alerts(url: str, now: datetime) -> int:
    """The rules' alerts, then what facilitators did about some of them."""
    from bot.domain.alerts import evaluate

    db = Database(url)
    try:
        async with db.transaction() as session:
            await evaluate(session, now=now)
            acted = Alert.id % 5 <= 1
            await session.execute(
                insert(AlertAction).from_select(
                    ["alert_id", "actor_id", "action", "note", "at"],
                    select(
                        Alert.id,
                        Alert.assigned_to_id,
                        case((Alert.id % 2 == 0, "contacted"), else_="will_visit"),
                        literal(None, AlertAction.note.type),
                        literal(now, Alert.opened_at.type),
                    ).where(acted),
                )
            )
            await session.execute(
                update(Alert)
                .where(acted, Alert.status == AlertStatus.OPEN)
                .values(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=now)
            )
            noted = Alert.id % 10 == 1
            await session.execute(
                insert(AlertAction).from_select(
                    ["alert_id", "actor_id", "action", "note", "at"],
                    select(
                        Alert.id,
                        Alert.assigned_to_id,
                        literal("note"),
                        literal("sudah dikunjungi, butuh pengering"),
                        literal(now, Alert.opened_at.type),
                    ).where(noted),
                )
            )
            resolved = Alert.id % 20 == 3
            await session.execute(
                update(Alert)
                .where(resolved)
                .values(status=AlertStatus.RESOLVED, closed_at=now, closed_reason="resolved")
            )
            return int(await session.scalar(select(func.count()).select_from(Alert)) or 0)
    finally:
        await db.dispose()


def populate(
    url: str,
    *,
    participants: int = 100_000,
    rounds: int = 52,
    seed: int = 1,
    per_facilitator: int = FAMILIES_PER_FACILITATOR,
) -> dict[str, Any]:
    """Fill an empty database (migrated here); returns what was made. Tests use small
    sizes and fewer families per facilitator, for several cohorts and districts."""
    started = time.perf_counter()
    upgrade(url)
    rng = np.random.default_rng(seed)
    parsed = make_url(url)
    loader: Loader
    if parsed.drivername.startswith("sqlite"):
        loader = SqliteLoader(str(parsed.database))
    else:
        loader = PostgresLoader(url)
    if loader.execute("SELECT count(*) FROM people")[0][0]:
        loader.close()
        raise SystemExit(f"{url} is not empty")
    series = _cohorts_and_rounds(loader, rounds)
    people = _person_rows(loader, participants, rounds, per_facilitator, rng)
    indexes = loader.secondary_indexes("follow_up_records")
    for name, _sql in indexes:
        loader.execute(f"DROP INDEX {name}")
    records = _records(loader, series, people, participants, rng)
    for _name, sql in indexes:
        loader.execute(sql)
    if isinstance(loader, PostgresLoader):
        for table in ("rounds", "cohorts", "conversation_sessions"):
            loader.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
    loader.close()
    now = START + rounds * WEEK + timedelta(days=2)
    alerts = asyncio.run(_alerts(url, now))
    asyncio.run(refresh_all_stocks(url, now))
    if not parsed.drivername.startswith("sqlite"):
        asyncio.run(_vacuum(url))
    return {
        "participants": participants,
        "rounds": rounds,
        "records": records,
        "alerts": alerts,
        "now": now,
        "seconds": round(time.perf_counter() - started, 1),
    }


async def _vacuum(url: str) -> None:
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
        user=parsed.username or "postgres", password=parsed.password, database=parsed.database,
    )  # fmt: skip
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", help="sqlite:///new-file.db or an empty PostgreSQL database URL")
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=52)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    parsed = make_url(args.url)
    if parsed.drivername.startswith("sqlite") and Path(str(parsed.database)).exists():
        raise SystemExit(f"{parsed.database} exists: give a new file")
    made = populate(args.url, participants=args.participants, rounds=args.rounds, seed=args.seed)
    print(", ".join(f"{key} {value}" for key, value in made.items()))


if __name__ == "__main__":
    main()
