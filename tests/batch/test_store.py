"""Batches in the database: stored before work starts, one transaction per item, owners kept apart, resumable.

Every test runs on SQLite and on a real PostgreSQL server (the ``db_url`` fixture).
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from screening import db
from screening.batch import BatchEdits, DuplicateLink, Source
from screening.batch.store import BatchStore
from tests.batch.helpers import report


@pytest.fixture()
def store(db_url):
    return BatchStore(db.get_engine(db_url))


def new_batch(store, owner="吉林局", n=3):
    sources = [Source(f"材料{i}.txt", f"正文{i}".encode()) for i in range(n)]
    return store.create(owner=owner, campaign_id="nrta-2025-media-convergence", sources=sources, title="第一批")


def test_created_batch_is_queued_with_every_item_pending(store):
    info = new_batch(store)
    assert (info.status, info.total, info.done) == ("queued", 3, 0)
    pending = store.pending(info.id)
    assert [p[1:] for p in pending] == [(1, "材料0.txt"), (2, "材料1.txt"), (3, "材料2.txt")]
    assert store.source(pending[0][0]).data == "正文0".encode()


def test_items_are_recorded_one_by_one_and_counted(store):
    info = new_batch(store)
    first, second, _ = store.pending(info.id)
    store.save_item(info.id, first[0], report=report(name="甲"), error=None, text="甲的正文")
    store.save_item(info.id, second[0], report=None, error={"code": "corrupt", "message": "文件已损坏"})
    store.save_item(info.id, first[0], report=None, error={"code": "x", "message": "重复记录不生效"})
    now = store.get("吉林局", info.id)
    assert (now.done, now.failed, now.status) == (1, 1, "queued")
    screened = store.screened("吉林局", info.id)
    assert [s.filename for s in screened] == ["材料0.txt", "材料1.txt"]
    assert screened[0].report.document.title == "甲" and screened[0].text == "甲的正文"
    assert screened[1].error["code"] == "corrupt"
    assert len(store.pending(info.id)) == 1


def test_other_bureaus_cannot_see_or_edit_a_batch(store):
    info = new_batch(store)
    assert store.get("福建局", info.id) is None
    assert store.list("福建局") == []
    assert [b.id for b in store.list("吉林局")] == [info.id]
    with pytest.raises(KeyError):
        store.save_edits("福建局", info.id, BatchEdits(order=["x"]))
    with pytest.raises(KeyError):
        store.screened("福建局", info.id)


def test_unfinished_batches_survive_a_restart(store, db_url):
    info = new_batch(store)
    first = store.pending(info.id)[0][0]
    store.mark(info.id, "running")
    store.save_item(info.id, first, report=report(name="甲"), error=None)
    engine = create_engine(db_url)  # a new process
    reopened = BatchStore(engine)
    assert [b.id for b in reopened.unfinished()] == [info.id]
    assert len(reopened.pending(info.id)) == 2  # only the unfinished items are screened again
    engine.dispose()


def test_finish_stores_duplicates_and_edits_round_trip(store):
    info = new_batch(store)
    link = DuplicateLink(other_id="b", other_index=2, other_name="乙", kind="verbatim", score=0.91, message="重复")
    store.finish(info.id, {"a": [link]})
    store.save_edits("吉林局", info.id, BatchEdits(order=["b", "a"], excluded=["a"], notes={"b": "优先"}))
    assert store.get("吉林局", info.id).status == "done"
    assert store.duplicates("吉林局", info.id) == {"a": [link]}
    assert store.edits("吉林局", info.id).notes == {"b": "优先"}
    assert store.unfinished() == []


def test_storage_names_are_generated():
    from screening.batch.store import storage_name

    name = storage_name("../../评审/案例.DOCX")
    assert name.endswith(".docx") and "/" not in name and "案例" not in name and len(name) == 37
    assert storage_name("x.exe").isalnum()


def test_one_item_by_id_only_for_its_owner(store):
    info = new_batch(store)
    first, second, _ = store.pending(info.id)
    store.save_item(info.id, first[0], report=report(name="甲"), error=None)
    assert store.item("吉林局", info.id, first[0]).report.document.title == "甲"
    assert store.item("吉林局", info.id, second[0]) is None  # still pending
    assert store.item("吉林局", info.id, "no-such-item") is None
    with pytest.raises(KeyError):
        store.item("福建局", info.id, first[0])


def test_stage_says_when_a_running_batch_is_comparing_its_materials(store):
    info = new_batch(store, n=1)
    store.mark(info.id, "running")
    assert store.get("吉林局", info.id).stage == "running"
    store.save_item(info.id, store.pending(info.id)[0][0], report=report(name="甲"), error=None)
    now = store.get("吉林局", info.id)
    assert now.stage == "duplicates" and now.to_dict()["stage_label"] == "正在检查批内重复"


def test_a_word_file_and_its_stamped_pdf_are_one_item_stored_and_leased_together(store):
    """The pair travels as one material: one row, one lease, one report, both files' bytes back for screening."""
    pdf = Source("材料.pdf", b"%PDF-1.4 scan")
    sources = [Source("材料.docx", b"word bytes", pdf), Source("其他.txt", "正文".encode())]
    info = store.create(owner="吉林局", campaign_id="nrta-2025-media-convergence", sources=sources)
    assert info.total == 2
    claim = store.claim("工作进程甲", 60)
    assert (claim.position, claim.filename) == (1, "材料.docx")
    loaded = store.source(claim.item_id)
    assert (loaded.filename, loaded.data) == ("材料.docx", b"word bytes")
    assert (loaded.companion.filename, loaded.companion.data) == ("材料.pdf", b"%PDF-1.4 scan")
    assert store.source(store.pending(info.id)[1][0]).companion is None
    assert store.save_item(info.id, claim.item_id, report=report(name="甲"), error=None)
    assert not store.save_item(info.id, claim.item_id, report=report(name="甲"), error=None)  # exactly one report
    assert [s.filename for s in store.screened("吉林局", info.id)] == ["材料.docx"]
    assert store.get("吉林局", info.id).done == 1
