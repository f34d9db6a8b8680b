"""申报表 reading rules (screening.documents.forms) on text and on label cells."""

import pytest

from screening.documents import field_document, from_text
from screening.documents.forms import clean_value, field_name

TEXT_FORM = """2024年智慧广电网络新服务申报表
案例名称：智慧社区服务平台
征集类别：智慧社区
申报单位：某某广电网络有限公司
案例简介：
本案例依托有线网络建设平台。
服务居民12万户。
申报材料：
一、总体情况
项目于2023年启动。"""


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("案例名称", "案例名称"),
        ("职 务", "职务"),
        ("手 机：", "手机"),
        ("案例简介\n（500字以内）", "案例简介"),
        ("申报材料(5000 字以内，可上传图片)", "申报材料"),
        ("项目名称", "案例名称"),
        ("总体情况", None),
    ],
)
def test_label_cells_are_recognised(label, name):
    assert field_name(label) == name


def test_values_lose_printed_hints_and_keep_ticked_options():
    assert clean_value("（500 字以内）本案例……") == "本案例……"
    assert clean_value("□全国 ☑省级 □地市级 ■县级") == "省级、县级"
    assert clean_value("□全国 □省级") == ""
    assert clean_value("某某公司（盖章）") == "某某公司（盖章）"  # only a leading hint is removed


def test_text_form_with_long_fields_on_following_lines():
    doc = from_text(TEXT_FORM)
    assert doc.field_value("案例名称") == "智慧社区服务平台"
    assert doc.field_value("案例简介") == "本案例依托有线网络建设平台。\n服务居民12万户。"
    material = doc.form["申报材料"]
    assert doc.text[material.start : material.end] == material.value == "一、总体情况\n项目于2023年启动。"
    assert doc.title == "智慧社区服务平台"
    assert field_document(doc, "申报材料").sections[0].heading == "一、总体情况"


def test_a_document_with_one_label_is_not_a_form():
    doc = from_text("一、总体情况\n备注：以上数据截至2024年底。")
    assert doc.form == {} and not doc.is_form
