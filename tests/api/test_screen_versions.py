"""The self-check with both versions of one material: the Word file is screened, the PDF compared and searched for
the seal the call requires (issue 16)."""

from __future__ import annotations

from tests.factories import make_docx, make_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JILIN = "jilin-2024-media-convergence"
BODY = [
    "本台建成融媒体指挥调度平台，打通策划、采集、编辑、发布全流程。",
    "截至2023年底，客户端下载量达到126万次，日均活跃用户4.8万人，同比增长35%。",
]


def test_two_versions_are_compared_and_the_unstamped_pdf_is_flagged(client):
    word = make_docx(title="融媒体平台建设", sections=[("一、总体情况", 1, BODY)])
    pdf = make_pdf(
        paragraphs=[("融媒体平台建设", 18), ("一、总体情况", 2), BODY[0], BODY[1].replace("126万次", "162万次")]
    )
    response = client.post(
        "/api/screen",
        data={"campaign": JILIN},
        files={"file": ("材料.pdf", pdf, "application/pdf"), "other": ("材料.docx", word, DOCX_TYPE)},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["document"]["format"] == "docx"  # the Word version is screened, whichever field it came in
    codes = [f["code"] for f in report["findings"]]
    assert "consistency.number_changed" in codes and "seal.missing" in codes
    changed = next(f for f in report["findings"] if f["code"] == "consistency.number_changed")
    assert "126万次" in changed["message"] and "162万次" in changed["message"]
    assert report["consistency"]["other"] == "材料.pdf"


def test_an_unreadable_second_version_is_refused_in_chinese(client):
    word = make_docx(title="融媒体平台建设", sections=[("一、总体情况", 1, BODY)])
    response = client.post(
        "/api/screen",
        data={"campaign": JILIN},
        files={"file": ("材料.docx", word, DOCX_TYPE), "other": ("材料.pdf", b"%PDF-1.4 broken", "application/pdf")},
    )
    assert response.status_code == 422
    assert "损坏" in response.json()["message"] or "无法" in response.json()["message"]
