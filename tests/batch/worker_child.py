"""Worker processes for ``test_workers.py`` (never imported by tests): the real queue, a stand-in for the pipeline.

    python tests/batch/worker_child.py work DB_URL NAME SECONDS_PER_ITEM LEASE_SECONDS   # BatchRunner until SIGTERM
    python tests/batch/worker_child.py import DB_URL CSV_PATH                            # one archive import, as JSON

``work`` runs exactly what ``screening serve`` runs in each worker process (``BatchRunner.start``: claim, heartbeat,
save, finish), with ``screen_one`` replaced by a pause of SECONDS_PER_ITEM and a one-line report, so the tests control
how long an item takes and test the queue, not the checks.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def work(url: str, name: str, seconds_per_item: float, lease_seconds: float) -> None:
    import screening.batch.worker as runner_module
    from screening.config import load_settings
    from screening.services import Services
    from tests.robustness.crash_child import fake_screen

    def slow_screen(services, source, campaign, **options):
        time.sleep(seconds_per_item)
        return fake_screen(services, source, campaign, **options)

    runner_module.screen_one = slow_screen
    settings = load_settings(
        {
            "SCREENING_DATABASE_URL": url,
            "SCREENING_LEASE_SECONDS": str(lease_seconds),
            "SCREENING_MODEL_DIR": str(ROOT / "var" / "robustness-no-model"),
        }
    )
    runner = runner_module.BatchRunner(Services.build(settings), worker=name)
    runner._duplicates = lambda store, batch_id, campaign: {}
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    runner.start()
    print("ready", flush=True)
    stopped.wait()
    runner.shutdown()


def import_csv(url: str, csv_path: str) -> None:
    from screening import db
    from screening.archive import Archive

    result = Archive(db.get_engine(url)).import_file(Path(csv_path))  # seeds the shipped selections first, too
    print(json.dumps({"imported": result.imported, "skipped": len(result.skipped), "errors": len(result.errors)}))


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "work":
        work(url, rest[0], float(rest[1]), float(rest[2]))
    elif mode == "import":
        import_csv(url, rest[0])
