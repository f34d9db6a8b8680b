"""Each kind of copy is found as its kind; a different case from the same unit is not a duplicate."""

from screening.duplicates import Sample, compare

from .texts import (
    ORIGINAL,
    ORIGINAL_NAME,
    ORIGINAL_PARAGRAPHS,
    OTHER_UNIT_SIMILAR_TOPIC,
    REWORDED,
    SAME_UNIT_OTHER_CASE,
    SAME_UNIT_OTHER_NAME,
    UNIT,
    lightly_edited,
    reordered,
)

original = Sample.of(ORIGINAL, name=ORIGINAL_NAME, unit=UNIT)


def test_lightly_edited_copy_is_verbatim_with_passages_side_by_side():
    edited = lightly_edited(ORIGINAL)
    assert edited != ORIGINAL
    result = compare(Sample.of(edited, name=ORIGINAL_NAME, unit=UNIT), original)
    assert result.kind == "verbatim"
    assert result.passages
    for pair in result.passages:
        assert edited[pair.ours.start : pair.ours.end] == pair.ours.text
        assert ORIGINAL[pair.theirs.start : pair.theirs.end] == pair.theirs.text


def test_reordered_copy_is_verbatim():
    copy = reordered(ORIGINAL_PARAGRAPHS)
    assert copy != ORIGINAL
    assert compare(Sample.of(copy, unit=UNIT), original).kind == "verbatim"


def test_reworded_copy_is_reworded_without_the_model():
    result = compare(Sample.of(REWORDED, name=ORIGINAL_NAME, unit=UNIT), original)
    assert result.kind == "reworded"
    assert "semantic" not in result.scores  # decided on word sets: the lexical fallback
    assert result.passages


def test_renamed_resubmission_matches_a_name_only_record():
    earlier = Sample.of("", name=ORIGINAL_NAME, unit=UNIT)
    result = compare(Sample.of(ORIGINAL, name="“青溪通”县域媒体政务服务平台建设与运营", unit=UNIT), earlier)
    assert result.kind == "renamed"


def test_different_case_from_same_unit_is_not_a_duplicate():
    result = compare(Sample.of(SAME_UNIT_OTHER_CASE, name=SAME_UNIT_OTHER_NAME, unit=UNIT), original)
    assert result.kind is None
    assert result.scores["unit"] == 1.0


def test_same_unit_with_unrelated_name_and_no_text_is_not_renamed():
    earlier = Sample.of("", name=ORIGINAL_NAME, unit=UNIT)
    assert compare(Sample.of(SAME_UNIT_OTHER_CASE, name=SAME_UNIT_OTHER_NAME, unit=UNIT), earlier).kind is None


def test_same_topic_other_unit_is_not_a_duplicate():
    other = Sample.of(OTHER_UNIT_SIMILAR_TOPIC, name="石门在线移动平台", unit="石门县广播电视台")
    assert compare(other, original).kind is None


def test_semantic_score_is_reported_but_does_not_decide():
    import numpy as np

    same = np.ones(4, np.float32) / 2
    result = compare(Sample.of(REWORDED, unit=UNIT, vector=same), Sample.of(ORIGINAL, unit=UNIT, vector=same))
    assert result.kind == "reworded" and result.scores["semantic"] == 1.0
    other = Sample.of(OTHER_UNIT_SIMILAR_TOPIC, unit="石门县广播电视台", vector=same)
    assert compare(other, Sample.of(ORIGINAL, unit=UNIT, vector=same)).kind is None  # cosine 1.0, still no match


def test_passages_are_whole_sentences_within_the_budget_with_offsets_into_the_text():
    from screening.duplicates.compare import PASSAGE_CHARS, cut_passages

    text = (
        "   \n短句一。" + "长" * (PASSAGE_CHARS * 2 + 10) + "。\n" + "；".join(["第二段的分句"] * 40) + "。" + " " * 30
    )
    passages = cut_passages(text)
    assert all(
        text[p.start : p.end] == p.text and p.text.strip() == p.text and len(p.text) <= PASSAGE_CHARS for p in passages
    )
    assert passages[0].text == "短句一。"  # the long sentence after it starts a passage of its own
    assert [len(p.text) for p in passages[1:4]] == [PASSAGE_CHARS, PASSAGE_CHARS, 11]  # cut by characters
    assert all(p.text.endswith(("；", "。")) for p in passages[4:])  # packed whole clauses
    assert len(passages) > 5 and passages[-1].end == len(text.rstrip())
