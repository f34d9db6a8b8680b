"""Words cut clause by clause: no word crosses a clause, so blanking a clause only takes its words away and a
form-blanked text needs no new segmentation (``fingerprints.word_counts``)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from screening.duplicates import fingerprints as fp
from tests.duplicates.texts import FORM_LINE, ORIGINAL, REWORDED, SAME_UNIT_OTHER_CASE


def test_a_text_s_words_are_its_clauses_words_so_no_word_crosses_a_clause():
    a, b = "全面推进工作", "作风转变明显"  # glued across the 。, jieba would cut 工作作风
    assert fp.word_counts(f"{a}。{b}") == fp.word_counts(a) + fp.word_counts(b)
    assert "工作作风" not in fp.word_set(f"{a}。{b}") and "工作" in fp.word_set(f"{a}。{b}")
    text = "；".join([ORIGINAL, REWORDED, SAME_UNIT_OTHER_CASE])
    assert fp.word_counts(text) == sum((fp.word_counts(p) for p in text.split("；")), Counter())
    assert {"政务", "客户端", "纪录片"} <= fp.word_set(text)


def test_inside_a_clause_punctuation_and_spaces_are_dropped_before_cutting():
    path = "path: docs/src/instances/b0850a5f.vue (text extracted from the template)"
    assert fp.word_set(path) == {fp.normalise(path)}  # one token, unique to the file, not ten shared English words
    assert fp.word_set("5G、4K超高清") == fp.word_set("5G4K超高清")


def test_blanking_clauses_takes_exactly_their_words_away():
    text = FORM_LINE + ORIGINAL + "\n" + FORM_LINE + "案例背景：主要做法与创新亮点。"
    form = frozenset(fp.sentence_keys(FORM_LINE))
    blanked = fp.blank_sentences(text, form)
    removed = fp.word_counts(text, only=form)
    assert removed and removed == fp.word_counts(FORM_LINE) + fp.word_counts(FORM_LINE)  # both copies
    assert fp.word_counts(text) - removed == fp.word_counts(blanked)
    assert {"案例", "背景", "主要", "做法"} <= fp.word_set(blanked)  # the form's words that the body also uses


def test_hashed_counts_line_up_with_word_hashes():
    counts = fp.word_counts(ORIGINAL + ORIGINAL)
    hashes, occurrences = fp.hashed_counts(counts)
    assert list(hashes) == list(fp.word_hashes(set(counts)))
    assert sorted(occurrences.tolist()) == sorted(counts.values()) and min(occurrences) == 2


def test_a_sample_without_its_form_is_the_sample_of_the_blanked_text(monkeypatch):
    from screening.duplicates.compare import Sample

    text = FORM_LINE + ORIGINAL + "\n" + FORM_LINE + "案例背景：主要做法与创新亮点。"
    form = frozenset(fp.sentence_keys(FORM_LINE))
    whole = Sample.of(text, name="名称", unit="单位")
    fresh = Sample.of(fp.blank_sentences(text, form), name="名称", unit="单位")
    calls = []
    real = fp.clause_words
    monkeypatch.setattr(fp, "clause_words", lambda clause: calls.append(clause) or real(clause))
    blanked = whole.without(form)
    assert set(calls) <= {FORM_LINE.strip().rstrip("。")}  # only the form's clause is looked at
    assert blanked.text == fresh.text and (blanked.name, blanked.unit) == ("名称", "单位")
    for field in ("shingles", "words", "keywords", "counts"):
        assert list(getattr(blanked, field)) == list(getattr(fresh, field)), field
    assert list(blanked.rare[0]) == list(fresh.rare[0]) and list(blanked.rare[1]) == list(fresh.rare[1])


def test_distinct_is_numpy_unique():
    rng = np.random.default_rng(3)
    for values in (rng.integers(0, 50, 300), rng.integers(0, 2**32, 3000), np.array([7]), np.array([], int)):
        values = values.astype(np.uint32)
        assert np.array_equal(fp.distinct(values), np.unique(values)) and fp.distinct(values).dtype == np.uint32


def test_containment_matrix_is_every_pairwise_containment():
    rng = np.random.default_rng(5)
    sets = [fp.distinct(rng.integers(0, 400, int(n)).astype(np.uint32)) for n in rng.integers(0, 120, 14)]
    sets.append(np.zeros(0, np.uint32))  # an empty passage scores 0 against everything
    ours, theirs = sets[:8], sets[6:]  # two sets on both sides: a passage reused word for word
    matrix = fp.containment_matrix(ours, theirs)
    assert matrix.shape == (8, 9)
    for i, a in enumerate(ours):
        for j, b in enumerate(theirs):
            assert matrix[i, j] == fp.containment(a, b), (i, j)
    assert matrix[6, 0] == 1.0 and fp.containment_matrix([], theirs).shape == (0, 9)
