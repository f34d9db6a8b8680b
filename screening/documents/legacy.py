"""Old Word (.doc) and WPS (.wps) files: converted with LibreOffice headless, under a time and memory budget.

Both are OLE compound files whose text needs a real Word engine to read faithfully; writing our own reader is not
worth it. ``soffice`` (Debian ``libreoffice-writer-nogui``, installed by ``make``) converts in a private temporary
directory (``--headless --convert-to docx``, its own throw-away user profile, no network needed) and the result is
read as a DOCX, saying so in ``Document.notes``. Budget, like the PDF parse:

- time: ``CONVERT_SECONDS`` (30 s; a cold start measured 2–15 s on a busy 2-core machine). LibreOffice runs in a
  session of its own (``start_new_session``), so on timeout the whole process group — the ``soffice`` wrapper and
  ``soffice.bin`` — is killed, not only the wrapper → ``ParseTimeout``;
- memory: the address space of the converter is capped at ``CONVERT_MAX_AS_BYTES`` (``RLIMIT_AS``, 4 GB: soffice.bin
  maps about 1 GB before reading anything; a bomb fails to allocate and the conversion produces nothing);
- a file LibreOffice cannot convert (damaged, password-protected: headless LibreOffice cannot ask for the password)
  produces no output → ``LegacyWordFormat`` naming both causes and the remedy (save as .docx);
- no ``soffice`` on the PATH → ``LegacyWordFormat`` asking for .docx or PDF, and a log line for the operator.
"""

from __future__ import annotations

import logging
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import LegacyWordFormat, ParseTimeout

log = logging.getLogger(__name__)

CONVERT_SECONDS = 30.0
# Forced import filter: without it LibreOffice falls back to reading an unrecognisable file as plain text and
# "converts" a damaged .doc into pages of gibberish. WPS Writer saves .wps in the Word 97 binary format too.
IMPORT_FILTER = "MS Word 97"
CONVERT_MAX_AS_BYTES = 4 * 1024**3
_UNCONVERTIBLE = (
    "旧版 Word/WPS 文件无法转换：文件可能已损坏，或设置了打开密码。"
    "请在 Word 或 WPS 中打开（如有密码请先取消），另存为 .docx 后再提交。"
)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, *, kind: str, timeout: float = CONVERT_SECONDS) -> bytes:
    """The bytes of a .docx converted from a .doc/.wps file, within ``timeout`` seconds and the memory cap."""
    soffice = soffice_path()
    if soffice is None:
        log.warning(
            "legacy .%s refused: LibreOffice (soffice) is not installed (Debian: libreoffice-writer-nogui)", kind
        )
        raise LegacyWordFormat(detail={"extension": kind, "converter": None})
    with tempfile.TemporaryDirectory(prefix="screening-legacy-") as tmp:
        folder = Path(tmp)
        source = folder / f"input.{kind}"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--norestore",
            f"--infilter={IMPORT_FILTER}",
            "--convert-to",
            "docx",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        _run_bounded(command, timeout=timeout, home=folder)
        result = folder / "out" / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise LegacyWordFormat(_UNCONVERTIBLE, detail={"extension": kind, "converter": "soffice", "output": None})
        return result.read_bytes()


def _run_bounded(command: list[str], *, timeout: float, home: Path) -> None:
    """Run the converter in its own process group with a memory cap; kill the whole group at the deadline."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_cap_memory,
        env={**os.environ, "HOME": str(home)},
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        _kill_group(process)
        raise ParseTimeout(
            f"旧版 Word/WPS 文件转换超时（超过 {timeout:g} 秒），请在 Word 或 WPS 中另存为 .docx 后再提交。",
            detail={"seconds": timeout, "converter": "soffice"},
        ) from error
    finally:
        if process.poll() is None:
            _kill_group(process)


def _cap_memory() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (CONVERT_MAX_AS_BYTES, CONVERT_MAX_AS_BYTES))


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def conversion_note(kind: str) -> str:
    name = "WPS" if kind == "wps" else "Word"
    return f"原文件为旧版 {name}（.{kind}）格式，已用 LibreOffice 转换为 .docx 后读取，版式和字数可能与原文件略有差异。"
