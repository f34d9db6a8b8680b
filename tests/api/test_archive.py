"""Archive over HTTP: anyone reads the selections; imports need a key and report bad rows without losing good ones."""

from __future__ import annotations

from tests.api.helpers import key

CSV = (
    "年份,征集活动,类别,案例名称,申报单位,省份\n"
    "2024,全国广播电视媒体融合典型案例,新媒体平台建设,某省新闻客户端,某省广播电视台,某省\n"
    "二〇二四,全国广播电视媒体融合典型案例,新媒体平台建设,年份写错的案例,某市融媒体中心,某省\n"
).encode("utf-8-sig")


def test_import_needs_a_key(client):
    response = client.post("/api/archive/import", files={"file": ("selections.csv", CSV, "text/csv")})
    assert response.status_code == 401


def test_import_reports_bad_rows_and_keeps_good_ones(client):
    response = client.post("/api/archive/import", headers=key(), files={"file": ("selections.csv", CSV, "text/csv")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["imported"] == 1 and [e["row"] for e in body["errors"]] == [3] and "年份" in body["errors"][0]["reason"]
    listed = client.get("/api/archive", params={"year": 2024, "kind": "selection", "limit": 1000}).json()
    assert "某省新闻客户端" in [r["case_name"] for r in listed["records"]]
    again = client.post(
        "/api/archive/import", headers=key(), files={"file": ("selections.csv", CSV, "text/csv")}
    ).json()
    assert again["imported"] == 0 and len(again["skipped"]) == 1


def test_import_refuses_other_types(client):
    response = client.post("/api/archive/import", headers=key(), files={"file": ("a.docx", b"PK", "application/zip")})
    assert response.status_code == 415 and "csv" in response.json()["message"]


def test_listing_is_paged(client):
    page = client.get("/api/archive", params={"limit": 5, "offset": 5}).json()
    assert len(page["records"]) == 5 and page["offset"] == 5 and page["total"] >= 27
    assert client.get("/api/archive", params={"limit": 0}).status_code == 422
