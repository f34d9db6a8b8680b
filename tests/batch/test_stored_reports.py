"""A batch stored under report schema /1 still opens: its reports load as /2 and the batch table reads them."""

from __future__ import annotations

import json

from sqlalchemy import update

from screening import db
from screening.batch import Source, element_coverage, score_row
from screening.batch.store import BatchItemTable, BatchStore
from tests.batch.helpers import report
from tests.test_results import as_v1


def test_a_report_stored_as_v1_loads_and_scores_as_before(tmp_path):
    store = BatchStore(db.get_engine(f"sqlite:///{tmp_path / 'batches.db'}"))
    info = store.create(
        owner="吉林局",
        campaign_id="nrta-2025-media-convergence",
        title="旧批次",
        sources=[Source("甲.docx", "正文".encode())],
    )
    [(item_id, *_)] = store.pending(info.id)
    fresh = report(name="甲", covered=4, dims=3)
    store.save_item(info.id, item_id, report=fresh, error=None, text="甲的正文")
    before = score_row(store.item("吉林局", info.id, item_id), [])
    with db.session_scope(store.engine) as s:  # what a /1 service wrote into the same column
        s.execute(
            update(BatchItemTable)
            .where(BatchItemTable.id == item_id)
            .values(report=json.dumps(as_v1(fresh), ensure_ascii=False))
        )
    stored = store.item("吉林局", info.id, item_id)
    assert stored.report == fresh and stored.report.declared_category == "新媒体平台建设"
    assert element_coverage(stored.report)[1:] == (4, 6)
    assert score_row(stored, []) == before
