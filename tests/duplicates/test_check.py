"""The check against the archive and within a batch: kinds, matched records, and the rule each match breaks."""

from screening.campaigns import get_campaign
from screening.duplicates import BatchItem, DuplicateIndex, cross_batch, run

from .helpers import excluding
from .texts import (
    ORIGINAL,
    ORIGINAL_NAME,
    REWORDED,
    SAME_UNIT_OTHER_CASE,
    SAME_UNIT_OTHER_NAME,
    UNIT,
    distinct_texts,
    lightly_edited,
)

MEDIA_2024 = "全国广播电视媒体融合典型案例"
MEDIA_2025 = "nrta-2025-media-convergence"
NETWORK_2024 = "nrta-2024-smart-network-services"


def _selection(archive, *, year, campaign, category, text=ORIGINAL, name=ORIGINAL_NAME, unit=UNIT):
    result = archive.import_rows(
        [
            {
                "year": str(year),
                "campaign": campaign,
                "category": category,
                "case_name": name,
                "unit": unit,
                "province": "浙江",
                "text": text,
            }
        ],
        default_source="测试",
    )
    assert result.imported == 1


def test_2024_selection_resubmitted_in_same_category_is_an_error(archive, make_ctx):
    _selection(archive, year=2024, campaign=MEDIA_2024, category="综合信息服务")
    ctx = make_ctx(
        lightly_edited(ORIGINAL),
        campaign_id=MEDIA_2025,
        category="综合信息服务",
        name="青溪通客户端建设实践",
        unit=UNIT,
    )
    result = run(ctx)
    [match] = result.measurement["matches"]
    assert match["kind"] == "verbatim"
    assert match["record"]["case_name"] == ORIGINAL_NAME and match["record"]["year"] == 2024
    assert match["severity"] == "error" and match["rule"]["kind"] == "no_resubmit_same_category"
    assert match["passages"] and match["passages"][0]["ours"]["text"]
    [finding] = result.findings
    assert finding.severity == "error" and "广电办发〔2025〕45号" in finding.rule


def test_text_reuse_is_found_whatever_the_unit(archive, make_ctx):
    _selection(archive, year=2024, campaign=MEDIA_2024, category="综合信息服务")
    ctx = make_ctx(lightly_edited(ORIGINAL), campaign_id=MEDIA_2025, category="综合信息服务", unit="另一家公司")
    assert [m["kind"] for m in run(ctx).measurement["matches"]] == ["verbatim"]


def test_aliases_make_2024_category_names_match_2025(archive, make_ctx):
    _selection(archive, year=2024, campaign=MEDIA_2024, category="体制机制改革")
    ctx = make_ctx(ORIGINAL, campaign_id=MEDIA_2025, category="创新发展机制", unit=UNIT)
    [match] = run(ctx).measurement["matches"]
    assert match["code"] == "duplicates.resubmitted_same_category"


def test_2024_selection_in_another_category_is_a_warning_not_an_error(archive, make_ctx):
    _selection(archive, year=2024, campaign=MEDIA_2024, category="新媒体平台建设")
    ctx = make_ctx(REWORDED, campaign_id=MEDIA_2025, category="综合信息服务", unit=UNIT)
    [match] = run(ctx).measurement["matches"]
    assert match["kind"] == "reworded" and match["severity"] == "warning" and match["rule"] is None


def test_same_product_as_earlier_network_services_selection_is_an_error(archive, make_ctx):
    _selection(archive, year=2022, campaign="全国智慧广电网络新服务", category="智慧乡村创新应用")
    ctx = make_ctx(REWORDED, campaign_id=NETWORK_2024, category="政务商务新服务", unit=UNIT)
    [match] = run(ctx).measurement["matches"]
    assert match["severity"] == "error" and match["rule"]["kind"] == "no_resubmit_same_product"


def test_renamed_resubmission_of_a_name_only_selection(archive, make_ctx):
    _selection(archive, year=2024, campaign=MEDIA_2024, category="综合信息服务", text="")
    ctx = make_ctx(
        ORIGINAL,
        campaign_id=MEDIA_2025,
        category="综合信息服务",
        name="“青溪通”县域媒体政务服务平台建设与运营",
        unit=UNIT,
    )
    [match] = run(ctx).measurement["matches"]
    assert match["kind"] == "renamed" and match["rule"]["kind"] == "no_resubmit_same_category"


def test_against_names_only_the_material_is_not_segmented(archive, make_ctx, monkeypatch):
    from screening.duplicates import fingerprints as fp

    _selection(archive, year=2024, campaign=MEDIA_2024, category="综合信息服务", text="")
    ctx = make_ctx(ORIGINAL, campaign_id=MEDIA_2025, category="综合信息服务", name=ORIGINAL_NAME, unit=UNIT)

    def segment(clause):
        raise AssertionError("segmented the material: no stored text needs its words")

    monkeypatch.setattr(fp, "clause_words", segment)
    [match] = run(ctx).measurement["matches"]
    assert match["kind"] == "renamed"


def test_other_case_of_the_same_unit_is_not_matched(archive, make_ctx):
    _selection(archive, year=2024, campaign=MEDIA_2024, category="综合信息服务")
    ctx = make_ctx(
        SAME_UNIT_OTHER_CASE, campaign_id=MEDIA_2025, category="综合信息服务", name=SAME_UNIT_OTHER_NAME, unit=UNIT
    )
    result = run(ctx)
    assert result.measurement["matches"] == [] and result.findings == []


def test_index_picks_up_stored_submissions_without_rebuild(archive, make_ctx):
    index = DuplicateIndex.from_archive(archive)
    ctx = make_ctx(ORIGINAL, campaign_id=NETWORK_2024, category="政务商务新服务", unit=UNIT, duplicate_index=index)
    assert run(ctx).measurement["matches"] == []
    stored = archive.store_submission(
        campaign_id=NETWORK_2024,
        campaign_name="2024年度全国智慧广电网络新服务征集推选",
        year=2024,
        case_name=ORIGINAL_NAME,
        unit=UNIT,
        category="智慧家庭新场景",
        text=ORIGINAL,
        batch_id="b1",
    )
    [match] = run(ctx).measurement["matches"]
    assert match["record"]["id"] == stored.id
    assert match["code"] == "duplicates.one_category_per_case" and match["severity"] == "error"
    assert run(excluding(ctx, stored.id)).measurement["matches"] == []


def test_index_reloads_stored_fingerprints(archive, make_ctx):
    _selection(archive, year=2024, campaign=MEDIA_2024, category="综合信息服务")
    DuplicateIndex.from_archive(archive)  # fingerprints and stores
    reloaded = DuplicateIndex.from_archive(archive)  # reads them back
    ctx = make_ctx(ORIGINAL, campaign_id=MEDIA_2025, category="综合信息服务", unit=UNIT, duplicate_index=reloaded)
    assert [m["kind"] for m in run(ctx).measurement["matches"]] == ["verbatim"]


def test_cross_batch_flags_one_case_under_two_categories():
    items = [
        BatchItem("a.docx", ORIGINAL, ORIGINAL_NAME, UNIT, "智慧家庭新场景"),
        BatchItem("b.docx", lightly_edited(ORIGINAL), "青溪通平台", UNIT, "政务商务新服务"),
        BatchItem("c.docx", SAME_UNIT_OTHER_CASE, SAME_UNIT_OTHER_NAME, UNIT, "数字文化新应用"),
    ]
    [match] = cross_batch(items, campaign=get_campaign(NETWORK_2024))
    assert (match["a"], match["b"]) == ("a.docx", "b.docx")
    assert match["severity"] == "error" and match["rule"]["kind"] == "one_category_per_case"


def test_cross_batch_same_category_duplicate_is_a_warning():
    items = [BatchItem("a", ORIGINAL, "甲", UNIT, "综合信息服务"), BatchItem("b", REWORDED, "乙", UNIT, "综合信息服务")]
    [match] = cross_batch(items, campaign=get_campaign(MEDIA_2025))
    assert match["kind"] == "reworded" and match["severity"] == "warning"


def test_report_is_degraded_only_when_the_policy_chose_a_model_for_duplicates(archive, make_ctx, monkeypatch):
    from screening import embeddings

    ctx = make_ctx(ORIGINAL, campaign_id=MEDIA_2025, category="综合信息服务", unit=UNIT)
    monkeypatch.setitem(embeddings.POLICY, "duplicates", None)
    assert run(ctx).degraded == []
    monkeypatch.setitem(embeddings.POLICY, "duplicates", embeddings.STATIC_NAME)
    result = run(ctx)
    assert len(result.degraded) == 1 and embeddings.STATIC_NAME in result.degraded[0]
    assert result.measurement["degraded"] is True


# --- boilerplate shared by a batch ----------------------------------------------------------------------------

FORM_HEAD = (
    "案例申报表\n案例名称：\n申报单位（盖章）：\n联系人：部门及职务：联系方式：\n"
    "填写说明：请围绕案例背景、主要做法、创新亮点、实际成效、推广价值、存在问题及解决措施等方面进行介绍，"
    "正文不超过五千字，可附相关图片和证明材料。所填数据应注明统计口径和截止时间。\n"
)
FORM_TAIL = (
    "\n本单位承诺所报送的案例材料真实、准确、完整，不存在弄虚作假、侵犯他人知识产权等情形，所涉数据均有据可查。"
    "如有不实，本单位愿意承担相应责任。\n申报单位负责人（签字）：年月日\n"
)


def test_a_shared_form_alone_is_reuse_without_the_filter():
    from screening.duplicates import Sample, compare

    a, b = (FORM_HEAD + t + FORM_TAIL for t in distinct_texts(2))
    assert compare(Sample.of(a), Sample.of(b)).kind == "verbatim"


def test_distinct_materials_inside_one_form_are_not_duplicates_but_a_copy_is():
    texts = [FORM_HEAD + t + FORM_TAIL for t in distinct_texts(8)]
    items = [BatchItem(f"{i}.docx", t) for i, t in enumerate(texts)]
    assert cross_batch(items) == []
    items.append(BatchItem("copy.docx", texts[3].replace("。", "，", 2)))
    assert [(m["a"], m["b"], m["kind"]) for m in cross_batch(items)] == [("3.docx", "copy.docx", "verbatim")]


def test_boilerplate_is_blanked_in_place_so_offsets_still_hold():
    from screening.duplicates.check import without_boilerplate

    texts = [FORM_HEAD + t + FORM_TAIL for t in distinct_texts(6)]
    cleaned = without_boilerplate(texts)
    assert [len(t) for t in cleaned] == [len(t) for t in texts]
    assert all("本单位承诺" not in t and "填写说明" not in t for t in cleaned)
    assert all(body in t for body, t in zip(distinct_texts(6), cleaned))
    assert without_boilerplate(texts[:3]) == texts[:3]  # too few materials to tell form from a re-submitted case


def test_stored_submissions_in_one_form_are_not_duplicates_of_a_new_one_but_a_copy_is(archive, make_ctx, monkeypatch):
    from screening.duplicates import check

    bodies = distinct_texts(7)
    for i, body in enumerate(bodies[:6]):
        archive.store_submission(
            campaign_id=NETWORK_2024,
            campaign_name="2024年度全国智慧广电网络新服务征集推选",
            year=2024,
            case_name=f"案例{i}",
            unit=f"单位{i}",
            category="智慧家庭新场景",
            text=FORM_HEAD + body + FORM_TAIL,
            batch_id="b1",
        )
    index = DuplicateIndex.from_archive(archive)
    new = make_ctx(
        FORM_HEAD + bodies[6] + FORM_TAIL,
        campaign_id=NETWORK_2024,
        category="智慧家庭新场景",
        name="新案例",
        unit="新单位",
        duplicate_index=index,
    )
    assert run(new).measurement["matches"] == []
    with monkeypatch.context() as without_filter:
        without_filter.setattr(check, "BOILERPLATE_MIN", 10**9)
        assert len(run(new).measurement["matches"]) == 6  # the form alone: every stored submission looks reused
    copy = make_ctx(
        FORM_HEAD + bodies[2].replace("。", "，", 2) + FORM_TAIL,
        campaign_id=NETWORK_2024,
        category="智慧家庭新场景",
        name="新案例",
        unit="新单位",
        duplicate_index=index,
    )
    [match] = run(copy).measurement["matches"]
    assert match["kind"] == "verbatim" and match["record"]["case_name"] == "案例2"


def test_an_archive_of_names_only_is_searched_without_importing_datasketch(tmp_path):
    """datasketch imports scipy (up to a second of a cold CLI check); names need no MinHash, so it stays unloaded."""
    import subprocess
    import sys

    code = f"""
import sys
from screening import db
from screening.archive import Archive
from screening.duplicates.compare import Sample
from screening.duplicates.index import get_index
archive = Archive(db.get_engine("sqlite:///{tmp_path / "names.db"}"), seed=False)
archive.add([{{"kind": "selection", "year": 2024, "campaign": "活动", "case_name": "{ORIGINAL_NAME}", "unit": "{UNIT}"}}])
index = get_index(archive)
found = index.candidates(Sample.of({ORIGINAL!r}, name="{ORIGINAL_NAME}", unit="{UNIT}"))
print(len(found), "datasketch" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["1", "False"]


def test_ruling_a_form_out_on_sentence_hashes_agrees_with_reading_the_texts():
    """``check.run`` skips reading its form sample when the records' sentence hashes show no sentence shared widely
    enough: that shortcut must say "no form" exactly when ``shared_sentences`` over the texts finds none."""
    from screening.duplicates.check import _no_form, shared_sentences
    from screening.duplicates.index import sentence_hashes

    form = "申报单位承诺所填内容真实有效。本表一式两份报省局。请如实填写项目成效。"
    texts = distinct_texts(40, chars=300)
    material = form + texts[0]
    for wrapped in (0, 3, 10, 11, 12, 39):  # how many of the 39 other texts carry the form
        others = [form + t if i < wrapped else t for i, t in enumerate(texts[1:])]
        expected_none = not shared_sentences([material, *others])
        assert _no_form(material, [sentence_hashes(t) for t in others]) == expected_none
        assert expected_none == (wrapped < 11)  # the threshold: 12 of the 40 texts, the material one of them
    assert _no_form(material, None) is False  # hashes unknown: the texts are read
