"""Stored word features (schemas v4 and v6): each archive record's word hashes, weights and counts are stored beside
its fingerprint, so comparing a material with a candidate segments only the material, and blanking a call's form out
of a candidate is a subtraction. Runs on SQLite and on a real PostgreSQL server.

"Without segmenting" is asserted by making the clause segmentation fail (or recording it) while stored features are
used.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import inspect, text

from screening import db
from screening.archive import Archive
from screening.duplicates import fingerprints as fp
from screening.duplicates.compare import Sample
from screening.duplicates.index import FORM_RECORDS, DuplicateIndex, FingerprintRow, archive_state, features_version
from tests.duplicates.texts import FORM_LINE, ORIGINAL, ORIGINAL_NAME, UNIT, distinct_texts

FEATURE_COLUMNS = ("word_hashes", "word_weights", "word_counts", "features_version")
_SEGMENT = fp.clause_words.__wrapped__  # the segmentation itself, without the memo


def _add(archive: Archive, text_: str = ORIGINAL):
    [record] = archive.add(
        [
            {
                "kind": "selection",
                "year": 2024,
                "campaign": "全国广播电视媒体融合典型案例",
                "case_name": ORIGINAL_NAME,
                "unit": UNIT,
                "text": text_,
            }
        ]
    )
    return record


def _count_segmenting(monkeypatch, *, fail: bool = False) -> list[str]:
    """Record every clause segmented from now on (the memo is bypassed); with ``fail``, any segmentation fails."""
    calls: list[str] = []

    def clause_words(clause: str) -> tuple[str, ...]:
        if fail:
            raise AssertionError(f"segmented {clause!r}")
        calls.append(clause)
        return _SEGMENT(clause)

    monkeypatch.setattr(fp, "clause_words", clause_words)
    return calls


def _features(url: str, record_id: int) -> tuple:
    with db.get_engine(url).connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT word_hashes, word_weights, word_counts, features_version FROM "
                    "duplicate_fingerprints WHERE record_id = :r"
                ),
                {"r": record_id},
            ).one()
        )


def _assert_same(stored: Sample, fresh: Sample, text_: str = ORIGINAL) -> None:
    assert np.array_equal(stored.shingles, fresh.shingles) and np.array_equal(stored.words, fresh.words)
    assert np.array_equal(stored.rare[0], fresh.rare[0]) and np.allclose(stored.rare[1], fresh.rare[1])
    assert np.array_equal(stored.keywords, fresh.keywords) and np.array_equal(stored.counts, fresh.counts)
    assert (stored.text, stored.name, stored.unit) == (text_, ORIGINAL_NAME, UNIT)


def test_a_record_written_through_the_index_is_compared_from_its_stored_features(db_url, monkeypatch):
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    record = _add(archive)  # fingerprinted and stored through the archive's listener
    assert _features(db_url, record.id)[3] == features_version()
    fresh = Sample.of(ORIGINAL, name=ORIGINAL_NAME, unit=UNIT)
    _count_segmenting(monkeypatch, fail=True)
    _assert_same(index.samples([record.id])[record.id], fresh)


def test_a_v3_database_gets_the_columns_and_its_records_are_fingerprinted_again_at_load(db_url, monkeypatch):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    DuplicateIndex.from_archive(archive)
    record = _add(archive)
    with engine.begin() as conn:  # as version 3 left it: a fingerprint, no word features
        for column in FEATURE_COLUMNS:
            conn.execute(text(f"ALTER TABLE duplicate_fingerprints DROP COLUMN {column}"))
        conn.execute(text("UPDATE schema_version SET version = 3"))
    db.dispose_engine(db_url)  # a new process
    engine = db.get_engine(db_url)
    assert db.migrate(engine) == 3
    assert set(FEATURE_COLUMNS) <= {c["name"] for c in inspect(engine).get_columns("duplicate_fingerprints")}
    assert _features(db_url, record.id) == (None, None, None, None)

    fresh = Sample.of(ORIGINAL, name=ORIGINAL_NAME, unit=UNIT)
    calls = _count_segmenting(monkeypatch)
    index = DuplicateIndex.from_archive(Archive(engine, seed=False))  # the migration: from the record's text
    assert calls and _features(db_url, record.id)[3] == features_version()
    _count_segmenting(monkeypatch, fail=True)
    _assert_same(index.samples([record.id])[record.id], fresh)
    _assert_same(DuplicateIndex.from_archive(Archive(engine, seed=False)).samples([record.id])[record.id], fresh)


def test_features_of_another_version_are_recomputed_once_when_the_index_is_built(db_url, monkeypatch):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    DuplicateIndex.from_archive(archive)
    record = _add(archive)
    with db.session_scope(engine) as s:  # as v5 left it: words cut another way, no counts
        row = s.get(FingerprintRow, record.id)
        row.features_version, row.word_counts = "1:weights-from-other-training-data", None
    calls = _count_segmenting(monkeypatch)
    DuplicateIndex.from_archive(Archive(engine, seed=False))
    assert calls and _features(db_url, record.id)[3] == features_version()
    assert _features(db_url, record.id)[2] is not None
    _count_segmenting(monkeypatch, fail=True)
    DuplicateIndex.from_archive(Archive(engine, seed=False)).samples([record.id])


def test_features_found_stale_at_query_time_are_computed_and_stored(db_url, monkeypatch):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    index = DuplicateIndex.from_archive(archive)
    record = _add(archive)
    with db.session_scope(engine) as s:  # e.g. another process wrote the row under other weights meanwhile
        s.get(FingerprintRow, record.id).features_version = "1:weights-from-other-training-data"
    calls = _count_segmenting(monkeypatch)
    _assert_same(index.samples([record.id])[record.id], Sample.of(ORIGINAL, name=ORIGINAL_NAME, unit=UNIT))
    assert calls and _features(db_url, record.id)[3] == features_version()


def test_a_form_blanked_record_is_its_stored_counts_less_the_form_s_words(db_url, monkeypatch):
    # the form shares words with the body (案例, 主要做法 ...), which must stay; its own words must go
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    body = "案例背景：本案例的主要做法是建设平台。创新亮点在于案例库。" + ORIGINAL
    text_ = FORM_LINE + body + "\n" + FORM_LINE.strip()  # the form twice: its words' counts go down twice
    record = _add(archive, text_)
    form = frozenset(fp.sentence_keys(FORM_LINE))
    fresh = Sample.of(fp.blank_sentences(text_, form), name=ORIGINAL_NAME, unit=UNIT)
    assert not np.array_equal(fresh.words, Sample.of(text_).words)  # blanking does take words away
    calls = _count_segmenting(monkeypatch)
    blanked = index.samples([record.id], form)[record.id]
    assert set(calls) <= {FORM_LINE.strip().rstrip("。")}  # at most the form's clause, never the body
    _assert_same(blanked, fresh, fp.blank_sentences(text_, form))
    assert blanked.text.startswith(" " * 10)  # offsets hold
    assert index.samples([record.id], form)[record.id] is blanked  # kept in memory


def test_records_without_text_have_no_sample(db_url):
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    record = _add(archive, "")
    assert index.samples([record.id]) == {}


def test_prepare_forms_blanks_the_archive_s_shared_sentences_ahead_of_queries(db_url, monkeypatch):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    index = DuplicateIndex.from_archive(archive)
    bodies = distinct_texts(FORM_RECORDS + 2)
    records = [_add(archive, FORM_LINE + body) for body in bodies[:FORM_RECORDS]]
    plain = _add(archive, bodies[-1])  # no form sentence: nothing to prepare
    form = frozenset(fp.sentence_keys(FORM_LINE))
    assert index.prepare_forms() == len(records)
    prepared = {r.id: index._cached(r.id, form) for r in records}
    for record, body in zip(records, bodies):
        sample = index.samples([record.id], form)[record.id]
        assert sample is prepared[record.id]  # from memory
        assert sample.text.endswith(body) and "填写说明" not in sample.text
    calls = _count_segmenting(monkeypatch)
    restarted = DuplicateIndex.from_archive(Archive(engine, seed=False))
    assert set(restarted.samples([r.id for r in records], form)) == {r.id for r in records}
    assert restarted.samples([plain.id], form)[plain.id].text == bodies[-1]  # its stored features
    assert set(calls) <= {FORM_LINE.strip().rstrip("。")}  # at most the form's clause, never a body
    assert index.prepare_forms(limit=3) == 3


def test_prepare_forms_without_a_shared_sentence_prepares_nothing(db_url):
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    for body in distinct_texts(3):
        _add(archive, FORM_LINE + body)
    assert index.prepare_forms() == 0


def test_samples_in_memory_are_not_read_again_when_the_caller_has_the_texts(db_url, monkeypatch):
    # check.run reads its first candidates' texts to find the form; their samples in memory need no second read
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    records = [_add(archive, FORM_LINE + body) for body in distinct_texts(3)]
    form = frozenset(fp.sentence_keys(FORM_LINE))
    ids = [r.id for r in records]
    first = index.samples(ids, form)
    texts = index.texts(ids)
    reads: list[list[int]] = []
    real = index._stored
    monkeypatch.setattr(index, "_stored", lambda found, **kw: reads.append(list(found)) or real(found, **kw))
    again = index.samples(ids, form, texts=texts)
    assert all(again[i] is first[i] for i in ids) and reads == [[]]
    newer = _add(archive, FORM_LINE + distinct_texts(4)[-1])
    assert set(index.samples([*ids, newer.id], form, texts=texts)) == {*ids, newer.id}
    assert reads[-1] == [newer.id]  # only the one not in memory
    assert index.samples(ids, texts={}).keys() == set(ids)  # no form: the cache key needs no text


def test_archive_state_is_the_count_and_the_highest_id(db_url):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    assert archive_state(engine) == (0, 0)
    records = [_add(archive, body) for body in distinct_texts(3)]
    assert archive_state(engine) == (3, max(r.id for r in records))
