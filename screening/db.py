"""The database: one SQLAlchemy engine per URL, a session helper, the declarative ``Base`` all tables share, and the
schema migration that creates and upgrades them.

The URL comes from the caller's ``Settings.database_url`` (``SCREENING_DATABASE_URL``): an SQLite file by default, so nothing has
to be started, or PostgreSQL (``postgresql+psycopg://…``) when several machines share one database. Modules that own
tables (``screening.archive``, the batch store, the duplicate index, …) declare them on ``Base`` and call
``create_tables()`` before first use.

Migrations: ``create_tables`` = ``migrate``. It creates the tables that are missing (``create_all``: a module that
declares a new table gets it on the next call), adds columns that a newer version declares on an existing table
(``ALTER TABLE … ADD COLUMN``; such columns must be nullable or have a server default, which the check enforces), and
records ``SCHEMA_VERSION`` in ``schema_version``. Why not Alembic: every change so far is additive, and an extra tool
with its own revision files would be one more thing for a bureau's IT person to run; ``migrate`` runs by itself at
start. On PostgreSQL it holds an advisory lock, so workers starting together on several machines migrate once; on
SQLite a racing ``CREATE TABLE`` is retried. A database newer than the code is used as it is, with a warning.

SQLite notes: the file's folder is created on demand; WAL journalling lets the API's readers work while a batch
writes; ``check_same_thread`` is off because FastAPI hands sessions across threads (each session is still used by
one thread at a time); writers from several processes wait up to 30 s for the write lock (``timeout``) instead of
failing at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, DateTime, Engine, Integer, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)

# 1: the tables before leases (archive, batches, fingerprints). 2: batch items and batches carry a lease.
# 3: a batch item may carry the other version of its material (Word + stamped PDF): companion columns.
# 4: duplicate fingerprints carry the record's word features (word hashes, rare-word weights, their version); rows
#    from v3 get theirs computed and stored the first time the record is a duplicate candidate (duplicates.index).
# 5: a record's word features with a call's form blanked out, per (record, form) (duplicate_blanked_features).
# 6: a record's word counts (duplicate_fingerprints.word_counts): its form-blanked features are a subtraction, so v5's
#    table is no longer read or written (left in place: migrations are additive). Features of another version are
#    recomputed from the record's text when the index is built (duplicates.index).
# 7: one 5-gram hash in eight of each record (duplicate_fingerprints.shingle_sample), for the duplicate index's gate;
#    rows from v6 get it from their text when the index is next built (duplicates.index).
SCHEMA_VERSION = 7
SQLITE_BUSY_SECONDS = 30
_SCHEMA_LOCK_KEY = 0x5C12EE  # pg_advisory_xact_lock key of the migration


class Base(DeclarativeBase):
    pass


class SchemaVersionRow(Base):
    __tablename__ = "schema_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_migrated: set[tuple[str, frozenset[str]]] = set()


def _sqlite_file(url: str) -> Path | None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and url[len(prefix) :] not in ("", ":memory:"):
        return Path(url[len(prefix) :])
    return None


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def get_engine(url: str) -> Engine:
    """The process-wide engine for ``url`` (one pool per database URL; the caller names the database, from its
    ``Settings.database_url``: no default, so nothing silently opens the database the environment names)."""
    with _lock:
        if url not in _engines:
            _engines[url] = _create(url)
        return _engines[url]


def dispose_engine(url: str) -> None:
    """Close the pooled connections of ``url``'s engine and forget it (tests dropping a database; shutdown)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        _migrated.difference_update({key for key in _migrated if key[0] == _url_key(engine)})
        engine.dispose()


def _url_key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # An in-memory database lives in its one connection: share it (tests), or each session sees an empty one.
        pool = {} if path is not None else {"poolclass": StaticPool}
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}, **pool)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            if path is not None:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    # pre_ping: a worker whose database restarted gets a fresh connection instead of a dead one from the pool.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def create_tables(engine: Engine) -> None:
    """Create and upgrade the schema (see ``migrate``); cheap after the first call for the same set of tables."""
    migrate(engine)


def migrate(engine: Engine) -> int:
    """Create missing tables, add missing columns, record ``SCHEMA_VERSION``; return the version found before."""
    key = (_url_key(engine), frozenset(Base.metadata.tables))
    if key in _migrated:
        return SCHEMA_VERSION
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                if is_postgres(engine):
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK_KEY})
                found = _migrate(conn)
            break
        except OperationalError:
            if is_postgres(engine) or attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))  # SQLite: another process created the same table a moment ago
    _migrated.add(key)
    return found


def _migrate(conn: Connection) -> int:
    inspector = inspect(conn)
    existing = set(inspector.get_table_names())
    found = _recorded_version(conn) if SchemaVersionRow.__tablename__ in existing else (1 if existing else 0)
    if found > SCHEMA_VERSION:
        log.warning("数据库结构版本 %d 比本程序（%d）新：请升级本机程序。", found, SCHEMA_VERSION)
    Base.metadata.create_all(conn)
    for table in Base.metadata.sorted_tables:
        if table.name in existing:
            _add_missing_columns(conn, table, {c["name"] for c in inspector.get_columns(table.name)})
    if found < SCHEMA_VERSION:
        _record_version(conn, found)
    return found


def _recorded_version(conn: Connection) -> int:
    return conn.execute(text("SELECT version FROM schema_version WHERE id = 1")).scalar() or 1


def utc_now() -> dt.datetime:
    """Now in UTC without a zone: what every table's timestamp columns hold (SQLite keeps no zone)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _record_version(conn: Connection, found: int) -> None:
    now = utc_now()
    table = SchemaVersionRow.__table__
    updated = conn.execute(table.update().where(table.c.id == 1).values(version=SCHEMA_VERSION, updated_at=now))
    if updated.rowcount == 0:
        conn.execute(table.insert().values(id=1, version=SCHEMA_VERSION, updated_at=now))
    if found:
        log.info("数据库结构已从版本 %d 升级到 %d", found, SCHEMA_VERSION)


def _add_missing_columns(conn: Connection, table, present: set[str]) -> None:
    """``ALTER TABLE … ADD COLUMN`` for columns declared in code but absent from the database (an upgrade)."""
    for column in table.columns:
        if column.name in present:
            continue
        if not column.nullable and column.server_default is None:
            raise RuntimeError(
                f"{table.name}.{column.name}: a column added by an upgrade needs nullable=True or a "
                "server_default, or existing rows cannot hold it"
            )
        ddl = f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column.type.compile(conn.dialect)}"
        if column.server_default is not None:
            default = column.server_default.arg
            ddl += f" DEFAULT {getattr(default, 'text', default)}"
            ddl += "" if column.nullable else " NOT NULL"
        conn.execute(text(ddl))
        log.info("数据库升级：%s 增加列 %s", table.name, column.name)


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Run the block in one process at a time, across every process using ``engine``'s database.

    For work that reads, decides, then writes in separate transactions (an archive import skips rows already there;
    the shipped selections are seeded once): two workers doing it at once would both decide "not there yet".
    PostgreSQL: a session advisory lock held on its own connection (any machine). SQLite: ``flock`` on a file beside
    the database (SQLite is one machine's file anyway); an in-memory database is one process, so a thread lock.
    """
    if is_postgres(engine):
        with engine.connect() as conn:
            key = zlib.crc32(name.encode())
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    path = _sqlite_file(_url_key(engine))
    if path is None:
        with _memory_locks.setdefault(name, threading.Lock()):
            yield
        return
    with open(path.with_name(f"{path.name}.{name}.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_memory_locks: dict[str, threading.Lock] = {}


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    session = sessionmaker(bind=engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
