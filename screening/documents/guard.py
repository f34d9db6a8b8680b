"""The guard: everything checked about a file before (and while) a parser touches it.

Parsers are big, permissive C-and-Python machines that will happily spend hours or gigabytes on a hostile file, so
the guard refuses early and cheaply, each refusal with its own error class (``screening.errors``):

============================  ==========================================================  =====================
check                         how                                                         error
============================  ==========================================================  =====================
empty                         zero bytes, or only whitespace                              ``EmptyFile``
size                          ``len(data) > limits.max_bytes`` (SCREENING_MAX_FILE_MB)    ``FileTooLarge``
kind vs extension             magic bytes (``%PDF-``, ``PK``, OLE, MZ/ELF/images) against   ``ExtensionMismatch``
                              the file name's extension; OLE under .docx is a .doc or an   ``LegacyWordFormat``
                              encrypted Office file                                        ``EncryptedDocument``
DOCX zip                      entry count, sum of *declared* sizes, per-entry and overall   ``ArchiveBomb``
                              compression ratio (≤ 100:1 above 1 MB), a readable central   ``CorruptDocument``
                              directory, ``word/document.xml`` present
DOCX XML                      no ``<!DOCTYPE``/``<!ENTITY`` in any XML part (no entity      ``UnsafeDocument``
                              expansion, no external entities)
============================  ==========================================================  =====================

Declared sizes can lie; that is safe because Python's ``zipfile`` never returns more than an entry's declared size
(it stops there and the CRC check fails → ``CorruptDocument``), so the declared total bounds memory. PDF limits
(pages, time, decompression, memory) are enforced during parsing: ``pdf_extract`` and ``pdf_worker``.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from ..config import Settings
from ..errors import (
    ArchiveBomb,
    CorruptDocument,
    EmptyFile,
    EncryptedDocument,
    ExtensionMismatch,
    FileTooLarge,
    LegacyWordFormat,
    UnsafeDocument,
    UnsupportedFormat,
)

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_EXTENSIONS = {".txt": "txt", ".md": "md", ".markdown": "md", ".text": "txt"}
LEGACY_EXTENSIONS = {".doc": "doc", ".wps": "wps"}
_BINARY_MAGIC = [  # kinds a text file must not be
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (OLE_MAGIC, "ole"),
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x1f\x8b", "gzip"),
]
_XML_DANGER = [
    marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be")
]


@dataclass(frozen=True)
class Limits:
    """The operator's limits for one file. ``from_settings(settings)`` takes the operator's values (``Services.limits``);
    without settings, the documented defaults of ``screening.config`` (``DEFAULTS``)."""

    max_bytes: int = 20 * MB
    max_pages: int = 300
    parse_seconds: float = 20.0
    max_zip_entries: int = 2000
    max_zip_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * MB  # entries smaller than this are never "bombs", whatever their ratio
    max_unzipped_bytes: int = 200 * MB  # sum of declared entry sizes in a DOCX
    max_stream_bytes: int = 64 * MB  # one decoded PDF stream (each stage of a filter chain)
    max_decoded_bytes: int = 512 * MB  # all decoded PDF streams of one file together
    max_rss_bytes: int = 1024 * MB  # address-space cap of the isolated PDF parser process
    isolate_pdf: bool = True  # parse PDFs in a child process with a hard timeout and memory cap
    kill_grace_seconds: float = 2.0  # how long past parse_seconds the isolated parser may take before it is killed
    ocr: bool = True  # read PDF pages without a text layer with OCR (``pdf_scan``); False refuses scans as before
    ocr_seconds: float = 120.0  # budget of the scan phase (OCR and seal search), on top of parse_seconds
    max_ocr_pages: int = 30  # scanned pages read at most; a longer scan is refused before any page is read

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides) -> Limits:
        if settings is None:  # the documented defaults, never the environment (the service passes its settings)
            from ..config import DEFAULTS as settings
        values = dict(
            max_bytes=settings.max_file_bytes,
            max_pages=settings.max_pages,
            parse_seconds=settings.parse_seconds,
            ocr_seconds=settings.ocr_seconds,
            max_ocr_pages=settings.max_ocr_pages,
        )
        values.update(overrides)
        return cls(**values)


def extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes say they are (``pdf``, ``zip``, ``ole``, ``exe`` …), or None for text/unknown.

    ``%PDF-`` may follow up to 1 KB of junk (readers accept that); the other signatures must start the file.
    """
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            return kind
    return None


def check_basics(data: bytes, limits: Limits) -> None:
    """Empty and too-large files, before anything else is looked at."""
    if not data or not data.strip():
        raise EmptyFile()
    if len(data) > limits.max_bytes:
        raise FileTooLarge(
            f"文件过大（{len(data) / MB:.1f} MB，上限 {limits.max_bytes / MB:.0f} MB），请压缩图片或删去附图后再提交。",
            detail={"bytes": len(data), "limit": limits.max_bytes},
        )


def file_kind(data: bytes, filename: str) -> str:
    """Decide how to read the file: ``"pdf"``, ``"docx"``, ``"txt"``, ``"md"`` or ``"legacy"`` (.doc/.wps).

    The extension says what the applicant meant; the magic bytes must agree, or the file is refused. A file without
    an extension is read as what its bytes say.
    """
    ext, kind = extension(filename), sniff(data)
    if ext == ".pdf" or (not ext and kind == "pdf"):
        if kind != "pdf":
            raise _mismatch(kind, "PDF")
        return "pdf"
    if ext == ".docx" or (not ext and kind == "zip"):
        if kind == "ole":
            raise _ole_under_docx(data)
        if kind != "zip":
            raise _mismatch(kind, "DOCX")
        return "docx"
    if ext in LEGACY_EXTENSIONS:
        if kind == "zip":  # WPS and some tools save OOXML under .wps/.doc; read it as what it is
            return "docx"
        if kind != "ole":
            raise _mismatch(kind, "Word")
        return "legacy"
    if ext in TEXT_EXTENSIONS or not ext:
        if kind is not None:
            raise _mismatch(kind, "文本")
        return TEXT_EXTENSIONS.get(ext, "txt")
    raise UnsupportedFormat(detail={"extension": ext})


def _mismatch(kind: str | None, expected: str) -> ExtensionMismatch:
    found = {None: "无法识别的内容", "exe": "可执行程序", "elf": "可执行程序", "zip": "压缩包或 Office 文件"}.get(
        kind, kind
    )
    return ExtensionMismatch(
        f"文件扩展名是 {expected}，但内容是{found}。请提交真实的 .docx、.pdf 或文本文件，不要直接修改扩展名。",
        detail={"detected": kind or "unknown"},
    )


def _ole_under_docx(data: bytes) -> Exception:
    """An OLE container named .docx is either a password-protected Office file or an old .doc renamed."""
    if "EncryptionInfo".encode("utf-16-le") in data:  # the stream Office writes into password-protected files
        return EncryptedDocument()
    return LegacyWordFormat(
        "这是旧版 Word（.doc）文件被改成了 .docx 扩展名，请在 Word 中另存为 .docx 或导出为 PDF 后再提交。"
    )


def check_docx(data: bytes, limits: Limits) -> None:
    """Zip container checks for a DOCX (see the module docstring); reads only the XML parts, each bounded."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise CorruptDocument(detail={"reason": str(error)[:200]}) from error
    if len(entries) > limits.max_zip_entries:
        raise ArchiveBomb(detail={"entries": len(entries), "limit": limits.max_zip_entries})
    declared = sum(entry.file_size for entry in entries)
    if declared > limits.max_unzipped_bytes:
        raise ArchiveBomb(detail={"declared_bytes": declared, "limit": limits.max_unzipped_bytes})
    for entry in entries:
        _check_ratio(entry.file_size, entry.compress_size, limits, name=entry.filename)
    _check_ratio(declared, sum(entry.compress_size for entry in entries), limits, name="*")
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        raise ExtensionMismatch(
            "文件是压缩包或其他 Office 文件（不是 Word 文档），请提交 .docx、.pdf 或文本文件。",
            detail={"detected": "zip"},
        )
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            _check_xml_part(archive, entry)


def _check_ratio(size: int, compressed: int, limits: Limits, *, name: str) -> None:
    if size > limits.ratio_floor_bytes and size > limits.max_zip_ratio * max(compressed, 1):
        raise ArchiveBomb(
            detail={"entry": name, "ratio": round(size / max(compressed, 1)), "limit": limits.max_zip_ratio}
        )


def _check_xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Refuse DTDs and entity declarations: python-docx's parser does not resolve entities, but nothing legitimate
    in a .docx needs them, and refusing is simpler than proving every downstream parser safe."""
    tail = b""
    try:
        with archive.open(entry) as part:
            while chunk := part.read(256 * 1024):
                window = tail + chunk
                if any(marker in window for marker in _XML_DANGER):
                    raise UnsafeDocument(detail={"part": entry.filename})
                tail = window[-32:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as error:
        # bad CRC (a lying declared size), truncated data, unsupported compression or an encrypted entry
        raise CorruptDocument(detail={"part": entry.filename, "reason": str(error)[:200]}) from error


# --- a parser's failure, or ours ------------------------------------------------------------------------------------
# The libraries that read untrusted bytes for us. Malformed input makes them raise their own exception types
# (pdfminer's PSException family, lxml's XMLSyntaxError, zipfile.BadZipFile, python-docx's PackageNotFoundError) and,
# often, built-in ones from deep inside their code (pdfminer: KeyError, TypeError, IndexError on broken objects;
# python-docx: KeyError for a missing part). Both are the file's fault: a refusal ("文件已损坏"). The same built-in
# types raised by *our* code are bugs, and a refusal would hide them behind the user's file.
PARSER_PACKAGES = frozenset(
    {"docx", "lxml", "pdfminer", "pdfplumber", "pypdfium2", "zipfile", "zlib", "xml", "charset_normalizer", "PIL"}
)


def is_parser_failure(error: BaseException) -> bool:
    """Whether ``error`` is a parser library refusing malformed input, rather than a bug in our code.

    Known means: an exception type a parser package defines, or any exception whose innermost frame (where it was
    raised) is in a parser package. Everything else (raised in ``screening``, or in a test's stand-in) is a bug:
    the caller lets it through, the face logs its traceback and answers an internal error (``InternalError``)."""
    if _package(type(error).__module__) in PARSER_PACKAGES:
        return True
    frame = None
    traceback = error.__traceback__
    while traceback is not None:
        frame, traceback = traceback.tb_frame, traceback.tb_next
    return frame is not None and _package(frame.f_globals.get("__name__", "")) in PARSER_PACKAGES


def _package(module: str | None) -> str:
    return (module or "").split(".", 1)[0]
