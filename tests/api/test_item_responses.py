"""The report-by-item routes answer a report or, for a material that could not be screened, ``UnscreenedItem``;
the served schema names both, and what an unreadable material gets validates against the second."""

from __future__ import annotations

from api.routers.batches import UnscreenedItem
from screening.report import Report
from tests.api.docs import form_docx
from tests.api.helpers import CAMPAIGN, key, wait_for_batch

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ITEM_ROUTES = ("/api/batches/{batch_id}/items/{item_id}", "/api/submissions/{submission_id}/items/{item_id}/report")


def test_the_served_schema_names_a_report_or_an_unscreened_item(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ITEM_ROUTES:
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert {branch["$ref"].rsplit("/", 1)[1] for branch in schema["anyOf"]} == {"Report", "UnscreenedItem"}


def test_each_item_answers_the_branch_it_is(client):
    files = [
        ("files", ("甲.docx", form_docx("智慧社区服务平台", "长春市融媒体中心"), DOCX)),
        ("files", ("损坏.pdf", b"%PDF-1.7\n" + b"\x00" * 50, "application/pdf")),
    ]
    created = client.post("/api/batches", data={"campaign": CAMPAIGN}, files=files, headers=key())
    assert created.status_code == 202, created.text
    batch_id = created.json()["id"]
    assert wait_for_batch(client, batch_id, headers=key())["status"] == "done"
    rows = {r["filename"]: r for r in client.get(f"/api/batches/{batch_id}/result", headers=key()).json()["rows"]}
    unread = client.get(f"/api/batches/{batch_id}/items/{rows['损坏.pdf']['id']}", headers=key())
    refused = UnscreenedItem.model_validate(unread.json())
    assert unread.status_code == 200 and refused.filename == "损坏.pdf" and refused.error.message
    report = client.get(f"/api/batches/{batch_id}/items/{rows['甲.docx']['id']}", headers=key()).json()
    assert Report.model_validate(report).schema_ == "screening.report/2"
