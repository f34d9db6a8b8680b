"""The Chinese web page without a browser: forms, the report view, the bureau's pages with the key cookie."""

from __future__ import annotations

import re

from tests.api.docs import form_docx, material_docx
from tests.api.helpers import CAMPAIGN

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = {"Accept": "text/html"}


def test_index_offers_every_call_with_its_categories(client):
    page = client.get("/").text
    assert "申报材料自查" in page and 'name="campaign"' in page and 'name="file"' in page
    assert "广电办发〔2025〕45号" in page and "吉广电明电〔2024〕38号" in page
    assert '"categories"' in page  # the calls' choices embedded for the dependent selects (no request, no CDN)
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing loaded from elsewhere


def test_static_files_are_served(client):
    assert client.get("/static/site.css").status_code == 200
    assert "campaign-data" in client.get("/static/forms.js").text


def test_form_upload_shows_the_report_with_the_verdict_first(client):
    response = client.post(
        "/report",
        data={"campaign": CAMPAIGN, "category": "新媒体平台建设", "material": "detailed"},
        files={"file": ("案例.docx", material_docx(), DOCX)},
        headers=HTML,
    )
    assert response.status_code == 200
    page = response.text
    banner = page.index('id="verdict"')
    assert banner < page.index("问题与建议") and banner < page.index("必备要素")
    assert re.search(r'data-verdict="(pass|revise|reject)"', page)
    assert "数据维度" in page and "<svg" in page  # the at-a-glance chart


def test_form_errors_come_back_on_the_form(client):
    response = client.post(
        "/report",
        data={"campaign": CAMPAIGN},
        files={"file": ("坏.pdf", b"MZ" + b"\x00" * 64, "application/pdf")},
        headers=HTML,
    )
    assert response.status_code == 415
    assert 'id="error"' in response.text and 'id="check-form"' in response.text


def test_unknown_page_is_a_chinese_error_page(client):
    response = client.get("/no-such-page", headers=HTML)
    assert response.status_code == 404 and "找不到该页面" in response.text


def test_bureau_pages_need_the_key_and_keep_bureaus_apart(client):
    assert 'id="login-form"' in client.get("/batches").text
    wrong = client.post("/batches/login", data={"api_key": "nope"})
    assert wrong.status_code == 401 and "机构密钥无效" in wrong.text
    client.post("/batches/login", data={"api_key": "jl-key"})
    page = client.get("/batches").text
    assert "吉林省广播电视局" in page and 'id="batch-form"' in page

    files = [
        ("files", ("甲.docx", form_docx("智慧社区服务平台", "长春市融媒体中心"), DOCX)),
        ("files", ("乙.docx", form_docx("县级融媒体中心改革", "吉林市广播电视台", "创新发展机制"), DOCX)),
    ]
    created = client.post(
        "/batches",
        data={"campaign": CAMPAIGN, "unit_kind": "province", "title": "网页批次"},
        files=files,
        follow_redirects=False,
    )
    assert created.status_code == 303
    batch_url = created.headers["location"]
    batch_id = batch_url.rsplit("/", 1)[1]
    from tests.api.helpers import key, wait_for_batch

    wait_for_batch(client, batch_id, headers=key())
    page = client.get(batch_url).text
    assert "名额核对" in page and "智慧社区服务平台" in page and 'id="download-xlsx"' in page
    assert 'http-equiv="refresh"' not in page  # finished: no more auto-refresh

    ids = re.findall(r'name="rank_([0-9a-f]{32})"', page)
    assert len(ids) == 2
    form = {f"rank_{ids[0]}": "2", f"rank_{ids[1]}": "1", f"include_{ids[1]}": "on", f"note_{ids[1]}": "优先"}
    saved = client.post(f"{batch_url}/edits", data=form, follow_redirects=True)
    assert "排序已保存" in saved.text
    after = re.findall(r'name="rank_([0-9a-f]{32})"', saved.text)
    assert after == [ids[1], ids[0]]
    assert client.get(f"{batch_url}/export.csv").content.decode("utf-8-sig").count("未推荐") == 1

    client.post("/batches/logout")
    client.post("/batches/login", data={"api_key": "fj-key"})
    assert client.get(batch_url, follow_redirects=False).status_code == 404
    assert client.get(f"{batch_url}/export.xlsx").status_code == 404
    client.post("/batches/logout")
    assert client.get(batch_url, follow_redirects=False).status_code == 303


def test_docs_page_works_offline(client):
    page = client.get("/docs").text
    assert "/api/screen" in page and "/api/batches" in page and "需要机构密钥" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_notice_form_posts_to_the_notice_router(client):
    page = client.get("/").text
    found = re.search(r'<form[^>]*action="([^"]+)"[^>]*id="notice-form"', page)
    if found is None:
        import pytest

        pytest.skip("通知起草路由（api/routers/notice.py）未安装")
    notice = (
        "关于开展2026年度媒体融合典型案例征集的通知\n一、征集类别\n（一）新媒体平台建设。是指自建客户端。\n"
        "二、材料要求\n综合材料不超过1000字。\n三、征集时间\n2026年4月10日前报送。\n"
    ).encode()
    response = client.post(found.group(1), data={"format": "toml"}, files={"file": ("通知.txt", notice, "text/plain")})
    assert response.status_code == 200 and "toml" in response.headers["content-type"]
