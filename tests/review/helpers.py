"""What the review suites share besides fixtures: three bureaus (two provinces, one central unit) and two reviewers,
their settings, and helpers to run a batch, read the review queue and build the 2024 selection the archive imports."""

from __future__ import annotations

import csv
import io

from tests.api.helpers import CAMPAIGN, key, make_settings, wait_for_batch
from tests.review.materials import project_text

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


def queue(client, **params) -> dict:
    response = client.get(f"/api/review/calls/{CAMPAIGN}/queue", params=params, headers=key("rev-key"))
    assert response.status_code == 200, response.text
    return response.json()


def by_name(data: dict) -> dict[str, dict]:
    return {i["case_name"]: i for i in data["items"]}
