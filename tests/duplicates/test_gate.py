"""The exact gate between the index's lookup and the database: what ``compare`` could flag is kept, the rest dropped
before anything is read; its bounds never fall below ``compare``'s own scores, with or without a call's form."""

import numpy as np
import pytest
from sqlalchemy import select, update

from screening import db
from screening.archive import Record
from screening.duplicates import DuplicateIndex, Sample, compare, rarewords
from screening.duplicates import fingerprints as fp
from screening.duplicates.compare import REFRAMED_SCORE, WORD_JACCARD, reframed_score
from screening.duplicates.gate import Bounds, Form, Gate, sampled
from screening.duplicates.index import Fingerprint, FingerprintRow

from .test_reframed import REFRAMED
from .texts import FORM_LINE, ORIGINAL, field_sentences, field_text, reworded_field_text

FORM = (
    "典型案例申报表\n申报单位（盖章）：\n" + FORM_LINE + "所填数据应注明统计口径和截止时间，可附相关图片和证明材料。\n"
)
PLEDGE = "\n本单位承诺所报送的案例材料真实、准确、完整，所涉数据均有据可查，如有不实愿意承担相应责任。\n"


def partial_reuse() -> str:
    """A third of ``field_text(1)``'s sentences word for word inside two other write-ups."""
    return "\n".join(field_sentences(1)[:30]) + "\n" + field_text(3) + "\n" + field_text(4)


def _index(texts: dict[int, str]) -> DuplicateIndex:
    index = DuplicateIndex()
    for rid, text in texts.items():
        sample = Sample.of(text)
        record = Record(id=rid, kind="selection", year=2024, campaign="测试", case_name=f"案例{rid}", unit=f"单位{rid}")
        index._add(record, Fingerprint.of(sample))
    return index


def _bounds(ours: Sample, theirs: str, form: frozenset[str] = frozenset()) -> Bounds:
    gate = Gate()
    record = Sample.of(theirs)
    gate.add(1, record.words, record.rare[1], record.keywords, sampled(record.shingles))
    return Bounds.of(ours, [gate._kept[1]], Form.of(form))


def test_the_gate_keeps_what_compare_flags_and_drops_a_distinct_text_of_the_field():
    original = field_text(1)
    index = _index({1: original, 2: field_text(2), 3: field_text(5)})
    for copy in (reworded_field_text(1), partial_reuse()):
        ours = Sample.of(copy)
        assert compare(ours, Sample.of(original)).kind is not None
        assert index.gate(ours, {1, 2, 3}) == {1}  # the two distinct write-ups are dropped
    distinct = Sample.of(field_text(2))
    assert compare(distinct, Sample.of(original)).kind is None
    assert index.gate(distinct, {1, 3}) == set()


def test_a_reworded_copy_is_kept_by_the_exact_word_jaccard():
    ours = Sample.of(reworded_field_text(1))
    result = compare(ours, Sample.of(field_text(1)))
    bounds = _bounds(ours, field_text(1))
    assert result.kind == "reworded" and result.scores["containment"] < 0.1
    assert bounds.word_jaccard[0] == pytest.approx(result.scores["words"]) and bounds.word_jaccard[0] >= WORD_JACCARD


def test_a_partial_verbatim_reuse_passes_the_sampled_containment_that_distinct_texts_do_not():
    ours = Sample.of(partial_reuse())
    result = compare(ours, Sample.of(field_text(1)))
    reuse = _bounds(ours, field_text(1))
    assert result.kind == "verbatim" and result.scores["words"] < WORD_JACCARD  # the word test would not keep it
    assert reuse.word_jaccard[0] < WORD_JACCARD
    assert reuse.sampled_containment[0] >= reuse.containment_cut[0] > 0.1
    distinct = _bounds(Sample.of(field_text(2)), field_text(1))
    assert distinct.sampled_containment[0] < 0.05 < distinct.containment_cut[0]


def test_a_reframed_copy_is_kept_by_the_reframed_bound():
    ours = Sample.of(REFRAMED)
    result = compare(ours, Sample.of(ORIGINAL))
    bounds = _bounds(ours, ORIGINAL)
    assert result.kind == "reworded" and result.scores["words"] < WORD_JACCARD  # the rare-word test decided
    exact = reframed_score(result.scores["keywords"], result.scores["rare_words"])
    assert bounds.reframed[0] == pytest.approx(exact, abs=1e-4) and bounds.reframed[0] >= REFRAMED_SCORE
    assert _index({1: ORIGINAL}).gate(ours, {1}) == {1}


def test_a_form_wrapped_duplicate_is_kept_and_form_wrapped_distinct_texts_dropped():
    texts = {1: FORM + field_text(1) + PLEDGE} | {rid: FORM + field_text(rid) + PLEDGE for rid in range(2, 8)}
    index = _index(texts)
    form = fp.sentence_keys(FORM + PLEDGE)
    whole = Sample.of(FORM + reworded_field_text(1) + PLEDGE)
    ours = whole.without(form & fp.sentence_keys(whole.text))
    assert index.gate(ours, set(texts), form) == {1}
    distinct = Sample.of(FORM + field_text(9) + PLEDGE)
    assert index.gate(distinct.without(form), set(texts), form) == set()


@pytest.mark.parametrize("blanked", [False, True])
def test_bounds_are_never_below_compares_scores(blanked):
    """Against records compared with the form blanked out (as ``DuplicateIndex.samples`` builds them), the bounds
    from the whole records' features stay at or above the scores ``compare`` computes; without a form they equal
    them."""
    form = fp.sentence_keys(FORM + PLEDGE) if blanked else frozenset()
    records = [FORM + field_text(1) + PLEDGE, FORM + field_text(2), field_text(6) + PLEDGE, ORIGINAL]
    queries = [reworded_field_text(1), partial_reuse(), REFRAMED, field_text(7)]
    for query in queries:
        ours = Sample.of(FORM + query).without(form & fp.sentence_keys(FORM + query))
        for text in records:
            theirs = Sample.of(fp.blank_sentences(text, fp.sentence_keys(text) & form))
            bounds = _bounds(ours, text, form)
            words = fp.jaccard(ours.words, theirs.words)  # compare's scores["words"]
            cosine = rarewords.weighted_cosine(ours.rare, theirs.rare)  # and its reframed score
            score = reframed_score(float(fp.shared(ours.keywords, theirs.keywords)), cosine)
            assert bounds.word_jaccard[0] >= words - 1e-9
            assert bounds.reframed[0] >= score - 1e-4
            if not blanked:
                assert bounds.word_jaccard[0] == pytest.approx(words)
                assert bounds.reframed[0] == pytest.approx(score, abs=1e-4)


def test_records_the_gate_knows_nothing_of_are_kept():
    index = DuplicateIndex()
    sample = Sample.of(field_text(1))
    bare = Fingerprint(fp.minhash(sample.shingles), fp.minhash(sample.words), keywords=sample.keywords)
    index._add(Record(id=1, kind="selection", year=2024, campaign="测试", case_name="旧记录"), bare)
    assert 1 not in index._gate and index.candidates(Sample.of(field_text(2))) == set()  # the lookup finds nothing
    assert index.gate(Sample.of(field_text(2)), {1}) == {1}  # but what it is given it cannot judge, it keeps


def test_the_gate_features_are_stored_reloaded_and_filled_in_for_older_rows(archive):
    (record,) = archive.add(
        [dict(kind="selection", year=2024, campaign="测试", case_name="案例", unit="单位", text=field_text(1))]
    )
    assert record.id in DuplicateIndex.from_archive(archive)._gate
    with db.session_scope(archive.engine) as s:  # a row written before the 5-gram sample was stored
        s.execute(update(FingerprintRow).values(shingle_sample=None))
    index = DuplicateIndex.from_archive(archive)
    assert index.gate(Sample.of(reworded_field_text(1)), {record.id}) == {record.id}
    assert index.gate(Sample.of(field_text(2)), {record.id}) == set()
    with db.session_scope(archive.engine) as s:
        (stored,) = s.scalars(select(FingerprintRow.shingle_sample)).all()
    assert np.array_equal(np.frombuffer(stored, np.uint32), sampled(Sample.of(field_text(1)).shingles))
