"""The notice drafter: short notices written for these tests (draft_notices.py) become rulebooks that validate,
with the values read from the notice, their sources, and a list of what a person must check."""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.campaigns.draft import draft_file, draft_rulebook
from screening.campaigns.drafting.elements import short_name
from screening.campaigns.drafting.text import NoticeText
from screening.campaigns.model import Campaign
from tests.campaigns.draft_notices import (
    DEADLINE_PHRASES,
    FORWARDED,
    FORWARDED_BARE,
    FORWARDED_LOCAL,
    NATIONAL,
    PROVINCIAL,
)


def draft(text: str, **kwargs):
    kwargs.setdefault("known", [])
    kwargs.setdefault("source", "notice.txt")
    return draft_rulebook(text, **kwargs)


def fields(d) -> list[str]:
    return [u.field for u in d.unsure]


# ---- what is read from the notice --------------------------------------------------------------------------------


def test_national_header_dates_and_deadline():
    c = draft(NATIONAL).campaign()
    assert (c.issuer, c.notice_number, c.year, c.level) == (
        "国家广播电视总局办公厅",
        "广电办发〔2031〕7号",
        2031,
        "national",
    )
    assert c.name == "2031年全国广播电视视听创新典型案例征集和推选"
    assert c.dates.issued == dt.date(2031, 3, 2)  # from the signature
    assert c.dates.deadline == dt.date(2031, 5, 20)
    assert c.dates.deadline_clause == "四、征集和推选安排（一）征集时间"


def test_categories_from_run_in_headings_with_cues_from_their_definitions():
    c = draft(NATIONAL).campaign()
    assert [k.name for k in c.categories] == ["智能制作", "乡村服务"]
    assert [k.clause for k in c.categories] == ["一、征集类别（一）", "一、征集类别（二）"]
    assert {"人工智能", "虚拟演播", "云端剪辑"} <= set(c.categories[0].cues)
    assert {"农技推广", "村务公开", "便民缴费"} <= set(c.categories[1].cues)
    assert "成效" not in c.categories[0].cues  # boilerplate shared by every definition is not a cue


def test_per_category_element_lists_get_short_names():
    c = draft(NATIONAL).campaign()
    assert c.elements_specified
    assert [e.name for e in c.categories[0].elements] == ["总体情况", "主要创新做法与实践", "成效成果与社会反响"]
    assert [e.name for e in c.categories[1].elements] == [
        "总体情况",
        "主要创新做法与实践",
        "问题困难及破解办法",
        "下一步发展计划",
    ]
    assert c.categories[0].elements[1].optional_aspects
    assert not c.categories[1].elements[1].optional_aspects


def test_limits_with_spaces_and_thousands_separators():
    c = draft(NATIONAL).campaign()
    assert [(m.id, m.name, m.limit) for m in c.materials] == [
        ("summary", "综合材料", 800),
        ("detailed", "详细材料", 4000),
    ]
    assert all(m.elements_required for m in c.materials)  # 综合材料 named by 其中…应包括; 详细材料 always
    assert all(m.clause == "三、材料编写体例" for m in c.materials)


def test_quotas_per_kind_of_unit_and_the_resubmission_ban():
    c = draft(NATIONAL).campaign()
    assert c.quotas.specified
    assert [(r.unit_kind, r.per_category, r.total) for r in c.quotas.rules] == [("province", 3, 5), ("central", 1, 2)]
    (ban,) = c.eligibility
    assert (ban.kind, ban.years, ban.excludes) == ("no_resubmit_same_category", [2030], "提名案例")


def test_data_dimensions_and_criteria():
    c = draft(NATIONAL).campaign()
    assert [d.id for d in c.data.dimensions] == ["scale", "feedback", "finance"]
    assert c.data.comparisons_encouraged and c.data.avoid_subjective
    assert [k.name for k in c.criteria] == ["政治性", "创新性"]


def test_provincial_web_copy_without_limits_or_elements():
    d = draft(PROVINCIAL)
    c = d.campaign()
    assert (c.issuer, c.notice_number, c.level) == ("云岭省广播电视局", "云广电字〔2030〕3号", "provincial")
    assert (c.dates.issued, c.dates.published, c.dates.deadline) == (
        dt.date(2030, 2, 10),
        dt.date(2030, 2, 12),
        dt.date(2030, 4, 30),
    )
    assert [k.name for k in c.categories] == ["网络改造类", "融合应用类"]
    assert c.categories[0].aliases == ["网络改造"]
    assert not c.elements_specified and c.elements_note
    (material,) = c.materials
    assert material.limit is None
    assert [(r.unit_kind, r.per_category, r.total) for r in c.quotas.rules] == [("city", None, 6)]  # 各市(州)
    assert c.quotas.ranking_required
    # Silence is reported, not filled in.
    assert {"materials[0].limit", "elements_specified", "eligibility"} <= set(fields(d))


def test_forwarded_call_single_element_list_form_fields_and_eligibility():
    d = draft(FORWARDED)
    c = d.campaign()
    assert (c.notice_number, c.forwarded_by, c.forwarding_notice) == (
        "广电办发〔2032〕20号",
        "云岭省广播电视局",
        "云广〔2032〕11号",
    )
    assert c.dates.issued == dt.date(2032, 4, 1)  # the national signature, not the forwarding letter's
    assert c.dates.provincial_deadline == dt.date(2032, 4, 10)
    assert [k.name for k in c.categories] == ["家庭新体验", "行业新服务"]
    names = ["基本情况", "创新做法与实践", "问题及破解办法", "新模式及成效", "下一步发展计划"]
    assert all([e.name for e in k.elements] == names for k in c.categories)
    assert [(m.name, m.limit, m.form_field, m.elements_required) for m in c.materials] == [
        ("案例简介", 300, "案例简介", False),
        ("详细材料", 3000, "申报材料", True),
    ]
    assert [(r.unit_kind, r.per_category, r.total) for r in c.quotas.rules] == [
        ("province_3plus", 3, 6),
        ("province", 2, 4),
        ("central", 1, 2),
    ]
    assert c.quotas.rules[0].condition == "2031年入选案例在3个及以上"
    assert sorted(e.kind for e in c.eligibility) == sorted(
        ["one_category_per_case", "no_resubmit_same_product", "completed_only", "no_process_documents"]
    )
    assert "dates.provincial_deadline" in fields(d)  # the forwarder's date had no year
    # A relay: the letter sets no quotas of its own, so the rulebook is the national call.
    assert (c.issuer, c.level, c.origin_issuer, c.origin_notice) == ("国家广播电视总局办公厅", "national", None, None)
    assert c.dates.deadline == dt.date(2032, 5, 8)


# ---- forwarding letters with their own rules -------------------------------------------------------------------------


def test_forwarding_letter_with_own_quotas_is_the_bureaus_call():
    d = draft(FORWARDED_LOCAL)
    c = d.campaign()
    assert (c.issuer, c.notice_number, c.level) == ("江汉省广播电视局", "江广发〔2033〕9号", "provincial")
    assert (c.origin_issuer, c.origin_notice) == ("国家广播电视总局办公厅", "广电办发〔2033〕21号")
    assert (c.forwarded_by, c.forwarding_notice) == (None, None)
    assert c.name == "2033年智慧广电服务创新案例征集" and c.year == 2033
    # The letter's date wins; the attached call's own date is kept beside it.
    assert (c.dates.issued, c.dates.deadline, c.dates.origin_deadline) == (
        dt.date(2033, 4, 20),
        dt.date(2033, 5, 15),
        dt.date(2033, 6, 30),
    )
    deadline = d.sources[("dates", "deadline")]
    assert "2033年5月15日前" in FORWARDED_LOCAL[deadline.start : deadline.end]
    # Local quotas per unit level replace the national per-province caps (3 per category, 6 in all).
    assert [(r.unit_kind, r.per_category, r.total) for r in c.quotas.rules] == [
        ("province", 2, 4),
        ("city", None, 2),
        ("county", None, 1),
    ]
    assert [r.unit_label for r in c.quotas.rules] == ["省级单位", "各设区市台", "县级台"]
    assert c.dates.deadline_clause == "二、报送要求" and {r.clause for r in c.quotas.rules} == {"一、推荐名额"}
    assert "取代" in c.quotas.note
    # The rest of the call still comes from the attached notice.
    assert [k.name for k in c.categories] == ["便民服务", "应急服务"]
    assert [m.limit for m in c.materials] == [4000]
    assert {"issuer", "quotas.rules[1]", "quotas.rules[2]"} <= set(fields(d))


def test_forwarding_title_is_split_into_forwarder_and_origin_without_the_attached_text():
    d = draft(FORWARDED_BARE)
    c = d.campaign()
    assert (c.issuer, c.notice_number) == ("滨海省广播电视局", "滨广〔2034〕3号")
    assert (c.origin_issuer, c.origin_notice) == ("国家广播电视总局办公厅", "广电办发〔2034〕12号")
    assert c.name == "2034年视听公共服务案例征集推选"
    assert c.dates.deadline == dt.date(2034, 5, 20) and c.dates.origin_deadline is None
    assert "dates.deadline" in fields(d)  # written without a year; completed from the letter's date
    assert [(r.unit_kind, r.unit_label, r.total) for r in c.quotas.rules] == [
        ("city", "每个市(州)", 3),
        ("county", "县(市、区)融媒体中心", 1),
    ]
    assert "categories" in fields(d)  # the categories are in the national call, which was not attached


def test_forwarding_letter_without_own_quotas_is_a_relay_of_the_national_call():
    relay = FORWARDED_BARE.replace("每个市（州）推荐总数不超过3个，县（市、区）融媒体中心推荐不超过1个。", "")
    d = draft(relay)
    c = d.campaign()
    assert (c.issuer, c.notice_number, c.level) == ("国家广播电视总局办公厅", "广电办发〔2034〕12号", "national")
    assert (c.forwarded_by, c.forwarding_notice, c.origin_notice) == ("滨海省广播电视局", "滨广〔2034〕3号", None)
    # The bureau's date is its earlier upload date; the national deadline is not in the letter, and is asked for.
    assert (c.dates.deadline, c.dates.provincial_deadline) == (None, dt.date(2034, 5, 20))
    assert {"dates.deadline", "dates.provincial_deadline", "quotas.specified"} <= set(fields(d))


@pytest.mark.parametrize(("sentence", "expected"), DEADLINE_PHRASES)
def test_deadline_phrasings(sentence, expected):
    c = draft(NATIONAL.replace("征集的截止时间为2031年5月20日。", sentence)).campaign()
    assert c.dates.deadline == (dt.date.fromisoformat(expected) if expected else None)


def test_local_quotas_drive_the_batch_quota_check():
    from screening.batch.models import BatchRow
    from screening.batch.quota import check_quota
    from screening.campaigns.describe import describe

    c = draft(FORWARDED_LOCAL).campaign()
    rows = [
        BatchRow(
            id=f"r{k}",
            index=k,
            rank=k,
            suggested_rank=k,
            filename=f"{k}.docx",
            category="应急服务",
            verdict="pass",
            score=1.0,
        )
        for k in (1, 2, 3)
    ]
    county = check_quota(rows, c, unit_kind="county")
    assert county.specified and county.unit_label == "县级台"
    assert [(line.scope, line.count, line.limit, line.over) for line in county.lines] == [("total", 3, 1, ["r2", "r3"])]
    city = check_quota(rows, c, unit_kind="city")
    assert [line.over for line in city.lines] == [["r3"]]
    assert [r.id for r in rows if r.over_quota] == ["r3"]
    assert check_quota(rows, c, unit_kind="province").lines[0].over == ["r3"]  # 2 per category
    text = describe(c)
    assert "广电办发〔2033〕21号" in text and "2033年06月30日" in text


def test_forwarding_notice_as_docx_reads_the_same():
    from tests.factories import make_docx

    paragraphs = [p for p in FORWARDED_LOCAL.split("\n") if p.strip()]
    c = draft_file(make_docx(sections=[(paragraphs[0], 0, paragraphs[1:])]), filename="转发.docx", known=[]).campaign()
    assert (c.issuer, c.origin_notice, c.dates.deadline) == (
        "江汉省广播电视局",
        "广电办发〔2033〕21号",
        dt.date(2033, 5, 15),
    )
    assert [(r.unit_kind, r.total) for r in c.quotas.rules] == [("province", 4), ("city", 2), ("county", 1)]


# ---- sources, doubts and the TOML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("notice", [NATIONAL, PROVINCIAL, FORWARDED, FORWARDED_LOCAL, FORWARDED_BARE])
def test_every_source_is_a_span_of_the_original_text(notice):
    d = draft(notice)
    assert d.sources
    for evidence in d.sources.values():
        folded = "".join(notice[evidence.start : evidence.end].split())
        assert folded == "".join(evidence.text.split())
        assert evidence.clause


def test_sources_point_at_the_values():
    d = draft(NATIONAL)
    limit = d.sources[("materials", 1, "limit")]
    assert "4,000" in NATIONAL[limit.start : limit.end]
    deadline = d.sources[("dates", "deadline")]
    assert "2031年5月20日" in NATIONAL[deadline.start : deadline.end]
    element = d.sources[("categories", 1, "elements", 2, "name")]
    assert NATIONAL[element.start : element.end] == "发展中遇到的问题、困难及破解办法"


def test_toml_validates_and_carries_review_comments():
    d = draft(NATIONAL)
    text = d.toml()
    assert Campaign.model_validate(tomllib.loads(text)).notice_number == "广电办发〔2031〕7号"
    assert f"# 待人工核对（{len(d.unsure)} 项）：" in text
    assert "# TODO(人工核对)：" in text
    assert "# 来源：四、征集和推选安排（一）征集时间" in text
    assert d.valid and d.problems == []


def test_unknown_series_gets_visible_placeholders():
    d = draft(NATIONAL)
    assert d.data["family"] == "待填写" and d.id == "draft-2031"
    assert {"id", "family", "categories[0].id"} <= set(fields(d))
    assert d.data["categories"][0]["id"] == "new-智能制作"


def test_json_view_lists_unsure_and_sources():
    payload = draft(NATIONAL).to_json()
    json.dumps(payload, ensure_ascii=False)
    assert payload["filename"] == "draft-2031.toml" and payload["valid"]
    assert any(u["field"] == "family" for u in payload["unsure"])
    assert any(s["field"] == "dates.deadline" for s in payload["sources"])


# ---- earlier rulebooks as a dictionary -----------------------------------------------------------------------------


def _reviewed(notice: str, family: str) -> Campaign:
    """The draft of ``notice`` as a person would finish it: English ids, a family."""
    data = tomllib.loads(draft(notice).toml())
    data.update(id=f"nrta-2031-{family}", family=family)
    for k, cat in enumerate(data["categories"]):
        cat["id"] = f"cat{k}"
        for j, el in enumerate(cat["elements"]):
            el["id"] = f"el{j}"
    return Campaign.model_validate(data)


def test_next_year_reuses_ids_aliases_and_element_names():
    last_year = _reviewed(NATIONAL, "av-innovation")
    renamed = (
        NATIONAL.replace("2031", "2032")
        .replace("乡村服务", "乡村振兴服务")
        .replace("1.服务的总体情况", "1.乡村服务的总体情况")
    )
    d = draft(renamed, known=[last_year])
    c = d.campaign()
    assert (c.id, c.family) == ("nrta-2032-av-innovation", "av-innovation")
    smart, rural = c.categories
    assert smart.id == "cat0" and smart.aliases == []
    # Renamed, but its definition matches last year's cue words: same id, old name kept as an alias, and flagged.
    assert rural.id == "cat1" and rural.aliases == ["乡村服务"]
    assert "categories[1].id" in fields(d)
    assert [e.id for e in rural.elements] == ["el0", "el1", "el2", "el3"]


def test_known_element_names_replace_clumsy_cuts_only_when_contained():
    earlier = _reviewed(NATIONAL, "av-innovation")
    text = NATIONAL.replace("3.发展中遇到的问题、困难及破解办法", "3.创新工作中遇到的问题及破解办法")
    names = [e.name for e in draft(text, known=[earlier]).campaign().categories[1].elements]
    assert names[2] == "问题及破解办法"  # 问题困难及破解办法 is not contained in the new item


# ---- normalisation and naming --------------------------------------------------------------------------------------


def test_page_break_inside_a_definition_is_joined():
    broken = NATIONAL.replace("改造节目策划、素材采集、", "改造节目策划、\n\n素材采集、")
    c = draft(broken).campaign()
    assert [k.name for k in c.categories] == ["智能制作", "乡村服务"]
    assert "素材采集" in c.categories[0].cues


def test_markdown_and_full_width_variants_read_the_same():
    markdown = FORWARDED.replace("\n一、", "\n### 一、").replace("\n二、", "\n## 二、").replace("\n三、", "\n### 三、")
    half_width = FORWARDED.replace("：", ":").replace("，", ",").replace("（", "(").replace("）", ")")
    expected = draft(FORWARDED).campaign()
    for variant in (markdown, half_width):
        c = draft(variant).campaign()
        assert [k.name for k in c.categories] == [k.name for k in expected.categories]
        assert [[e.name for e in k.elements] for k in c.categories] == [
            [e.name for e in k.elements] for k in expected.categories
        ]
        assert [(r.unit_kind, r.per_category, r.total) for r in c.quotas.rules] == [
            (r.unit_kind, r.per_category, r.total) for r in expected.quotas.rules
        ]


def test_normalised_text_maps_back_to_the_original():
    original = "一、征集类别\n\n（一）智能 制作。是指 5G 技术应用"
    notice = NoticeText(original)
    assert "(一)智能制作。是指5G技术" in notice.text
    start = notice.text.index("智能制作")
    a, b = notice.original_span(start, start + 4)
    assert original[a:b] == "智能 制作"


@pytest.mark.parametrize(
    ("item", "name"),
    [
        ("自有平台或账号的总体情况", "总体情况"),
        ("平台建设等方面的主要创新做法与实践(可选择其中一方面或多方面)", "主要创新做法与实践"),
        ("可借鉴性、可推广性,及未来发展潜力", "可借鉴性与发展潜力"),
        ("可持续运营能力、未来发展预期,及对行业高质量发展的积极影响", "可持续运营与发展预期"),
        ("可提炼的经验与启示及下一步优化方向", "经验启示与下一步优化方向"),
        ("形成的新模式、新业态、新应用及取得的成效", "新模式新业态新应用及成效"),
        ("可提炼的经验、启示或解决方案", "经验启示或解决方案"),
    ],
)
def test_short_names(item, name):
    assert short_name(item) == name


# ---- any input gives a draft that validates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "关于做好某项工作的通知",
        "一、征集类别\n（一）。\n三、材料编写体例\n1.；2.；",
        "不超过0字" * 3,
        "一、征集类别\n（一）智能制作。是指新技术。\n三、材料编写体例\n（一）智能制作典型案例\n要素见附件。",
    ],
)
def test_degenerate_notices_still_validate(text):
    d = draft(text)
    assert d.valid, d.problems
    assert d.unsure


def test_repeated_names_and_ids_are_made_unique_and_flagged():
    text = NATIONAL.replace("（二）乡村服务。", "（二）智能制作。").replace(
        "综合材料不超过 800 字", "申报材料不超过 800 字"
    )
    d = draft(text)
    c = d.campaign()
    assert [k.name for k in c.categories] == ["智能制作", "智能制作-2"]
    assert [m.id for m in c.materials] == ["detailed", "detailed-2"]  # 申报材料 and 详细材料 share our id
    assert {"categories[1].name", "categories[1].id", "materials[1].id"} <= set(fields(d))


_NOTICE_ALPHABET = st.sampled_from(
    list(
        "一二三四、（）().1234567890。，；：征集类别材料编写体例不超过字个总数每省中央截止时间为年月日要素是指转发《》前于县级设区市局关于的通知\n 　"  # noqa: E501
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(_NOTICE_ALPHABET, max_size=40), max_size=12))
def test_random_notice_fragments_still_validate(lines):
    assert draft("\n".join(lines)).valid


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_any_characters_inside_a_notice_still_validate(junk):
    # Control characters and odd code points end up in quoted comments and strings; TOML must still parse.
    text = (
        f"一、征集类别\n（一）智能{junk}。是指{junk}\n二、材料编写体例\n1.{junk};2.取得的成效\n"
        f"截止时间为2030年1月1日{junk}\n各省每个类别不超过3个{junk}"
    )
    assert draft(text).valid


# ---- files ---------------------------------------------------------------------------------------------------------


def test_docx_notice(tmp_path):
    from tests.factories import make_docx

    paragraphs = [p for p in NATIONAL.split("\n") if p.strip()]
    data = make_docx(sections=[(paragraphs[0], 0, paragraphs[1:])])
    c = draft_file(data, filename="通知.docx", known=[]).campaign()
    assert [k.name for k in c.categories] == ["智能制作", "乡村服务"]
    assert [m.limit for m in c.materials] == [800, 4000]
    assert c.dates.deadline == dt.date(2031, 5, 20)


def test_pdf_notice():
    from tests.factories import make_pdf

    paragraphs = [p for p in FORWARDED.split("\n") if p.strip() and "\t" not in p]
    c = draft_file(make_pdf(paragraphs=paragraphs), filename="通知.pdf", known=[]).campaign()
    assert c.notice_number == "广电办发〔2032〕20号"
    assert [k.name for k in c.categories] == ["家庭新体验", "行业新服务"]
    assert [len(k.elements) for k in c.categories] == [5, 5]
    assert [(r.per_category, r.total) for r in c.quotas.rules] == [(3, 6), (2, 4), (1, 2)]


# ---- the command line and the API ------------------------------------------------------------------------------------


def test_cli_writes_the_draft_and_lists_what_to_check(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from screening.cli.notice import app

    notice = tmp_path / "通知.txt"
    notice.write_text(NATIONAL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["draft", str(notice), "--no-known"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "draft-2031.toml"
    assert Campaign.model_validate(tomllib.loads(written.read_text(encoding="utf-8"))).year == 2031
    assert "待人工核对" in result.stderr and "family" in result.stderr

    again = CliRunner().invoke(app, ["draft", str(notice), "--no-known"])
    assert again.exit_code == 2 and "--force" in again.stderr  # never overwrites silently


def test_cli_json_to_stdout_and_refusals(tmp_path):
    from typer.testing import CliRunner

    from screening.cli.notice import app

    notice = tmp_path / "通知.txt"
    notice.write_text(FORWARDED, encoding="utf-8")
    result = CliRunner().invoke(app, ["draft", str(notice), "--no-known", "--format", "json", "--out", "-"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "draft-2032"
    assert CliRunner().invoke(app, ["draft", str(tmp_path / "没有.txt")]).exit_code == 2
    fake = tmp_path / "通知.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    refused = CliRunner().invoke(app, ["draft", str(fake), "--no-known"])
    assert refused.exit_code == 3 and "错误" in refused.stderr


@pytest.fixture
def client(tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api import errors
    from api.routers import notice
    from screening.config import load_settings
    from screening.services import Services

    app = FastAPI()
    app.state.services = Services(load_settings({"SCREENING_CORPORA_DIR": str(tmp_path)}))  # no earlier rulebooks
    app.state.settings = app.state.services.settings
    errors.install(app)
    app.include_router(notice.router)
    return TestClient(app)


def test_api_returns_toml_unsure_and_sources(client):
    response = client.post("/api/notices/draft", files={"file": ("通知.txt", NATIONAL.encode("utf-8"), "text/plain")})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "draft-2031" and body["valid"]
    assert Campaign.model_validate(tomllib.loads(body["toml"])).notice_number == "广电办发〔2031〕7号"
    assert body["unsure"] and body["sources"]


def test_api_toml_download(client):
    response = client.post(
        "/api/notices/draft",
        data={"format": "toml"},
        files={"file": ("通知.txt", FORWARDED.encode("utf-8"), "text/plain")},
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="draft-2032.toml"'
    assert tomllib.loads(response.text)["notice_number"] == "广电办发〔2032〕20号"


def test_api_refuses_unreadable_uploads_with_chinese_message(client):
    response = client.post(
        "/api/notices/draft", files={"file": ("通知.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}
    )
    assert response.status_code == 415
    assert response.json()["message"]
