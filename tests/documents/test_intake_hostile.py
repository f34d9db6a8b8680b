"""Hostile and broken files are refused with their own error class, quickly and without crashing."""

import pytest

from screening.documents import Limits, load_document
from screening.errors import (
    ArchiveBomb,
    CorruptDocument,
    EmptyFile,
    EncryptedDocument,
    ExtensionMismatch,
    FileTooLarge,
    InputError,
    LegacyWordFormat,
    ParseTimeout,
    ScannedDocument,
    TooManyPages,
    UnsafeDocument,
)
from tests.documents import hostile_files as hostile
from tests.factories import make_docx, make_pdf

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("make", "filename", "error"),
    [
        (lambda: hostile.zip_bomb_docx(inflated=5 * MB), "bomb.docx", ArchiveBomb),
        (lambda: hostile.many_entries_docx(entries=2100), "many.docx", ArchiveBomb),
        (hostile.lying_size_docx, "lying.docx", CorruptDocument),
        (hostile.xxe_docx, "xxe.docx", UnsafeDocument),
        (hostile.billion_laughs_docx, "lol.docx", UnsafeDocument),
        (hostile.not_a_word_zip, "archive.docx", ExtensionMismatch),
        (hostile.wrong_root_docx, "root.docx", CorruptDocument),
        (lambda: hostile.truncated(make_docx(sections=[("一、总体情况", 1, ["正文。"])])), "cut.docx", CorruptDocument),
        (lambda: hostile.ole_file(encrypted=True), "locked.docx", EncryptedDocument),
        (hostile.ole_file, "old.docx", LegacyWordFormat),
        (hostile.renamed_exe, "case.pdf", ExtensionMismatch),
        (hostile.renamed_exe, "case.docx", ExtensionMismatch),
        (lambda: make_docx(sections=[("一、a", 1, ["b"])]), "case.pdf", ExtensionMismatch),
        (hostile.encrypted_pdf, "locked.pdf", EncryptedDocument),
        (hostile.image_only_pdf, "scan.pdf", ScannedDocument),
        (lambda: hostile.truncated(make_pdf(paragraphs=["正文。"] * 40)), "cut.pdf", CorruptDocument),
        (lambda: hostile.raw_pdf(b""), "blank.pdf", EmptyFile),
    ],
)
def test_refusals(make, filename, error):
    with pytest.raises(error) as caught:
        load_document(make(), filename=filename)
    assert caught.value.exit_code == 3
    assert caught.value.message  # a Chinese sentence saying what to do
    assert not caught.value.message.isascii()


@pytest.mark.parametrize("isolate", [True, False], ids=["isolated", "in-process"])
def test_nested_flatedecode_bomb_is_bounded(isolate):
    data = hostile.nested_flate_pdf(inflated=1024 * MB, levels=3)
    assert len(data) < 10_000
    with pytest.raises(ArchiveBomb):
        load_document(data, filename="bomb.pdf", limits=Limits(isolate_pdf=isolate, max_stream_bytes=16 * MB))


def test_memory_cap_stops_what_the_inflation_bound_lets_through():
    """With the per-stream bound lifted, the child's address-space cap is the fence that holds."""
    data = hostile.nested_flate_pdf(inflated=1024 * MB, levels=2)
    limits = Limits(max_stream_bytes=2**40, max_decoded_bytes=2**40, max_rss_bytes=150 * MB)
    with pytest.raises(ArchiveBomb):
        load_document(data, filename="bomb.pdf", limits=limits)


def test_a_page_that_never_finishes_is_stopped_at_the_deadline():
    limits = Limits(parse_seconds=0.3, kill_grace_seconds=0.2)
    with pytest.raises(ParseTimeout):
        load_document(hostile.slow_page_pdf(), filename="slow.pdf", limits=limits)


def test_deadline_is_checked_between_pages_in_process():
    data = make_pdf(paragraphs=["正文。"] * 3)
    with pytest.raises(ParseTimeout):
        load_document(data, filename="a.pdf", limits=Limits(parse_seconds=0, isolate_pdf=False))


def test_page_limit():
    data = make_pdf(pages=[["第一页。"], ["第二页。"], ["第三页。"]])
    with pytest.raises(TooManyPages) as caught:
        load_document(data, filename="a.pdf", limits=Limits(max_pages=2))
    assert caught.value.detail["pages"] == 3
    assert load_document(data, filename="a.pdf", limits=Limits(max_pages=3)).pages == 3


def test_size_limit_applies_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes("大".encode() * (MB // 3 + 1))
    with pytest.raises(FileTooLarge):
        load_document(path, filename=path.name, limits=Limits(max_bytes=MB))
    with pytest.raises(FileTooLarge):
        load_document(path.read_bytes(), filename=path.name, limits=Limits(max_bytes=MB))


def test_legacy_word_without_libreoffice_asks_for_docx(monkeypatch):
    monkeypatch.setattr("screening.documents.legacy.soffice_path", lambda: None)
    with pytest.raises(LegacyWordFormat) as caught:
        load_document(hostile.ole_file(), filename="case.doc")
    assert ".docx" in caught.value.message
    with pytest.raises(LegacyWordFormat):
        load_document(hostile.ole_file(), filename="case.wps")


def test_legacy_word_is_converted_when_libreoffice_is_present(monkeypatch, tmp_path):
    """A stand-in ``soffice`` that writes a real .docx where LibreOffice would put it."""
    converted = tmp_path / "converted.docx"
    make_docx(converted, sections=[("一、总体情况", 1, ["转换后的正文。"])])
    fake = tmp_path / "soffice"
    fake.write_text(
        f'#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\nmkdir -p "$2" && cp "{converted}" "$2/input.docx"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setattr("screening.documents.legacy.soffice_path", lambda: str(fake))
    doc = load_document(hostile.ole_file(), filename="case.doc")
    assert "转换后的正文。" in doc.text
    assert any("LibreOffice" in note for note in doc.notes)


def test_missing_file_is_a_usage_error(tmp_path):
    from screening.errors import UsageError

    with pytest.raises(UsageError):
        load_document(tmp_path / "nope.docx", filename="nope.docx")


@pytest.mark.parametrize("cut", [0.1, 0.3, 0.6, 0.9, 0.99])
def test_any_truncation_is_refused_or_read_never_a_crash(cut):
    docx = make_docx(sections=[("一、总体情况", 1, ["正文。"] * 20)], table=[["a", "b"]])
    pdf = make_pdf(paragraphs=[("一、总体情况", 1), "正文。" * 200])
    for data, name in ((docx, "a.docx"), (pdf, "a.pdf")):
        try:
            load_document(hostile.truncated(data, cut), filename=name)
        except InputError:
            pass


def test_cid_width_tables_read_as_pdfminer_reads_them_but_bounded():
    from pdfminer.psparser import LIT

    from screening.documents.pdf_extract import CID_LAST, bounded_widths

    assert bounded_widths([1, [500, 600], 10, 12, 300]) == {1: 500, 2: 600, 10: 300, 11: 300, 12: 300}
    # pdfminer's quirk kept: a stray token does not reset the pending numbers (5 … 6 7 is the range 5-6, width 7)
    assert bounded_widths([5, LIT("junk"), 6, 7, 100]) == {5: 7, 6: 7}
    assert bounded_widths([1, [1000, 500, 880, 900, 500, 880], 5, 6, -1000, 500, 880], group=5) == {
        1: (1000, (500, 880)),
        2: (900, (500, 880)),
        5: (-1000, (500, 880)),
        6: (-1000, (500, 880)),
    }
    huge = bounded_widths([0, 10**12, 500, -(10**12), 3, 400])
    assert len(huge) == CID_LAST + 1 and huge[3] == 400 and huge[CID_LAST] == 500
