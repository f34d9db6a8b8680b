"""Old Word (.doc) and WPS (.wps) files: converted with LibreOffice when it is installed, refused otherwise.

Both are OLE compound files whose text needs a real Word engine to read faithfully; writing our own reader is not
worth it when every applicant can "另存为 .docx". If ``soffice`` is on the PATH we convert in a private temporary
directory (``--headless --convert-to docx``, its own throw-away user profile, a timeout, no network needed) and read
the result as a DOCX, saying so in ``Document.notes``; otherwise ``LegacyWordFormat`` asks for .docx or PDF.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import CorruptDocument, LegacyWordFormat, ParseTimeout

CONVERT_SECONDS = 60.0


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, *, kind: str, timeout: float = CONVERT_SECONDS) -> bytes:
    """The bytes of a .docx converted from a .doc/.wps file; raises ``LegacyWordFormat`` when LibreOffice is absent."""
    soffice = soffice_path()
    if soffice is None:
        raise LegacyWordFormat(detail={"extension": kind, "converter": None})
    with tempfile.TemporaryDirectory(prefix="screening-legacy-") as tmp:
        folder = Path(tmp)
        source = folder / f"input.{kind}"
        source.write_bytes(data)
        command = [
            soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--norestore",
            "--convert-to", "docx", "--outdir", str(folder / "out"), str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as error:
            raise ParseTimeout("旧版 Word 文件转换超时，请在 Word 或 WPS 中另存为 .docx 后再提交。") from error
        result = folder / "out" / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise CorruptDocument("旧版 Word 文件无法转换（可能已损坏），请在 Word 或 WPS 中另存为 .docx 后再提交。")
        return result.read_bytes()


def conversion_note(kind: str) -> str:
    return f"原文件为旧版 {'WPS' if kind == 'wps' else 'Word'}（.{kind}）格式，已用 LibreOffice 转换为 .docx 后读取，版式和字数可能与原文件略有差异。"
