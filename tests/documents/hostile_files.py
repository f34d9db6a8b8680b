"""Hostile and broken inputs for the intake guard, generated in code (also used by bench/intake.py).

Each function returns bytes. Sizes are parameters so tests stay fast while the benchmark can go big.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from tests.factories import make_docx, make_pdf

MB = 1024 * 1024


def _zeros_deflated(size: int) -> bytes:
    """A zlib stream that inflates to ``size`` zero bytes (rounded up to whole MB), built without compressing them.

    After a full flush deflate forgets its history, so every further MB of zeros compresses to the same bytes: we
    compress three MB, repeat the middle segment, and write the Adler-32 of the whole by hand. Building a 4 GB bomb
    takes milliseconds instead of a minute.
    """
    megabytes = max(3, -(-size // MB))
    packer = zlib.compressobj(9)
    first = packer.compress(bytes(MB)) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(bytes(MB)) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(bytes(MB)) + packer.flush()
    checksum = ((megabytes * MB) % 65521) << 16 | 1  # Adler-32 of n zeros: a stays 1, b adds 1 per byte
    return first + middle * (megabytes - 2) + last[:-4] + checksum.to_bytes(4, "big")


# ---- DOCX ---------------------------------------------------------------------------------------------------------


def _docx_with(extra: dict[str, bytes] | None = None, *, replace: dict[str, bytes] | None = None) -> bytes:
    """A real .docx with entries added or replaced (stored deflated)."""
    source = zipfile.ZipFile(io.BytesIO(make_docx(sections=[("一、总体情况", 1, ["正文。"])])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def zip_bomb_docx(inflated: int = 50 * MB) -> bytes:
    """A .docx carrying one media entry of ``inflated`` zeros (ratio ~1000:1)."""
    buffer = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(_docx_with()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in base.infolist():
            target.writestr(item.filename, base.read(item.filename))
        info = zipfile.ZipInfo("word/media/image1.png")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as entry:
            for _ in range(inflated // MB):
                entry.write(bytes(MB))
    return buffer.getvalue()


def lying_size_docx(real: int = 8 * MB, declared: int = 2000) -> bytes:
    """A .docx whose word/document.xml inflates to ``real`` bytes but declares ``declared`` (both headers patched)."""
    name = b"word/document.xml"
    data = _docx_with(replace={"word/document.xml": b"<?xml version='1.0'?>" + b" " * real})
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name.decode())
    patched = bytearray(data)
    # local file header: uncompressed size at offset 22; central directory entry: at offset 24 after its signature
    patched[info.header_offset + 22 : info.header_offset + 26] = declared.to_bytes(4, "little")
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name) + 1)
    patched[central + 24 : central + 28] = declared.to_bytes(4, "little")
    return bytes(patched)


def many_entries_docx(entries: int = 3000) -> bytes:
    return _docx_with({f"customXml/item{i}.bin": b"x" for i in range(entries)})


def xxe_docx() -> bytes:
    """word/document.xml with an external entity (would read /etc/passwd in a resolving parser)."""
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        b"<w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
    )
    return _docx_with(replace={"word/document.xml": evil})


def billion_laughs_docx() -> bytes:
    lol = b'<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [' + lol + b"]>"
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        b"<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return _docx_with(replace={"word/document.xml": evil})


def wrong_root_docx() -> bytes:
    """A .docx whose main part parses as XML but whose root is ``w:body`` instead of ``w:document`` (found by the
    fuzz harness: python-docx loads it and fails later on an attribute)."""
    body = b'<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    return _docx_with(replace={"word/document.xml": body})


def not_a_word_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("readme.txt", "hello")
    return buffer.getvalue()


# ---- PDF ----------------------------------------------------------------------------------------------------------


def pdf_from_objects(objects: list[bytes], *, root: int = 1, xref: bool = True) -> bytes:
    """A PDF from raw object bodies (object n is ``objects[n-1]``), with a correct xref table unless told not to."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    start = out.tell()
    if xref:
        out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
        out.write(b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{start}\n%%EOF\n".encode())
    return out.getvalue()


def raw_pdf(page_content: bytes, *, filters: list[str] = (), pages: int = 1) -> bytes:
    """A minimal hand-written PDF whose page(s) share one content stream (already encoded with ``filters``)."""
    filter_entry = b"/Filter [" + b" ".join(b"/" + f.encode() for f in filters) + b"]" if filters else b""
    kids = b" ".join(f"{3 + i} 0 R".encode() for i in range(pages))
    content = f"{3 + pages} 0 R".encode()
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents " + content + b" >>"
    stream = b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(page_content), filter_entry, page_content)
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            *[page] * pages,
            stream,
        ]
    )


def nested_flate_pdf(inflated: int = 100 * MB, levels: int = 3) -> bytes:
    """A page whose content stream is ``levels`` nested FlateDecode layers around ``inflated`` zero bytes."""
    data = _zeros_deflated(inflated)
    for _ in range(levels - 1):
        data = zlib.compress(data, 9)
    return raw_pdf(data, filters=["FlateDecode"] * levels)


def slow_page_pdf(operators: int = 2_000_000) -> bytes:
    """One page with millions of cheap drawing operators: small on disk, slow for pdfminer to interpret."""
    return raw_pdf(zlib.compress(b"1 0 0 1 0 0 cm\n" * operators, 9), filters=["FlateDecode"])


def encrypted_pdf(password: str = "secret") -> bytes:
    return make_pdf(paragraphs=["加密的申报材料正文。"], encrypt=password)


def owner_only_pdf() -> bytes:
    """Encrypted with an empty user password: opens without a password, copying/printing restricted."""
    from reportlab.lib import pdfencrypt

    encryption = pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    return make_pdf(paragraphs=["一、总体情况", "限制权限但可以打开的申报材料正文。"], encrypt=encryption)


def image_only_pdf(pages: int = 2) -> bytes:
    return make_pdf(pages=[[] for _ in range(pages)], image_only=True)


def truncated(data: bytes, fraction: float = 0.5) -> bytes:
    return data[: int(len(data) * fraction)]


def renamed_exe() -> bytes:
    """The start of a Windows executable (MZ header, DOS stub text)."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 44
        + b"This program cannot be run in DOS mode.\r\r\n$"
        + bytes(400)
    )


def ole_file(*, encrypted: bool = False) -> bytes:
    """Just enough of an OLE compound file to be recognised: the magic and, if asked, an EncryptionInfo stream name."""
    body = bytes(512) + ("EncryptionInfo".encode("utf-16-le") if encrypted else "WordDocument".encode("utf-16-le"))
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body + bytes(1024)
