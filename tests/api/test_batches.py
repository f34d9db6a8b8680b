"""The bureau's batch over HTTP: keys, progress, the table, edits, exports, and bureaus kept apart.

The whole module runs twice: over SQLite and over a real PostgreSQL server (``app_settings`` below overrides the
suite's SQLite-only fixture).
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.api.docs import form_docx, material_docx
from tests.api.helpers import CAMPAIGN, key, make_settings, wait_for_batch
from tests.pgcluster import BACKENDS, fresh_url

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(name: str, data: bytes, kind: str = DOCX):
    return ("files", (name, data, kind))


@pytest.fixture(scope="module", params=BACKENDS)
def app_settings(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("api-batches")
    return make_settings(folder, SCREENING_DATABASE_URL=fresh_url(request.param, request, folder))


@pytest.fixture(scope="module")
def finished(client):
    """One batch of four materials (two the same case) run to completion by the jilin bureau."""
    files = [
        upload("甲.docx", form_docx("智慧社区服务平台", "长春市融媒体中心")),
        upload("乙.docx", form_docx("县级融媒体中心改革", "吉林市广播电视台", category="创新发展机制")),
        upload("甲-重复.docx", form_docx("智慧社区服务平台", "长春市融媒体中心")),
        upload("损坏.pdf", b"%PDF-1.7\n" + b"\x00" * 50, "application/pdf"),
        upload("说明.xls", b"not a material", "application/vnd.ms-excel"),
    ]
    response = client.post("/api/batches", data={"campaign": CAMPAIGN, "title": "第一批"}, files=files, headers=key())
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["status"] in ("queued", "running", "done") and created["progress"]["total"] == 4
    state = wait_for_batch(client, created["id"], headers=key())
    return created["id"], state


def test_batch_endpoints_need_a_valid_key(client):
    assert client.get("/api/batches").status_code == 401
    assert client.get("/api/batches", headers=key("wrong")).status_code == 401
    response = client.post("/api/batches", data={"campaign": CAMPAIGN}, files=[upload("a.txt", b"x", "text/plain")])
    assert response.status_code == 401 and "机构密钥" in response.json()["message"]


def test_batch_runs_to_completion_with_progress(finished):
    _, state = finished
    assert state["status"] == "done"
    assert state["progress"] == {"total": 4, "done": 3, "failed": 1, "fraction": 1.0}
    assert state["refused"] == ["说明.xls"]


def test_result_table_has_order_reasons_duplicates_and_quota(client, finished):
    batch_id, _ = finished
    result = client.get(f"/api/batches/{batch_id}/result", headers=key()).json()
    rows = result["rows"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    assert rows[-1]["verdict"] == "unreadable" and rows[-1]["error"]["code"] == "corrupt"
    by_file = {r["filename"]: r for r in rows}
    assert by_file["甲.docx"]["case_name"] == "智慧社区服务平台"
    assert by_file["甲.docx"]["unit"] == "长春市融媒体中心" and by_file["甲.docx"]["contact"] == "李四"
    assert any(d["other_id"] == by_file["甲-重复.docx"]["id"] for d in by_file["甲.docx"]["duplicates"])
    assert all(r["reasons"] for r in rows)
    assert result["quota"]["specified"] and result["quota"]["unit_label"] == "各省（区、市）"
    assert result["batch"]["id"] == batch_id


def test_edits_reorder_and_exclude(client, finished):
    batch_id, _ = finished
    rows = client.get(f"/api/batches/{batch_id}/result", headers=key()).json()["rows"]
    order = [rows[1]["id"], rows[0]["id"]]
    edited = client.put(
        f"/api/batches/{batch_id}/edits",
        headers=key(),
        json={"order": order, "excluded": [rows[0]["id"]], "notes": {rows[1]["id"]: "重点推荐"}},
    ).json()
    assert [r["id"] for r in edited["rows"][:2]] == order
    assert edited["rows"][0]["note"] == "重点推荐" and edited["rows"][1]["included"] is False
    assert edited["edited"] is True
    again = client.get(f"/api/batches/{batch_id}/result", headers=key()).json()
    assert [r["id"] for r in again["rows"][:2]] == order  # stored, not just returned


def test_exports(client, finished):
    batch_id, _ = finished
    xlsx = client.get(f"/api/batches/{batch_id}/export.xlsx", headers=key())
    assert xlsx.status_code == 200 and "filename*=UTF-8''" in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in sheet[3]][:7] == [
        "序号",
        "案例名称",
        "征集类别",
        "申报单位",
        "联系人",
        "部门及职务",
        "联系方式",
    ]
    assert sheet.max_row == 3 + 4
    text = client.get(f"/api/batches/{batch_id}/export.csv", headers=key()).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    table = rows[: rows.index([])] if [] in rows else rows
    assert len(table) == 5 and "智慧社区服务平台" in {r[1] for r in table}


def test_exports_carry_what_was_not_fully_checked(client, finished):
    """The test service has no embedding model: every readable report is degraded, and the export must say so."""
    batch_id, _ = finished
    result = client.get(f"/api/batches/{batch_id}/result", headers=key()).json()
    degraded = {r["filename"] for r in result["rows"] if r["degraded"]}
    assert degraded == {"甲.docx", "乙.docx", "甲-重复.docx"}
    text = client.get(f"/api/batches/{batch_id}/export.csv", headers=key()).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, table, notes = rows[0], rows[1 : rows.index([])], rows[rows.index([]) + 1 :]
    marks = {r[header.index("文件名")]: r[header.index("预审未完成项")] for r in table}
    assert all(marks[name] for name in degraded) and marks["损坏.pdf"] == ""
    assert notes and all(r[0] == "说明" for r in notes) and "涉及 3 份材料" in notes[-1][1]
    book = load_workbook(io.BytesIO(client.get(f"/api/batches/{batch_id}/export.xlsx", headers=key()).content))
    assert "预审说明" in book.sheetnames and "预审说明" in book.worksheets[0]["A2"].value
    assert any("涉及 3 份材料" in (c.value or "") for row in book["预审说明"].iter_rows() for c in row)


def test_item_report_and_html_result(client, finished):
    batch_id, _ = finished
    rows = client.get(f"/api/batches/{batch_id}/result", headers=key()).json()["rows"]
    readable = next(r for r in rows if r["verdict"] != "unreadable")
    report = client.get(f"/api/batches/{batch_id}/items/{readable['id']}", headers=key()).json()
    assert report["schema"] == "screening.report/2"
    page = client.get(f"/api/batches/{batch_id}/result", headers={**key(), "Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html") and "名额核对" in page.text


def test_another_bureau_sees_nothing(client, finished):
    batch_id, _ = finished
    other = key("fj-key")
    for path in ("", "/result", "/export.xlsx", "/export.csv"):
        response = client.get(f"/api/batches/{batch_id}{path}", headers=other)
        assert response.status_code == 404, path
    assert client.put(f"/api/batches/{batch_id}/edits", headers=other, json={"order": []}).status_code == 404
    assert batch_id not in [b["id"] for b in client.get("/api/batches", headers=other).json()]
    assert batch_id in [b["id"] for b in client.get("/api/batches", headers=key()).json()]


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_batch_from_a_zip(client):
    data = zip_of({"材料/一.docx": material_docx("案例一"), "材料/二.txt": ("二、做法\n" + "内容。" * 100).encode()})
    response = client.post(
        "/api/batches",
        data={"campaign": CAMPAIGN, "unit_kind": "central"},
        headers=key(),
        files=[upload("全部材料.zip", data, "application/zip")],
    )
    assert response.status_code == 202
    state = wait_for_batch(client, response.json()["id"], headers=key())
    assert state["progress"]["done"] == 2
    result = client.get(f"/api/batches/{state['id']}/result", headers=key()).json()
    assert result["unit_kind"] == "central" and result["quota"]["unit_label"] == "中央单位"


@pytest.mark.parametrize(
    ("members", "status"),
    [
        ({"../../etc/passwd.txt": b"x"}, 413),
        ({"bomb.txt": b"0" * (4 * 1024 * 1024)}, 413),
    ],
)
def test_hostile_zips_are_refused(client, members, status):
    response = client.post(
        "/api/batches",
        data={"campaign": CAMPAIGN},
        headers=key(),
        files=[upload("x.zip", zip_of(members), "application/zip")],
    )
    assert response.status_code == status and response.json()["code"] == "archive_bomb"


def test_batch_without_usable_files_or_with_a_bad_call(client):
    nothing = client.post(
        "/api/batches",
        data={"campaign": CAMPAIGN},
        headers=key(),
        files=[upload("a.xls", b"x", "application/vnd.ms-excel")],
    )
    assert nothing.status_code == 400 and "没有可预审的材料" in nothing.json()["message"]
    bad_call = client.post(
        "/api/batches", data={"campaign": "no-such"}, headers=key(), files=[upload("a.txt", b"x", "text/plain")]
    )
    assert bad_call.status_code == 404
    bad_kind = client.post(
        "/api/batches",
        data={"campaign": CAMPAIGN, "unit_kind": "martian"},
        headers=key(),
        files=[upload("a.txt", b"x", "text/plain")],
    )
    assert bad_kind.status_code == 422


def test_health_reports_the_database_and_the_shared_queue(client, finished, app_settings):
    body = client.get("/api/health").json()
    backend = "postgresql" if app_settings.database_url.startswith("postgresql") else "sqlite"
    assert body["database"] == {"backend": backend, "reachable": True}
    queue = body["queue"]
    assert (queue["pending_items"], queue["leased_items"], queue["expired_leases"]) == (0, 0, 0)
    assert queue["oldest_lease_seconds"] is None and queue["this_worker"]


def test_a_word_file_and_its_stamped_pdf_become_one_compared_row(client):
    """Issue 16: same-stem Word + PDF uploads are one item; the Word text is screened and compared with the PDF."""
    from tests.factories import make_docx, make_pdf

    body = [
        "本台建成融媒体指挥调度平台，打通策划、采集、编辑、发布全流程。",
        "截至2023年底，客户端下载量达到126万次，日均活跃用户4.8万人，同比增长35%。",
    ]
    word = make_docx(title="融媒体平台建设", sections=[("一、总体情况", 1, body)])
    pdf = make_pdf(
        paragraphs=[("融媒体平台建设", 18), ("一、总体情况", 2), body[0], body[1].replace("126万次", "162万次")]
    )
    files = [upload("丙.docx", word), upload("丙.pdf", pdf, "application/pdf"), upload("丁.docx", word)]
    response = client.post("/api/batches", data={"campaign": CAMPAIGN, "title": "双版本"}, files=files, headers=key())
    assert response.status_code == 202, response.text
    batch_id = response.json()["id"]
    state = wait_for_batch(client, batch_id, headers=key())
    assert state["progress"]["total"] == 2 and state["progress"]["failed"] == 0
    rows = {r["filename"]: r for r in client.get(f"/api/batches/{batch_id}/result", headers=key()).json()["rows"]}
    assert set(rows) == {"丙.docx", "丁.docx"}
    paired = client.get(f"/api/batches/{batch_id}/items/{rows['丙.docx']['id']}", headers=key()).json()
    codes = [f["code"] for f in paired["findings"]]
    assert "consistency.number_changed" in codes
    alone = client.get(f"/api/batches/{batch_id}/items/{rows['丁.docx']['id']}", headers=key()).json()
    assert not any(f["code"].startswith("consistency.") for f in alone["findings"])


def test_word_and_stamped_pdf_of_one_material_are_one_row_compared_and_searched_for_the_seal(client):
    """Same stem: one item, screened as Word, compared with the PDF (a changed figure), the PDF searched for the
    seal the Jilin call requires; a PDF that cannot be read is a warning on its row, not a failed item."""
    from tests.factories import make_docx, make_pdf

    body = [
        "本台建成融媒体指挥调度平台，打通策划、采集、编辑、发布全流程。",
        "截至2023年底，客户端下载量达到126万次，日均活跃用户4.8万人，同比增长35%。",
    ]
    word = make_docx(title="融媒体平台建设", sections=[("一、总体情况", 1, body)])
    pdf = make_pdf(
        paragraphs=[("融媒体平台建设", 18), ("一、总体情况", 2), body[0], body[1].replace("126万次", "162万次")]
    )
    files = [
        upload("甲 材料.docx", word),
        upload("甲材料.pdf", pdf, "application/pdf"),
        upload("乙.docx", word),
        upload("乙.pdf", b"%PDF-1.4 broken", "application/pdf"),
    ]
    response = client.post(
        "/api/batches", data={"campaign": "jilin-2024-media-convergence"}, headers=key(), files=files
    )
    assert response.status_code == 202 and response.json()["progress"]["total"] == 2
    state = wait_for_batch(client, response.json()["id"], headers=key())
    assert state["progress"]["done"] == 2
    rows = {r["filename"]: r for r in client.get(f"/api/batches/{state['id']}/result", headers=key()).json()["rows"]}
    assert set(rows) == {"甲 材料.docx", "乙.docx"}
    report = client.get(f"/api/batches/{state['id']}/items/{rows['甲 材料.docx']['id']}", headers=key()).json()
    codes = [f["code"] for f in report["findings"]]
    assert report["document"]["format"] == "docx" and "consistency.number_changed" in codes and "seal.missing" in codes
    assert any("无法读取" in w and "乙.pdf" in w for w in rows["乙.docx"]["warnings"])


@pytest.mark.skipif(
    __import__("screening.documents.legacy", fromlist=["x"]).soffice_path() is None,
    reason="needs LibreOffice (Debian libreoffice-writer-nogui, installed by make)",
)
def test_a_real_doc_goes_through_a_batch(client, tmp_path):
    """A Word 97 .doc made at test time by the installed soffice from a python-docx file is converted and screened."""
    import subprocess

    from screening.documents import legacy

    source = tmp_path / "旧材料.docx"
    source.write_bytes(material_docx("旧格式案例"))
    subprocess.run(
        [
            legacy.soffice_path(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
    )
    doc = (tmp_path / "旧材料.doc").read_bytes()
    assert doc.startswith(b"\xd0\xcf\x11\xe0")
    response = client.post(
        "/api/batches",
        data={"campaign": CAMPAIGN},
        headers=key(),
        files=[upload("旧材料.doc", doc, "application/msword")],
    )
    assert response.status_code == 202, response.text
    state = wait_for_batch(client, response.json()["id"], headers=key())
    assert state["progress"]["done"] == 1 and state["refused"] == []
    row = client.get(f"/api/batches/{state['id']}/result", headers=key()).json()["rows"][0]
    assert row["verdict"] != "unreadable"
    report = client.get(f"/api/batches/{state['id']}/items/{row['id']}", headers=key()).json()
    assert report["document"]["title"] == "旧格式案例"
