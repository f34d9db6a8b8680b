"""OCR of scanned PDFs inside the guarded parse: text read, pages and confidence reported, budgets and refusals.

Scans are generated (``tests/documents/scans.py``); they need Debian ``tesseract-ocr``, ``tesseract-ocr-chi-sim`` and
``fonts-wqy-zenhei`` (all installed by ``make``), and are skipped with that reason where those are missing.
"""

import re

import pytest
from rapidfuzz.distance import Levenshtein

from screening.documents import Limits, load_document
from screening.documents.normalize import join_pdf_spaces
from screening.documents.ocr import LOW_CONFIDENCE, engine, parse_tsv, tidy_punctuation
from screening.errors import ParseTimeout, ScannedDocument, TooManyPages
from screening.wordcount import count
from tests.documents.scans import FONT_PATH, ScanStyle, page_image, scan_pdf, scan_text

needs_ocr = pytest.mark.skipif(
    engine() is None or not FONT_PATH.exists(),
    reason="needs Debian tesseract-ocr, tesseract-ocr-chi-sim and fonts-wqy-zenhei (installed by make)",
)


def _plain(text: str) -> str:
    return re.sub(r"\s", "", text).replace(",", "，").replace(":", "：")


@pytest.fixture(scope="module")
def stamped_scan():
    """Two scanned pages, the first with a red seal stamped over its text, slightly rotated and blurred."""
    first, second = scan_text(9, seed=11), scan_text(6, seed=12)
    pdf = scan_pdf(
        [
            page_image(first, ScanStyle(dpi=200, rotate=0.8, blur=0.7, noise=5, seal=True, seal_at=(110, 60))),
            page_image(second, ScanStyle(dpi=200, rotate=-0.6, blur=0.5)),
        ]
    )
    return pdf, first + second


@pytest.fixture(scope="module")
def stamped_document(stamped_scan):
    if engine() is None or not FONT_PATH.exists():
        pytest.skip("needs Debian tesseract-ocr, tesseract-ocr-chi-sim and fonts-wqy-zenhei (installed by make)")
    return load_document(stamped_scan[0], filename="盖章扫描件.pdf")


@needs_ocr
@pytest.mark.slow
def test_a_scanned_pdf_is_read_with_few_character_errors(stamped_scan, stamped_document):
    truth = _plain("".join(stamped_scan[1]))
    read = _plain(stamped_document.text)
    assert Levenshtein.distance(truth, read) / len(truth) <= 0.05


@needs_ocr
@pytest.mark.slow
def test_the_report_says_which_pages_were_ocrd_with_their_confidence(stamped_document):
    scan = stamped_document.scan
    assert [p["page"] for p in scan.ocr_pages] == [1, 2]
    assert all(p["confidence"] >= LOW_CONFIDENCE for p in scan.ocr_pages)
    assert scan.ocr_engine and "chi_sim" in scan.ocr_engine
    assert any("文字识别（OCR）" in note and "第 1 页" in note for note in stamped_document.notes)


@needs_ocr
@pytest.mark.slow
def test_word_count_covers_only_what_was_read(stamped_scan, stamped_document):
    expected = count("".join(stamped_scan[1]))["word"]
    assert abs(count(stamped_document.text)["word"] - expected) <= 0.05 * expected
    assert sum(p["chars"] for p in stamped_document.scan.ocr_pages) > 0


@needs_ocr
@pytest.mark.slow
def test_the_seal_over_the_text_is_found_on_the_stamped_page_only(stamped_document):
    assert [seal["page"] for seal in stamped_document.scan.seals] == [1]


@needs_ocr
def test_a_scan_with_no_readable_text_is_refused_in_chinese():
    blank = scan_pdf([page_image([], ScanStyle(dpi=150))], dpi=150)
    with pytest.raises(ScannedDocument) as caught:
        load_document(blank, filename="空白扫描.pdf")
    assert "没有读出可用的文字" in caught.value.message


@needs_ocr
def test_a_scan_longer_than_the_ocr_page_budget_is_refused_before_reading():
    pdf = scan_pdf([page_image(scan_text(3, seed=s), ScanStyle(dpi=150)) for s in range(3)], dpi=150)
    with pytest.raises(TooManyPages) as caught:
        load_document(pdf, filename="长扫描件.pdf", limits=Limits(max_ocr_pages=2))
    assert "扫描件共 3 页" in caught.value.message and caught.value.detail["limit"] == 2


@needs_ocr
@pytest.mark.parametrize("isolate", [True, False])
def test_the_ocr_budget_holds_with_a_clear_message(isolate):
    pdf = scan_pdf([page_image(scan_text(6, seed=s), ScanStyle(dpi=200)) for s in range(2)])
    with pytest.raises(ParseTimeout) as caught:
        load_document(
            pdf, filename="扫描件.pdf", limits=Limits(ocr_seconds=0.3, isolate_pdf=isolate, kill_grace_seconds=1)
        )
    assert "识别" in caught.value.message and "超时" in caught.value.message


def test_scans_are_refused_as_before_when_ocr_is_switched_off():
    pdf = scan_pdf([page_image(["测试"], ScanStyle(dpi=100))], dpi=100) if FONT_PATH.exists() else None
    if pdf is None:
        pytest.skip("needs Debian fonts-wqy-zenhei (installed by make)")
    with pytest.raises(ScannedDocument):
        load_document(pdf, filename="扫描件.pdf", limits=Limits(ocr=False))


def test_tesseract_words_become_lines_in_pdf_points_without_specks():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t200\t100\t100\t50\t90\t本台",
        "5\t1\t1\t1\t1\t2\t310\t100\t40\t50\t80\t,",
        "5\t1\t1\t1\t1\t3\t360\t100\t100\t50\t70\t建成",
        "5\t1\t1\t1\t1\t4\t900\t100\t10\t10\t5\t~",  # a speck
        "5\t1\t1\t1\t2\t1\t200\t200\t100\t50\t60\t平台",
    ]
    result = parse_tsv("\n".join([header, *rows]), scale=0.5)
    assert [join_pdf_spaces(line.text) for line in result.lines] == ["本台，建成", "平台"]
    first = result.lines[0]
    assert (first.x0, first.x1, first.top, first.bottom) == (100.0, 230.0, 50.0, 75.0)
    assert result.chars == 7
    assert result.confidence == pytest.approx((2 * 90 + 80 + 2 * 70 + 2 * 60) / 7)


def test_ocr_punctuation_is_tidied_but_numbers_are_left_alone():
    assert tidy_punctuation("占45% ,内容") == "占45%，内容"
    assert tidy_punctuation("总计1,200元") == "总计1,200元"


def _mixed_pdf() -> bytes:
    """Page 1 a Word export (text layer), page 2 a scan: what a unit sends when it scans only the stamped page."""
    import io

    import pypdfium2

    from tests.factories import make_pdf

    merged = pypdfium2.PdfDocument(make_pdf(paragraphs=["本台建成融媒体指挥调度平台，服务用户126万户。" * 3]))
    merged.import_pages(
        pypdfium2.PdfDocument(scan_pdf([page_image(scan_text(3, seed=7), ScanStyle(dpi=150))], dpi=150))
    )
    buffer = io.BytesIO()
    merged.save(buffer)
    return buffer.getvalue()


def test_without_ocr_a_mixed_pdf_keeps_its_text_pages_and_says_the_scan_was_not_read():
    if not FONT_PATH.exists():
        pytest.skip("needs Debian fonts-wqy-zenhei (installed by make)")
    doc = load_document(_mixed_pdf(), filename="混合.pdf", limits=Limits(ocr=False))
    assert "服务用户126万户" in doc.text and doc.scan is None
    assert any("第 2 页是图片" in note for note in doc.notes)


@needs_ocr
def test_a_mixed_pdf_has_only_its_scanned_page_ocrd():
    doc = load_document(_mixed_pdf(), filename="混合.pdf")
    assert [p["page"] for p in doc.scan.ocr_pages] == [2]
    assert "服务用户126万户" in doc.text and len(doc.text) > 120


def test_a_page_with_a_giant_mediabox_is_rendered_within_the_pixel_cap():
    """Fuzz finding 9: a page's MediaBox asked pdfium for a multi-GB bitmap; an A4 page keeps the full resolution."""
    import io

    import pypdfium2
    from reportlab.pdfgen import canvas

    from screening.documents import ocr

    def one_page(size: tuple[float, float]):
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=size)
        pdf.rect(10, 10, 50, 50, fill=1)
        pdf.showPage()
        pdf.save()
        return pypdfium2.PdfDocument(buffer.getvalue())[0]

    image, dpi = ocr.render_page(one_page((14400, 14400)))
    assert image.width * image.height <= ocr.MAX_RENDER_PIXELS
    assert dpi < ocr.OCR_DPI
    image, dpi = ocr.render_page(one_page((595, 842)))
    assert dpi == ocr.OCR_DPI and image.width == round(595 * ocr.OCR_DPI / 72)
