"""The queue worker: running stored batches in the background while the API answers progress polls.

A batch is stored first (``BatchStore.create``: every file in one transaction), then screened item by item by the
workers, each result committed as it is done. The request that created the batch returns at once with the batch id;
clients poll ``GET /api/batches/{id}`` for progress.

The database is the queue. Each worker process runs one ``BatchRunner`` thread that asks the store for work
(``BatchStore.claim``: the next pending item under a lease, or a batch whose items are all done, to compare them and
mark it done), screens it while a heartbeat thread renews the lease, records the result, and asks again. Nothing
ties a batch to the process that received it, so ``screening serve --workers N`` on one machine and N machines on
one PostgreSQL database behave the same: whichever worker is free takes the next item. When a worker dies (SIGKILL,
power cut), its lease stops being renewed and expires after ``lease_seconds``; any live worker then takes the item.
A result is recorded only while its item is pending, so nothing is screened twice while a lease is alive, a finished
item is never redone, and each item has exactly one report.

Why one thread per process: screening is CPU-bound Python, so more threads would only share one core through the GIL
while making the self-check page slower for everyone else; more throughput = more worker processes.

Database outages: every call to the store may fail while the database restarts. The loop logs it and tries again
with a growing pause (up to ``MAX_BACKOFF`` s); a result already computed is kept and its save retried until its
lease would have run out, so a short restart loses no work (the pool's pre-ping replaces dead connections).

A batch whose rulebook has disappeared is marked ``failed`` with the reason. A material that makes the pipeline
raise anything other than a ``ScreeningError`` is a bug: the item is recorded as failed with a Chinese message and
the batch goes on.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from ..db import get_engine
from ..errors import ScreeningError
from ..services import Services
from .models import BatchEdits, BatchReport
from .run import assess_batch, batch_duplicates, screen_one
from .sources import Source
from .store import BatchInfo, BatchStore, Claim

log = logging.getLogger(__name__)

ITEM_CRASH_MESSAGE = "这份材料预审时程序出错，已跳过；请单独自查，或把出错时间告知运维人员。"
BATCH_CRASH_MESSAGE = "批量预审意外中断，请重新提交；如果反复出现，请联系运维人员。"
MAX_BACKOFF = 5.0
T = TypeVar("T")

__all__ = ["BatchRunner", "worker_name"]


def worker_name() -> str:
    """``host:pid:random``: unique per process, and tells an operator which machine holds a lease."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Heartbeat:
    """Renews a claim every third of the lease while the work runs; a failed renewal is logged, never raised."""

    def __init__(self, store: BatchStore, claim: Claim, lease_seconds: float) -> None:
        self.store, self.claim, self.lease_seconds = store, claim, lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="screening-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.lease_seconds / 3):
            try:
                if not self.store.renew(self.claim, self.lease_seconds):  # save_item then records nothing
                    log.warning("租约已失效（%s）：另一个工作进程可能已接手", self.claim.item_id or self.claim.batch_id)
            except Exception:  # noqa: BLE001 - the database may be restarting; the next beat tries again
                log.warning("续租失败（数据库暂不可用？），稍后重试")


class BatchRunner:
    """Owns the batch store of one app and the worker thread that takes work from the shared queue."""

    def __init__(self, services: Services, *, worker: str | None = None) -> None:
        self.services = services
        self.worker = worker or worker_name()
        self.lease_seconds = services.settings.lease_seconds
        self.poll_seconds = min(1.0, self.lease_seconds / 4)
        self._store: BatchStore | None = None
        self._store_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()

    @property
    def store(self) -> BatchStore:
        """Created on first use so the service starts (and health reports) even when the database is down."""
        with self._store_lock:
            if self._store is None:
                self._store = BatchStore(get_engine(self.services.settings.database_url))
            return self._store

    # --- lifecycle ----------------------------------------------------------------------------------------

    def submit(
        self,
        *,
        owner: str,
        campaign_id: str,
        sources: list[Source],
        material: str | None = None,
        unit_kind: str = "province",
        title: str = "",
        refused: list[str] | None = None,
    ) -> BatchInfo:
        info = self.store.create(
            owner=owner,
            campaign_id=campaign_id,
            sources=sources,
            material=material,
            unit_kind=unit_kind,
            title=title,
            refused=refused,
        )
        self.start()
        self._wake.set()
        return info

    def start(self) -> None:
        """Start the worker thread (idempotent). It also picks up what earlier or other processes left unfinished."""
        if self._thread is None or not self._thread.is_alive():
            self._stopping.clear()
            self._thread = threading.Thread(target=self._loop, name="screening-batch", daemon=True)
            self._thread.start()

    recover = start  # the app calls this at start: unfinished batches are just work in the queue

    def shutdown(self, timeout: float = 60.0) -> None:
        """Stop after the current item; unfinished batches stay in the queue for any worker."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_until_idle(self, *, batch_id: str | None = None) -> int:
        """Work in the calling thread until the queue (or ``batch_id``) has nothing claimable; return how many."""
        done = 0
        while not self._stopping.is_set() and self.work_once(batch_id=batch_id):
            done += 1
        return done

    def _loop(self) -> None:
        pause = self.poll_seconds
        while not self._stopping.is_set():
            try:
                worked = self.work_once()
                pause = self.poll_seconds
            except Exception:  # noqa: BLE001 - the database may be down: say so, wait, try again
                log.exception("批量预审工作进程无法访问数据库，%.1f 秒后重试", pause)
                worked = False
                pause = min(pause * 2, MAX_BACKOFF)
            if not worked:
                self._wake.wait(pause)
                self._wake.clear()

    # --- the work -----------------------------------------------------------------------------------------

    def work_once(self, *, batch_id: str | None = None) -> bool:
        """Claim one piece of work and do it; False when there was none."""
        claim = self.store.claim(self.worker, self.lease_seconds, batch_id=batch_id)
        if claim is None:
            return False
        with Heartbeat(self.store, claim, self.lease_seconds):
            try:
                self._do(claim)
            except DBAPIError:
                raise  # the database, not the batch: the loop waits and retries; the lease lets another take over
            except Exception:  # noqa: BLE001 - a batch must end clearly failed, never hang in "running"
                log.exception("批次 %s 失败", claim.batch_id)
                self._persist(lambda: self.store.mark(claim.batch_id, "failed", error=BATCH_CRASH_MESSAGE))
        return True

    def _do(self, claim: Claim) -> None:
        store = self.store
        info = store.lookup(claim.batch_id)
        if info is None or info.status in ("done", "failed"):
            return
        try:
            campaign = self.services.campaign(info.campaign_id)
        except ScreeningError as exc:
            message = exc.message
            self._persist(lambda: store.mark(claim.batch_id, "failed", error=message))
            return
        if claim.finishes_batch:
            duplicates = self._duplicates(store, claim.batch_id, campaign)
            self._persist(lambda: store.finish(claim.batch_id, duplicates))
            return
        source = store.source(claim.item_id)
        if source is None:
            report, error, text = None, {"code": "missing", "message": "原始文件缺失，请重新提交这份材料。"}, ""
        else:
            report, error, text = self._screen(source, info, campaign)
        self._persist(lambda: store.save_item(claim.batch_id, claim.item_id, report=report, error=error, text=text))

    def _persist(self, write: Callable[[], T]) -> T:
        """Run a write, retrying database errors until the lease would have expired (a restarting database)."""
        deadline = time.monotonic() + self.lease_seconds
        pause = 0.2
        while True:
            try:
                return write()
            except DBAPIError:
                if time.monotonic() + pause > deadline:
                    raise
                log.warning("写入数据库失败，%.1f 秒后重试", pause)
                time.sleep(pause)
                pause = min(pause * 2, MAX_BACKOFF)

    def _screen(self, source: Source, info: BatchInfo, campaign):
        try:
            return screen_one(self.services, source, campaign, material=info.material)
        except Exception:  # noqa: BLE001 - see ITEM_CRASH_MESSAGE
            log.exception("批次 %s 中的材料 %s 预审出错", info.id, source.filename)
            return None, {"code": "internal", "message": ITEM_CRASH_MESSAGE}, ""

    def _duplicates(self, store: BatchStore, batch_id: str, campaign):
        """The batch's duplicates to store; ``{"_failed": []}`` records a failed comparison (``report`` says so)."""
        duplicates = batch_duplicates(self.services, store.all_screened(batch_id), campaign)
        return {"_failed": []} if duplicates is None else duplicates

    # --- reading for the API ------------------------------------------------------------------------------

    def report(self, owner: str, batch_id: str) -> BatchReport | None:
        """The assessed table of a batch (finished items so far), or None when this owner has no such batch."""
        info = self.store.get(owner, batch_id)
        if info is None:
            return None
        campaign = self.services.campaign(info.campaign_id)
        duplicates = self.store.duplicates(owner, batch_id)
        failed = duplicates.pop("_failed", None) is not None
        return assess_batch(
            self.store.screened(owner, batch_id),
            campaign,
            unit_kind=info.unit_kind,
            edits=self.store.edits(owner, batch_id),
            duplicates=None if failed else duplicates,
        )

    def edit(self, owner: str, batch_id: str, edits: BatchEdits) -> BatchReport | None:
        if self.store.get(owner, batch_id) is None:
            return None
        self.store.save_edits(owner, batch_id, edits)
        return self.report(owner, batch_id)
