"""Running something that may die in a process of its own, and cleaning up everything it started.

Two helpers the robustness tests (and ``bench/load.py``) share:

- :class:`Probe` drives ``tests/robustness/probe.py``: one hostile case per request, an answer or a verdict that the
  process died or hung. A dead or hung probe is replaced for the next case, so one bad file fails one test only.
- :class:`LiveServer` runs ``uvicorn api.app:app`` on a free loopback port with its own database and settings.

Both start their process in a new session and end it with ``killpg``: the intake's PDF worker server is a child of
the process that parsed a PDF and must go with it (left alone it would outlive the test run, holding our pipes).
"""

from __future__ import annotations

import json
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def kill_group(process: subprocess.Popen) -> None:
    """End a process started with ``start_new_session=True`` and everything it started, by its group id."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(timeout=10)


def read_line(stream, timeout: float) -> str | None:
    """One line from a pipe, or None when nothing complete arrives within ``timeout`` seconds or the pipe closes."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            if selector.select(left):
                line = stream.readline()
                return line or None
        return None
    finally:
        selector.close()


class Probe:
    """A ``probe.py`` process with ``headroom_mb`` of address space beyond its warm size."""

    START_SECONDS = 60.0

    def __init__(self, *, headroom_mb: int = 1536) -> None:
        self.headroom_mb = headroom_mb
        self.process: subprocess.Popen | None = None
        self.baseline_rss_mb = 0.0

    def ask(self, case: str, *, timeout: float) -> dict:
        """The probe's answer for ``case``, or ``{"outcome": "died"|"hung"}`` when the process did not answer."""
        if self.process is None or self.process.poll() is not None:
            self._start()
        self.process.stdin.write(case + "\n")
        self.process.stdin.flush()
        line = read_line(self.process.stdout, timeout)
        if line is None:
            verdict = "died" if self.process.poll() is not None else "hung"
            self.close()
            return {"case": case, "outcome": verdict, "serving": False}
        return json.loads(line)

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, str(ROOT / "tests/robustness/probe.py"), str(self.headroom_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            start_new_session=True,
        )
        ready = read_line(self.process.stdout, self.START_SECONDS)
        if ready is None:
            self.close()
            raise RuntimeError("the intake probe did not start")
        self.baseline_rss_mb = json.loads(ready)["peak_rss_mb"]

    def close(self) -> None:
        if self.process is not None:
            kill_group(self.process)
            self.process = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``uvicorn api.app:app`` on loopback, in its own session, with an address-space cap and its own settings.

    ``env`` adds to the environment (``SCREENING_DATABASE_URL``, ``SCREENING_API_KEYS`` …). ``address_space_mb``
    caps the server process (``RLIMIT_AS``; the PDF worker it starts inherits it and adds its own cap per parse).
    """

    def __init__(
        self,
        *,
        env: dict[str, str],
        address_space_mb: int | None = None,
        log_path: Path | None = None,
        url: str | None = None,
    ) -> None:
        self.env, self.address_space_mb, self.log_path = env, address_space_mb, log_path
        self.port = free_port()
        self.url = url or f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 120.0) -> LiveServer:
        cap = self.address_space_mb * 1024 * 1024 if self.address_space_mb else None
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - closed by the child's exit
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "uvicorn",
                "api.app:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            preexec_fn=(lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap))) if cap else None,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start (code {self.process.returncode}); log: {self.log_path}")
            if self.healthy():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("the server did not answer /api/health in time")

    def healthy(self) -> bool:
        try:
            return httpx.get(self.url + "/api/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            kill_group(self.process)
            self.process = None
