"""DOCX intake: headings from styles and numbering, tables once and in order, application forms."""

import pytest

from screening.documents import document_info, field_document, load_document
from screening.errors import EmptyFile, InputError
from screening.wordcount import count
from tests.factories import chinese_text, make_docx, make_form_docx

BUDGET = [["序号", "支出科目", "金额（万元）"], ["1", "前期策划与调研", "30"], ["2", "合计", "280"]]


def _case_docx(**overrides):
    options = dict(
        title="智慧社区服务平台建设案例",
        sections=[
            ("一、总体情况", 1, ["本项目于2023年启动，覆盖12个街道。"]),
            ("（一）建设背景", 2, ["背景段落。"]),
            ("二、主要做法", 0, ["做法段落，共投入资金280万元。"]),  # numbering only, Normal style
            ("（一）平台建设", 0, ["平台段落。"]),
        ],
        table=BUDGET,
    )
    options.update(overrides)
    return make_docx(None, **options)


def test_headings_from_styles_and_numbering():
    doc = load_document(_case_docx(), filename="case.docx")
    assert doc.format == "docx" and doc.pages is None
    assert doc.title == "智慧社区服务平台建设案例"
    assert [(s.heading, s.level) for s in doc.sections if s.heading] == [
        ("一、总体情况", 1),
        ("（一）建设背景", 2),
        ("二、主要做法", 1),
        ("（一）平台建设", 2),
    ]
    styled = [b.style for b in doc.blocks if b.kind == "heading"]
    assert styled[:2] == ["Heading 1", "Heading 2"]


def test_table_text_appears_once_in_document_order():
    doc = load_document(_case_docx(), filename="case.docx")
    table = [b for b in doc.blocks if b.kind == "table"]
    assert len(table) == 1 and table[0].rows == BUDGET
    assert doc.text.count("前期策划与调研") == 1
    assert doc.text[table[0].start : table[0].end] == "\n".join("\t".join(r) for r in BUDGET)
    assert table[0].start > doc.text.index("平台段落")  # the table came last in the file


def test_merged_cells_are_read_once():
    doc = load_document(
        make_form_docx({"案例名称": "智慧社区", "案例简介": "简介第一段。\n简介第二段。"}), filename="f.docx"
    )
    assert doc.text.count("智慧社区") == 1  # the value cell spans three grid columns
    assert doc.text.count("简介第一段") == 1


FORM = {
    "案例名称": "智慧社区服务平台",
    "征集类别": "智慧社区",
    "案例层级": "□全国 ☑省级 □地市级 □县级",
    "申报单位": "某某广电网络有限公司",
    "所在地": "☑某某省",
    "联系人": "张三",
    "职务": "主任",
    "联系电话": "010-12345678",
    "手机": "13800000000",
    "案例简介": "本案例依托有线网络建设智慧社区平台。\n服务居民12万户。",
    "申报材料": "一、总体情况\n项目于2023年启动。\n二、主要做法\n建设统一平台。",
}


def test_application_form_fields_are_read():
    doc = load_document(make_form_docx(FORM), filename="申报表.docx")
    assert doc.is_form
    values = {name: field.value for name, field in doc.form.items()}
    assert values["案例名称"] == "智慧社区服务平台"
    assert values["案例层级"] == "省级"  # the ticked box
    assert values["职务"] == "主任" and values["手机"] == "13800000000"
    assert values["案例简介"] == FORM["案例简介"]
    assert doc.title == "智慧社区服务平台"  # the case name beats the form's printed heading
    intro = doc.form["案例简介"]
    assert doc.text[intro.start : intro.end] == intro.value


def test_form_embedded_in_a_longer_document():
    doc = load_document(make_docx(form=FORM, sections=[("附：补充说明", 1, ["补充。"])]), filename="a.docx")
    assert doc.field_value("申报单位") == "某某广电网络有限公司"


def test_field_document_screens_one_long_field_as_its_own_material():
    doc = load_document(make_form_docx(FORM), filename="申报表.docx")
    material = field_document(doc, "申报材料")
    assert material.text == FORM["申报材料"]
    assert [s.heading for s in material.sections if s.heading] == ["一、总体情况", "二、主要做法"]
    assert material.title == "智慧社区服务平台"
    assert material.filename == "申报表.docx#申报材料"
    assert any("申报材料" in note for note in material.notes)


def test_field_document_refuses_missing_and_blank_fields():
    doc = load_document(make_form_docx({**FORM, "申报材料": ""}), filename="f.docx")
    with pytest.raises(EmptyFile):
        field_document(doc, "申报材料")
    plain = load_document(_case_docx(), filename="case.docx")
    with pytest.raises(InputError):
        field_document(plain, "案例简介")


def test_document_info_reports_form_counts_and_sections():
    doc = load_document(make_form_docx(FORM), filename="申报表.docx")
    info = document_info(doc)
    assert info.format == "docx" and info.filename == "申报表.docx"
    assert info.unit == "某某广电网络有限公司" and info.category == "智慧社区"
    assert info.title == "智慧社区服务平台"
    assert info.counts == count(doc.text)
    assert info.form["联系人"] == "张三"
    assert len(info.sha256) == 64


def test_a_5000_character_document_counts_as_written():
    paragraphs = chinese_text(5000)
    doc = load_document(make_docx(sections=[("一、正文", 1, paragraphs)]), filename="long.docx")
    assert count(doc.text)["word"] == 5000 + count("一、正文")["word"]


def _docx_with_custom_styles() -> bytes:
    """A Chinese-template document: a table of contents, and headings in a custom style known only by outline level."""
    import io

    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    custom = document.styles.add_style("一级标题", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    custom.element.get_or_add_pPr().append(outline)
    toc = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("目录")
    document.add_paragraph("一、总体情况\t1", style=toc)
    document.add_paragraph("二、主要做法\t2", style=toc)
    document.add_paragraph("一、总体情况", style=custom)
    document.add_paragraph("正文一。")
    document.add_paragraph("项目亮点", style=custom)  # no numbering: only the outline level makes it a heading
    document.add_paragraph("正文二。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_outline_levels_make_headings_and_toc_entries_do_not():
    doc = load_document(_docx_with_custom_styles(), filename="template.docx")
    assert [(s.heading, s.level) for s in doc.sections if s.heading] == [("一、总体情况", 1), ("项目亮点", 1)]
    assert "一、总体情况\t1" in doc.text  # the contents stay in the text, as paragraphs


def test_bold_label_lines_in_body_style_are_headings():
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("一、总体情况", style="Heading 1")
    document.add_paragraph().add_run("建设背景").bold = True
    document.add_paragraph("背景正文，说明项目缘起。")
    mixed = document.add_paragraph()
    mixed.add_run("加粗").bold = True
    mixed.add_run("与不加粗混排")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = load_document(buffer.getvalue(), filename="bold.docx")
    assert [(s.heading, s.level) for s in doc.sections if s.heading] == [("一、总体情况", 1), ("建设背景", 2)]
