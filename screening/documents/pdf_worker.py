"""Fence 3 of PDF extraction: ``pdf_extract.extract`` in a throw-away process with a memory cap and a hard deadline.

Fences 1 and 2 (bounded inflation, a page-by-page deadline; see ``pdf_extract``) cannot stop a single page that
loops inside pdfminer (an alarm signal could, but only on a process's main thread, which a threaded service does not
offer), nor memory that grows outside zlib. A process can be interrupted, capped and killed, so each PDF is parsed
in one.

How, and why not ``multiprocessing``:

- A small *fork server* is started on first use: ``python -c "…pdf_worker import serve…"``, a fresh, single-
  threaded interpreter that imports pdfplumber and loads the Chinese CMaps pdfminer needs for CID fonts once
  (0.4 s, paid once per service process). For each PDF it forks a child, so a parse starts warm in a few
  milliseconds, and forking is safe because the server has no threads (forking the service itself would not be).
- ``multiprocessing``'s own forkserver would do the same, but re-runs the caller's ``__main__`` script in every
  child (``screening`` and ``pytest`` console scripts import half the world that way); our server never
  imports the caller's code.
- Each request gets its own socket pair; the far end travels to the server as a file descriptor
  (``socket.send_fds``) over a control socket of whole messages (``SOCK_SEQPACKET``), so concurrent requests never
  share a stream or a lock.
- The child sends its pid, reads ``(data, limits)``, caps its address space (``RLIMIT_AS``) so its RSS can grow to
  at most ``Limits.max_rss_bytes`` (``MemoryError`` → ``ArchiveBomb``), extracts, and answers with pickled plain
  data (``PdfExtract``) or an error as (class, message, detail).
- The child sets an alarm at ``parse_seconds`` that interrupts pdfminer wherever it is, even inside one page
  (``ParseTimeout``); the caller waits ``parse_seconds`` + ``kill_grace_seconds`` and then kills the child, in
  case the alarm could not get through.
- When the PDF has pages to render (no text layer, or images to search for a seal), the child says so
  (``SCAN_STARTED`` with the phase's budget: ``ocr_seconds``, or ``pdf_scan.SEAL_ONLY_SECONDS`` when nothing needs
  OCR) and restarts its alarm at that budget; the caller moves its kill deadline to budget + grace from that moment. So
  a text PDF is still killed after ``parse_seconds`` + grace, and a scan gets the larger, still bounded, OCR budget.
  Tesseract runs as a grandchild: the alarm's exception kills it (``subprocess.run``), and it inherits the cap.
- The server exits when the service does: the control socket is connection-oriented, so the server reads
  end-of-file when the last process holding the other end is gone (a datagram socket would never tell it, and
  servers would outlive their callers). A dead server is restarted on next use.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from ..errors import ArchiveBomb, ParseTimeout, ScreeningError
from .guard import MB, Limits
from .pdf_extract import PdfExtract, extract, translate_error

STARTUP_SECONDS = 30.0  # generous: a cold start on a busy machine; parse time is counted separately
WARM_CMAPS = ("UniGB-UCS2-H", "UniGB-UTF16-H", "GBK-EUC-H")  # what Chinese PDFs without embedded fonts use
_HEADER = struct.Struct("!Q")
SCAN_STARTED = "scan"  # progress message from the child: the scan phase (OCR) begins, with its own budget

_server_lock = threading.Lock()
_server: tuple[subprocess.Popen, socket.socket] | None = None


# ---- the caller's side --------------------------------------------------------------------------------------------


def available() -> bool:
    """Whether this platform can run the worker (Linux: fork, fd passing, ``SOCK_SEQPACKET``, ``RLIMIT_AS``)."""
    return all(hasattr(socket, name) for name in ("send_fds", "SOCK_SEQPACKET")) and hasattr(resource, "RLIMIT_AS")


def extract_isolated(data: bytes, limits: Limits) -> PdfExtract:
    """``pdf_extract.extract`` in a forked child of the worker server, with a memory cap and a hard deadline."""
    channel, pid = _open_channel()
    deadline = time.monotonic() + limits.parse_seconds + limits.kill_grace_seconds
    budget, scanning = limits.parse_seconds, False
    try:
        channel.settimeout(limits.parse_seconds + limits.kill_grace_seconds)
        _send_message(channel, (data, limits))
        while True:
            channel.settimeout(max(deadline - time.monotonic(), 0.01))
            outcome, payload = _receive_message(channel)
            if outcome != SCAN_STARTED:
                break
            budget = float(payload)  # the scan phase has its own budget (pdf_scan); the kill follows it
            deadline = time.monotonic() + budget + limits.kill_grace_seconds
            scanning = True
    except TimeoutError as error:
        _kill(pid)
        if scanning:  # killed in the scan phase
            raise ParseTimeout(
                f"扫描件文字识别超时（超过 {budget:g} 秒）。请只提交需要预审的页面，或提交由 Word 导出的 PDF 或 .docx 原文件。",
                detail={"seconds": budget, "killed": True, "phase": "ocr"},
            ) from error
        raise ParseTimeout(detail={"seconds": budget, "killed": True}) from error
    except (EOFError, OSError, pickle.UnpicklingError) as error:  # killed by the memory cap, or a C-level crash
        raise ArchiveBomb(
            "文件解析进程异常退出（可能是内存超限或文件结构异常），已拒绝处理。请用 Word 重新导出 PDF 后再提交。",
            detail={"reason": type(error).__name__},
        ) from error
    finally:
        channel.close()
    if outcome == "ok":
        return payload
    error_class, message, detail = payload
    raise error_class(message, detail=detail)


def _open_channel() -> tuple[socket.socket, int]:
    """A connection to a fresh child of the worker server, and the child's pid; restarts a dead server once."""
    for attempt in range(2):
        channel, far_end = socket.socketpair()
        try:
            socket.send_fds(_control(restart=attempt > 0), [b"r"], [far_end.fileno()])
            channel.settimeout(STARTUP_SECONDS)  # the first request also waits for the server to start
            return channel, _HEADER.unpack(_read_exactly(channel, _HEADER.size))[0]
        except (OSError, EOFError):
            channel.close()
        finally:
            far_end.close()
    raise ScreeningError("PDF 解析服务无法启动，请稍后重试或联系管理员。")


def _control(*, restart: bool = False) -> socket.socket:
    """The control socket of a running worker server, starting (or restarting) the server when needed."""
    global _server
    with _server_lock:
        if _server is not None and (restart or _server[0].poll() is not None):
            _server[0].kill()
            _server[1].close()
            _server = None
        if _server is None:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            project = str(Path(__file__).resolve().parents[2])
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [project, os.environ.get("PYTHONPATH")]))}
            process = subprocess.Popen(
                [sys.executable, "-c", f"from {__name__} import serve; serve({theirs.fileno()})"],
                pass_fds=[theirs.fileno()],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            theirs.close()
            _server = (process, ours)
        return _server[1]


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_exactly(channel: socket.socket, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = channel.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("worker closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _send_message(channel: socket.socket, message) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    channel.sendall(_HEADER.pack(len(body)) + body)


def _receive_message(channel: socket.socket):
    size = _HEADER.unpack(_read_exactly(channel, _HEADER.size))[0]
    return pickle.loads(_read_exactly(channel, size))


# ---- the server's side --------------------------------------------------------------------------------------------


def serve(control_fd: int) -> None:
    """Fork one child per request received on the control socket; exit when the caller goes away."""
    _warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C in the terminal is for the service, not for us
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not message:  # the caller closed its end
            return
        for fd in fds:
            if os.fork() == 0:
                control.close()
                _child(socket.socket(fileno=fd))
            os.close(fd)


def _child(channel: socket.socket) -> None:
    """Answer one request, then leave without running any of the server's cleanup."""
    try:
        channel.sendall(_HEADER.pack(os.getpid()))
        data, limits = _receive_message(channel)
        try:
            _cap_memory(limits.max_rss_bytes)
            _start_alarm(limits.parse_seconds)

            def scan_started(pages: int, seconds: float) -> None:
                _send_message(channel, (SCAN_STARTED, seconds))
                _start_alarm(seconds, what="扫描件文字识别" if pages else "印章检查")

            answer = ("ok", extract(data, limits, on_scan_start=scan_started))
        except BaseException as error:  # noqa: BLE001 - every outcome must reach the caller as an answer
            translated = error if isinstance(error, ScreeningError) else translate_error(error)
            answer = ("error", (type(translated), translated.message, translated.detail))
        signal.setitimer(signal.ITIMER_REAL, 0)
        del data
        _send_message(channel, answer)
    finally:
        os._exit(0)


def _start_alarm(seconds: float, *, what: str = "文件解析") -> None:
    """Interrupt the parse at its deadline, also inside a page (the child is single-threaded, and pdfminer is pure
    Python, so the handler runs promptly). The timer repeats every half second in case pdfminer swallows the first
    exception in one of its broad ``except`` clauses; the caller's kill stays the backstop. Restarting it (the scan
    phase) replaces the previous timer."""

    def on_alarm(signum, frame):
        raise ParseTimeout(
            f"{what}超时（超过 {seconds:g} 秒），文件结构可能异常或扫描页过多。请用 Word 或 WPS 重新导出 PDF 后再提交。",
            detail={"seconds": seconds},
        )

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001), 0.5)


def _cap_memory(max_rss: int) -> None:
    """Cap the address space so that RSS can grow by at most ``max_rss`` minus what is resident now."""
    info = psutil.Process().memory_info()
    cap = info.vms + max(max_rss - info.rss, 64 * MB)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _warm_up() -> None:
    """Load the Chinese CMaps once in the server, so that every forked child has them already."""
    from pdfminer.cmapdb import CMapDB

    for name in WARM_CMAPS:
        CMapDB.get_cmap(name)
    CMapDB.get_unicode_map("Adobe-GB1")
    import numpy  # noqa: F401 - the scan phase's imports (pdf_scan): 0.3 s per child otherwise
    import pypdfium2  # noqa: F401
    from PIL import Image  # noqa: F401
    from scipy import ndimage  # noqa: F401
