"""The project's catalogue of hostile and broken inputs: what an applicant might upload, by malice or by accident.

Every case is generated in code, small on disk and cheap to build (well under a second), and says which outcomes
are acceptable: one or more codes from ``screening.errors`` (``archive_bomb``, ``corrupt`` …) or ``"ok"`` when the
damaged file is legitimately still readable (a one-letter text file is a text file). Anything else - another code,
an exception that is not a ``ScreeningError``, a hang, a memory blow-up or a dead process - is a bug.

Two lists:

- :func:`intake_cases` - single files for ``screening.documents.load_document`` / ``POST /api/screen``: zip-bomb
  DOCX (ratio, entry count, declared sizes that lie either way), XML entities in any DOCX part (also UTF-16 encoded),
  DOCX entries with path-traversal names; PDFs with nested FlateDecode bombs, reference loops (page tree, stream
  length, ``/Parent``), thousands of pages (declared and real), a huge single page, encryption; wrong magic bytes,
  zero bytes, 1-byte files, mixed and invalid text encodings; and every DOCX, PDF and text file truncated at each
  10 % of its length.
- :func:`batch_zip_cases` - zips of materials for ``screening.batch.sources_from_zip`` / ``POST /api/batches``:
  path traversal (``../``, absolute, drive letters), member bombs, too many members, a lying declared size.

The byte-level builders shared with the intake engineer's tests live in ``tests/documents/hostile_files.py``
(zip bombs, XXE, nested FlateDecode, slow page, encrypted, image-only); this module reuses them and adds the rest.
``scale`` multiplies the sizes of the bombs, so ``bench/`` can go big while tests stay fast.
"""

from __future__ import annotations

import base64
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.documents import hostile_files as base
from tests.factories import chinese_text, make_docx, make_pdf

MB = base.MB
OK = "ok"  # the outcome "parsed into a Document"


@dataclass(frozen=True)
class Hostile:
    """One hostile input: how to make it, the name it is uploaded under, and the outcomes that are acceptable.

    ``limits`` are ``screening.documents.Limits`` overrides the case needs to finish quickly in a test (a parse
    timeout of 20 s is right for a service, too slow for a suite); the API-level tests set the same through the
    server's environment.
    """

    name: str
    filename: str
    make: Callable[[], bytes]
    expect: frozenset[str]
    limits: dict = field(default_factory=dict)

    def __repr__(self) -> str:  # pytest ids
        return self.name


def _case(name: str, filename: str, make: Callable[[], bytes], *expect: str, **limits) -> Hostile:
    return Hostile(name, filename, make, frozenset(expect), limits)


# ---- valid material, to damage and to prove the service still works -----------------------------------------------


def valid_docx() -> bytes:
    return make_docx(
        title="某市智慧广电服务案例",
        sections=[("一、总体情况", 1, chinese_text(600)), ("二、主要做法", 1, ["累计服务用户120万户，同比增长35%。"])],
    )


def valid_pdf() -> bytes:
    return make_pdf(paragraphs=[("某市智慧广电服务案例", 1), ("一、总体情况", 2), *chinese_text(900)])


def valid_text(encoding: str = "utf-8") -> bytes:
    return ("某市智慧广电服务案例\n一、总体情况\n" + "\n".join(chinese_text(400))).encode(encoding)


def traditional_text(encoding: str = "big5") -> bytes:
    """Traditional Chinese (a Big5 file from Hong Kong or Taiwan software)."""
    return (
        "某市智慧廣電服務案例\n一、總體情況\n" + "本項目依託有線電視網絡，建成覆蓋全市的數字化服務平台。" * 20
    ).encode(encoding)


# ---- DOCX -----------------------------------------------------------------------------------------------------------


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with entries replaced or added (names are written exactly as given, ``../`` included)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, content in (extra or {}).items():
            target.writestr(zipfile.ZipInfo(name), content)
    return buffer.getvalue()


def declared_size_docx(declared: int = 0xFFFF_FFFF) -> bytes:
    """A small, honest .docx whose central directory claims one entry inflates to ``declared`` bytes (4 GB)."""
    name = "word/media/claims-4gb.bin"
    data = bytearray(rezip(valid_docx(), extra={name: b"tiny"}))
    central = bytes(data).rfind(b"PK\x01\x02", 0, bytes(data).rfind(name.encode()) + 1)
    data[central + 24 : central + 28] = declared.to_bytes(4, "little")  # uncompressed size in the central record
    return bytes(data)


def many_small_entries_docx(entries: int = 5000) -> bytes:
    """Entry count far past the guard's limit, each entry empty: the zip itself stays ~0.5 MB."""
    return base.many_entries_docx(entries)


def entity_part_docx(part: str = "word/styles.xml", *, encoding: str = "utf-8") -> bytes:
    """An entity declaration in a part other than the body (styles, settings, rels), optionally UTF-16 encoded."""
    xml = (
        '<?xml version="1.0" encoding="%s"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&b;</w:styles>'
    )
    label = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    return rezip(valid_docx(), replace={part: (xml % label).encode(encoding)})


def quadratic_blowup_docx(repeat: int = 20_000) -> bytes:
    """One large entity referenced many times (no nesting): the attack that slips past nesting-depth defences."""
    evil = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY big "' + "x" * 5000 + '">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        "<w:t>" + "&big;" * repeat + "</w:t></w:r></w:p></w:body></w:document>"
    )
    return rezip(valid_docx(), replace={"word/document.xml": evil.encode()})


def traversal_docx() -> bytes:
    """A .docx carrying entries named ``../../evil.sh`` and ``/etc/cron.d/x``: reading must never write them."""
    return rezip(valid_docx(), extra={"../../evil.sh": b"#!/bin/sh\necho pwned\n", "/etc/cron.d/x": b"* * * * * x"})


def broken_xml_docx() -> bytes:
    return rezip(valid_docx(), replace={"word/document.xml": b"<?xml version='1.0'?><w:document><w:body><w:p>"})


def garbage_document_xml_docx() -> bytes:
    return rezip(valid_docx(), replace={"word/document.xml": bytes(range(256)) * 40})


def missing_content_types_docx() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(valid_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "[Content_Types].xml":
                target.writestr(item.filename, source.read(item.filename))
    return buffer.getvalue()


def encrypted_entry_docx() -> bytes:
    """A zip whose entries carry the 'encrypted' flag (bit 0): zipfile refuses to read them without a password."""
    data = bytearray(valid_docx())
    at = 0
    while (at := bytes(data).find(b"PK\x03\x04", at)) >= 0:  # local headers: general purpose flags at offset 6
        data[at + 6] |= 1
        at += 4
    at = 0
    while (at := bytes(data).find(b"PK\x01\x02", at)) >= 0:  # central records: flags at offset 8
        data[at + 8] |= 1
        at += 4
    return bytes(data)


# ---- PDF ------------------------------------------------------------------------------------------------------------


pdf_from_objects = base.pdf_from_objects


_TEXT_PAGE = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length " + str(len(content)).encode() + b" " + extra + b" >>\nstream\n" + content + b"\nendstream"


def page_tree_loop_pdf() -> bytes:
    """/Pages lists itself among its kids: a naive page-tree walk recurses forever."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(_TEXT_PAGE),
            _FONT,
        ]
    )


def mutual_kids_loop_pdf() -> bytes:
    """Two page-tree nodes that are each other's kid."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
        ]
    )


def self_reference_length_pdf() -> bytes:
    """A stream whose /Length is an indirect reference to the stream object itself."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 4 0 R >>\nstream\n" + _TEXT_PAGE + b"\nendstream",
        ]
    )


def resource_loop_pdf() -> bytes:
    """A form XObject that draws itself (``/X1 Do`` inside X1): infinite recursion when rendering or extracting."""
    form = _stream(b"/X1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources 5 0 R")
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources 5 0 R >>",
            form,
            b"<< /XObject << /X1 4 0 R >> /Font << /F1 7 0 R >> >>",
            _stream(_TEXT_PAGE + b" /X1 Do"),
            _FONT,
        ]
    )


def many_pages_pdf(pages: int = 5000) -> bytes:
    """Thousands of real pages sharing one content stream (a few hundred KB)."""
    return base.raw_pdf(_TEXT_PAGE, pages=pages)


def lying_count_pdf(pages: int = 3000) -> bytes:
    """/Count says 1 while the tree holds thousands of pages: the declared count alone must not be trusted."""
    honest = f"/Count {pages}".encode()
    return base.raw_pdf(_TEXT_PAGE, pages=pages).replace(honest, b"/Count 1".ljust(len(honest)), 1)  # offsets kept


def huge_page_pdf(side: int = 14_400, strings: int = 20_000) -> bytes:
    """One page at the PDF maximum size (200 inches square) carrying ``strings`` text-showing operators."""
    ops = (
        b"BT /F1 6 Tf "
        + b"".join(f"1 0 0 1 {i % 14000} {(i * 7) % 14000} Tm (x{i}) Tj ".encode() for i in range(strings))
        + b"ET"
    )
    content = zlib.compress(ops, 9)
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side} {side}] /Contents 4 0 R".encode()
            + b" /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(content, b"/Filter /FlateDecode"),
            _FONT,
        ]
    )


def wide_flate_pdf(inflated: int = 80 * MB) -> bytes:
    """One FlateDecode layer of zeros (ratio ~1000:1) without nesting."""
    return base.raw_pdf(base._zeros_deflated(inflated), filters=["FlateDecode"])


def no_xref_pdf() -> bytes:
    """Objects but no xref table and a startxref pointing nowhere: readers fall back to scanning."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            _stream(b""),
        ],
        xref=False,
    )


# Found by bench/fuzz.py (pdf harness, 2026-11-22): a mutated /Pages dictionary (0xFF bytes inside /Count) and a
# wrong startxref. pdfminer's fallback object search then reads object 2 as a reference to itself, and resolve1()
# spun on it before the first page, out of the deadline's reach; the intake now refuses reference cycles.
_XREF_SPIN_PDF = (
    "JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvO2cgL1BhZ2VzIDIgMCBSID4+CmVuZG9iagoyIDAgb2JqCjw8"
    "IC9UeXBlIC9QYWdlc4EvS2lkcyBbMyAwIFJdIC9D////////////////////////////////////////////////////////////"
    "////////////////////////////////////////////////////////////////////////////////////////////////////"
    "/////291bnQgMSA+Pgplbm9qZGIKMyAwIG9iago8PCAvVHlwZSAvUGFnZSAvUGFyZW50IDIgMCBSIC9KSkpKSkpKSkpKSkpKSkpK"
    "SkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKTWVkaWFCb3ggWzAgMCA1OTUgODQyXSAvQ29udGVudHM1AQAAAAAAAD4K"
    "ZW5kb2JqCjQgMCBvYmoKPDwgL0xlbmd0aCAwICA+PgpzanJlYW0KCmVuZHN0cmVhbQplbmRvYmoKdHJhaWxlcgo8PCAvU2l6ZSA1"
    "IC9Sb290IDEgMCBSID4+CnN0YXJ0eHJlZgoyNTgKJSVFT0YK"
)


def xref_spin_pdf() -> bytes:
    return base64.b64decode(_XREF_SPIN_PDF)


def reference_ring_pdf(length: int = 1) -> bytes:
    """/Pages is object 2, which is ``3 0 R``, which is … back to ``2 0 R``: a ring of ``length`` bare references."""
    ring = [f"{2 + (i + 1) % length} 0 R".encode() for i in range(length)]
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>", *ring])


def root_ring_pdf() -> bytes:
    """The trailer's /Root is object 1, which is ``2 0 R``, which is ``1 0 R``: pdfminer resolves /Root while it opens
    the file, before any page (fuzz found it 2026-12-01 through a broken xref)."""
    return pdf_from_objects([b"2 0 R", b"1 0 R"])


def cid_width_range_pdf(last: int = 999_999_999) -> bytes:
    """A CID font whose /W array gives one width to the codes 0…``last``: pdfminer fills a dict entry per code (fuzz
    found ``31 6999…905 32``: 3.9 GB from 2.6 KB)."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(b"BT /F1 12 Tf 72 720 Td <4e2d658767504ef6> Tj ET"),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /FontDescriptor 7 0 R"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /W [0 %d 500] >>" % last,
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -120 1000 880] /ItalicAngle 0"
            b" /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        ]
    )


def header_only_pdf() -> bytes:
    return b"%PDF-1.7\n%%EOF\n"


# ---- text and magic bytes -------------------------------------------------------------------------------------------


def mixed_encodings_text() -> bytes:
    """Lines in UTF-8, GBK and Big5 in one file (a file pasted together from several sources)."""
    return (
        "一、总体情况 UTF-8 行\n".encode() + "二、主要做法 GBK 行\n".encode("gbk") + "三、成效 Big5 行\n".encode("big5")
    )


def invalid_utf8_text() -> bytes:
    """Valid Chinese UTF-8 with overlong forms, stray continuation bytes and a truncated sequence mixed in."""
    return "总体情况".encode() + b"\xc0\xaf\x80\x80" + "主要做法".encode() + b"\xed\xa0\x80" + "成效".encode()[:-1]


def lone_surrogates_utf16() -> bytes:
    return b"\xff\xfe" + "总体情况".encode("utf-16-le") + b"\x00\xd8\x41\x00" + "成效".encode("utf-16-le")


def nul_flood_text() -> bytes:
    return "总体情况".encode() + bytes(4096) + "成效".encode()


def control_chars_text() -> bytes:
    return bytes(range(1, 32)) * 50


def bom_only_text() -> bytes:
    return b"\xef\xbb\xbf"


def random_binary(size: int = 64 * 1024, *, seed: int = 7) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


_PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
_GZIP = b"\x1f\x8b\x08\x00" + bytes(64)
_ELF = b"\x7fELF\x02\x01\x01" + bytes(64)


def truncations(name: str, filename: str, make: Callable[[], bytes], *expect: str) -> list[Hostile]:
    """The file cut at 10 %, 20 % … 90 % of its length (0 % is the zero-byte case, listed once on its own)."""

    def cut(fraction: float) -> Callable[[], bytes]:
        return lambda: base.truncated(make(), fraction)

    return [_case(f"{name}-cut{p}", filename, cut(p / 100), *expect) for p in range(10, 100, 10)]


# ---- the catalogue --------------------------------------------------------------------------------------------------


def intake_cases(*, scale: float = 1.0) -> list[Hostile]:
    """Every hostile single file, with the outcomes acceptable for it (see the module docstring).

    ``scale`` multiplies bomb sizes (1.0 keeps each case under a second on a laptop).
    """
    big = int(20 * MB * scale)
    fast = {"parse_seconds": 1.5, "kill_grace_seconds": 1.0}
    cases = [
        # DOCX containers
        _case("docx-zip-bomb", "bomb.docx", lambda: base.zip_bomb_docx(big), "archive_bomb"),
        _case("docx-many-entries", "many.docx", many_small_entries_docx, "archive_bomb"),
        _case("docx-declared-4gb", "declared.docx", declared_size_docx, "archive_bomb"),
        _case(
            "docx-declared-too-small",
            "lying.docx",
            lambda: base.lying_size_docx(int(8 * MB * scale)),
            "corrupt",
            "archive_bomb",
        ),
        _case("docx-xxe", "xxe.docx", base.xxe_docx, "unsafe_document"),
        _case("docx-billion-laughs", "laughs.docx", base.billion_laughs_docx, "unsafe_document"),
        _case("docx-quadratic-blowup", "quadratic.docx", quadratic_blowup_docx, "unsafe_document"),
        _case("docx-entity-in-styles", "styles.docx", entity_part_docx, "unsafe_document"),
        _case("docx-entity-utf16", "utf16.docx", lambda: entity_part_docx(encoding="utf-16"), "unsafe_document"),
        _case(
            "docx-entity-in-rels",
            "rels.docx",
            lambda: entity_part_docx("word/_rels/document.xml.rels"),
            "unsafe_document",
        ),
        _case("docx-path-traversal", "traversal.docx", traversal_docx, OK, "corrupt", "unsafe_document"),
        _case("docx-broken-xml", "broken.docx", broken_xml_docx, "corrupt"),
        _case("docx-garbage-xml", "garbage.docx", garbage_document_xml_docx, "corrupt"),
        _case("docx-no-content-types", "noct.docx", missing_content_types_docx, "corrupt"),
        _case("docx-encrypted-entries", "zipcrypt.docx", encrypted_entry_docx, "corrupt", "encrypted"),
        _case("docx-plain-zip", "readme.docx", base.not_a_word_zip, "extension_mismatch"),
        _case("docx-ole-encrypted", "protected.docx", lambda: base.ole_file(encrypted=True), "encrypted"),
        _case("docx-ole-legacy", "old.docx", base.ole_file, "legacy_word_format"),
        # PDF
        _case("pdf-nested-flate", "flate.pdf", lambda: base.nested_flate_pdf(int(100 * MB * scale)), "archive_bomb"),
        _case("pdf-wide-flate", "wide.pdf", lambda: wide_flate_pdf(int(80 * MB * scale)), "archive_bomb"),
        _case("pdf-page-tree-loop", "loop.pdf", page_tree_loop_pdf, "corrupt", "too_many_pages", OK),
        _case("pdf-mutual-kids", "kids.pdf", mutual_kids_loop_pdf, "corrupt", "empty_file"),
        _case("pdf-self-length", "length.pdf", self_reference_length_pdf, "corrupt", "empty_file"),
        _case("pdf-xobject-loop", "xobject.pdf", resource_loop_pdf, "corrupt", OK, **fast),
        # counting thousands of pages takes pdfminer ~2 s, so under a test's short budget the deadline may come first
        _case("pdf-5000-pages", "pages.pdf", many_pages_pdf, "too_many_pages", "parse_timeout"),
        _case("pdf-lying-count", "count.pdf", lying_count_pdf, "too_many_pages", "parse_timeout"),
        _case("pdf-huge-page", "huge.pdf", huge_page_pdf, OK, "parse_timeout", **fast),
        _case(
            "pdf-slow-page",
            "slow.pdf",
            lambda: base.slow_page_pdf(int(2_000_000 * scale)),
            "parse_timeout",
            "empty_file",
            **fast,
        ),
        _case("pdf-encrypted", "secret.pdf", base.encrypted_pdf, "encrypted"),
        _case("pdf-owner-only", "owner.pdf", base.owner_only_pdf, OK, "encrypted"),
        _case("pdf-image-only", "scan.pdf", base.image_only_pdf, "scanned"),
        _case("pdf-no-xref", "noxref.pdf", no_xref_pdf, "corrupt", "empty_file"),
        _case("pdf-header-only", "header.pdf", header_only_pdf, "corrupt", "empty_file"),
        _case("pdf-self-reference", "self.pdf", reference_ring_pdf, "corrupt", isolate_pdf=False, **fast),
        _case("pdf-reference-ring", "ring.pdf", lambda: reference_ring_pdf(5), "corrupt", isolate_pdf=False, **fast),
        _case("pdf-root-ring", "root.pdf", root_ring_pdf, "corrupt", isolate_pdf=False, **fast),
        _case(
            "pdf-cid-width-range",
            "widths.pdf",
            cid_width_range_pdf,
            OK,
            "scanned",
            "empty_file",
            isolate_pdf=False,
            **fast,
        ),
        _case("pdf-fuzz-xref-spin", "spin.pdf", xref_spin_pdf, "parse_timeout", "corrupt", **fast),
        # the same file where the worker is unavailable (not Linux): the in-process fences alone must still stop it
        _case(
            "pdf-fuzz-xref-spin-in-process",
            "spin.pdf",
            xref_spin_pdf,
            "parse_timeout",
            "corrupt",
            isolate_pdf=False,
            **fast,
        ),
        # wrong magic bytes
        _case("magic-exe-as-pdf", "a.pdf", base.renamed_exe, "extension_mismatch"),
        _case("magic-png-as-pdf", "a.pdf", lambda: _PNG, "extension_mismatch"),
        _case("magic-pdf-as-docx", "a.docx", valid_pdf, "extension_mismatch"),
        _case("magic-docx-as-pdf", "a.pdf", valid_docx, "extension_mismatch"),
        _case("magic-elf-as-docx", "a.docx", lambda: _ELF, "extension_mismatch"),
        _case("magic-gzip-as-md", "a.md", lambda: _GZIP, "extension_mismatch"),
        _case("magic-docx-as-txt", "a.txt", valid_docx, "extension_mismatch"),
        _case("magic-exe-no-extension", "noext", base.renamed_exe, "extension_mismatch", "unsupported_format"),
        _case("magic-unknown-extension", "a.exe", valid_docx, "unsupported_format"),
        # empty and tiny
        *[_case(f"zero-bytes{ext}", f"empty{ext}", lambda: b"", "empty_file") for ext in (".pdf", ".docx", ".txt")],
        _case("whitespace-only", "blank.txt", lambda: b" \r\n\t \n", "empty_file"),
        _case("one-byte-pdf", "a.pdf", lambda: b"%", "extension_mismatch"),
        _case("one-byte-docx", "a.docx", lambda: b"P", "extension_mismatch"),
        _case("one-byte-letter-txt", "a.txt", lambda: b"a", OK),
        _case("one-byte-ff-txt", "a.txt", lambda: b"\xff", "undecodable_text", OK),
        _case("one-byte-nul-txt", "a.txt", lambda: b"\x00", "undecodable_text", "empty_file"),
        # text encodings
        _case("text-mixed-encodings", "mixed.txt", mixed_encodings_text, OK, "undecodable_text"),
        _case("text-invalid-utf8", "invalid.txt", invalid_utf8_text, OK, "undecodable_text"),
        _case("text-lone-surrogates", "surrogates.txt", lone_surrogates_utf16, OK, "undecodable_text"),
        _case("text-nul-flood", "nul.txt", nul_flood_text, "undecodable_text"),
        _case("text-control-chars", "control.txt", control_chars_text, "undecodable_text"),
        _case("text-bom-only", "bom.txt", bom_only_text, "empty_file"),
        _case("text-random-binary", "random.txt", random_binary, "undecodable_text"),
        _case("text-gb18030", "gbk.txt", lambda: valid_text("gb18030"), OK),
        _case("text-utf16", "utf16.txt", lambda: valid_text("utf-16"), OK),
        _case("text-big5", "big5.md", traditional_text, OK, "undecodable_text"),
        # truncated at every 10 %
        *truncations("docx", "cut.docx", valid_docx, "corrupt"),
        *truncations("pdf", "cut.pdf", valid_pdf, "corrupt", "empty_file", OK),
        # a cut mid-way through a UTF-8 character: the text is still UTF-8 and should be read (or called damaged)
        _case("txt-cut-mid-character", "cut.txt", lambda: valid_text()[:-1], OK, "corrupt"),
        *truncations("txt", "cut.txt", valid_text, OK, "corrupt", "undecodable_text"),
        *truncations("txt-utf16", "cut16.txt", lambda: valid_text("utf-16"), OK),
    ]
    return cases


def zip_of(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip with members named exactly as given (``zipfile`` would otherwise keep ``../`` as written anyway)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as target:
        for name, content in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            target.writestr(info, content)
    return buffer.getvalue()


def batch_zip_cases(*, scale: float = 1.0) -> list[Hostile]:
    """Hostile zips of materials (a bureau's batch upload). Codes as ``sources_from_zip`` raises them."""
    doc = valid_docx()

    def bomb_zip() -> bytes:  # a member entry written from pre-deflated data, so building it stays cheap
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            info = zipfile.ZipInfo("材料.txt")
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=True) as entry:
                for _ in range(int(30 * scale)):
                    entry.write(bytes(MB))
        return buffer.getvalue()

    return [
        _case("zip-dotdot", "batch.zip", lambda: zip_of({"../../etc/cron.d/材料.docx": doc}), "archive_bomb"),
        _case("zip-absolute", "batch.zip", lambda: zip_of({"/tmp/材料.docx": doc}), "archive_bomb"),
        _case("zip-drive-letter", "batch.zip", lambda: zip_of({"C:\\Windows\\材料.docx": doc}), "archive_bomb"),
        _case("zip-backslash-dotdot", "batch.zip", lambda: zip_of({"..\\..\\材料.docx": doc}), "archive_bomb"),
        _case("zip-member-bomb", "batch.zip", bomb_zip, "archive_bomb"),
        _case("zip-too-many", "batch.zip", lambda: zip_of({f"{i}.txt": b"x" for i in range(500)}), "archive_bomb"),
        _case("zip-not-a-zip", "batch.zip", lambda: b"PK\x03\x04 not really", "input_invalid"),
        _case("zip-truncated", "batch.zip", lambda: zip_of({"a.docx": doc, "b.docx": doc})[:-100], "input_invalid"),
        # cut short, a zip that *stores* its .docx members ends in the last member's own directory: zipfile then
        # reads that docx's parts as the batch (styles.xml, document.xml …) instead of reporting a damaged zip
        _case(
            "zip-truncated-stored",
            "batch.zip",
            lambda: zip_of({"a.docx": doc, "b.docx": doc}, method=zipfile.ZIP_STORED)[:-100],
            "input_invalid",
        ),
    ]
