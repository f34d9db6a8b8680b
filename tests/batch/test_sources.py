"""Materials from a folder or a zip: accepted types only, junk skipped, hostile zips refused before inflating."""

from __future__ import annotations

import io
import zipfile

import pytest

from screening.batch import ZipLimits, check_suffix, safe_filename, sources_from_path, sources_from_zip
from screening.errors import ArchiveBomb, InputError, UnsupportedFormat
from tests.factories import make_docx


def make_zip(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def make_gbk_zip(name: str, data: bytes) -> bytes:
    """What Chinese Windows' "send to zip" writes: the name as GBK bytes, without the UTF-8 flag.

    zipfile always writes non-ASCII names as UTF-8, so write an ASCII stand-in of the same length and patch it.
    """
    raw = name.encode("gb18030")
    stand_in = b"a" * (len(raw) - 4) + b".txt"
    return make_zip({stand_in.decode(): data}).replace(stand_in, raw)


def test_zip_members_of_accepted_types_become_sources():
    docx = make_docx(title="案例", sections=[("一、总体情况", 1, ["内容"])])
    data = make_zip({"材料/甲.docx": docx, "乙.txt": "正文".encode(), "__MACOSX/._甲.docx": b"x", "说明.exe": b"MZ"})
    accepted, refused = sources_from_zip(data)
    assert [s.filename for s in accepted] == ["甲.docx", "乙.txt"]
    assert accepted[0].data == docx
    assert [s.filename for s in refused] == ["说明.exe"]


def test_gbk_member_names_are_decoded():
    accepted, _ = sources_from_zip(make_gbk_zip("融媒体案例.txt", "正文".encode()))
    assert accepted[0].filename == "融媒体案例.txt"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "a/../../evil.txt", "C:\\evil.txt"])
def test_path_traversal_refuses_the_whole_zip(name):
    with pytest.raises(ArchiveBomb) as caught:
        sources_from_zip(make_zip({"ok.txt": b"ok", name: b"bad"}))
    assert "非法路径" in caught.value.message and caught.value.status == 413


def test_too_many_members():
    data = make_zip({f"{i}.txt": b"x" for i in range(6)})
    with pytest.raises(ArchiveBomb, match="文件过多"):
        sources_from_zip(data, limits=ZipLimits(max_members=5))


def test_high_ratio_member_is_a_bomb():
    data = make_zip({"bomb.txt": b"0" * (3 * 1024 * 1024)})  # ~1000:1
    with pytest.raises(ArchiveBomb):
        sources_from_zip(data)


def test_member_over_the_size_limit():
    data = make_zip({"big.txt": bytes(range(256)) * 4096}, compression=zipfile.ZIP_STORED)  # 1 MB
    with pytest.raises(ArchiveBomb, match="超过"):
        sources_from_zip(data, limits=ZipLimits(max_member_bytes=512 * 1024))


def test_total_over_the_limit():
    data = make_zip({f"{i}.txt": bytes(range(256)) * 1024 for i in range(4)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(ArchiveBomb, match="总大小"):
        sources_from_zip(data, limits=ZipLimits(max_total_bytes=600 * 1024))


def test_not_a_zip():
    with pytest.raises(InputError) as caught:
        sources_from_zip(b"this is not a zip")
    assert caught.value.status == 422


def test_folder_is_read_recursively_and_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "二.txt").write_text("正文二", encoding="utf-8")
    (tmp_path / "一.md").write_text("# 标题", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "表.xls").write_bytes(b"x")
    accepted, refused = sources_from_path(tmp_path)
    assert [s.filename for s in accepted] == ["二.txt", "一.md"]  # sorted by path: "b/二.txt" < "一.md"
    assert [s.filename for s in refused] == ["表.xls"]


def test_single_file_path(tmp_path):
    path = tmp_path / "一.txt"
    path.write_text("正文", encoding="utf-8")
    accepted, refused = sources_from_path(path)
    assert [s.filename for s in accepted] == ["一.txt"] and not refused
    legacy = tmp_path / "旧.doc"
    legacy.write_bytes(b"x")
    # .doc/.wps are taken by name; whether the bytes convert is the intake's guard, per material (see test_legacy_batch)
    assert [s.filename for s in sources_from_path(legacy)[0]] == ["旧.doc"]
    program = tmp_path / "x.exe"
    program.write_bytes(b"MZ")
    with pytest.raises(UnsupportedFormat):
        sources_from_path(program)


def test_safe_filename_keeps_only_a_displayable_last_component():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\张三\\案例.docx") == "案例.docx"
    assert safe_filename("a\x00b\u202e.docx") == "ab.docx"
    assert safe_filename("") == "未命名文件"
    long = safe_filename("长" * 300 + ".docx")
    assert len(long) <= 120 and long.endswith(".docx")


def test_zip_cut_short_is_damaged_even_when_its_stored_members_are_zips_themselves():
    docx = make_docx(title="案例", sections=[("一、总体情况", 1, ["内容"])])
    whole = make_zip({"甲.docx": docx, "乙.docx": docx}, compression=zipfile.ZIP_STORED)
    assert [s.filename for s in sources_from_zip(whole)[0]] == ["甲.docx", "乙.docx"]
    with pytest.raises(InputError, match="压缩包已损坏"):
        sources_from_zip(whole[:-100])  # without the check, zipfile reads 乙.docx's own parts as the batch


def test_zip_with_a_comment_is_whole():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("甲.txt", "正文".encode())
        archive.comment = "吉林省广播电视局 2024 年推荐材料".encode()
    assert [s.filename for s in sources_from_zip(buffer.getvalue())[0]] == ["甲.txt"]


def test_legacy_word_files_are_accepted_in_a_zip_and_a_folder_and_other_kinds_still_refused(tmp_path):
    accepted, refused = sources_from_zip(make_zip({"一.doc": b"a", "二.WPS": b"b", "三.xls": b"c", "四.docx": b"d"}))
    assert [s.filename for s in accepted] == ["一.doc", "二.WPS", "四.docx"]
    assert [s.filename for s in refused] == ["三.xls"]
    (tmp_path / "甲.wps").write_bytes(b"x")
    (tmp_path / "乙.et").write_bytes(b"x")  # a WPS spreadsheet is not a material
    accepted, refused = sources_from_path(tmp_path)
    assert [s.filename for s in accepted] == ["甲.wps"] and [s.filename for s in refused] == ["乙.et"]


def test_the_refusal_names_every_accepted_kind():
    with pytest.raises(UnsupportedFormat) as caught:
        check_suffix("表.xls")
    assert all(suffix in caught.value.message for suffix in (".docx", ".doc", ".wps", ".pdf", ".txt", ".md"))
