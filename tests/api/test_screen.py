"""The self-check over HTTP: uploads and pasted text in, the Report out; bad input gets 413/415/422 in Chinese."""

from __future__ import annotations

import pytest

from tests.api.docs import material_docx
from tests.api.helpers import CAMPAIGN, key
from tests.factories import make_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def screen(client, files=None, **data):
    return client.post("/api/screen", data={"campaign": CAMPAIGN, **data}, files=files)


def test_health_lists_missing_capabilities(client):
    body = client.get("/api/health").json()
    assert body["capabilities"]["rulebooks"] and body["capabilities"]["database"] and body["capabilities"]["pipeline"]
    assert body["capabilities"]["embeddings"] is False  # the test settings point at an empty model folder
    assert body["status"] == "degraded" and any("向量模型" in note for note in body["degraded"])
    assert body["campaigns"] >= 4


def test_health_embeddings_follow_the_policy(tmp_path):
    """The probe asks for exactly the models ``POLICY`` names: present folders make it healthy, nothing is loaded."""
    from api.routers.health import _probe_embeddings
    from screening.embeddings import POLICY
    from screening.services import Services
    from tests.api.helpers import make_settings

    settings = make_settings(tmp_path)
    services = Services(settings)
    ok, note = _probe_embeddings(services)
    wanted = {name for name in POLICY.values() if name}
    assert not ok and all(name in note for name in wanted)
    for name in wanted:
        (settings.model_dir / name).mkdir(parents=True)
        (settings.model_dir / name / "modules.json").write_text("[]", encoding="utf-8")
    assert _probe_embeddings(services)[0] is True


def test_campaigns_list_and_detail(client):
    listed = client.get("/api/campaigns").json()
    ours = next(c for c in listed if c["id"] == CAMPAIGN)
    assert ours["notice_number"] == "广电办发〔2025〕45号"
    assert [m["limit"] for m in ours["materials"]] == [1000, 5000] and ours["default_material"] == "detailed"
    detail = client.get(f"/api/campaigns/{CAMPAIGN}").json()
    assert len(detail["categories"]) == 4 and detail["quotas"]["rules"][0]["total"] == 12
    missing = client.get("/api/campaigns/no-such-call")
    assert missing.status_code == 404 and missing.json()["code"] == "campaign_not_found"


def test_docx_upload_returns_the_report(client):
    response = screen(client, files={"file": ("案例.docx", material_docx(), DOCX_TYPE)}, category="新媒体平台建设")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["schema"] == "screening.report/2"
    assert report["document"]["filename"] == "案例.docx" and report["document"]["format"] == "docx"
    assert report["campaign"]["id"] == CAMPAIGN and report["material"] == "detailed"
    assert report["verdict"] in ("pass", "revise", "reject")
    assert {"length", "elements", "quantities", "category_suggestion"} <= set(report)
    assert report["declared_category"] == "新媒体平台建设"  # not overwritten by the suggestion block (schema /1 did)
    assert "X-Submission-Id" not in response.headers  # the self-check stores nothing


def test_missing_element_is_reported(client):
    from tests.api.docs import GOOD_SECTIONS

    sections = [s for s in GOOD_SECTIONS if "问题困难" not in s[0]]
    report = screen(
        client, files={"file": ("缺要素.docx", material_docx(sections=sections), DOCX_TYPE)}, category="新媒体平台建设"
    ).json()
    statuses = {e["name"]: e["status"] for e in report["elements"]["elements"]}
    assert statuses["问题困难及破解办法"] == "missing"
    assert report["verdict"] != "pass"


def test_pasted_text_and_pdf(client):
    text = "一、总体情况\n" + "本平台服务全市群众。" * 40
    pasted = screen(client, text=text, material="summary")
    assert pasted.status_code == 200 and pasted.json()["material"] == "summary"
    assert pasted.json()["document"]["format"] == "txt"
    pdf = make_pdf(paragraphs=[("案例", 18), "用户规模达到120万人。" * 20])
    from_pdf = screen(client, files={"file": ("案例.pdf", pdf, "application/pdf")})
    assert from_pdf.status_code == 200 and from_pdf.json()["document"]["format"] == "pdf"


def test_html_when_asked(client):
    response = client.post(
        "/api/screen",
        data={"campaign": CAMPAIGN},
        headers={"Accept": "text/html"},
        files={"file": ("案例.docx", material_docx(), DOCX_TYPE)},
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert 'id="verdict"' in response.text and "预审" in response.text


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("程序.pdf", b"MZ\x90\x00" + b"\x00" * 200, 415, "extension_mismatch"),
        ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, 415, "legacy_word_format"),
        ("表格.xls", b"whatever", 415, "unsupported_format"),
        ("空.txt", b"", 422, "empty_file"),
        ("坏.docx", b"PK\x03\x04" + b"\x00" * 100, 422, "corrupt"),
    ],
)
def test_bad_files_get_their_status_and_a_chinese_message(client, name, data, status, code):
    response = screen(client, files={"file": (name, data, "application/octet-stream")})
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_neither_or_both_inputs_is_a_usage_error(client):
    neither = screen(client)
    assert neither.status_code == 400 and "二选一" in neither.json()["message"]
    both = screen(client, files={"file": ("a.txt", "正文".encode(), "text/plain")}, text="正文")
    assert both.status_code == 400


def test_missing_campaign_field_is_422_in_chinese(client):
    response = client.post("/api/screen", data={"text": "正文"})
    assert response.status_code == 422 and "campaign" in response.json()["message"]


def test_unknown_category_and_material(client):
    response = screen(client, text="正文" * 50, material="no-such-material")
    assert response.status_code == 422 and response.json()["code"] == "material_not_found"


def test_storing_needs_a_key_and_is_visible_only_to_its_bureau(client):
    files = {"file": ("存档.docx", material_docx("存档测试案例"), DOCX_TYPE)}
    anonymous = screen(client, files=files, store="true")
    assert anonymous.status_code == 401
    stored = client.post("/api/screen", data={"campaign": CAMPAIGN, "store": "true"}, files=files, headers=key())
    assert stored.status_code == 200 and stored.headers["X-Submission-Id"].isdigit()
    record_id = int(stored.headers["X-Submission-Id"])
    own = client.get("/api/archive", params={"kind": "submission"}, headers=key()).json()
    assert record_id in [r["id"] for r in own["records"]]
    other = client.get("/api/archive", params={"kind": "submission"}, headers=key("fj-key")).json()
    assert record_id not in [r["id"] for r in other["records"]]
    public = client.get("/api/archive").json()
    assert all(r["kind"] == "selection" for r in public["records"]) and public["total"] >= 27


def test_openapi_documents_the_routes(client):
    schema = client.get("/openapi.json").json()
    assert {
        "/api/health",
        "/api/campaigns",
        "/api/screen",
        "/api/batches",
        "/api/batches/{batch_id}/result",
        "/api/archive",
        "/api/archive/import",
    } <= set(schema["paths"])
    assert client.get("/docs").status_code == 200
