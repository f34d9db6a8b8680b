"""The second duplicate test: the same project told again for another category or year (rare words), and the
keyword index that finds such copies when the word LSH does not."""

import numpy as np

from screening.duplicates import Sample, compare, rarewords
from screening.duplicates.index import DuplicateIndex, KeywordRow

from .texts import ORIGINAL, ORIGINAL_NAME, OTHER_UNIT_SIMILAR_TOPIC, SAME_UNIT_OTHER_CASE, UNIT

# The 青溪通 case of texts.ORIGINAL told again a year later for another category: a new opening and headings, the
# order changed, the flood-season part dropped, every sentence rewritten; the facts (names, figures) stay.
REFRAMED = "\n".join(
    [
        "一、创新机制",
        "为推动县级融媒体改革走深走实，我们把“青溪通”当作体制机制创新的突破口，重新划分采编、技术、经营三条线的职责。",
        "云上部署由12人的运维团队负责，一稿多发成为日常流程，绩效按传播效果和服务量两项指标考核，智能客服今年也已接入。",
        "二、成效",
        "掌上可办的高频事项有87项，社保、不动产登记预约、医保缴费等都在其中；到2025年，“青溪通”下载量31万次，日活2.6万人，"
        "办件45万件。",
        "三、推广",
        "我们正联合邻近三个县共建区域服务平台，把“新闻+政务+服务”的青溪做法带出县域，同时编写操作手册供兄弟单位参考。",
    ]
)


def add_original(archive):
    """The 2024 selection that the reframed text retells, stored in ``archive``; returns its record."""
    (record,) = archive.add(
        [
            dict(
                kind="selection",
                year=2024,
                campaign="2024年全国广播电视媒体融合典型案例",
                category="综合信息服务",
                case_name=ORIGINAL_NAME,
                unit=UNIT,
                text=ORIGINAL,
            )
        ]
    )
    return record


def test_common_field_words_weigh_less_than_a_project_name():
    assert rarewords.weight("融合") < rarewords.weight("青溪通")
    assert rarewords.weight("平台") < rarewords.weight("不动产登记")


def test_a_reframed_copy_is_reworded_reuse_though_the_word_sets_differ():
    ours, theirs = Sample.of(REFRAMED), Sample.of(ORIGINAL)
    result = compare(ours, theirs)
    assert result.scores["words"] < 0.30 and result.scores["containment"] < 0.30  # the lexical tests miss it
    assert result.kind == "reworded" and result.scores["keywords"] >= 10 and result.passages


def test_other_projects_sharing_unit_or_topic_are_not_reframed_copies():
    ours = Sample.of(REFRAMED)
    for other in (SAME_UNIT_OTHER_CASE, OTHER_UNIT_SIMILAR_TOPIC):
        assert compare(ours, Sample.of(other)).kind is None


def test_weighted_cosine_is_one_for_the_same_text_and_zero_for_nothing_shared():
    a = rarewords.weighted_words({"青溪通", "客户端", "不动产登记"})
    b = rarewords.weighted_words({"纪录片", "山水人家"})
    assert abs(rarewords.weighted_cosine(a, a) - 1.0) < 1e-6
    assert rarewords.weighted_cosine(a, b) == 0.0


def test_keywords_are_the_heaviest_words_and_stable():
    hashes, weights = rarewords.weighted_words(set(f"词语{i}" for i in range(100)) | {"融合", "平台"})
    kept = rarewords.keywords((hashes, weights), k=10)
    assert len(kept) == 10 and np.all(np.diff(kept.astype(np.int64)) > 0)
    assert np.array_equal(kept, rarewords.keywords((hashes[::-1].copy(), weights[::-1].copy()), k=10))


def test_keyword_index_finds_the_original_and_stores_its_keywords(archive):
    record = add_original(archive)
    index = DuplicateIndex.from_archive(archive)
    ours = Sample.of(REFRAMED)
    assert record.id in index._sharing_keywords(rarewords.keywords(ours.rare))
    from sqlalchemy import select

    from screening import db

    with db.session_scope(archive.engine) as s:
        stored = s.scalars(select(KeywordRow)).all()
    assert [row.record_id for row in stored] == [record.id] and len(stored[0].hashes) > 0
    reloaded = DuplicateIndex.from_archive(archive)  # a restart reads the stored keywords
    assert record.id in reloaded._sharing_keywords(rarewords.keywords(ours.rare))


def test_records_indexed_before_keywords_existed_get_them_on_the_next_build(archive):
    record = add_original(archive)
    DuplicateIndex.from_archive(archive)
    from sqlalchemy import delete

    from screening import db

    with db.session_scope(archive.engine) as s:
        s.execute(delete(KeywordRow))
    index = DuplicateIndex.from_archive(archive)
    assert record.id in index._sharing_keywords(rarewords.keywords(Sample.of(REFRAMED).rare))


def test_the_check_reports_a_reframed_resubmission(archive, make_ctx):
    from screening.duplicates import run

    add_original(archive)
    ctx = make_ctx(
        REFRAMED,
        campaign_id="nrta-2025-media-convergence",
        category="创新发展机制",
        name="青溪县融媒体改革机制创新",
        unit=UNIT,
        duplicate_index=DuplicateIndex.from_archive(archive),
    )
    (match,) = run(ctx).measurement["matches"]
    assert match["kind"] == "reworded" and match["record"]["case_name"] == ORIGINAL_NAME
