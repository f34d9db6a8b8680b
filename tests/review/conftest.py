"""A service with three bureaus (two provinces, one central unit) and two reviewers, and a call's worth of
submissions made through the API: the fixture every review test reads (constants and helpers:
``tests.review.helpers``)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import key
from tests.review.helpers import BANNED, SHARED, review_settings, run_batch, selection_csv, upload
from tests.review.materials import project_docx


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
