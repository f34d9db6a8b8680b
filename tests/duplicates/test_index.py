"""The index's candidate stage: what it returns, and what it leaves out before anything is read."""

import numpy as np

from screening.archive import Record
from screening.duplicates import DuplicateIndex, Sample
from screening.duplicates import fingerprints as fp
from screening.duplicates.compare import WORD_JACCARD
from screening.duplicates.index import WORD_CANDIDATE_JACCARD, Fingerprint


def _words(start: int, n: int) -> np.ndarray:
    return fp.word_hashes({f"词{i}" for i in range(start, start + n)})


def _fingerprint(words: np.ndarray, seed: int) -> Fingerprint:
    chars = fp.shingle_hashes(f"文本{seed}" * 3)  # tiny and unlike the others: no 5-gram candidate
    return Fingerprint(fp.minhash(chars), fp.minhash(words), keywords=np.zeros(0, np.uint32))


def _index(records: dict[int, np.ndarray]) -> DuplicateIndex:
    index = DuplicateIndex()
    for rid, words in records.items():
        index._add(
            Record(id=rid, kind="selection", year=2024, campaign="测试", case_name=f"案例{rid}"),
            _fingerprint(words, rid),
        )
    return index


def test_word_table_hits_below_the_estimated_jaccard_are_dropped():
    query = _words(0, 400)
    close = _words(100, 400)  # shares 300 of 500 words: Jaccard 0.6
    far = _words(355, 400)  # shares 45 of 755: Jaccard 0.06, the field's shared vocabulary
    index = _index({1: close, 2: far})
    signature = fp.minhash(query)
    assert index._close_words([1, 2], signature) == [1]
    assert index.candidates(
        Sample("正文", shingles=np.arange(20, dtype=np.uint32)), fingerprint=_fingerprint(query, 0)
    ) == {1}


def test_hits_at_the_word_jaccard_that_decides_rewording_pass_the_check():
    """``compare`` calls a pair reworded at word Jaccard 0.30; the check sits below that, for the estimate's error."""
    query = _words(0, 400)
    at_decision = _words(215, 400)  # shares 185 of 615 words: Jaccard 0.30
    reworded = _words(185, 400)  # shares 215 of 585: Jaccard 0.37
    index = _index({1: at_decision, 2: reworded})
    assert round(fp.jaccard(query, at_decision), 2) == WORD_JACCARD > WORD_CANDIDATE_JACCARD
    assert index._close_words([1, 2], fp.minhash(query)) == [1, 2]


def test_lookups_while_records_are_added_from_another_thread():
    """The API screens in worker threads while a stored submission is indexed: the LSH tables' buckets are sets that
    an insert grows, so a lookup iterating one unguarded fails ("Set changed size during iteration"; seen under
    bench/load.py). Every lookup must hold while another thread adds records sharing its buckets."""
    import threading

    query = _words(0, 400)
    index = _index({1: query})
    errors: list[BaseException] = []
    done = threading.Event()

    def add_many() -> None:
        try:
            for rid in range(2, 1500):
                index._add(
                    Record(id=rid, kind="selection", year=2024, campaign="测试", case_name=f"案例{rid}"),
                    _fingerprint(_words(rid % 7, 400), rid),  # near copies: they land in the query's buckets
                )
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            done.set()

    sample = Sample("正文", shingles=np.arange(20, dtype=np.uint32))
    fingerprint = _fingerprint(query, 0)
    writer = threading.Thread(target=add_many)
    writer.start()
    try:
        while not done.is_set():
            index.lookup(sample, fingerprint=fingerprint)
    except RuntimeError as error:
        errors.append(error)
    writer.join()
    assert not errors
    assert len(index.lookup(sample, fingerprint=fingerprint)) > 1000
