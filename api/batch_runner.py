"""Running batches in the background while the API answers progress polls.

A batch is stored first (``BatchStore.create``: every file in one transaction), then screened by one background
thread, item by item, each result committed as it is done. The request that created the batch returns at once with
the batch id; clients poll ``GET /api/batches/{id}`` for progress.

Why one thread per process: screening is CPU-bound Python, so more threads would only share one core through the GIL
while making the self-check page slower for everyone else. A deployment that wants more batch throughput runs more
worker processes (``screening serve --workers N``): a batch runs in the worker that received it. Known limit: at
start every worker recovers every unfinished batch, so after a crash with several workers two of them may screen the
same pending item; ``save_item`` keeps the first result, so the outcome is right, only the work is done twice.

Crash and restart: at start (``recover``) every batch left ``queued`` or ``running`` is queued again; its finished
items keep their reports and only ``pending`` ones are screened. If the rulebook it was made for has disappeared, the
batch is marked ``failed`` with the reason. A material that makes the pipeline raise anything other than a
``ScreeningError`` is a bug: the item is recorded as failed with a Chinese message and the batch goes on.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from screening.batch import BatchEdits, BatchReport, Source, assess, find_duplicates, screen_one
from screening.batch_store import BatchInfo, BatchStore
from screening.campaigns import get_campaign
from screening.config import Settings
from screening.db import get_engine
from screening.documents import Limits
from screening.errors import ScreeningError

from .reports import pipeline_options

log = logging.getLogger(__name__)

ITEM_CRASH_MESSAGE = "这份材料预审时程序出错，已跳过；请单独自查，或把出错时间告知运维人员。"
DUPLICATES_FAILED = "本批材料之间的重复检查未能完成，表中未列出批内重复。"


class BatchRunner:
    """Owns the batch store of one app and the thread that screens its batches."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: BatchStore | None = None
        self._store_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screening-batch")
        self._stopping = threading.Event()

    @property
    def store(self) -> BatchStore:
        """Created on first use so the service starts (and health reports) even when the database is down."""
        with self._store_lock:
            if self._store is None:
                self._store = BatchStore(get_engine(self.settings.database_url))
            return self._store

    # --- lifecycle ----------------------------------------------------------------------------------------

    def submit(self, *, owner: str, campaign_id: str, sources: list[Source], material: str | None = None,
               unit_kind: str = "province", title: str = "", refused: list[str] | None = None) -> BatchInfo:
        info = self.store.create(owner=owner, campaign_id=campaign_id, sources=sources, material=material,
                                 unit_kind=unit_kind, title=title, refused=refused)
        self._executor.submit(self._run, info.id)
        return info

    def recover(self) -> None:
        """Queue again the batches a previous process left unfinished."""
        try:
            unfinished = self.store.unfinished()
        except Exception:  # noqa: BLE001 - no database: health says so; the rest of the service still works
            log.exception("无法读取未完成的批次")
            return
        for info in unfinished:
            log.info("恢复未完成的批次 %s（%d/%d）", info.id, info.done + info.failed, info.total)
            self._executor.submit(self._run, info.id)

    def shutdown(self) -> None:
        """Stop after the current item; unfinished batches stay ``running`` and resume at the next start."""
        self._stopping.set()
        self._executor.shutdown(wait=True, cancel_futures=True)

    # --- the work -----------------------------------------------------------------------------------------

    def _run(self, batch_id: str) -> None:
        store = self.store
        try:
            info = store.lookup(batch_id)
            if info is None or info.status in ("done", "failed"):
                return
            campaign = get_campaign(info.campaign_id, self.settings.campaigns_dir)
            store.mark(batch_id, "running")
            for item_id, _position, _name in store.pending(batch_id):
                if self._stopping.is_set():
                    return
                source = store.source(item_id)
                if source is None:
                    report, error, text = None, {"code": "missing", "message": "原始文件缺失，请重新提交这份材料。"}, ""
                else:
                    report, error, text = self._screen(source, info, campaign)
                store.save_item(batch_id, item_id, report=report, error=error, text=text)
            store.finish(batch_id, self._duplicates(store, batch_id, campaign))
        except ScreeningError as exc:
            store.mark(batch_id, "failed", error=exc.message)
        except Exception:  # noqa: BLE001 - a batch must end clearly failed, never hang in "running"
            log.exception("批次 %s 失败", batch_id)
            store.mark(batch_id, "failed", error="批量预审意外中断，请重新提交；如果反复出现，请联系运维人员。")

    def _screen(self, source: Source, info: BatchInfo, campaign):
        try:
            return screen_one(source, campaign, material=info.material, options=pipeline_options(self.settings),
                              limits=Limits.from_settings(self.settings))
        except Exception:  # noqa: BLE001 - see ITEM_CRASH_MESSAGE
            log.exception("批次 %s 中的材料 %s 预审出错", info.id, source.filename)
            return None, {"code": "internal", "message": ITEM_CRASH_MESSAGE}, ""

    def _duplicates(self, store: BatchStore, batch_id: str, campaign):
        from screening.embeddings import embedder_for

        try:
            embedder = embedder_for("duplicates", self.settings.model_dir)
            return find_duplicates(store.all_screened(batch_id), campaign, embedder=embedder)
        except Exception:  # noqa: BLE001 - the table is still useful without them; the page says what is missing
            log.exception("批次 %s 的批内重复检查失败", batch_id)
            return {"_failed": []}

    # --- reading for the API ------------------------------------------------------------------------------

    def report(self, owner: str, batch_id: str) -> BatchReport | None:
        """The assessed table of a batch (finished items so far), or None when this owner has no such batch."""
        info = self.store.get(owner, batch_id)
        if info is None:
            return None
        campaign = get_campaign(info.campaign_id, self.settings.campaigns_dir)
        duplicates = self.store.duplicates(owner, batch_id)
        failed = duplicates.pop("_failed", None) is not None
        result = assess(self.store.screened(owner, batch_id), campaign, unit_kind=info.unit_kind,
                        edits=self.store.edits(owner, batch_id), duplicates=duplicates)
        if failed:
            result.notes.append(DUPLICATES_FAILED)
        return result

    def edit(self, owner: str, batch_id: str, edits: BatchEdits) -> BatchReport | None:
        if self.store.get(owner, batch_id) is None:
            return None
        self.store.save_edits(owner, batch_id, edits)
        return self.report(owner, batch_id)
