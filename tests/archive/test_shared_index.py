"""The duplicate index stays in step with writes made by other workers (other processes or machines).

Two ``Archive`` objects on two engines are two workers: the second's writes never reach the first's listeners, only
its database. Runs on SQLite and on a real PostgreSQL server.
"""

from __future__ import annotations

from sqlalchemy import create_engine

from screening.archive import Archive
from screening.duplicates.compare import Sample
from screening.duplicates.index import catch_up, get_index

TEXT = "本案例建设县级融媒体中心智慧社区服务平台，整合政务服务、便民缴费和应急广播，覆盖全县十二个乡镇。" * 6


def test_a_selection_imported_by_another_worker_is_found_by_the_next_check(db_url):
    here = Archive(create_engine(db_url), seed=False)
    there = Archive(create_engine(db_url), seed=False)
    index = get_index(here)
    assert index.candidates(Sample.of(TEXT)) == set()

    [record] = there.add(
        [
            {
                "kind": "selection",
                "year": 2024,
                "campaign": "全国智慧广电网络新服务",
                "unit": "某县融媒体中心",
                "case_name": "智慧社区服务平台",
                "text": TEXT,
            }
        ]
    )
    assert record.id not in index.records  # the other worker's write did not reach this process

    assert get_index(here) is index  # the next check's lookup catches up
    assert record.id in index.candidates(Sample.of(TEXT))
    assert catch_up(index) == 0  # nothing new: no rescan


def test_own_writes_need_no_rescan(db_url):
    here = Archive(create_engine(db_url), seed=False)
    index = get_index(here)
    record = here.store_submission(
        campaign_id="c", campaign_name="活动", year=2025, case_name="本进程写入", unit="某台", text=TEXT
    )
    assert record.id in index.records  # through the archive's listener
    assert catch_up(index) == 0
