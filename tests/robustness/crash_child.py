"""Processes that die on purpose in the middle of a write, for ``test_data_safety.py``. Never imported by tests.

    python tests/robustness/crash_child.py import DB_URL CSV_PATH     # SIGKILL itself inside the import's transaction
    python tests/robustness/crash_child.py store DB_URL N TAG         # store N submissions, then exit normally
    python tests/robustness/crash_child.py batch DB_URL BATCH_ID K   # run a batch, SIGKILL itself inside item K's transaction

The kills come from SQLAlchemy events (after the rows are flushed, before the COMMIT reaches the database), so they
land exactly where a power cut or an OOM kill would do the most damage, every time.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from screening import db  # noqa: E402

LEASE_SECONDS = 1.0  # a killed child's lease on its item runs out quickly, so the test's recovery can take it


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def crash_in_import(url: str, csv_path: str) -> None:
    from screening.archive import Archive

    archive = Archive(db.get_engine(url), seed=False)
    event.listen(db.Session, "after_flush", lambda session, context: die())  # rows sent, COMMIT not yet
    archive.import_file(Path(csv_path))


def store(url: str, n: int, tag: str) -> None:
    from screening.archive import Archive

    archive = Archive(db.get_engine(url), seed=False)
    for i in range(n):
        archive.store_submission(
            campaign_id="c",
            campaign_name="并发测试",
            year=2025,
            case_name=f"{tag}-{i}",
            unit=f"单位{tag}",
            text="正文" * 20,
            batch_id=tag,
        )


def crash_in_batch(url: str, batch_id: str, kill_at: int) -> None:
    import screening.batch.worker as runner_module
    from screening.config import load_settings
    from screening.services import Services

    runner_module.screen_one = fake_screen
    saves = {"n": 0}

    def after_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("UPDATE BATCH_ITEMS SET STATUS"):  # row sent; counter, COMMIT not
            saves["n"] += 1
            if saves["n"] == kill_at:
                die()

    event.listen(db.get_engine(url), "after_cursor_execute", after_execute)
    runner = runner_module.BatchRunner(Services.build(load_settings(settings_env(url))))
    runner._duplicates = lambda store, batch_id, campaign: {}
    runner.run_until_idle(batch_id=batch_id)


def settings_env(url: str) -> dict[str, str]:
    """The database under test, and no embedding model: loading one takes 40 s and is not what is tested here."""
    return {
        "SCREENING_DATABASE_URL": url,
        "SCREENING_MODEL_DIR": str(ROOT / "var" / "robustness-no-model"),
        "SCREENING_LEASE_SECONDS": str(LEASE_SECONDS),
    }


def fake_screen(services, source, campaign, **options):
    """A stand-in for the pipeline: the batch's bookkeeping is under test here, not the checks."""
    from screening.report import DocumentInfo, Report

    report = Report(document=DocumentInfo(filename=source.filename, format="txt")).finalise()
    return report, None, source.data.decode("utf-8", "replace")


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "import":
        crash_in_import(url, rest[0])
    elif mode == "store":
        store(url, int(rest[0]), rest[1])
    elif mode == "batch":
        crash_in_batch(url, rest[0], int(rest[1]))
