"""The review tables on both databases (``db_url``: SQLite and a real PostgreSQL): what a submission freezes, a
batch submitted once, decisions appended and never overwritten, the access log; and the cross checks that need no
pipeline (quota by kind of unit, lateness) on items built in code."""

from __future__ import annotations

import datetime as dt

import pytest

from screening.batch import BatchRow, Screened
from screening.campaigns import get_campaign
from screening.config import load_settings
from screening.db import get_engine
from screening.report import DocumentInfo, Report
from screening.review import AlreadySubmitted, InvalidDecision, ReviewItemNotFound, ReviewStore, call_flags
from screening.review.store import Frozen

CAMPAIGN = "nrta-2025-media-convergence"


def frozen(names: list[str], category: str = "新媒体平台建设") -> Frozen:
    rows, items, files = [], {}, {}
    for rank, name in enumerate(names, start=1):
        row_id = f"row{rank}-{name}"
        rows.append(
            BatchRow(
                id=row_id,
                index=rank,
                rank=rank,
                suggested_rank=rank,
                filename=f"{name}.docx",
                case_name=name,
                category=category,
                unit="某单位",
                verdict="revise",
                score=1.0,
                note=f"备注{rank}",
            )
        )
        items[row_id] = Screened(
            row_id, rank, f"{name}.docx", Report(document=DocumentInfo(filename=f"{name}.docx")), None, f"{name}的正文"
        )
        files[row_id] = f"bytes of {name}".encode()
    return Frozen(rows=rows, items=items, files=files)


@pytest.fixture()
def store(db_url) -> ReviewStore:
    return ReviewStore(get_engine(db_url))


def submit(
    store: ReviewStore,
    bureau: str,
    names: list[str],
    *,
    unit_kind: str = "province",
    batch_id: str | None = None,
    at: dt.datetime | None = None,
):
    return store.add_submission(
        bureau=bureau,
        campaign_id=CAMPAIGN,
        unit_kind=unit_kind,
        title="",
        origin="batch",
        submitted_by=bureau,
        frozen=frozen(names),
        batch_id=batch_id,
        submitted_at=at,
    )


def test_a_submission_keeps_rows_texts_notes_and_files(store):
    made = submit(store, "吉林省广播电视局", ["甲", "乙"], batch_id="b" * 32)
    items = store.items(submission_id=made.id)
    assert [(i.rank, i.case_name, i.row.note, i.text) for i in items] == [
        (1, "甲", "备注1", "甲的正文"),
        (2, "乙", "备注2", "乙的正文"),
    ]
    assert store.file(items[0].id) == "bytes of 甲".encode()
    assert store.submissions(bureau="福建省广播电视局") == [] and len(store.submissions(calls=[CAMPAIGN])) == 1
    assert store.submissions(calls=["jilin-2024-media-convergence"]) == []


def test_a_batch_is_submitted_once(store):
    submit(store, "吉林省广播电视局", ["甲"], batch_id="c" * 32)
    with pytest.raises(AlreadySubmitted):
        submit(store, "吉林省广播电视局", ["甲", "乙"], batch_id="c" * 32)
    assert len(store.submissions()) == 1 and len(store.items(campaign_id=CAMPAIGN)) == 1


def test_decisions_are_appended_in_order_and_bad_ones_write_nothing(store):
    item = store.items(submission_id=submit(store, "吉林省广播电视局", ["甲"]).id)[0]
    store.add_decision(item.id, decision="形式审查通过", note="", reviewer="王评审")
    store.add_decision(item.id, decision="doubt", note="再看看", reviewer="李评审")
    with pytest.raises(InvalidDecision):
        store.add_decision(item.id, decision="随便", note="", reviewer="王评审")
    with pytest.raises(ReviewItemNotFound):
        store.add_decision("missing", decision="pass", note="", reviewer="王评审")
    history = store.decisions(item.id)
    assert [(d.decision, d.reviewer, d.note) for d in history] == [
        ("pass", "王评审", ""),
        ("doubt", "李评审", "再看看"),
    ]
    assert store.latest_decisions([item.id])[item.id].decision == "doubt"


def test_the_access_log_records_who_opened_what(store):
    item = store.items(submission_id=submit(store, "吉林省广播电视局", ["甲"]).id)[0]
    store.log_access(actor="王评审", role="reviewer", action="file", item=item, client="10.0.0.9")
    assert [(e["actor"], e["action"], e["client"]) for e in store.access_log(item_id=item.id)] == [
        ("王评审", "file", "10.0.0.9")
    ]


def test_quota_counts_each_bureau_by_its_kind_of_unit_and_lateness_uses_the_deadline(store):
    campaign = get_campaign(CAMPAIGN, load_settings({}).campaigns_dir)
    on_time = dt.datetime(2025, 4, 10, 9)
    submit(store, "中央广播电视总台", ["甲", "乙"], unit_kind="central", at=on_time)
    submit(store, "吉林省广播电视局", ["丙", "丁"], at=on_time)
    submit(store, "吉林省广播电视局", ["戊", "己", "庚"], at=dt.datetime(2025, 4, 12, 9))
    items = {i.case_name: i for i in store.items(campaign_id=CAMPAIGN)}
    flags = call_flags(list(items.values()), campaign)

    def kinds(name):
        return [f.kind for f in flags[items[name].id]]

    assert "quota" not in kinds("甲") and "quota" in kinds("乙")  # central: one per category
    # Jilin's two submissions count together: five in one category, the fifth (last sent) is over four
    assert [n for n in "丙丁戊己庚" if "quota" in kinds(n)] == ["庚"]
    assert [n for n in "甲乙丙丁戊己庚" if "late" in kinds(n)] == ["戊", "己", "庚"]
    late = next(f for f in flags[items["戊"].id] if f.kind == "late")
    assert "2025-04-12" in late.message and "2025-04-11" in late.message
