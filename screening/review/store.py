"""What a submission freezes, the reviewers' decisions and the access log, in the database.

Five tables on ``screening.db.Base`` (so ``create_all`` makes them on SQLite and PostgreSQL alike):

- ``review_submissions``: one row per submission (报送): the bureau, the call, the kind of unit, where it came from
  (``batch``: a bureau submitted its finished batch; ``import``: a reviewer imported a zip received by mail), who
  submitted it and when. ``batch_id`` is unique, so a batch can be submitted once, even by two requests at once;
- ``review_items``: one row per material, copied from the batch at submission: the report, the text, the bureau's
  rank, inclusion and note, and the batch row (score, reasons, in-batch duplicates). Later edits of the batch, or the
  batch's deletion, do not change what was submitted;
- ``review_files``: the material's bytes, apart from the items so listing never loads them;
- ``review_decisions``: append-only. A decision is never updated or deleted; a new one supersedes the previous, and
  the history is every row of the item in time order. Nothing in this module issues an UPDATE or DELETE on it;
- ``review_access_log``: who opened which material (report, text or file), with their role and the client address.

Reads that a role restricts take the restriction as an argument (``bureau=`` or ``calls=``) and filter in the query,
as ``screening.batch.store`` does for bureaus: the filter is in SQL, not in the templates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .. import db
from ..batch import BatchRow, Screened
from ..report import Report
from .errors import AlreadySubmitted, InvalidDecision, ReviewItemNotFound

DECISIONS = {"pass": "形式审查通过", "return": "退回补正", "doubt": "存疑"}
DECISION_BY_LABEL = {label: code for code, label in DECISIONS.items()}
ORIGIN_LABELS = {"batch": "省局报送", "import": "评审导入"}
NOTE_MAX = 2000


class SubmissionRow(db.Base):
    __tablename__ = "review_submissions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    bureau: Mapped[str] = mapped_column(String(200), index=True)
    campaign_id: Mapped[str] = mapped_column(String(100), index=True)
    unit_kind: Mapped[str] = mapped_column(String(30), default="province")
    title: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[str] = mapped_column(String(20))  # batch | import
    batch_id: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime)  # when it reached the reviewers (import: received)
    item_count: Mapped[int] = mapped_column(Integer, default=0)


class SubmissionItemRow(db.Base):
    __tablename__ = "review_items"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("review_submissions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # upload order in the batch
    rank: Mapped[int] = mapped_column(Integer)  # the bureau's priority at submission
    included: Mapped[bool] = mapped_column(Boolean, default=True)  # recommended (not excluded by the bureau)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), default="")
    case_name: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    verdict: Mapped[str] = mapped_column(String(20))
    row: Mapped[str] = mapped_column(Text)  # JSON of the batch's BatchRow at submission
    report: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON of Report.model_dump
    text: Mapped[str] = mapped_column(Text, default="")


class SubmissionFileRow(db.Base):
    __tablename__ = "review_files"

    item_id: Mapped[str] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DecisionRow(db.Base):
    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=db.utc_now)


class AccessLogRow(db.Base):
    __tablename__ = "review_access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=db.utc_now, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # bureau | reviewer
    action: Mapped[str] = mapped_column(String(40))  # report | file | text
    submission_id: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[str] = mapped_column(String(32))
    client: Mapped[str] = mapped_column(String(64), default="")


# --- plain data ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    id: str
    bureau: str
    campaign_id: str
    unit_kind: str
    title: str
    origin: str
    batch_id: str | None
    submitted_by: str
    submitted_at: dt.datetime
    item_count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "bureau": self.bureau,
            "campaign_id": self.campaign_id,
            "unit_kind": self.unit_kind,
            "title": self.title,
            "origin": self.origin,
            "origin_label": ORIGIN_LABELS.get(self.origin, self.origin),
            "batch_id": self.batch_id,
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at.isoformat() + "Z",
            "item_count": self.item_count,
        }


@dataclass
class FrozenItem:
    """One submitted material with its submission's header (safe after the session closes)."""

    id: str
    submission: Submission
    position: int
    rank: int
    included: bool
    filename: str
    case_name: str
    category: str
    unit: str
    verdict: str
    row: BatchRow
    report: Report | None
    text: str = ""

    @property
    def bureau(self) -> str:
        return self.submission.bureau

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "submission_id": self.submission.id,
            "bureau": self.bureau,
            "rank": self.rank,
            "included": self.included,
            "filename": self.filename,
            "case_name": self.case_name,
            "category": self.category,
            "unit": self.unit,
            "verdict": self.verdict,
            "verdict_label": self.row.verdict_label,
            "note": self.row.note,
        }


@dataclass(frozen=True)
class Decision:
    id: int
    item_id: str
    decision: str
    note: str
    reviewer: str
    decided_at: dt.datetime

    @property
    def label(self) -> str:
        return DECISIONS[self.decision]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "item_id": self.item_id,
            "decision": self.decision,
            "label": self.label,
            "note": self.note,
            "reviewer": self.reviewer,
            "decided_at": self.decided_at.isoformat() + "Z",
        }


@dataclass
class Frozen:
    """What a submission copies: the rows of the bureau's table in its order, and each item's material."""

    rows: list[BatchRow]
    items: dict[str, Screened]
    files: dict[str, bytes] = field(default_factory=dict)


def _submission(row: SubmissionRow) -> Submission:
    return Submission(
        id=row.id,
        bureau=row.bureau,
        campaign_id=row.campaign_id,
        unit_kind=row.unit_kind,
        title=row.title,
        origin=row.origin,
        batch_id=row.batch_id,
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        item_count=row.item_count,
    )


def _item(row: SubmissionItemRow, submission: Submission, *, with_text: bool = True) -> FrozenItem:
    return FrozenItem(
        id=row.id,
        submission=submission,
        position=row.position,
        rank=row.rank,
        included=row.included,
        filename=row.filename,
        case_name=row.case_name,
        category=row.category,
        unit=row.unit,
        verdict=row.verdict,
        row=BatchRow.model_validate_json(row.row),
        report=Report.model_validate(json.loads(row.report)) if row.report else None,
        text=row.text if with_text else "",
    )


def parse_decision(value: str) -> str:
    """A decision code from its code or its Chinese label; ``InvalidDecision`` otherwise."""
    value = (value or "").strip()
    if value in DECISIONS:
        return value
    if value in DECISION_BY_LABEL:
        return DECISION_BY_LABEL[value]
    raise InvalidDecision()


class ReviewStore:
    """Submissions, decisions and the access log of one database. Creates its tables on first use (idempotent)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        db.create_tables(self.engine)

    # --- writing ------------------------------------------------------------------------------------------

    def add_submission(
        self,
        *,
        bureau: str,
        campaign_id: str,
        unit_kind: str,
        title: str,
        origin: str,
        submitted_by: str,
        frozen: Frozen,
        batch_id: str | None = None,
        submitted_at: dt.datetime | None = None,
    ) -> Submission:
        """Store a submission and everything it freezes in one transaction; a batch already submitted raises
        ``AlreadySubmitted`` and writes nothing (the unique ``batch_id`` settles a race between two requests)."""
        if batch_id is not None and self.submission_of_batch(batch_id) is not None:
            raise AlreadySubmitted()
        submission_id = uuid.uuid4().hex
        try:
            with db.session_scope(self.engine) as s:
                row = SubmissionRow(
                    id=submission_id,
                    bureau=bureau,
                    campaign_id=campaign_id,
                    unit_kind=unit_kind,
                    title=title[:200],
                    origin=origin,
                    batch_id=batch_id,
                    submitted_by=submitted_by,
                    submitted_at=submitted_at or db.utc_now(),
                    item_count=len(frozen.rows),
                )
                s.add(row)
                s.flush()
                for batch_row in frozen.rows:
                    self._add_item(s, submission_id, batch_row, frozen)
                s.flush()
                return _submission(row)
        except IntegrityError as exc:
            if batch_id is not None and self.submission_of_batch(batch_id) is not None:
                raise AlreadySubmitted() from exc
            raise

    def _add_item(self, s, submission_id: str, batch_row: BatchRow, frozen: Frozen) -> None:
        screened = frozen.items.get(batch_row.id)
        report = screened.report if screened else None
        data = frozen.files.get(batch_row.id)
        item_id = uuid.uuid4().hex
        s.add(
            SubmissionItemRow(
                id=item_id,
                submission_id=submission_id,
                position=batch_row.index,
                rank=batch_row.rank,
                included=batch_row.included,
                filename=batch_row.filename[:300],
                sha256=hashlib.sha256(data).hexdigest() if data is not None else "",
                case_name=batch_row.case_name[:300],
                category=batch_row.category[:100],
                unit=batch_row.unit[:200],
                verdict=batch_row.verdict,
                row=batch_row.model_dump_json(),
                report=json.dumps(report.model_dump(mode="json", by_alias=True), ensure_ascii=False)
                if report
                else None,
                text=screened.text if screened else "",
            )
        )
        if data is not None:
            s.flush()
            s.add(SubmissionFileRow(item_id=item_id, data=data))

    def add_decision(self, item_id: str, *, decision: str, note: str, reviewer: str) -> Decision:
        """Append a decision (never update one). The item must exist: ``ReviewItemNotFound`` writes nothing."""
        code = parse_decision(decision)
        with db.session_scope(self.engine) as s:
            if s.get(SubmissionItemRow, item_id) is None:
                raise ReviewItemNotFound()
            row = DecisionRow(
                item_id=item_id,
                decision=code,
                note=(note or "").strip()[:NOTE_MAX],
                reviewer=reviewer,
                decided_at=db.utc_now(),
            )
            s.add(row)
            s.flush()
            return _decision(row)

    def log_access(self, *, actor: str, role: str, action: str, item: FrozenItem, client: str = "") -> None:
        with db.session_scope(self.engine) as s:
            s.add(
                AccessLogRow(
                    actor=actor,
                    role=role,
                    action=action,
                    submission_id=item.submission.id,
                    item_id=item.id,
                    client=client[:64],
                )
            )

    # --- reading ------------------------------------------------------------------------------------------

    def submission_of_batch(self, batch_id: str) -> Submission | None:
        with db.session_scope(self.engine) as s:
            row = s.scalar(select(SubmissionRow).where(SubmissionRow.batch_id == batch_id))
            return _submission(row) if row else None

    def submissions(
        self, *, bureau: str | None = None, calls: Iterable[str] | None = None, campaign_id: str | None = None
    ) -> list[Submission]:
        """Submissions, newest first, restricted to one bureau and/or to a set of calls (``None`` = no limit)."""
        query = select(SubmissionRow).order_by(SubmissionRow.submitted_at.desc())
        if bureau is not None:
            query = query.where(SubmissionRow.bureau == bureau)
        if calls is not None:
            query = query.where(SubmissionRow.campaign_id.in_(list(calls)))
        if campaign_id is not None:
            query = query.where(SubmissionRow.campaign_id == campaign_id)
        with db.session_scope(self.engine) as s:
            return [_submission(r) for r in s.scalars(query)]

    def submission(self, submission_id: str) -> Submission | None:
        with db.session_scope(self.engine) as s:
            row = s.get(SubmissionRow, submission_id)
            return _submission(row) if row else None

    def items(
        self, *, submission_id: str | None = None, campaign_id: str | None = None, with_text: bool = True
    ) -> list[FrozenItem]:
        """The items of one submission, or of every submission of a call, by submission time then rank."""
        query = (
            select(SubmissionItemRow, SubmissionRow)
            .join(SubmissionRow, SubmissionRow.id == SubmissionItemRow.submission_id)
            .order_by(SubmissionRow.submitted_at, SubmissionRow.id, SubmissionItemRow.rank)
        )
        if submission_id is not None:
            query = query.where(SubmissionItemRow.submission_id == submission_id)
        if campaign_id is not None:
            query = query.where(SubmissionRow.campaign_id == campaign_id)
        with db.session_scope(self.engine) as s:
            headers: dict[str, Submission] = {}
            found = []
            for item_row, sub_row in s.execute(query):
                header = headers.setdefault(sub_row.id, _submission(sub_row))
                found.append(_item(item_row, header, with_text=with_text))
            return found

    def item(self, item_id: str) -> FrozenItem | None:
        with db.session_scope(self.engine) as s:
            row = s.get(SubmissionItemRow, item_id)
            if row is None:
                return None
            return _item(row, _submission(s.get(SubmissionRow, row.submission_id)))

    def file(self, item_id: str) -> bytes | None:
        with db.session_scope(self.engine) as s:
            row = s.get(SubmissionFileRow, item_id)
            return row.data if row else None

    def decisions(self, item_id: str) -> list[Decision]:
        """Every decision on the item, oldest first (the last is the one in force)."""
        query = select(DecisionRow).where(DecisionRow.item_id == item_id).order_by(DecisionRow.id)
        with db.session_scope(self.engine) as s:
            return [_decision(r) for r in s.scalars(query)]

    def latest_decisions(self, item_ids: Iterable[str]) -> dict[str, Decision]:
        ids = list(item_ids)
        if not ids:
            return {}
        query = select(DecisionRow).where(DecisionRow.item_id.in_(ids)).order_by(DecisionRow.id)
        with db.session_scope(self.engine) as s:
            return {r.item_id: _decision(r) for r in s.scalars(query)}  # later rows overwrite earlier ones

    def access_log(self, *, item_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        query = select(AccessLogRow).order_by(AccessLogRow.id.desc()).limit(limit)
        if item_id is not None:
            query = query.where(AccessLogRow.item_id == item_id)
        with db.session_scope(self.engine) as s:
            return [
                {
                    "at": r.at.isoformat() + "Z",
                    "actor": r.actor,
                    "role": r.role,
                    "action": r.action,
                    "submission_id": r.submission_id,
                    "item_id": r.item_id,
                    "client": r.client,
                }
                for r in s.scalars(query)
            ]


def _decision(row: DecisionRow) -> Decision:
    return Decision(
        id=row.id,
        item_id=row.item_id,
        decision=row.decision,
        note=row.note,
        reviewer=row.reviewer,
        decided_at=row.decided_at,
    )
