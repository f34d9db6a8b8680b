"""Role isolation: a bureau sees only its own submissions and never the review desk; a reviewer sees only the calls
assigned to them; every material opened is in the access log; keys of one role never work as the other."""

from __future__ import annotations

from tests.api.helpers import CAMPAIGN, key
from tests.review.helpers import by_name, queue


def test_a_bureau_lists_and_reads_only_its_own_submissions(client, call):
    mine = client.get("/api/submissions", headers=key("fj-key")).json()
    assert mine and {s["bureau"] for s in mine} == {"福建省广播电视局"}
    jilin = call["submissions"]["jl-key"]["id"]
    response = client.get(f"/api/submissions/{jilin}", headers=key("fj-key"))
    assert response.status_code == 404 and response.json()["code"] == "submission_not_found"
    own = client.get(f"/api/submissions/{jilin}", headers=key("jl-key"))
    assert own.status_code == 200 and len(own.json()["items"]) == 3


def test_a_bureau_cannot_open_another_bureaus_material_or_report(client, call):
    jilin = call["submissions"]["jl-key"]["id"]
    item = client.get(f"/api/submissions/{jilin}", headers=key("jl-key")).json()["items"][0]
    base = f"/api/submissions/{jilin}/items/{item['id']}"
    for suffix in ("/file", "/report"):
        assert client.get(base + suffix, headers=key("fj-key")).status_code == 404
        assert client.get(base + suffix).status_code == 401
    assert client.get(base + "/file", headers=key("jl-key")).status_code == 200
    # an item id under a submission it does not belong to is not found either
    fujian = call["submissions"]["fj-key"]["id"]
    assert client.get(f"/api/submissions/{fujian}/items/{item['id']}/file", headers=key("fj-key")).status_code == 404


def test_a_bureau_key_cannot_reach_the_review_desk(client, call):
    item = queue(client)["items"][0]
    for path in (
        f"/api/review/calls/{CAMPAIGN}/queue",
        f"/api/review/calls/{CAMPAIGN}/export.csv",
        f"/api/review/items/{item['id']}",
        f"/api/review/items/{item['id']}/file",
        "/api/review/calls",
    ):
        response = client.get(path, headers=key("jl-key"))
        assert response.status_code == 403 and response.json()["code"] == "reviewer_only", path
    decided = client.post(f"/api/review/items/{item['id']}/decisions", json={"decision": "pass"}, headers=key("jl-key"))
    assert decided.status_code == 403
    assert client.get(f"/api/review/calls/{CAMPAIGN}/queue").status_code == 401


def test_a_reviewer_key_is_not_a_bureau_key(client, call):
    listed = client.get("/api/batches", headers=key("rev-key"))
    assert listed.status_code == 403 and listed.json()["code"] == "bureau_only"
    submitted = client.post("/api/submissions", json={"batch_id": call["batches"]["jl-key"]}, headers=key("rev-key"))
    assert submitted.status_code == 403


def test_a_reviewer_key_on_the_wrong_door_is_not_a_guess(client, call):
    """A reviewer who keeps sending their own key to bureau routes and the self-check is never locked out: only
    wrong keys count towards the limit."""
    for _ in range(12):
        client.get("/api/batches", headers=key("rev-key"))
        client.post("/api/screen", data={"campaign": CAMPAIGN, "text": "正文。"}, headers=key("rev-key"))
    assert client.get(f"/api/review/calls/{CAMPAIGN}/queue", headers=key("rev-key")).status_code == 200


def test_a_reviewer_sees_only_the_calls_assigned(client, call):
    assert {s["campaign_id"] for s in client.get("/api/submissions", headers=key("rev-key")).json()} == {CAMPAIGN}
    assert client.get("/api/submissions", headers=key("jl-rev-key")).json() == []
    assert [c["id"] for c in client.get("/api/review/calls", headers=key("jl-rev-key")).json()] == [
        "jilin-2024-media-convergence"
    ]
    other = client.get(f"/api/review/calls/{CAMPAIGN}/queue", headers=key("jl-rev-key"))
    assert other.status_code == 404 and other.json()["code"] == "call_not_assigned"
    item = queue(client)["items"][0]
    assert client.get(f"/api/review/items/{item['id']}", headers=key("jl-rev-key")).status_code == 404
    refused = client.post(
        f"/api/review/items/{item['id']}/decisions", json={"decision": "pass"}, headers=key("jl-rev-key")
    )
    assert refused.status_code == 404
    jilin = call["submissions"]["jl-key"]["id"]
    assert client.get(f"/api/submissions/{jilin}", headers=key("jl-rev-key")).status_code == 404


def test_every_material_opened_is_in_the_access_log(client, call):
    item = by_name(queue(client))["海洋频道融合传播"]
    submission = item["submission_id"]
    assert client.get(f"/api/review/items/{item['id']}", headers=key("rev-key")).status_code == 200
    data = client.get(f"/api/review/items/{item['id']}/file", headers=key("rev-key"))
    assert data.status_code == 200 and data.content[:2] == b"PK"
    assert data.headers["content-type"] == "application/octet-stream"
    assert (
        client.get(f"/api/submissions/{submission}/items/{item['id']}/report", headers=key("fj-key")).status_code == 200
    )
    log = client.get("/api/review/access-log", params={"item_id": item["id"]}, headers=key("rev-key")).json()
    seen = {(e["actor"], e["role"], e["action"]) for e in log}
    assert {
        ("王评审", "reviewer", "report"),
        ("王评审", "reviewer", "file"),
        ("福建省广播电视局", "bureau", "report"),
    } <= seen
    assert all(e["client"] and e["at"] for e in log)
    # a refused access is not a material opened
    before = len(log)
    client.get(f"/api/review/items/{item['id']}/file", headers=key("jl-key"))
    after = client.get("/api/review/access-log", params={"item_id": item["id"]}, headers=key("rev-key")).json()
    assert len(after) == before


def test_every_page_action_is_an_api_call_in_the_schema_with_its_error_codes(client):
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        ("/api/submissions", "post"): {"401", "404", "409"},
        ("/api/submissions/{submission_id}/items/{item_id}/file", "get"): {"401", "404"},
        ("/api/review/imports", "post"): {"401", "403", "422"},
        ("/api/review/calls/{campaign_id}/queue", "get"): {"401", "403", "404", "422"},
        ("/api/review/items/{item_id}", "get"): {"401", "403", "404"},
        ("/api/review/items/{item_id}/decisions", "post"): {"401", "403", "404", "422"},
        ("/api/review/items/{item_id}/decisions", "get"): {"404"},
        ("/api/review/calls/{campaign_id}/export.{fmt}", "get"): {"404"},
        ("/api/review/access-log", "get"): {"401"},
    }
    for (path, method), codes in expected.items():
        declared = set(paths[path][method]["responses"])
        assert codes <= declared, (path, method, declared)
        assert paths[path][method]["security"], (path, method)  # the key header is declared
    assert not any(p.startswith("/review") for p in paths)  # the pages themselves are not API
