"""The database: one SQLAlchemy engine per URL, a session helper and the declarative ``Base`` all tables share.

The URL comes from ``settings.database_url`` (``SCREENING_DATABASE_URL``): an SQLite file by default, so nothing has
to be started, or PostgreSQL for a shared deployment. Modules that own tables (``screening.archive``, the batch
store) declare them on ``Base`` and call ``create_tables()`` before first use; creation is idempotent.

SQLite notes: the file's folder is created on demand; WAL journalling lets the API's readers work while a batch
writes; ``check_same_thread`` is off because FastAPI hands sessions across threads (each session is still used by
one thread at a time).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

from .config import settings


class Base(DeclarativeBase):
    pass


_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def _sqlite_file(url: str) -> Path | None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and url[len(prefix):] not in ("", ":memory:"):
        return Path(url[len(prefix):])
    return None


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured database)."""
    url = url or settings.database_url
    with _lock:
        if url not in _engines:
            _engines[url] = _create(url)
        return _engines[url]


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # An in-memory database lives in its one connection: share it (tests), or each session sees an empty one.
        pool = {} if path is not None else {"poolclass": StaticPool}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            if path is not None:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_tables(engine: Engine | None = None) -> None:
    Base.metadata.create_all(engine or get_engine())


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    session = sessionmaker(bind=engine or get_engine(), expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
