"""Schema v4: each archive record's word features are stored beside its fingerprint, so comparing a material with a
candidate segments only the material. Runs on SQLite and on a real PostgreSQL server.

"Without segmenting" is asserted by making jieba's word set fail while the stored features are used.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import inspect, text

from screening import db
from screening.archive import Archive
from screening.duplicates import fingerprints as fp
from screening.duplicates.compare import Sample
from screening.duplicates.index import FORM_RECORDS, DuplicateIndex, FingerprintRow, features_version
from tests.duplicates.texts import FORM_LINE, ORIGINAL, ORIGINAL_NAME, UNIT, distinct_texts

FEATURE_COLUMNS = ("word_hashes", "word_weights", "features_version")


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
    calls: list[str] = []
    real = fp.word_set

    def word_set(text_: str) -> set[str]:
        if fail:
            raise AssertionError("segmented a stored record")
        calls.append(text_)
        return real(text_)

    monkeypatch.setattr(fp, "word_set", word_set)
    return calls


def _features(url: str, record_id: int) -> tuple:
    with db.get_engine(url).connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT word_hashes, word_weights, features_version FROM "
                    "duplicate_fingerprints WHERE record_id = :r"
                ),
                {"r": record_id},
            ).one()
        )


def _assert_same(stored: Sample, fresh: Sample) -> None:
    assert np.array_equal(stored.shingles, fresh.shingles) and np.array_equal(stored.words, fresh.words)
    assert np.array_equal(stored.rare[0], fresh.rare[0]) and np.allclose(stored.rare[1], fresh.rare[1])
    assert np.array_equal(stored.keywords, fresh.keywords)
    assert (stored.text, stored.name, stored.unit) == (ORIGINAL, ORIGINAL_NAME, UNIT)


def test_a_record_written_through_the_index_is_compared_from_its_stored_features(db_url, monkeypatch):
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    record = _add(archive)  # fingerprinted and stored through the archive's listener
    assert _features(db_url, record.id)[2] == features_version()
    fresh = Sample.of(ORIGINAL, name=ORIGINAL_NAME, unit=UNIT)
    _count_segmenting(monkeypatch, fail=True)
    _assert_same(index.samples([record.id])[record.id], fresh)


def test_a_v3_database_gets_the_columns_and_each_record_its_features_once(db_url, monkeypatch):
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
    assert _features(db_url, record.id) == (None, None, None)

    index = DuplicateIndex.from_archive(Archive(engine, seed=False))  # loads the v3 fingerprint, computes nothing
    calls = _count_segmenting(monkeypatch)
    first = index.samples([record.id])[record.id]
    assert len(calls) == 1 and _features(db_url, record.id)[2] == features_version()  # computed and stored once
    _count_segmenting(monkeypatch, fail=True)
    again = DuplicateIndex.from_archive(Archive(engine, seed=False)).samples([record.id])[record.id]
    _assert_same(again, first)


def test_features_stored_under_other_word_weights_are_recomputed(db_url, monkeypatch):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    index = DuplicateIndex.from_archive(archive)
    record = _add(archive)
    with db.session_scope(engine) as s:
        s.get(FingerprintRow, record.id).features_version = "1:weights-from-other-training-data"
    calls = _count_segmenting(monkeypatch)
    index.samples([record.id])
    assert len(calls) == 1 and _features(db_url, record.id)[2] == features_version()


def test_a_form_blanked_record_is_segmented_once_and_then_reused(db_url, monkeypatch):
    head = "填写说明：请围绕案例背景、主要做法、创新亮点、实际成效进行介绍，正文不超过五千字。\n"
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    record = _add(archive, head + ORIGINAL)
    form = frozenset(fp.sentence_keys(head))
    calls = _count_segmenting(monkeypatch)
    blanked = index.samples([record.id], form)[record.id]
    assert blanked.text.startswith(" " * 10) and blanked.text.endswith(ORIGINAL)  # offsets hold
    assert np.array_equal(blanked.words, Sample.of(ORIGINAL).words)
    assert index.samples([record.id], form)[record.id] is blanked
    assert len(calls) == 2  # the blanked record, then Sample.of(ORIGINAL) above; not the second lookup


def test_records_without_text_have_no_sample(db_url):
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    record = _add(archive, "")
    assert index.samples([record.id]) == {}


def test_a_form_blanked_record_is_read_from_the_database_after_a_restart(db_url, monkeypatch):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    record = _add(archive, FORM_LINE + ORIGINAL)
    form = frozenset(fp.sentence_keys(FORM_LINE))
    index = DuplicateIndex.from_archive(archive)  # fingerprints the record
    calls = _count_segmenting(monkeypatch)
    first = index.samples([record.id], form)[record.id]
    assert len(calls) == 1  # the blanked record, once
    _count_segmenting(monkeypatch, fail=True)
    again = DuplicateIndex.from_archive(Archive(engine, seed=False)).samples([record.id], form)[record.id]
    assert again.text == first.text and np.array_equal(again.shingles, first.shingles)
    assert np.array_equal(again.words, first.words) and np.array_equal(again.keywords, first.keywords)
    assert np.array_equal(again.rare[0], first.rare[0]) and np.allclose(again.rare[1], first.rare[1])


def test_blanked_features_under_other_word_weights_are_recomputed(db_url, monkeypatch):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    record = _add(archive, FORM_LINE + ORIGINAL)
    form = frozenset(fp.sentence_keys(FORM_LINE))
    DuplicateIndex.from_archive(archive).samples([record.id], form)
    with engine.begin() as conn:
        conn.execute(text("UPDATE duplicate_blanked_features SET features_version = '1:other-weights'"))
    calls = _count_segmenting(monkeypatch)
    DuplicateIndex.from_archive(Archive(engine, seed=False)).samples([record.id], form)
    assert len(calls) == 1


def test_prepare_forms_blanks_the_archive_s_shared_sentences_ahead_of_queries(db_url, monkeypatch):
    engine = db.get_engine(db_url)
    archive = Archive(engine, seed=False)
    index = DuplicateIndex.from_archive(archive)
    bodies = distinct_texts(FORM_RECORDS + 2)
    records = [_add(archive, FORM_LINE + body) for body in bodies[:FORM_RECORDS]]
    plain = _add(archive, bodies[-1])  # no form sentence: nothing to prepare
    form = frozenset(fp.sentence_keys(FORM_LINE))
    assert index.prepare_forms() == len(records)
    _count_segmenting(monkeypatch, fail=True)
    for record, body in zip(records, bodies):
        sample = index.samples([record.id], form)[record.id]  # from memory
        assert sample.text.endswith(body) and "填写说明" not in sample.text
    restarted = DuplicateIndex.from_archive(Archive(engine, seed=False))  # from the database
    assert set(restarted.samples([r.id for r in records], form)) == {r.id for r in records}
    assert restarted.samples([plain.id], form)[plain.id].text == bodies[-1]  # its stored features: no jieba
    assert index.prepare_forms(limit=3) == 3


def test_prepare_forms_without_a_shared_sentence_prepares_nothing(db_url):
    archive = Archive(db.get_engine(db_url), seed=False)
    index = DuplicateIndex.from_archive(archive)
    for body in distinct_texts(3):
        _add(archive, FORM_LINE + body)
    assert index.prepare_forms() == 0
