"""The isolated PDF parser's worker server: shared by requests, and gone with its caller."""

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from screening.documents import load_document
from tests.factories import make_pdf

ROOT = Path(__file__).resolve().parents[2]


def test_concurrent_requests_each_get_their_own_answer():
    files = [make_pdf(paragraphs=[f"第{n}份材料的正文。"]) for n in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        texts = list(pool.map(lambda pair: load_document(pair[1], filename=f"{pair[0]}.pdf").text, enumerate(files)))
    assert texts == [f"第{n}份材料的正文。" for n in range(6)]


def test_worker_server_exits_when_its_caller_does():
    script = (
        "from screening.documents import load_document, pdf_worker\n"
        "from tests.factories import make_pdf\n"
        "load_document(make_pdf(paragraphs=['正文。']), filename='a.pdf')\n"
        "print(pdf_worker._server[0].pid)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    server = int(done.stdout.strip().splitlines()[-1])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(server):
        time.sleep(0.1)
    assert not _alive(server)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
