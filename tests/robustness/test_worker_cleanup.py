"""The PDF worker server must not outlive the process that started it.

Every ``screening check x.pdf``, every test run and every service restart starts one (``pdf_worker._control``); if it
survives its parent it keeps ~70 MB, and - because it inherits stdout/stderr - keeps the parent's pipes open, so a
caller waiting for EOF (``subprocess.run(capture_output=True)``, ``cmd | tail``) hangs until someone kills it.
This suite found exactly that (a SOCK_DGRAM control socket never reports its peer's close); now a regression test.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.robustness.isolation import kill_group

ROOT = Path(__file__).resolve().parents[2]
PARSE_ONE_PDF = """
import sys
sys.path.insert(0, {root!r})
from screening.documents import load_document, pdf_worker
from tests import hostile
load_document(hostile.valid_pdf(), filename="a.pdf")
print(pdf_worker._server[0].pid, flush=True)
"""


def test_the_pdf_worker_exits_with_its_parent(tmp_path):
    out = tmp_path / "pid.txt"
    with out.open("w") as handle:
        parent = subprocess.Popen(
            [sys.executable, "-c", PARSE_ONE_PDF.format(root=str(ROOT))],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            assert parent.wait(timeout=120) == 0
            worker = int(out.read_text().split()[0])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _running(worker):
                time.sleep(0.2)
            assert not _running(worker), f"pdf worker {worker} outlived its parent"
        finally:
            kill_group(parent)  # the whole session, the orphaned worker included


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
