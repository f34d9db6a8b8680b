"""A sacrificial intake process: reads hostile cases by name on stdin, answers one JSON line each on stdout.

Run by ``tests/robustness/test_hostile_intake.py`` (never imported by the tests themselves) as::

    python tests/robustness/probe.py HEADROOM_MB

Once warm, it caps its own address space (``RLIMIT_AS``) at what it uses plus ``HEADROOM_MB``, so a parser
that tries to allocate without bound dies here instead of
in pytest. Each hostile case runs *in this process*, as it would in the service (DOCX and text are parsed in the
service process; PDFs in the intake's own worker), and is followed by a valid document parsed the same way: the
answer therefore says both how the hostile file ended and whether the process is still serving afterwards.

Answer fields: ``case``, ``outcome`` (an error code, ``"ok"``, or ``"crash:<ExceptionType>"`` for an exception that
is not a ``ScreeningError``), ``seconds``, ``peak_rss_mb`` (this process's high-water mark so far), ``serving``
(the valid document parsed afterwards) and ``message`` (the Chinese message of the error, to check it is one).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from screening.documents import Limits, load_document  # noqa: E402
from screening.errors import ScreeningError  # noqa: E402
from tests import hostile  # noqa: E402

CATALOGUE = {case.name: case for case in hostile.intake_cases()}
VALID = [("valid.docx", hostile.valid_docx()), ("valid.pdf", hostile.valid_pdf()), ("valid.txt", hostile.valid_text())]


def outcome_of(data: bytes, filename: str, limits: Limits) -> tuple[str, str]:
    try:
        load_document(data, filename=filename, limits=limits)
    except ScreeningError as error:
        return error.code, error.message
    except Exception as error:  # noqa: BLE001 - exactly what the tests look for
        return f"crash:{type(error).__name__}", str(error)[:300]
    return hostile.OK, ""


def still_serving() -> bool:
    return all(outcome_of(data, name, Limits.from_settings())[0] == hostile.OK for name, data in VALID)


def peak_rss_mb() -> float:
    """This process's own high-water mark (``VmHWM``). Not ``getrusage``: Linux carries ``ru_maxrss`` across
    ``fork``/``exec``, so a probe started by a pytest that had grown to 2 GB would report 2 GB before doing anything."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return psutil.Process().memory_info().rss / 2**20  # no /proc: the current RSS is the best we have


def run(name: str) -> dict:
    case = CATALOGUE[name]
    data = case.make()
    started = time.monotonic()
    outcome, message = outcome_of(data, case.filename, Limits.from_settings(**case.limits))
    seconds = time.monotonic() - started
    del data
    return {
        "case": name,
        "outcome": outcome,
        "message": message,
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "serving": still_serving(),
    }


def main() -> None:
    assert still_serving(), "the probe cannot parse valid documents before any hostile input"  # warms every parser
    cap = psutil.Process().memory_info().vms + int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    print(json.dumps({"ready": True, "peak_rss_mb": peak_rss_mb()}), flush=True)
    for line in sys.stdin:
        print(json.dumps(run(line.strip()), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
