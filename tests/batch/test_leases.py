"""The shared queue: items claimed under a lease, renewed, taken over when expired, recorded exactly once.

Every test runs on SQLite and on a real PostgreSQL server (``db_url``). Leases that must expire are given a few
hundredths of a second and the test sleeps past them; nothing asserts on timing.
"""

from __future__ import annotations

import threading
import time

import pytest

from screening import db
from screening.batch import Source
from screening.batch.store import BatchStore
from tests.batch.helpers import report

LONG = 60.0
SHORT = 0.05


@pytest.fixture()
def store(db_url):
    return BatchStore(db.get_engine(db_url))


def new_batch(store, n=3, owner="吉林局"):
    sources = [Source(f"材料{i}.txt", f"正文{i}".encode()) for i in range(n)]
    return store.create(owner=owner, campaign_id="nrta-2025-media-convergence", sources=sources)


def expire() -> None:
    time.sleep(SHORT * 3)


def test_claims_hand_out_each_pending_item_once_in_order(store):
    info = new_batch(store)
    first = store.claim("甲", LONG)
    second = store.claim("乙", LONG)
    assert (first.position, second.position) == (1, 2) and first.item_id != second.item_id
    assert store.lookup(info.id).status == "running"
    third = store.claim("甲", LONG)
    assert third.position == 3
    assert store.claim("丙", LONG) is None  # every item leased; the batch is not finishable yet


def test_an_expired_lease_is_taken_over_and_the_old_holder_learns_it(store):
    new_batch(store, n=1)
    dead = store.claim("死掉的进程", SHORT)
    assert store.claim("活着的进程", LONG) is None  # alive: nobody else may take it
    expire()
    taken = store.claim("活着的进程", LONG)
    assert taken.item_id == dead.item_id and taken.token != dead.token
    assert store.renew(taken, LONG) is True
    assert store.renew(dead, LONG) is False  # the dead worker's heartbeat, if it came back, no longer holds it


def test_a_renewed_lease_is_not_taken(store):
    new_batch(store, n=1)
    held = store.claim("甲", 0.3)
    for _ in range(3):
        time.sleep(0.1)
        assert store.renew(held, 0.3)
    assert store.claim("乙", LONG) is None


def test_a_result_is_recorded_once_even_if_two_workers_finish_the_item(store):
    info = new_batch(store, n=1)
    slow = store.claim("慢", SHORT)
    expire()
    fast = store.claim("快", LONG)
    assert store.save_item(info.id, fast.item_id, report=report(name="快的结果"), error=None) is True
    assert store.save_item(info.id, slow.item_id, report=report(name="慢的结果"), error=None) is False
    now = store.lookup(info.id)
    assert (now.done, now.failed) == (1, 0)
    [item] = store.all_screened(info.id)
    assert item.report.document.title == "快的结果"
    assert store.claim("丙", LONG).finishes_batch  # nothing pending: what is left is finishing the batch


def test_a_batch_is_finished_by_one_worker_once(store):
    info = new_batch(store, n=2)
    for _ in range(2):
        claim = store.claim("甲", LONG)
        store.save_item(info.id, claim.item_id, report=report(name=claim.filename), error=None)
    finishing = store.claim("甲", LONG)
    assert finishing.finishes_batch and finishing.batch_id == info.id
    assert store.claim("乙", LONG) is None  # the finishing lease is alive
    assert store.finish(info.id, {}) is True
    assert store.finish(info.id, {}) is False
    assert store.lookup(info.id).status == "done" and store.claim("乙", LONG) is None


def test_a_released_lease_is_free_at_once(store):
    new_batch(store, n=1)
    held = store.claim("停机的进程", LONG)
    store.release(held)
    assert store.claim("乙", LONG).item_id == held.item_id


def test_items_of_failed_batches_are_not_handed_out(store):
    info = new_batch(store, n=2)
    store.mark(info.id, "failed", error="规则已删除")
    assert store.claim("甲", LONG) is None


def test_concurrent_claimers_never_share_an_item(store):
    info = new_batch(store, n=40)
    claimed: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            while (claim := store.claim_item(name, LONG)) is not None:
                claimed.setdefault(name, []).append(claim.item_id)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    every = [item for items in claimed.values() for item in items]
    assert sorted(every) == sorted(item_id for item_id, _, _ in store.pending(info.id))
    assert len(every) == len(set(every)) == 40


def test_queue_stats_count_pending_leased_and_expired(store):
    new_batch(store, n=3)
    store.claim("甲", LONG)
    store.claim("乙", SHORT)
    expire()
    stats = store.queue_stats()
    assert (stats.pending_items, stats.open_batches, stats.leased_items, stats.expired_leases) == (3, 1, 1, 1)
    assert stats.workers == ["甲"] and stats.oldest_lease_seconds >= 0
    assert stats.to_dict()["pending_items"] == 3
