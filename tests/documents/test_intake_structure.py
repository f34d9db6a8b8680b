"""Headings, levels, title, sections and offsets (screening.documents.structure via from_text)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.documents import from_text
from screening.documents.structure import heading_level, numbering_level, section_at

CASE = """智慧广电网络新服务典型案例
一、总体情况
本项目于2023年启动。
（一）建设背景
背景段落。
（二）主要做法
1.技术创新
（1）平台建设
平台段落。
（一）加强组织领导。全市各部门要统一部署，这是一段以编号开头的正文。
二、经验成效
成效段落。"""


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、总体情况", 1),
        ("十二、附件", 1),
        ("第一部分 项目概况", 1),
        ("（一）建设背景", 2),
        ("(二)主要做法", 2),
        ("1.技术创新", 3),
        ("2、推广应用", 3),
        ("第一，强化组织", 3),
        ("（1）平台建设", 4),
        ("①用户规模", 4),
        ("1.5亿元投入", 0),  # a decimal, not a list marker
        ("2023年启动", 0),
        ("项目概况", 0),
    ],
)
def test_numbering_levels(line, level):
    assert numbering_level(line) == level


def test_heading_level_prefers_styles_and_rejects_sentences():
    assert heading_level("项目概况", style="Heading 2") == 2
    assert heading_level("项目概况", style="标题 3") == 3
    assert heading_level("项目概况", style="large") == 1
    assert heading_level("项目概况", style="Normal") == 0
    assert heading_level("一、总体情况。", style=None) == 1  # a trailing full stop is allowed
    assert (
        heading_level("（一）加强组织领导。全市各部门要统一部署。", style=None) == 0
    )  # a run-in heading stays body text
    assert heading_level("一、总体情况……………………3") == 0  # a table-of-contents line
    assert heading_level("一、总体情况", style="toc 1") == 0


def test_from_text_builds_nested_sections_with_exact_offsets():
    doc = from_text(CASE, filename="case.txt")
    assert doc.title == "智慧广电网络新服务典型案例"
    assert doc.format == "txt" and doc.filename == "case.txt"
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
    headings = [(s.heading, s.level) for s in doc.sections if s.heading]
    assert headings == [
        ("一、总体情况", 1),
        ("（一）建设背景", 2),
        ("（二）主要做法", 2),
        ("1.技术创新", 3),
        ("（1）平台建设", 4),
        ("二、经验成效", 1),
    ]
    by_heading = {s.heading: s for s in doc.sections}
    parent = doc.sections[by_heading["（1）平台建设"].parent]
    assert parent.heading == "1.技术创新"
    overall = by_heading["一、总体情况"]
    assert overall.parent is None
    assert doc.text[overall.body_start : overall.end].startswith("本项目于2023年启动。")
    assert doc.text[overall.start : overall.end].endswith("这是一段以编号开头的正文。")  # includes subsections
    assert "二、经验成效" not in overall.text(doc)
    assert doc.sections[0].heading is None  # the title sits in the untitled leading section


def test_section_at_finds_the_innermost_section():
    doc = from_text(CASE)
    offset = doc.text.index("平台段落")
    assert section_at(doc, offset).heading == "（1）平台建设"


def test_text_without_headings_is_one_untitled_section():
    doc = from_text("第一段文字，没有标题。\n第二段文字。")
    assert doc.title is None
    assert len(doc.sections) == 1 and doc.sections[0].heading is None
    assert doc.sections[0].end == len(doc.text)


def test_markdown_headings_and_tables():
    doc = from_text(
        "# 案例标题\n\n## 一、总体情况\n正文。\n\n| 指标 | 数值 |\n|---|---|\n| 用户 | 100万 |\n", format="md"
    )
    kinds = [(b.kind, b.level) for b in doc.blocks]
    assert kinds == [("heading", 1), ("heading", 2), ("paragraph", 0), ("table", 0)]
    table = doc.blocks[-1]
    assert table.rows == [["指标", "数值"], ["用户", "100万"]]
    assert doc.text[table.start : table.end] == "指标\t数值\n用户\t100万"


def test_normalisation_keeps_offsets_exact():
    doc = from_text("\u3000\u3000全角数字２０２４年，小数３．５亿元，软\u00adhyphen。")
    assert doc.text == "全角数字2024年，小数3.5亿元，软hyphen。"
    assert doc.blocks[0].start == 0 and doc.blocks[0].end == len(doc.text)


def test_unnumbered_label_lines_are_headings_only_when_nothing_else_is():
    text = "某某台：智慧媒体平台\n案例概述\n本案例建设了统一的内容平台，服务全台各频道。\n主要做法\n一是建设中台，二是打通数据。"
    doc = from_text(text)
    assert [(s.heading, s.level) for s in doc.sections if s.heading] == [("案例概述", 1), ("主要做法", 1)]
    numbered = from_text("一、总体情况\n案例概述\n本案例建设了统一的内容平台，服务全台各频道。")
    assert [s.heading for s in numbered.sections if s.heading] == ["一、总体情况"]


def test_a_bare_list_marker_is_not_a_heading():
    assert numbering_level("1.") == 0
    assert numbering_level("（一）") == 0


_LINES = st.sampled_from(
    [
        "一、总体情况",
        "（一）背景",
        "1.做法",
        "（1）细节",
        "案例概述",
        "正文，有数字２０２４和3.5%。",
        "",
        "  ",
        "\u3000\u3000缩进段落。",
        "| a | b |",
        "# 标题",
        "软\u00ad连字符",
        "第一，要点",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, max_size=30), st.sampled_from(["txt", "md"]))
def test_offsets_and_sections_are_consistent_for_any_text(lines, format):
    doc = from_text("\n".join(lines), format=format)
    assert doc.text == "\n".join(b.text for b in doc.blocks)
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text and block.text.strip()
    for _index, section in enumerate(doc.sections):
        assert 0 <= section.start <= section.body_start <= section.end <= len(doc.text)
        if section.parent is not None:
            parent = doc.sections[section.parent]
            assert parent.level < section.level and parent.start <= section.start and section.end <= parent.end
        assert all(doc.blocks[i].start >= section.start and doc.blocks[i].end <= section.end for i in section.blocks)
    owned = sorted(i for section in doc.sections for i in section.blocks)
    assert owned == list(range(len(doc.blocks)))  # every block belongs to exactly one section
