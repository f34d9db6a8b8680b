"""PDF intake: CID-font Chinese over several pages, paragraphs rebuilt, tables once, page furniture removed."""

import pytest

from screening.documents import Limits, document_info, load_document
from screening.wordcount import count
from tests.factories import chinese_paragraph, make_pdf

BUDGET = [["序号", "支出科目", "金额（万元）"], ["1", "前期策划与调研", "30"], ["2", "合计", "280"]]
INTRO = chinese_paragraph(200)
BACKGROUND = chinese_paragraph(150, seed=3)
LONG = [chinese_paragraph(300, seed=s) for s in range(0, 40, 5)]


@pytest.fixture(scope="module", params=[True, False], ids=["isolated", "in-process"])
def case(request):
    pages = [
        [("一、总体情况", 1), INTRO, "2026 年度共建设 5 个示范点。", ("（一）建设背景", 2), BACKGROUND],
        [("二、主要做法", 1), *LONG[:2]],
        LONG[2:4],
    ]
    data = make_pdf(pages=pages, table=BUDGET, table_page=2, header="某某县融媒体中心申报材料", page_numbers=True)
    return load_document(data, filename="case.pdf", limits=Limits(isolate_pdf=request.param))


def test_pages_and_headings(case):
    assert case.format == "pdf" and case.pages == 3
    assert [(s.heading, s.level) for s in case.sections if s.heading] == [
        ("一、总体情况", 1),
        ("（一）建设背景", 2),
        ("二、主要做法", 1),
    ]
    assert case.sections[1].parent == 0


def test_wrapped_lines_join_into_the_original_paragraphs(case):
    paragraphs = [b.text for b in case.blocks if b.kind == "paragraph"]
    assert INTRO in paragraphs and BACKGROUND in paragraphs
    assert all(p in paragraphs for p in LONG[:4])
    assert [b.page for b in case.blocks if b.text == LONG[2]] == [3]


def test_spaces_between_cjk_and_digits_are_removed(case):
    assert "2026年度共建设5个示范点。" in case.text


def test_table_is_a_table_and_its_text_appears_once(case):
    tables = [b for b in case.blocks if b.kind == "table"]
    assert [t.rows for t in tables] == [BUDGET]
    assert tables[0].page == 2
    assert case.text.count("前期策划与调研") == 1


def test_running_header_and_page_numbers_are_removed_with_a_note(case):
    assert "某某县融媒体中心申报材料" not in case.text
    assert "- 2 -" not in case.text
    assert any("页眉" in note for note in case.notes)


def test_counts_match_the_text_that_was_written(case):
    written = "\n".join(
        ["一、总体情况", INTRO, "2026年度共建设5个示范点。", "（一）建设背景", BACKGROUND, "二、主要做法"]
    )
    written += "\n".join([*LONG[:4], *("\t".join(row) for row in BUDGET)])
    assert document_info(case).counts["word"] == count(written)["word"]


def test_paragraphs_continue_across_a_page_break():
    text = chinese_paragraph(2400, seed=1)  # one paragraph longer than a page
    doc = load_document(make_pdf(paragraphs=[text]), filename="long.pdf")
    assert doc.pages == 2
    assert [b.text for b in doc.blocks] == [text]


def test_owner_password_only_pdf_is_read_or_refused_clearly():
    """pdfminer decrypts streams but not the strings naming a CID font's encoding, so a non-embedded CID font in an
    owner-protected file comes out as unmapped glyphs; that must be a clear refusal, never gibberish."""
    from screening.errors import EncryptedDocument
    from tests.documents.hostile_files import owner_only_pdf

    try:
        doc = load_document(owner_only_pdf(), filename="owner.pdf")
    except EncryptedDocument as refusal:
        assert "权限" in refusal.message
    else:
        assert "(cid:" not in doc.text and any("权限" in note for note in doc.notes)


def test_a_form_printed_to_pdf_is_read_as_a_form():
    rows = [
        ["案例名称", "智慧社区服务平台"],
        ["征集类别", "智慧社区"],
        ["申报单位", "某某广电网络有限公司"],
        ["联系人", "张三"],
    ]
    doc = load_document(make_pdf(pages=[[("2024年申报表", 1)]], table=rows), filename="form.pdf")
    assert doc.field_value("申报单位") == "某某广电网络有限公司"
    assert doc.title == "智慧社区服务平台"
    assert document_info(doc).category == "智慧社区"
