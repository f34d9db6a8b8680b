"""Batches in the database, so a batch outlives the request that started it and the process that ran it.

Three tables on ``screening.db.Base``:

- ``batches``: one row per batch: owner (the bureau's name from its API key), call, unit kind, status, counts, the
  bureau's edits and the cross-batch duplicates (JSON), timestamps;
- ``batch_items``: one row per material: upload order, display name, a generated storage name, sha256, status, and
  the report (the full model, measurements included, as JSON) or the refusal;
- ``batch_files``: the uploaded bytes, apart from the items so listing a batch never loads them.

One item is one material, and so one row of the 推荐排序表. When a bureau sends the Word file and the stamped PDF of
one material (same stem, ``screening.batch.pair_versions``), both travel in one item (schema 3): the Word file in
``filename``/``data``, the PDF in ``companion_filename``/``companion_data``. They are stored, leased, screened and
recorded together, so the lease, heartbeat and exactly-one-report rules below hold per material, not per file.

Crash safety comes from the order of writes. The files are stored with the batch in one transaction before any work
starts; each item's report and status are written in one transaction when it is done; the batch becomes ``done``
only in the transaction that also stores its duplicates. After a crash, ``unfinished()`` finds batches still
``queued``/``running``: their ``pending`` items still have their bytes, so any worker resumes them; a batch that
cannot be resumed is marked ``failed`` with a Chinese reason. No state is ever half-written.

Work is claimed, not assumed (several worker processes, on one machine or several, share one database):

- ``claim`` hands a worker one pending item whose lease is free or expired, and writes a lease on it (a random token,
  the worker's name, an expiry). On PostgreSQL the candidate row is taken with ``SELECT … FOR UPDATE SKIP LOCKED``, so
  workers claiming together never wait for or pick the same row; on SQLite the database has one writer at a time and
  the claim is a conditional ``UPDATE … WHERE status = 'pending' AND lease expired`` whose row count says whether
  this worker won (retried a few times if another won). The same compare-and-set is also applied on PostgreSQL.
- ``renew`` (the worker's heartbeat) pushes the expiry forward while the item is screened; it succeeds only while the
  token is still the item's, so a worker that lost its lease learns it.
- ``save_item`` records a result only while the item is still ``pending`` (again a conditional ``UPDATE``), and bumps
  the batch's counter only when it did: a finished item is never redone or counted twice, and each item has exactly
  one report, even if a worker whose lease expired finishes late.
- When no item of a batch is pending, one worker claims the batch itself (the same lease, on ``batches``) to compare
  its materials and mark it ``done``.

Every read takes the owner and filters on it: one bureau cannot load, list, edit or export another's batch, even by
guessing an id (ids are random 128-bit anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, exists, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .. import db
from ..filetypes import ACCEPTED_SUFFIXES
from ..report import Report
from .models import BatchEdits, DuplicateLink, Screened
from .sources import Source

BatchStatus = str  # "queued" | "running" | "done" | "failed"
STATUS_LABELS = {"queued": "排队中", "running": "预审中", "done": "已完成", "failed": "失败"}


class BatchTable(db.Base):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    campaign_id: Mapped[str] = mapped_column(String(100))
    material: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unit_kind: Mapped[str] = mapped_column(String(30), default="province")
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    refused: Mapped[str] = mapped_column(Text, default="[]")  # JSON: names skipped before screening (wrong type)
    edits: Mapped[str] = mapped_column(Text, default="{}")  # JSON: BatchEdits
    duplicates: Mapped[str] = mapped_column(Text, default="{}")  # JSON: row id -> [DuplicateLink]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=db.utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=db.utc_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Schema 2: the lease of the worker comparing the finished items (see the module docstring).
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class BatchItemTable(db.Base):
    __tablename__ = "batch_items"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1-based upload order
    filename: Mapped[str] = mapped_column(String(300))  # display only
    storage_name: Mapped[str] = mapped_column(String(64))  # generated: uuid + accepted suffix
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    report: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON of Report.model_dump
    error: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON {code, message}
    text: Mapped[str] = mapped_column(Text, default="")  # the document's text, for duplicates across the batch
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=db.utc_now)
    # Schema 2: who is screening the item, until when (renewed by a heartbeat), since when, how many claims so far.
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    attempts: Mapped[int | None] = mapped_column(Integer, nullable=True, server_default="0")
    # Schema 3: the other version of the same material (the stamped PDF beside the Word file), when there is one.
    companion_filename: Mapped[str | None] = mapped_column(String(300), nullable=True)  # display only
    companion_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class BatchFileTable(db.Base):
    __tablename__ = "batch_files"

    item_id: Mapped[str] = mapped_column(ForeignKey("batch_items.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    companion_data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # schema 3: the paired PDF


@dataclass(frozen=True)
class BatchInfo:
    """A batch's header as plain data (safe after the session closes)."""

    id: str
    owner: str
    campaign_id: str
    material: str | None
    unit_kind: str
    title: str
    status: str
    total: int
    done: int
    failed: int
    error: str
    refused: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def fraction(self) -> float:
        return (self.done + self.failed) / self.total if self.total else 1.0

    @property
    def stage(self) -> str:
        """Where a batch is: its status, except that a running batch with every item done is comparing them."""
        if self.status == "running" and self.done + self.failed >= self.total:
            return "duplicates"
        return self.status

    @property
    def stage_label(self) -> str:
        return "正在检查批内重复" if self.stage == "duplicates" else self.status_label

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "campaign_id": self.campaign_id,
            "material": self.material,
            "unit_kind": self.unit_kind,
            "title": self.title,
            "status": self.status,
            "status_label": self.status_label,
            "stage": self.stage,
            "stage_label": self.stage_label,
            "progress": {
                "total": self.total,
                "done": self.done,
                "failed": self.failed,
                "fraction": round(self.fraction, 4),
            },
            "error": self.error or None,
            "refused": self.refused,
            "created_at": self.created_at.isoformat() + "Z",
            "updated_at": self.updated_at.isoformat() + "Z",
            "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
        }


def _info(row: BatchTable) -> BatchInfo:
    return BatchInfo(
        id=row.id,
        owner=row.owner,
        campaign_id=row.campaign_id,
        material=row.material,
        unit_kind=row.unit_kind,
        title=row.title,
        status=row.status,
        total=row.total,
        done=row.done,
        failed=row.failed,
        error=row.error,
        refused=json.loads(row.refused or "[]"),
        created_at=row.created_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
    )


@dataclass(frozen=True)
class Claim:
    """A lease a worker holds: on one item (``item_id`` set) or on a whole batch to finish it (``item_id`` None)."""

    batch_id: str
    item_id: str | None
    token: str
    worker: str
    position: int = 0
    filename: str = ""

    @property
    def finishes_batch(self) -> bool:
        return self.item_id is None


@dataclass(frozen=True)
class QueueStats:
    """What ``/api/health`` reports about the shared queue."""

    pending_items: int  # items still to screen, in queued or running batches
    open_batches: int  # batches queued or running
    leased_items: int  # items a live worker is screening now
    expired_leases: int  # items whose worker stopped renewing (waiting for another worker)
    oldest_lease_seconds: float | None  # how long the longest-held live lease has been held
    workers: list[str]  # names of the workers holding live leases

    def to_dict(self) -> dict[str, Any]:
        return {
            "pending_items": self.pending_items,
            "open_batches": self.open_batches,
            "leased_items": self.leased_items,
            "expired_leases": self.expired_leases,
            "oldest_lease_seconds": self.oldest_lease_seconds,
            "workers": self.workers,
        }


OPEN = ("queued", "running")
CLAIM_ATTEMPTS = 5


def storage_name(filename: str) -> str:
    """A generated name for stored bytes: random, plus the accepted suffix. The client's name is never a path."""
    suffix = PurePosixPath(filename.lower()).suffix
    return uuid.uuid4().hex + (suffix if suffix in ACCEPTED_SUFFIXES else "")


class BatchStore:
    """Batches of one database. Cheap to construct; creates its tables on first use (idempotent)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        db.create_tables(self.engine)

    # --- writing ------------------------------------------------------------------------------------------

    def create(
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
        """Store a new batch with all its files in one transaction; every item starts ``pending``.

        Each source is one item; a source's ``companion`` (the paired PDF, ``pair_versions``) is stored in the same
        item, so ``total`` counts materials, as the table's rows do.
        """
        batch_id = uuid.uuid4().hex
        with db.session_scope(self.engine) as s:
            row = BatchTable(
                id=batch_id,
                owner=owner,
                campaign_id=campaign_id,
                material=material,
                unit_kind=unit_kind,
                title=title[:200],
                status="queued",
                total=len(sources),
                refused=json.dumps(refused or [], ensure_ascii=False),
            )
            s.add(row)
            s.flush()  # the batch row first: items reference it
            for position, source in enumerate(sources, start=1):
                item_id = uuid.uuid4().hex
                other = source.companion
                s.add(
                    BatchItemTable(
                        id=item_id,
                        batch_id=batch_id,
                        position=position,
                        filename=source.filename[:300],
                        storage_name=storage_name(source.filename),
                        sha256=hashlib.sha256(source.data).hexdigest(),
                        size=len(source.data),
                        companion_filename=other.filename[:300] if other else None,
                        companion_sha256=hashlib.sha256(other.data).hexdigest() if other else None,
                    )
                )
                s.flush()
                s.add(BatchFileTable(item_id=item_id, data=source.data, companion_data=other.data if other else None))
            s.flush()
            return _info(row)

    def mark(self, batch_id: str, status: BatchStatus, *, error: str = "") -> None:
        with db.session_scope(self.engine) as s:
            values: dict[str, Any] = {"status": status, "updated_at": db.utc_now()}
            if error:
                values["error"] = error
            if status in ("done", "failed"):
                values["finished_at"] = db.utc_now()
            s.execute(update(BatchTable).where(BatchTable.id == batch_id).values(**values))

    def save_item(
        self, batch_id: str, item_id: str, *, report: Report | None, error: dict | None, text: str = ""
    ) -> bool:
        """Record one item's outcome and bump the batch's counters in the same transaction.

        Only a ``pending`` item is recorded (a conditional UPDATE, atomic on both databases): return False when the
        item was already recorded, by this worker or another, and then nothing changes.
        """
        status = "done" if report is not None else "failed"
        values = {
            "status": status,
            "text": text,
            "updated_at": db.utc_now(),
            "lease_token": None,
            "lease_until": None,
            "report": json.dumps(report.model_dump(mode="json", by_alias=True), ensure_ascii=False) if report else None,
            "error": json.dumps(error, ensure_ascii=False) if error else None,
        }
        with db.session_scope(self.engine) as s:
            recorded = s.execute(
                update(BatchItemTable)
                .where(
                    BatchItemTable.id == item_id,
                    BatchItemTable.batch_id == batch_id,
                    BatchItemTable.status == "pending",
                )
                .values(**values)
            ).rowcount
            if not recorded:
                return False
            counter = BatchTable.done if status == "done" else BatchTable.failed
            s.execute(
                update(BatchTable)
                .where(BatchTable.id == batch_id)
                .values({counter: counter + 1, "updated_at": db.utc_now()})
            )
            return True

    def finish(self, batch_id: str, duplicates: dict[str, list[DuplicateLink]]) -> bool:
        """Store the cross-batch duplicates and mark the batch done, together (once: False if already finished)."""
        payload = {k: [d.model_dump() for d in v] for k, v in duplicates.items()}
        with db.session_scope(self.engine) as s:
            return bool(
                s.execute(
                    update(BatchTable)
                    .where(BatchTable.id == batch_id, BatchTable.status.in_(OPEN))
                    .values(
                        status="done",
                        duplicates=json.dumps(payload, ensure_ascii=False),
                        finished_at=db.utc_now(),
                        updated_at=db.utc_now(),
                        lease_token=None,
                        lease_until=None,
                    )
                ).rowcount
            )

    # --- the shared queue ---------------------------------------------------------------------------------

    def claim(self, worker: str, lease_seconds: float, *, batch_id: str | None = None) -> Claim | None:
        """The next piece of work for ``worker``: a pending item, else a batch to finish, else None."""
        return self.claim_item(worker, lease_seconds, batch_id=batch_id) or self.claim_finish(
            worker, lease_seconds, batch_id=batch_id
        )

    def claim_item(self, worker: str, lease_seconds: float, *, batch_id: str | None = None) -> Claim | None:
        """Lease the oldest batch's first pending item whose lease is free or expired (see the module docstring)."""
        for _ in range(CLAIM_ATTEMPTS):
            now = db.utc_now()
            query = (
                select(BatchItemTable.id, BatchItemTable.batch_id, BatchItemTable.position, BatchItemTable.filename)
                .join(BatchTable, BatchTable.id == BatchItemTable.batch_id)
                .where(BatchItemTable.status == "pending", _free(BatchItemTable, now), BatchTable.status.in_(OPEN))
                .order_by(BatchTable.created_at, BatchItemTable.position)
                .limit(1)
            )
            if batch_id is not None:
                query = query.where(BatchItemTable.batch_id == batch_id)
            if db.is_postgres(self.engine):
                query = query.with_for_update(skip_locked=True, of=BatchItemTable)
            token = uuid.uuid4().hex
            with db.session_scope(self.engine) as s:
                row = s.execute(query).first()
                if row is None:
                    return None
                won = s.execute(
                    update(BatchItemTable)
                    .where(
                        BatchItemTable.id == row.id,
                        BatchItemTable.status == "pending",
                        _free(BatchItemTable, now),
                    )
                    .values(
                        lease_token=token,
                        lease_owner=worker[:200],
                        lease_until=_later(lease_seconds),
                        claimed_at=now,
                        attempts=func.coalesce(BatchItemTable.attempts, 0) + 1,
                    )
                ).rowcount
                if won:
                    s.execute(
                        update(BatchTable)
                        .where(BatchTable.id == row.batch_id, BatchTable.status == "queued")
                        .values(status="running", updated_at=now)
                    )
                    return Claim(row.batch_id, row.id, token, worker, row.position, row.filename)
        return None  # others kept winning: the caller simply asks again

    def claim_finish(self, worker: str, lease_seconds: float, *, batch_id: str | None = None) -> Claim | None:
        """Lease an open batch with no pending item left, to compare its materials and mark it done."""
        now = db.utc_now()
        pending = exists().where(BatchItemTable.batch_id == BatchTable.id, BatchItemTable.status == "pending")
        query = (
            select(BatchTable.id)
            .where(BatchTable.status.in_(OPEN), ~pending, _free(BatchTable, now))
            .order_by(BatchTable.created_at)
            .limit(1)
        )
        if batch_id is not None:
            query = query.where(BatchTable.id == batch_id)
        if db.is_postgres(self.engine):
            query = query.with_for_update(skip_locked=True)
        token = uuid.uuid4().hex
        with db.session_scope(self.engine) as s:
            found = s.scalar(query)
            if found is None:
                return None
            won = s.execute(
                update(BatchTable)
                .where(BatchTable.id == found, BatchTable.status.in_(OPEN), _free(BatchTable, now))
                .values(lease_token=token, lease_until=_later(lease_seconds))
            ).rowcount
            return Claim(found, None, token, worker) if won else None

    def renew(self, claim: Claim, lease_seconds: float) -> bool:
        """The heartbeat: extend the lease while this worker still holds it; False when it was lost."""
        table = BatchTable if claim.finishes_batch else BatchItemTable
        key = claim.batch_id if claim.finishes_batch else claim.item_id
        with db.session_scope(self.engine) as s:
            return bool(
                s.execute(
                    update(table)
                    .where(table.id == key, table.lease_token == claim.token)
                    .values(lease_until=_later(lease_seconds))
                ).rowcount
            )

    def release(self, claim: Claim) -> None:
        """Give a lease back unfinished (a worker shutting down), so another worker need not wait for it to expire."""
        table = BatchTable if claim.finishes_batch else BatchItemTable
        key = claim.batch_id if claim.finishes_batch else claim.item_id
        with db.session_scope(self.engine) as s:
            s.execute(
                update(table)
                .where(table.id == key, table.lease_token == claim.token)
                .values(lease_token=None, lease_until=None)
            )

    def queue_stats(self) -> QueueStats:
        now = db.utc_now()
        open_items = (
            select(BatchItemTable)
            .join(BatchTable, BatchTable.id == BatchItemTable.batch_id)
            .where(BatchItemTable.status == "pending", BatchTable.status.in_(OPEN))
            .subquery()
        )
        live = open_items.c.lease_until >= now
        expired = open_items.c.lease_until < now
        with db.session_scope(self.engine) as s:
            pending, leased, stale, oldest = s.execute(
                select(
                    func.count(),
                    func.count().filter(live),
                    func.count().filter(expired),
                    func.min(open_items.c.claimed_at).filter(live),
                )
            ).one()
            batches = s.scalar(select(func.count()).select_from(BatchTable).where(BatchTable.status.in_(OPEN)))
            workers = sorted(s.scalars(select(open_items.c.lease_owner).where(live).distinct()))
        age = round((now - oldest).total_seconds(), 1) if oldest else None
        return QueueStats(pending or 0, batches or 0, leased or 0, stale or 0, age, workers)

    def save_edits(self, owner: str, batch_id: str, edits: BatchEdits) -> None:
        with db.session_scope(self.engine) as s:
            row = self._owned(s, owner, batch_id)
            row.edits = edits.model_dump_json()
            row.updated_at = db.utc_now()

    # --- reading (always by owner) ------------------------------------------------------------------------

    def get(self, owner: str, batch_id: str) -> BatchInfo | None:
        with db.session_scope(self.engine) as s:
            row = s.scalar(select(BatchTable).where(BatchTable.id == batch_id, BatchTable.owner == owner))
            return _info(row) if row else None

    def list(self, owner: str, *, limit: int = 50) -> list[BatchInfo]:
        query = select(BatchTable).where(BatchTable.owner == owner).order_by(BatchTable.created_at.desc()).limit(limit)
        with db.session_scope(self.engine) as s:
            return [_info(r) for r in s.scalars(query)]

    def edits(self, owner: str, batch_id: str) -> BatchEdits:
        with db.session_scope(self.engine) as s:
            return BatchEdits.model_validate_json(self._owned(s, owner, batch_id).edits or "{}")

    def duplicates(self, owner: str, batch_id: str) -> dict[str, list[DuplicateLink]]:
        with db.session_scope(self.engine) as s:
            raw = json.loads(self._owned(s, owner, batch_id).duplicates or "{}")
        return {k: [DuplicateLink.model_validate(d) for d in v] for k, v in raw.items()}

    def screened(self, owner: str, batch_id: str) -> list[Screened]:
        """The finished items (done or failed) as ``Screened``, in upload order."""
        with db.session_scope(self.engine) as s:
            self._owned(s, owner, batch_id)
        return self.all_screened(batch_id)

    def item(self, owner: str, batch_id: str, item_id: str) -> Screened | None:
        """One finished item of this owner's batch, or None."""
        with db.session_scope(self.engine) as s:
            self._owned(s, owner, batch_id)
            row = s.get(BatchItemTable, item_id)
            if row is None or row.batch_id != batch_id or row.status == "pending":
                return None
            return _screened(row)

    def pending(self, batch_id: str) -> list[tuple[str, int, str]]:
        """``(item id, position, filename)`` of the items still to screen (the runner's view; no owner check)."""
        query = (
            select(BatchItemTable.id, BatchItemTable.position, BatchItemTable.filename)
            .where(BatchItemTable.batch_id == batch_id, BatchItemTable.status == "pending")
            .order_by(BatchItemTable.position)
        )
        with db.session_scope(self.engine) as s:
            return [tuple(r) for r in s.execute(query)]

    def source(self, item_id: str) -> Source | None:
        """One item's bytes, with its paired version's, loaded only when it is screened (a batch's files together
        may be large)."""
        query = (
            select(
                BatchItemTable.filename,
                BatchFileTable.data,
                BatchItemTable.companion_filename,
                BatchFileTable.companion_data,
            )
            .join(BatchFileTable, BatchFileTable.item_id == BatchItemTable.id)
            .where(BatchItemTable.id == item_id)
        )
        with db.session_scope(self.engine) as s:
            row = s.execute(query).first()
        if row is None:
            return None
        filename, data, other_name, other_data = row
        # Bytes missing beside a name cannot happen through ``create``; if they do, the empty file is refused by the
        # intake and the row carries that warning, rather than the pair silently losing its check.
        companion = Source(other_name, other_data or b"") if other_name is not None else None
        return Source(filename, data, companion)

    def all_screened(self, batch_id: str) -> list[Screened]:
        """Like ``screened`` without the owner check (the runner finishing a batch)."""
        with db.session_scope(self.engine) as s:
            rows = s.scalars(
                select(BatchItemTable)
                .where(BatchItemTable.batch_id == batch_id, BatchItemTable.status != "pending")
                .order_by(BatchItemTable.position)
            ).all()
            return [_screened(r) for r in rows]

    def unfinished(self) -> list[BatchInfo]:
        """Batches a previous process left queued or running (crash, restart)."""
        query = select(BatchTable).where(BatchTable.status.in_(("queued", "running"))).order_by(BatchTable.created_at)
        with db.session_scope(self.engine) as s:
            return [_info(r) for r in s.scalars(query)]

    def lookup(self, batch_id: str) -> BatchInfo | None:
        """A batch by id alone (the runner's view)."""
        with db.session_scope(self.engine) as s:
            row = s.get(BatchTable, batch_id)
            return _info(row) if row else None

    def _owned(self, s, owner: str, batch_id: str) -> BatchTable:
        row = s.scalar(select(BatchTable).where(BatchTable.id == batch_id, BatchTable.owner == owner))
        if row is None:
            raise KeyError(batch_id)
        return row


def _free(table, now: dt.datetime):
    """The lease of ``table``'s row is free or expired."""
    return or_(table.lease_until.is_(None), table.lease_until < now)


def _later(seconds: float) -> dt.datetime:
    return db.utc_now() + dt.timedelta(seconds=seconds)


def _screened(row: BatchItemTable) -> Screened:
    report = Report.model_validate(json.loads(row.report)) if row.report else None
    error = json.loads(row.error) if row.error else None
    return Screened(
        id=row.id, index=row.position, filename=row.filename, report=report, error=error, text=row.text or ""
    )
