"""Data safety: what is stored survives bad files, crashes and concurrency.

- Archive imports are atomic: a corrupt or malformed file changes nothing, and a process killed inside the import's
  transaction (rows flushed, COMMIT not yet sent) leaves the archive exactly as it was, and the database sound.
- Concurrent writes lose no rows: threads and separate processes storing submissions into one SQLite file all land.
- A batch killed in the middle is resumable, never half-written: finished items keep their reports, the item being
  committed is either fully recorded or still pending (counters agree with item rows), the uploaded bytes of pending
  items are intact, and ``BatchRunner.recover`` finishes it. A batch whose rulebook is gone ends clearly ``failed``.

Crashes are real: ``crash_child.py`` SIGKILLs itself from a SQLAlchemy event at the worst moment. Every test runs on
SQLite and on a real PostgreSQL server (the ``db_url`` fixture); SQLite's file is also checked with
``PRAGMA integrity_check``.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from screening import db
from screening.archive import Archive
from screening.batch import Source
from screening.batch.store import BatchStore
from screening.errors import InputError

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def url(db_url):
    return db_url


@pytest.fixture
def archive(url):
    archive = Archive(db.get_engine(url), seed=False)
    archive.import_rows([_row(i, "已有") for i in range(5)])
    return archive


def _row(i: int, tag: str) -> dict[str, str]:
    return {
        "year": "2024",
        "campaign": "全国智慧广电网络新服务",
        "category": "新媒体平台",
        "case_name": f"{tag}案例{i}",
        "unit": f"{tag}单位{i}",
        "province": "吉林",
        "text": "正文" * 30,
    }


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _run_child(*args: str, timeout: float = 120) -> int:
    return subprocess.run(
        [sys.executable, str(CHILD), *args],
        cwd=ROOT,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ).returncode


def _integrity(url: str) -> str:
    """SQLite's own check of its file; PostgreSQL is a server that keeps its files sound itself."""
    if not url.startswith("sqlite"):
        return "ok"
    with db.get_engine(url).connect() as connection:
        return connection.execute(text("PRAGMA integrity_check")).scalar()


# ---- archive imports ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"PK\x03\x04 not a workbook", b"", bytes(range(256)) * 10])
def test_a_corrupt_workbook_changes_nothing(archive, tmp_path, content):
    before = archive.records()
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(content)
    with pytest.raises(InputError):
        archive.import_file(bad)
    assert archive.records() == before


def test_a_csv_without_the_required_columns_changes_nothing(archive, tmp_path):
    before = archive.records()
    bad = tmp_path / "缺列.csv"
    bad.write_text("案例名称,正文\n某案例,正文\n", encoding="utf-8")
    with pytest.raises(InputError):
        archive.import_file(bad)
    assert archive.records() == before


def test_an_import_killed_inside_its_transaction_changes_nothing(archive, url, tmp_path):
    before = archive.records()
    source = _csv(tmp_path / "导入.csv", [_row(i, "新") for i in range(300)])
    assert _run_child("import", url, str(source)) == -9  # it really died inside the transaction
    assert _integrity(url) == "ok"
    assert archive.records() == before
    result = archive.import_file(source)  # and the same file imports fully afterwards
    assert result.imported == 300 and not result.errors
    assert archive.count() == len(before) + 300


# ---- concurrent writes ----------------------------------------------------------------------------------------------


def test_concurrent_threads_lose_no_rows(archive):
    before = archive.count()
    failures: list[BaseException] = []

    def write(tag: str) -> None:
        try:
            for i in range(25):
                archive.store_submission(
                    campaign_id="c",
                    campaign_name="并发测试",
                    year=2025,
                    case_name=f"{tag}-{i}",
                    unit=tag,
                    text="正文" * 20,
                    batch_id=tag,
                )
        except BaseException as error:  # noqa: BLE001 - collected and reported below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    stored = archive.records(kind="submission")
    assert archive.count() == before + 200
    assert len({(r.batch_id, r.case_name) for r in stored}) == 200


@pytest.mark.slow
def test_concurrent_processes_lose_no_rows(archive, url):
    before = archive.count()
    children = [
        subprocess.Popen(
            [sys.executable, str(CHILD), "store", url, "30", f"p{n}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(4)
    ]
    errors = [child.communicate(timeout=120)[1].decode(errors="replace")[-500:] for child in children]
    assert [child.returncode for child in children] == [0] * 4, errors
    assert archive.count() == before + 120
    assert _integrity(url) == "ok"


# ---- batches --------------------------------------------------------------------------------------------------------

SOURCES = [Source(f"材料{i}.txt", f"第{i}份材料正文。".encode()) for i in range(1, 7)]


def _items(url: str, batch_id: str) -> list[tuple]:
    with db.get_engine(url).connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT position, status, report IS NOT NULL, (SELECT length(data) FROM batch_files f "
                    "WHERE f.item_id = i.id) FROM batch_items i WHERE batch_id = :b ORDER BY position"
                ),
                {"b": batch_id},
            )
        )


@pytest.mark.parametrize("kill_at", [1, 4])
@pytest.mark.slow
def test_a_batch_killed_mid_commit_is_resumable_and_never_half_written(url, kill_at, monkeypatch):
    store = BatchStore(db.get_engine(url))
    info = store.create(owner="测试局", campaign_id="nrta-2024-smart-network-services", sources=SOURCES)
    assert _run_child("batch", url, info.id, str(kill_at)) == -9

    crashed = store.lookup(info.id)
    items = _items(url, info.id)
    done = [row for row in items if row[1] == "done"]
    assert crashed.status == "running"
    assert crashed.done == len(done) == kill_at - 1  # the item being committed is not recorded at all
    assert all(has_report for _, _, has_report, _ in done)
    assert all(size == len(SOURCES[pos - 1].data) for pos, _, _, size in items)  # every upload still stored
    assert [row[0] for row in items if row[1] == "pending"] == list(range(kill_at, len(SOURCES) + 1))

    _recover(url, monkeypatch)
    finished = store.lookup(info.id)
    assert (finished.status, finished.done, finished.failed) == ("done", len(SOURCES), 0)
    assert [row[1] for row in _items(url, info.id)] == ["done"] * len(SOURCES)


def test_a_batch_whose_rulebook_is_gone_ends_clearly_failed(url, monkeypatch):
    store = BatchStore(db.get_engine(url))
    info = store.create(owner="测试局", campaign_id="no-such-campaign-2031", sources=SOURCES[:2])
    _recover(url, monkeypatch)
    failed = store.lookup(info.id)
    assert failed.status == "failed"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in failed.error)
    assert [row[1] for row in _items(url, info.id)] == ["pending", "pending"]  # nothing half-written


def _recover(url: str, monkeypatch) -> None:
    """What a restarted service (or another worker) does: take the unfinished work from the queue and finish it.
    The killed process's lease on its item expires first (``LEASE_SECONDS``)."""
    import screening.batch.worker as runner_module
    from screening.config import load_settings
    from screening.services import Services
    from tests.robustness.crash_child import LEASE_SECONDS, fake_screen, settings_env

    monkeypatch.setattr(runner_module, "screen_one", fake_screen)
    runner = runner_module.BatchRunner(Services.build(load_settings(settings_env(url))))
    monkeypatch.setattr(runner, "_duplicates", lambda store, batch_id, campaign: {})
    deadline = time.monotonic() + 30 * LEASE_SECONDS
    while time.monotonic() < deadline:
        runner.run_until_idle()
        if not BatchStore(db.get_engine(url)).unfinished():
            return
        time.sleep(LEASE_SECONDS / 5)
