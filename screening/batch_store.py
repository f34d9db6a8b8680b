"""Batches in the database, so a batch outlives the request that started it and the process that ran it.

Three tables on ``screening.db.Base``:

- ``batches``: one row per batch: owner (the bureau's name from its API key), call, unit kind, status, counts, the
  bureau's edits and the cross-batch duplicates (JSON), timestamps;
- ``batch_items``: one row per material: upload order, display name, a generated storage name, sha256, status, and
  the report (the full model, measurements included, as JSON) or the refusal;
- ``batch_files``: the uploaded bytes, apart from the items so listing a batch never loads them.

Crash safety comes from the order of writes. The files are stored with the batch in one transaction before any work
starts; each item's report and status are written in one transaction when it is done; the batch becomes ``done``
only in the transaction that also stores its duplicates. After a crash, ``unfinished()`` finds batches still
``queued``/``running``: their ``pending`` items still have their bytes, so the runner resumes them (``resumable``);
a batch that cannot be resumed is marked ``failed`` with a Chinese reason. No state is ever half-written.

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

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from . import db
from .batch import BatchEdits, DuplicateLink, Screened, Source
from .report import Report

BatchStatus = str  # "queued" | "running" | "done" | "failed"
ItemStatus = str  # "pending" | "done" | "failed"
STATUS_LABELS = {"queued": "排队中", "running": "预审中", "done": "已完成", "failed": "失败"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


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
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


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
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class BatchFileTable(db.Base):
    __tablename__ = "batch_files"

    item_id: Mapped[str] = mapped_column(ForeignKey("batch_items.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


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
            "id": self.id, "campaign_id": self.campaign_id, "material": self.material, "unit_kind": self.unit_kind,
            "title": self.title, "status": self.status, "status_label": self.status_label, "stage": self.stage,
            "stage_label": self.stage_label,
            "progress": {"total": self.total, "done": self.done, "failed": self.failed,
                         "fraction": round(self.fraction, 4)},
            "error": self.error or None, "refused": self.refused,
            "created_at": self.created_at.isoformat() + "Z", "updated_at": self.updated_at.isoformat() + "Z",
            "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
        }


def _info(row: BatchTable) -> BatchInfo:
    return BatchInfo(
        id=row.id, owner=row.owner, campaign_id=row.campaign_id, material=row.material, unit_kind=row.unit_kind,
        title=row.title, status=row.status, total=row.total, done=row.done, failed=row.failed, error=row.error,
        refused=json.loads(row.refused or "[]"), created_at=row.created_at, updated_at=row.updated_at,
        finished_at=row.finished_at,
    )


def storage_name(filename: str) -> str:
    """A generated name for stored bytes: random, plus the accepted suffix. The client's name is never a path."""
    suffix = PurePosixPath(filename.lower()).suffix
    return uuid.uuid4().hex + (suffix if suffix in (".docx", ".pdf", ".txt", ".md") else "")


class BatchStore:
    """Batches of one database. Cheap to construct; creates its tables on first use (idempotent)."""

    def __init__(self, engine=None) -> None:
        self.engine = engine or db.get_engine()
        db.create_tables(self.engine)

    # --- writing ------------------------------------------------------------------------------------------

    def create(self, *, owner: str, campaign_id: str, sources: list[Source], material: str | None = None,
               unit_kind: str = "province", title: str = "", refused: list[str] | None = None) -> BatchInfo:
        """Store a new batch with all its files in one transaction; every item starts ``pending``."""
        batch_id = uuid.uuid4().hex
        with db.session_scope(self.engine) as s:
            row = BatchTable(id=batch_id, owner=owner, campaign_id=campaign_id, material=material, unit_kind=unit_kind,
                           title=title[:200], status="queued", total=len(sources),
                           refused=json.dumps(refused or [], ensure_ascii=False))
            s.add(row)
            s.flush()  # the batch row first: items reference it
            for position, source in enumerate(sources, start=1):
                item_id = uuid.uuid4().hex
                s.add(BatchItemTable(id=item_id, batch_id=batch_id, position=position, filename=source.filename[:300],
                                   storage_name=storage_name(source.filename),
                                   sha256=hashlib.sha256(source.data).hexdigest(), size=len(source.data)))
                s.flush()
                s.add(BatchFileTable(item_id=item_id, data=source.data))
            s.flush()
            return _info(row)

    def mark(self, batch_id: str, status: BatchStatus, *, error: str = "") -> None:
        with db.session_scope(self.engine) as s:
            values: dict[str, Any] = {"status": status, "updated_at": _now()}
            if error:
                values["error"] = error
            if status in ("done", "failed"):
                values["finished_at"] = _now()
            s.execute(update(BatchTable).where(BatchTable.id == batch_id).values(**values))

    def save_item(self, batch_id: str, item_id: str, *, report: Report | None, error: dict | None,
                  text: str = "") -> None:
        """Record one item's outcome and bump the batch's counters in the same transaction."""
        status = "done" if report is not None else "failed"
        with db.session_scope(self.engine) as s:
            item = s.get(BatchItemTable, item_id)
            if item is None or item.batch_id != batch_id or item.status != "pending":
                return  # already recorded (a resumed batch re-running an item is harmless)
            item.status = status
            item.report = json.dumps(report.model_dump(mode="json", by_alias=True), ensure_ascii=False) if report else None
            item.error = json.dumps(error, ensure_ascii=False) if error else None
            item.text = text
            item.updated_at = _now()
            counter = BatchTable.done if status == "done" else BatchTable.failed
            s.execute(update(BatchTable).where(BatchTable.id == batch_id)
                      .values({counter: counter + 1, "updated_at": _now()}))

    def finish(self, batch_id: str, duplicates: dict[str, list[DuplicateLink]]) -> None:
        """Store the cross-batch duplicates and mark the batch done, together."""
        payload = {k: [d.model_dump() for d in v] for k, v in duplicates.items()}
        with db.session_scope(self.engine) as s:
            s.execute(update(BatchTable).where(BatchTable.id == batch_id).values(
                status="done", duplicates=json.dumps(payload, ensure_ascii=False), finished_at=_now(),
                updated_at=_now()))

    def save_edits(self, owner: str, batch_id: str, edits: BatchEdits) -> None:
        with db.session_scope(self.engine) as s:
            row = self._owned(s, owner, batch_id)
            row.edits = edits.model_dump_json()
            row.updated_at = _now()

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
        query = (select(BatchItemTable.id, BatchItemTable.position, BatchItemTable.filename)
                 .where(BatchItemTable.batch_id == batch_id, BatchItemTable.status == "pending")
                 .order_by(BatchItemTable.position))
        with db.session_scope(self.engine) as s:
            return [tuple(r) for r in s.execute(query)]

    def source(self, item_id: str) -> Source | None:
        """One item's bytes, loaded only when it is screened (a batch's files together may be large)."""
        query = (select(BatchItemTable.filename, BatchFileTable.data)
                 .join(BatchFileTable, BatchFileTable.item_id == BatchItemTable.id)
                 .where(BatchItemTable.id == item_id))
        with db.session_scope(self.engine) as s:
            row = s.execute(query).first()
            return Source(row[0], row[1]) if row else None

    def all_screened(self, batch_id: str) -> list[Screened]:
        """Like ``screened`` without the owner check (the runner finishing a batch)."""
        with db.session_scope(self.engine) as s:
            rows = s.scalars(select(BatchItemTable).where(BatchItemTable.batch_id == batch_id,
                                                        BatchItemTable.status != "pending")
                             .order_by(BatchItemTable.position)).all()
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


def _screened(row: BatchItemTable) -> Screened:
    report = Report.model_validate(json.loads(row.report)) if row.report else None
    error = json.loads(row.error) if row.error else None
    return Screened(id=row.id, index=row.position, filename=row.filename, report=report, error=error,
                    text=row.text or "")
