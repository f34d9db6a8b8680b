"""A service with three bureaus (two provinces, one central unit) and two reviewers, and a call's worth of
submissions made through the API: the fixture every review test reads."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CAMPAIGN, make_settings, wait_for_batch
from tests.review.materials import project_docx, project_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BUREAUS = {"jl-key": "吉林省广播电视局", "fj-key": "福建省广播电视局", "zy-key": "中央广播电视总台"}
REVIEWERS = {"rev-key": ("王评审", [CAMPAIGN]), "jl-rev-key": ("李评审", ["jilin-2024-media-convergence"])}
SHARED, BANNED = 101, 202  # project seeds: one project both provinces recommend; one the 2024 call selected


def review_settings(tmp_path, **env):
    values = {
        "SCREENING_API_KEYS": ",".join(f"{k}={v}" for k, v in BUREAUS.items()),
        "SCREENING_REVIEWER_KEYS": ",".join(f"{k}={name}:{'|'.join(calls)}" for k, (name, calls) in REVIEWERS.items()),
    }
    values.update(env)
    return make_settings(tmp_path, **values)


def key(name: str) -> dict[str, str]:
    return {"X-API-Key": name}


def upload(name: str, data: bytes):
    return ("files", (name, data, DOCX))


def run_batch(client, key_name: str, files: list, *, unit_kind: str = "province", include_all: bool = True) -> str:
    """A finished batch of ``files``; with ``include_all`` the bureau recommends every material (its order)."""
    response = client.post(
        "/api/batches", data={"campaign": CAMPAIGN, "unit_kind": unit_kind}, files=files, headers=key(key_name)
    )
    assert response.status_code == 202, response.text
    batch_id = response.json()["id"]
    assert wait_for_batch(client, batch_id, headers=key(key_name))["status"] == "done"
    if include_all:
        rows = client.get(f"/api/batches/{batch_id}/result", headers=key(key_name)).json()["rows"]
        edits = {"order": [r["id"] for r in rows], "excluded": [], "notes": {rows[0]["id"]: "本省重点推荐"}}
        assert client.put(f"/api/batches/{batch_id}/edits", json=edits, headers=key(key_name)).status_code == 200
    return batch_id


def selection_csv() -> bytes:
    """The 2024 selection that project ``BANNED`` repeats, as the archive import reads it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["年份", "征集活动", "类别", "案例名称", "申报单位", "正文"])
    writer.writerow(
        [
            2024,
            "2024年全国广播电视媒体融合典型案例",
            "新媒体平台建设",
            "融媒云端服务平台",
            "长春市融媒体中心",
            project_text(BANNED).replace("\n", " "),
        ]
    )
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from api.app import create_app

    with TestClient(create_app(review_settings(tmp_path_factory.mktemp("review")))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def call(client):
    """Jilin (province) and Fujian (province) submit batches sharing one project; Jilin's also repeats a 2024
    selection in the same category; the central unit submits two in one category (its quota is one)."""
    imported = client.post(
        "/api/archive/import", files={"file": ("入选.csv", selection_csv(), "text/csv")}, headers=key("jl-key")
    )
    assert imported.status_code == 200, imported.text
    jl = run_batch(
        client,
        "jl-key",
        [
            upload("智慧社区.docx", project_docx("智慧社区服务平台", "长春市融媒体中心", SHARED)),
            upload("融媒云端.docx", project_docx("融媒云端服务平台", "长春市融媒体中心", BANNED)),
            upload("乡村广播.docx", project_docx("乡村应急广播网", "吉林市广播电视台", 303)),
        ],
    )
    fj = run_batch(
        client,
        "fj-key",
        [
            upload("社区服务.docx", project_docx("智慧社区便民服务平台", "福州市融媒体中心", SHARED)),
            upload("海洋频道.docx", project_docx("海洋频道融合传播", "厦门广电集团", 404)),
        ],
    )
    zy = run_batch(
        client,
        "zy-key",
        [
            upload("云听.docx", project_docx("全国音频云平台", "中央广播电视总台", 505)),
            upload("央视频.docx", project_docx("移动视频客户端", "中央广播电视总台", 606)),
        ],
        unit_kind="central",
    )
    submissions = {}
    for name, batch_id in (("jl-key", jl), ("fj-key", fj), ("zy-key", zy)):
        response = client.post("/api/submissions", json={"batch_id": batch_id}, headers=key(name))
        assert response.status_code == 201, response.text
        submissions[name] = response.json()
    return {"batches": {"jl-key": jl, "fj-key": fj, "zy-key": zy}, "submissions": submissions}


def queue(client, **params) -> dict:
    response = client.get(f"/api/review/calls/{CAMPAIGN}/queue", params=params, headers=key("rev-key"))
    assert response.status_code == 200, response.text
    return response.json()


def by_name(data: dict) -> dict[str, dict]:
    return {i["case_name"]: i for i in data["items"]}
