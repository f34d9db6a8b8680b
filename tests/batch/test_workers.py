"""Several worker processes on one database, and the faults they must survive (real processes, real server).

- A worker SIGKILLed mid-batch: its item is taken over by a live worker once its lease expired (not before), the
  batch finishes, nothing is lost, each item has exactly one report.
- The PostgreSQL server restarted mid-batch: the workers reconnect and finish the batch.
- Two workers importing the same archive file at once into a new database: the shipped selections are seeded once
  and the file's rows are stored once.

Workers are ``worker_child.py`` processes running the service's own ``BatchRunner`` with short leases (the suite
stays fast); items take a fixed pause instead of the pipeline. Waits have generous deadlines; nothing asserts on
speed (the takeover time is measured in ``bench/scale.py``).
"""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from screening import db
from screening.batch import Source
from screening.batch.store import BatchStore

CHILD = Path(__file__).with_name("worker_child.py")
ROOT = Path(__file__).resolve().parents[2]
LEASE = 1.5
PER_ITEM = 0.3


def start_workers(url: str, *names: str) -> list[subprocess.Popen]:
    """Start the workers together and wait until each is polling (start-up imports take seconds on a busy machine,
    so the batch is created only then: both really share it)."""
    workers = [
        subprocess.Popen(
            [sys.executable, str(CHILD), "work", url, name, str(PER_ITEM), str(LEASE)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for name in names
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    return workers


def stop(*workers: subprocess.Popen) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_until(condition, *, timeout: float = 90.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = condition()
        except Exception:  # noqa: BLE001 - the database may be restarting
            found = None
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"等待超时：{what}")


def new_batch(url: str, n: int):
    sources = [Source(f"材料{i:02d}.txt", f"第{i}份材料。".encode()) for i in range(1, n + 1)]
    return BatchStore(db.get_engine(url)).create(
        owner="测试局", campaign_id="nrta-2024-smart-network-services", sources=sources
    )


def items(url: str, batch_id: str) -> list[dict]:
    with db.get_engine(url).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, position, status, report, lease_owner, lease_until, claimed_at, attempts "
                "FROM batch_items WHERE batch_id = :b ORDER BY position"
            ),
            {"b": batch_id},
        )
        return [dict(row._mapping) for row in rows]


def held_by(url: str, batch_id: str, worker: str) -> dict | None:
    """An item ``worker`` is screening now, once at least two items are done (so it is truly mid-batch)."""
    rows = items(url, batch_id)
    if sum(r["status"] == "done" for r in rows) < 2:
        return None
    return next((r for r in rows if r["status"] == "pending" and r["lease_owner"] == worker), None)


def assert_finished_once_each(url: str, info) -> list[dict]:
    store = BatchStore(db.get_engine(url))
    final = wait_until(lambda: (b := store.lookup(info.id)).status == "done" and b, what="批次完成")
    rows = items(url, info.id)
    assert (final.done, final.failed, final.total) == (len(rows), 0, len(rows))  # counted once each
    assert all(r["status"] == "done" and r["report"] for r in rows)
    assert [s.filename for s in store.all_screened(info.id)] == [f"材料{i:02d}.txt" for i in range(1, len(rows) + 1)]
    return rows


@pytest.mark.slow
def test_a_killed_worker_s_item_is_taken_over_after_its_lease_and_the_batch_finishes(db_url):
    first, second = start_workers(db_url, "甲", "乙")
    info = new_batch(db_url, 10)
    try:
        victim = wait_until(lambda: held_by(db_url, info.id, "甲"), what="甲正在预审一份材料")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        lease_at_death = next(r for r in items(db_url, info.id) if r["id"] == victim["id"])["lease_until"]
        rows = assert_finished_once_each(db_url, info)
    finally:
        stop(first, second)
    taken = next(r for r in rows if r["id"] == victim["id"])
    assert taken["lease_owner"] == "乙" and taken["attempts"] == 2
    assert taken["claimed_at"] >= lease_at_death  # not taken while the dead worker's lease was alive
    assert all(r["attempts"] == 1 for r in rows if r["id"] != victim["id"])  # nothing else screened twice
    assert {r["lease_owner"] for r in rows} == {"甲", "乙"}  # both workers shared the batch


@pytest.mark.slow
def test_workers_reconnect_after_the_database_restarts(pg_cluster):
    url = pg_cluster.new_database()
    workers = start_workers(url, "甲", "乙")
    info = new_batch(url, 10)
    try:
        wait_until(lambda: sum(r["status"] == "done" for r in items(url, info.id)) >= 3, what="已完成 3 份")
        pg_cluster.restart(down_seconds=1.0, mode="immediate")
        rows = assert_finished_once_each(url, info)
        assert all(worker.poll() is None for worker in workers)  # they waited out the outage, none died
    finally:
        stop(*workers)
        db.dispose_engine(url)
    assert sum(r["attempts"] for r in rows) >= len(rows)


def test_two_workers_importing_the_same_file_at_once_store_it_once(db_url, tmp_path):
    path = tmp_path / "往年入选.csv"
    rows = [
        {
            "year": "2023",
            "campaign": "全国智慧广电网络新服务",
            "category": "智慧乡村",
            "case_name": f"并发导入案例{i}",
            "unit": f"并发单位{i}",
            "province": "吉林",
            "text": f"第{i}个案例的正文。" * 20,
        }
        for i in range(200)
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    children = [
        subprocess.Popen(
            [sys.executable, str(CHILD), "import", db_url, str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], [err[-800:] for _, err in outputs]
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sorted(r["imported"] for r in results) == [0, 200]
    assert sorted(r["skipped"] for r in results) == [0, 200]
    with db.get_engine(db_url).connect() as conn:
        counts = conn.execute(
            text("SELECT kind, source LIKE '导入%', count(*) FROM archive_records GROUP BY kind, source LIKE '导入%'")
        ).all()
    seeded = sum(n for kind, imported, n in counts if not imported)
    assert sum(n for kind, imported, n in counts if imported) == 200
    assert seeded == _shipped_selections()  # seeded once, not once per worker


def _shipped_selections() -> int:
    from screening.archive import SEED_FILE, read_table
    from screening.config import CORPORA_DIR

    return len([row for row in read_table(CORPORA_DIR / SEED_FILE) if any(row.values())])
