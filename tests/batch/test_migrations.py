"""Schema migrations on SQLite and PostgreSQL: a fresh database, a database from before leases, new tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Integer, String, Table, inspect, text

from screening import archive, db  # noqa: F401 - archive declares archive_records
from screening.batch import Source
from screening.batch.store import BatchStore

# The two batch tables as version 1 (before leases) created them, enough of them to hold a queued batch.
V1_TABLES = [
    """CREATE TABLE batches (id VARCHAR(32) PRIMARY KEY, owner VARCHAR(200), campaign_id VARCHAR(100),
       material VARCHAR(100), unit_kind VARCHAR(30), title VARCHAR(200), status VARCHAR(20), total INTEGER,
       done INTEGER, failed INTEGER, error TEXT, refused TEXT, edits TEXT, duplicates TEXT, created_at TIMESTAMP,
       updated_at TIMESTAMP, finished_at TIMESTAMP)""",
    """CREATE TABLE batch_items (id VARCHAR(32) PRIMARY KEY, batch_id VARCHAR(32) REFERENCES batches(id),
       position INTEGER, filename VARCHAR(300), storage_name VARCHAR(64), sha256 VARCHAR(64), size INTEGER,
       status VARCHAR(20), report TEXT, error TEXT, text TEXT, updated_at TIMESTAMP)""",
]


def _version(url: str) -> int:
    with db.get_engine(url).connect() as conn:
        return conn.execute(text("SELECT version FROM schema_version")).scalar()


def test_a_fresh_database_gets_every_table_and_the_current_version(db_url):
    engine = db.get_engine(db_url)
    assert db.migrate(engine) == 0
    tables = set(inspect(engine).get_table_names())
    assert {"batches", "batch_items", "batch_files", "archive_records", "schema_version"} <= tables
    assert _version(db_url) == db.SCHEMA_VERSION


def test_a_database_from_before_leases_is_upgraded_and_its_batch_resumes(db_url):
    engine = db.get_engine(db_url)
    now = dt.datetime(2025, 5, 1, 9, 0)
    with engine.begin() as conn:
        for ddl in V1_TABLES:
            conn.execute(text(ddl))
        conn.execute(
            text(
                "INSERT INTO batches VALUES ('b1', '吉林局', 'nrta-2025-media-convergence', NULL, "
                "'province', '', 'running', 1, 0, 0, '', '[]', '{}', '{}', :t, :t, NULL)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO batch_items VALUES ('i1', 'b1', 1, '旧材料.txt', 'x.txt', '0', 3, 'pending', "
                "NULL, NULL, '', :t)"
            ),
            {"t": now},
        )
    assert db.migrate(engine) == 1  # tables without a recorded version are version 1
    columns = {c["name"] for c in inspect(engine).get_columns("batch_items")}
    assert {"lease_token", "lease_owner", "lease_until", "claimed_at", "attempts"} <= columns
    assert {"companion_filename", "companion_sha256"} <= columns  # schema 3: the paired stamped PDF
    assert _version(db_url) == db.SCHEMA_VERSION
    claim = BatchStore(engine).claim("升级后的进程", 60)
    assert (claim.batch_id, claim.item_id, claim.filename) == ("b1", "i1", "旧材料.txt")


def test_a_table_declared_later_is_created_on_the_next_call(db_url):
    engine = db.get_engine(db_url)
    BatchStore(engine).create(owner="吉林局", campaign_id="c", sources=[Source("a.txt", b"x")])
    table = Table(
        "later_feature_rows", db.Base.metadata, Column("id", Integer, primary_key=True), Column("name", String(50))
    )
    try:
        db.create_tables(engine)
        assert "later_feature_rows" in inspect(engine).get_table_names()
        assert _version(db_url) == db.SCHEMA_VERSION
    finally:
        db.Base.metadata.remove(table)


def test_a_database_from_before_pairs_gets_the_companion_columns_and_its_items_stay_single(db_url):
    """Version 2 (leases, no pairs): the upgrade adds nullable companion columns; old items read as single files."""
    engine = db.get_engine(db_url)
    store = BatchStore(engine)
    info = store.create(owner="吉林局", campaign_id="c", sources=[Source("a.txt", b"x")])
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE batch_items DROP COLUMN companion_filename"))
        conn.execute(text("ALTER TABLE batch_items DROP COLUMN companion_sha256"))
        conn.execute(text("ALTER TABLE batch_files DROP COLUMN companion_data"))
        conn.execute(text("UPDATE schema_version SET version = 2"))
    db.dispose_engine(db_url)  # a new process: nothing migrated yet
    engine = db.get_engine(db_url)
    assert db.migrate(engine) == 2
    assert {"companion_filename", "companion_sha256"} <= {c["name"] for c in inspect(engine).get_columns("batch_items")}
    assert "companion_data" in {c["name"] for c in inspect(engine).get_columns("batch_files")}
    assert _version(db_url) == db.SCHEMA_VERSION
    store = BatchStore(engine)
    assert store.source(store.pending(info.id)[0][0]) == Source("a.txt", b"x")
