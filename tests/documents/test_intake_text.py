"""Plain text and Markdown files through load_document: encodings and refusals."""

import pytest

from screening.documents import load_document
from screening.errors import EmptyFile, ExtensionMismatch, UndecodableText, UnsupportedFormat
from tests.factories import make_text

TEXT = "智慧广电网络新服务案例\n一、总体情况\n2024年，全市建成5G基站1200个，服务用户35.6万户。\n二、经验成效\n群众满意度达到98%。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_in_every_common_encoding_reads_the_same(encoding):
    doc = load_document(make_text(TEXT, encoding), filename="case.txt")
    assert doc.text == TEXT
    assert [s.heading for s in doc.sections if s.heading] == ["一、总体情况", "二、经验成效"]
    assert doc.encoding is not None


def test_short_gb18030_sentence_is_not_mistaken_for_another_encoding():
    doc = load_document("申报单位：某某县融媒体中心".encode("gb18030"), filename="a.txt")
    assert doc.text == "申报单位：某某县融媒体中心"
    assert doc.encoding == "gb18030"


def test_windows_line_endings_and_blank_lines():
    doc = load_document(make_text("第一段。\r\n\r\n第二段。\r\n", "utf-8"), filename="a.txt")
    assert doc.text == "第一段。\n第二段。"


def test_markdown_file(tmp_path):
    path = tmp_path / "case.md"
    make_text("# 案例\n\n## 一、总体情况\n\n正文。", "utf-8", path)
    doc = load_document(path, filename=path.name)
    assert doc.format == "md"
    assert [b.kind for b in doc.blocks] == ["heading", "heading", "paragraph"]


def test_binary_renamed_txt_is_refused():
    with pytest.raises(ExtensionMismatch):
        load_document(b"%PDF-1.7\n...", filename="a.txt")
    with pytest.raises(UndecodableText):
        load_document(bytes(range(256)) * 20, filename="a.txt")


def test_empty_and_blank_files_are_refused():
    for data in (b"", b"   \n\n  "):
        with pytest.raises(EmptyFile):
            load_document(data, filename="a.txt")


def test_unknown_extension_is_refused():
    with pytest.raises(UnsupportedFormat) as caught:
        load_document(b"hello", filename="a.xlsx")
    assert caught.value.exit_code == 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "gb18030"])
def test_pure_chinese_without_bom_is_not_read_as_mojibake(encoding):
    text = "智慧广电网络新服务案例"
    assert load_document(text.encode(encoding), filename="a.txt").text == text


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_cut_last_character_is_dropped_with_a_note(encoding):
    data = "申报材料正文".encode(encoding)[:-1]
    doc = load_document(data, filename="cut.txt")
    assert doc.text == "申报材料正"
    assert any("不完整" in note for note in doc.notes)


def test_nul_bytes_are_never_text():
    for data in (b"\x00", "正文\x00".encode()):
        with pytest.raises(UndecodableText):
            load_document(data, filename="a.txt")
