"""The duplicate index: every archive record, searchable in milliseconds at 100,000 records.

What it keeps per record, all small and all in memory:

- the record's metadata (no text; texts are read from the database only for the few candidates of a query);
- two MinHash LSH tables (datasketch): character 5-grams at a low Jaccard threshold (verbatim and partial reuse) and
  word sets (rewording);
- the record's embedding (chunk mean), when the model was loaded, in one float32 matrix searched by a dot product;
- a map from normalised unit to records, for name/unit matches of records that have no text;
- an inverted index of each record's ``rarewords.KEYWORDS`` rarest words (table ``duplicate_keywords``), which finds
  the same project told again for another category or year when its wording has changed too much for the word LSH.

Signatures and vectors are stored in ``duplicate_fingerprints`` beside the archive, so a restart loads them instead of
re-reading and re-hashing every text; records without a stored fingerprint get one on the next build. The index
subscribes to the archive and adds records as they are written (API workers each keep their own copy, rebuilt at
start); records other processes wrote are added by ``catch_up`` before each check.

Candidates are only candidates: ``compare.compare`` decides with exact scores on the texts.
"""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import dataclass, replace

import numpy as np
from datasketch import MinHashLSH
from rapidfuzz import fuzz, process
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .. import db
from ..archive import Archive, ArchiveRecordRow, Record, _record
from . import fingerprints as fp
from .compare import SEMANTIC_COSINE, UNIT_SIMILARITY, Sample
from .names import norm_unit, similarity

log = logging.getLogger(__name__)

CHAR_LSH_THRESHOLD = 0.15
WORD_LSH_THRESHOLD = 0.2
VECTOR_CANDIDATES = 20
KEYWORD_MIN_SHARED = 6  # of a record's KEYWORDS rarest words, to be a candidate (bench/results/duplicates.md)
KEYWORD_CANDIDATES = 20  # at most, the records sharing the most keywords


class FingerprintRow(db.Base):
    __tablename__ = "duplicate_fingerprints"

    record_id: Mapped[int] = mapped_column(ForeignKey("archive_records.id", ondelete="CASCADE"), primary_key=True)
    chars: Mapped[bytes] = mapped_column(LargeBinary)
    words: Mapped[bytes] = mapped_column(LargeBinary)
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    vector_model: Mapped[str | None] = mapped_column(String(100), nullable=True)
    text_chars: Mapped[int] = mapped_column(Integer, default=0)


class KeywordRow(db.Base):
    """A record's rarest words (CRC-32 hashes, ``rarewords.keywords``): computed once when the record is written,
    so a query reads no stored text to find reframed copies. A table of its own, not a column of
    ``duplicate_fingerprints``: ``create_all`` adds it to existing databases."""

    __tablename__ = "duplicate_keywords"

    record_id: Mapped[int] = mapped_column(ForeignKey("archive_records.id", ondelete="CASCADE"), primary_key=True)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)


@dataclass
class Fingerprint:
    chars: object  # LeanMinHash
    words: object  # LeanMinHash
    vector: np.ndarray | None = None
    keywords: np.ndarray | None = None  # rarewords.keywords; None for a record indexed before they existed

    @classmethod
    def of(cls, sample: Sample) -> Fingerprint:
        return cls(fp.minhash(sample.shingles), fp.minhash(sample.words), sample.vector, sample.keywords)


class DuplicateIndex:
    """Find candidate records for a material. Thread-safe for one writer and many readers."""

    def __init__(self, *, archive: Archive | None = None, embedder=None) -> None:
        self.archive = archive
        self.embedder = embedder
        self.records: dict[int, Record] = {}
        self.with_text: set[int] = set()  # ids of records indexed by their text
        self._chars = MinHashLSH(threshold=CHAR_LSH_THRESHOLD, num_perm=fp.NUM_PERM)
        self._words = MinHashLSH(threshold=WORD_LSH_THRESHOLD, num_perm=fp.NUM_PERM)
        self._units: dict[str, list[int]] = {}
        self._keywords: dict[int, list[int]] = {}  # rare-word hash -> records
        self._vector_ids: list[int] = []
        self._vector_pos: dict[int, int] = {}
        self._vectors: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        self._lock = threading.RLock()

    @property
    def model_name(self) -> str | None:
        return getattr(self.embedder, "name", None)

    # --- building ---------------------------------------------------------------------------------------------

    @classmethod
    def from_archive(cls, archive: Archive, *, embedder=None) -> DuplicateIndex:
        """Load every record and its stored fingerprint; fingerprint (and store) the records that lack one."""
        index = cls(archive=archive, embedder=embedder)
        db.create_tables(archive.engine)
        columns = [c for c in ArchiveRecordRow.__table__.columns if c.name != "text"]
        columns.append(func.length(ArchiveRecordRow.text).label("text_chars"))
        missing = []
        with db.session_scope(archive.engine) as s:
            stored = {row.record_id: row for row in s.scalars(select(FingerprintRow))}
            keywords = dict(s.execute(select(KeywordRow.record_id, KeywordRow.hashes)).all())
            for row in s.execute(select(*columns)):
                data = row._mapping
                record = Record(**{k: v for k, v in data.items() if k in Record.__slots__})
                fpr = stored.get(record.id)
                if data["text_chars"] and (fpr is None or record.id not in keywords):
                    missing.append(record.id)  # has text, never fingerprinted or without keywords (older version)
                    continue
                index._add(record, index._load(fpr, keywords.get(record.id)) if fpr else None)
        if missing:
            index._fingerprint_missing(missing)
        archive.subscribe(index.add_records)
        return index

    def _load(self, row: FingerprintRow, keywords: bytes | None = None) -> Fingerprint:
        vector = None
        if row.vector is not None and row.vector_model == self.model_name:
            vector = np.frombuffer(row.vector, dtype=np.float32)
        return Fingerprint(fp.from_bytes(row.chars), fp.from_bytes(row.words), vector,
                           None if keywords is None else np.frombuffer(keywords, dtype=np.uint32))

    def _fingerprint_missing(self, ids: list[int]) -> None:
        for start in range(0, len(ids), 500):
            with db.session_scope(self.archive.engine) as s:
                rows = s.scalars(select(ArchiveRecordRow).where(ArchiveRecordRow.id.in_(ids[start:start + 500])))
                for record in map(_record, rows):
                    self.add_records([record], session=s)

    def add_records(self, records: list[Record], *, session=None) -> None:
        """Fingerprint new records (with their text), store the fingerprints and index them."""
        for record in records:
            sample = Sample.of(record.text, name=record.case_name, unit=record.unit, embedder=self.embedder)
            fpr = Fingerprint.of(sample) if sample.has_text else None
            if fpr is not None and self.archive is not None:
                self._store(record.id, fpr, len(record.text), session)
            self._add(_without_text(record), fpr)

    def _store(self, record_id: int, fpr: Fingerprint, n_chars: int, session) -> None:
        row = FingerprintRow(record_id=record_id, chars=fp.signature_bytes(fpr.chars),
                             words=fp.signature_bytes(fpr.words), text_chars=n_chars,
                             vector=None if fpr.vector is None else fpr.vector.astype(np.float32).tobytes(),
                             vector_model=self.model_name if fpr.vector is not None else None)
        rows = [row] if fpr.keywords is None else [row, KeywordRow(record_id=record_id, hashes=fpr.keywords.tobytes())]
        if session is not None:
            for r in rows:
                session.merge(r)
            return
        with db.session_scope(self.archive.engine) as s:
            for r in rows:
                s.merge(r)

    def _add(self, record: Record, fpr: Fingerprint | None) -> None:
        with self._lock:
            if record.id in self.records:
                return
            self.records[record.id] = record
            if fpr is None:  # no text: only its name and unit can match
                if record.unit:
                    self._units.setdefault(norm_unit(record.unit), []).append(record.id)
                return
            self.with_text.add(record.id)
            self._chars.insert(record.id, fpr.chars, check_duplication=False)
            self._words.insert(record.id, fpr.words, check_duplication=False)
            for h in (fpr.keywords if fpr.keywords is not None else ()):
                self._keywords.setdefault(int(h), []).append(record.id)
            if fpr.vector is not None:
                self._vector_pos[record.id] = len(self._vector_ids)
                self._vector_ids.append(record.id)
                self._vectors.append(fpr.vector)
                self._matrix = None

    # --- querying ---------------------------------------------------------------------------------------------

    def candidates(self, sample: Sample, *, fingerprint: Fingerprint | None = None) -> set[int]:
        """Ids of records worth comparing with ``sample``: any LSH hit, a close vector, or (for records without
        text) a similar unit. ``fingerprint`` saves recomputing the sample's MinHashes."""
        found: set[int] = set()
        if sample.has_text:
            fpr = fingerprint or Fingerprint.of(sample)
            found.update(self._chars.query(fpr.chars))
            found.update(self._words.query(fpr.words))
            if sample.vector is not None:
                found.update(self._near_vectors(sample.vector))
            found.update(self._sharing_keywords(sample.keywords))
        if sample.unit:
            found.update(self._same_unit(sample.unit))
        return found

    def _sharing_keywords(self, keywords: np.ndarray) -> list[int]:
        """Records sharing at least ``KEYWORD_MIN_SHARED`` of the query's rarest words (the most first, at most
        ``KEYWORD_CANDIDATES``): one dictionary lookup per keyword, however large the archive."""
        counts: dict[int, int] = {}
        with self._lock:
            for h in keywords.tolist():
                for rid in self._keywords.get(h, ()):
                    counts[rid] = counts.get(rid, 0) + 1
        best = sorted((n, rid) for rid, n in counts.items() if n >= KEYWORD_MIN_SHARED)[::-1]
        return [rid for _n, rid in best[:KEYWORD_CANDIDATES]]

    def _near_vectors(self, vector: np.ndarray) -> list[int]:
        with self._lock:
            if not self._vectors:
                return []
            if self._matrix is None:
                self._matrix = np.vstack(self._vectors)
            matrix, ids = self._matrix, self._vector_ids
        sims = matrix @ vector
        top = np.argpartition(-sims, min(VECTOR_CANDIDATES, len(sims) - 1))[:VECTOR_CANDIDATES]
        return [ids[i] for i in top if sims[i] >= SEMANTIC_COSINE - 0.02]

    def _same_unit(self, unit: str) -> list[int]:
        """Records without text whose unit is similar: the only ones a name can match (texts decide otherwise).

        rapidfuzz's native ``partial_ratio`` scans the distinct units (a superset of our ``similarity`` hits), then
        ``similarity`` confirms the few it returns.
        """
        key = norm_unit(unit)
        with self._lock:
            units = list(self._units)
        hits = process.extract(key, units, scorer=fuzz.partial_ratio, limit=20, score_cutoff=UNIT_SIMILARITY)
        return [rid for name, _score, _ in hits if similarity(key, name) >= UNIT_SIMILARITY
                for rid in self._units[name]]

    def text(self, record_id: int) -> str:
        """The record's text, read from the database (the index keeps none); no query for name-only records."""
        if self.archive is None or record_id not in self.with_text:
            return ""
        record = self.archive.get(record_id)
        return record.text if record else ""

    def vector(self, record_id: int) -> np.ndarray | None:
        with self._lock:
            pos = self._vector_pos.get(record_id)
            return None if pos is None else self._vectors[pos]


def _without_text(record: Record) -> Record:
    return replace(record, text="")


_lock = threading.Lock()
_indexes: weakref.WeakKeyDictionary[Archive, DuplicateIndex] = weakref.WeakKeyDictionary()


def get_index(archive: Archive, *, embedder=None) -> DuplicateIndex:
    """The process-wide index over ``archive`` (built on first call, then kept current through the archive).

    Built with the embedder of the first caller; a process uses one embedder (or none) throughout.
    """
    with _lock:
        if archive not in _indexes:
            _indexes[archive] = DuplicateIndex.from_archive(archive, embedder=embedder)
        index = _indexes[archive]
    catch_up(index)
    return index


# --- other workers' writes (the hook of the shared-queue deployment; see screening.batch_store) ------------------


def archive_state(engine) -> tuple[int, int]:
    """``(count, max id)`` of the archive: changes with every committed insert, by any process (records are never
    deleted). One indexed aggregate per duplicate check; a version counter would need a write on every insert."""
    with db.session_scope(engine) as s:
        count, top = s.execute(select(func.count(ArchiveRecordRow.id), func.max(ArchiveRecordRow.id))).one()
    return count or 0, top or 0


def catch_up(index: DuplicateIndex) -> int:
    """Index the records other processes (workers of ``serve --workers N``, other machines) wrote since this
    index last looked; return how many. Called per request by ``get_index``, so every duplicate check sees every
    committed record. Stored fingerprints are reused; a record whose writer has not stored one yet is fingerprinted
    here in memory only (its writer stores it). A database error leaves the index as it was: the check still runs
    on what is indexed, and the next call tries again."""
    if index.archive is None:
        return 0
    try:
        state = archive_state(index.archive.engine)
        if state == getattr(index, "_archive_state", None):
            return 0
        with index._lock:
            known = len(index.records), (max(index.records) if index.records else 0)
        added = 0 if known == state else _add_unseen(index)
    except Exception:  # noqa: BLE001 - see the docstring
        log.warning("无法核对案例库的更新，查重使用本进程已有的索引", exc_info=True)
        return 0
    index._archive_state = state
    return added


def _add_unseen(index: DuplicateIndex) -> int:
    engine = index.archive.engine
    with db.session_scope(engine) as s:
        unseen = sorted(set(s.scalars(select(ArchiveRecordRow.id))) - set(index.records))
    for start in range(0, len(unseen), 500):
        ids = unseen[start:start + 500]
        with db.session_scope(engine) as s:
            stored = {row.record_id: row for row in s.scalars(select(FingerprintRow)
                                                              .where(FingerprintRow.record_id.in_(ids)))}
            keywords = dict(s.execute(select(KeywordRow.record_id, KeywordRow.hashes)
                                      .where(KeywordRow.record_id.in_(ids))).all())
            for record in map(_record, s.scalars(select(ArchiveRecordRow).where(ArchiveRecordRow.id.in_(ids)))):
                fpr = index._load(stored[record.id], keywords.get(record.id)) if record.id in stored else None
                if fpr is None and record.text:
                    sample = Sample.of(record.text, name=record.case_name, unit=record.unit, embedder=index.embedder)
                    fpr = Fingerprint.of(sample) if sample.has_text else None
                index._add(_without_text(record), fpr)
    return len(unseen)
