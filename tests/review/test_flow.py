"""The reviewers' desk end to end over the API: submissions frozen, flags across bureaus, decisions with history,
the export, and bad input refused without changing anything."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.api.helpers import CAMPAIGN, key
from tests.review.helpers import by_name, queue
from tests.review.materials import project_docx, zip_of


def test_a_project_two_bureaus_recommend_is_flagged_on_both_with_the_other_side(client, call):
    items = by_name(queue(client))
    jl, fj = items["智慧社区服务平台"], items["智慧社区便民服务平台"]
    assert jl["bureau"] == "吉林省广播电视局" and fj["bureau"] == "福建省广播电视局"
    assert "duplicate" in [f["kind"] for f in jl["flags"]] and "duplicate" in [f["kind"] for f in fj["flags"]]
    detail = client.get(jl["links"]["self"], headers=key("rev-key")).json()
    duplicate = next(f for f in detail["flag_details"] if f["kind"] == "duplicate")
    assert duplicate["other"]["id"] == fj["id"] and duplicate["other"]["bureau"] == "福建省广播电视局"
    assert "福建省广播电视局" in duplicate["message"]
    assert duplicate["ours"] and duplicate["theirs"]  # passages side by side
    assert duplicate["ours"][0]["text"].strip() and duplicate["theirs"][0]["text"].strip()
    # distinct projects are not flagged as duplicates of each other
    assert all(f["kind"] != "duplicate" for f in items["海洋频道融合传播"]["flags"])
    assert all(f["kind"] != "duplicate" for f in items["乡村应急广播网"]["flags"])


def test_a_2024_selection_again_in_the_same_category_is_a_banned_resubmission(client, call):
    items = by_name(queue(client))
    banned = items["融媒云端服务平台"]
    assert banned["flags"][0]["kind"] == "banned"
    detail = client.get(banned["links"]["self"], headers=key("rev-key")).json()
    flag = next(f for f in detail["flag_details"] if f["kind"] == "banned")
    assert flag["severity"] == "error" and "2024" in flag["message"] and "新媒体平台建设" in flag["message"]
    assert flag["rule"] and "五、征集和推选安排" in flag["rule"]
    assert flag["other"]["year"] == 2024 and flag["other"]["case_name"] == "融媒云端服务平台"
    assert flag["ours"] and flag["theirs"]
    assert all(f["kind"] != "banned" for f in items["乡村应急广播网"]["flags"])


def test_the_central_units_second_case_in_one_category_breaks_its_quota(client, call):
    items = by_name(queue(client))
    first, second = items["全国音频云平台"], items["移动视频客户端"]
    assert "quota" not in [f["kind"] for f in first["flags"]]
    assert "quota" in [f["kind"] for f in second["flags"]]
    detail = client.get(second["links"]["self"], headers=key("rev-key")).json()
    flag = next(f for f in detail["flag_details"] if f["kind"] == "quota")
    assert "中央单位" in flag["message"] and "不超过 1 个" in flag["message"]
    # provinces with three and two cases in one category are within their 4-per-category quota
    assert all(
        "quota" not in [f["kind"] for f in i["flags"]] for i in items.values() if i["bureau"] != "中央广播电视总台"
    )


def test_submissions_after_the_deadline_are_flagged_late(client, call):
    items = queue(client)["items"]
    assert items and all("late" in [f["kind"] for f in i["flags"]] for i in items)  # the 2025 call closed 2025-04-11
    detail = client.get(items[0]["links"]["self"], headers=key("rev-key")).json()
    late = next(f for f in detail["flag_details"] if f["kind"] == "late")
    assert late["theirs"][0]["text"] == "2025-04-11"


def test_the_queue_is_sorted_by_risk_and_filters(client, call):
    data = queue(client)
    risks = [i["risk"] for i in data["items"]]
    assert risks == sorted(risks, reverse=True)
    assert data["items"][0]["case_name"] == "融媒云端服务平台"  # the banned re-submission first
    assert data["bureaus"] == sorted(["吉林省广播电视局", "福建省广播电视局", "中央广播电视总台"])
    fujian = queue(client, bureau="福建省广播电视局")["items"]
    assert {i["bureau"] for i in fujian} == {"福建省广播电视局"} and len(fujian) == 2
    assert {i["case_name"] for i in queue(client, flag="duplicate")["items"]} == {
        "智慧社区服务平台",
        "智慧社区便民服务平台",
    }
    assert queue(client, category="不存在的类别")["items"] == []
    bad = client.get(f"/api/review/calls/{CAMPAIGN}/queue", params={"flag": "nonsense"}, headers=key("rev-key"))
    assert bad.status_code == 422 and bad.json()["code"] == "usage"


def test_a_submission_is_frozen_later_edits_of_the_batch_do_not_change_it(client, call):
    batch_id = call["batches"]["jl-key"]
    submission_id = call["submissions"]["jl-key"]["id"]
    before = client.get(f"/api/submissions/{submission_id}", headers=key("jl-key")).json()["items"]
    assert any(i["note"] == "本省重点推荐" for i in before)
    rows = client.get(f"/api/batches/{batch_id}/result", headers=key("jl-key")).json()["rows"]
    edits = {"order": [r["id"] for r in reversed(rows)], "excluded": [rows[0]["id"]], "notes": {}}
    assert client.put(f"/api/batches/{batch_id}/edits", json=edits, headers=key("jl-key")).status_code == 200
    after = client.get(f"/api/submissions/{submission_id}", headers=key("jl-key")).json()["items"]
    assert after == before


def test_a_second_submission_of_a_frozen_batch_is_refused_and_changes_nothing(client, call):
    count = len(client.get("/api/submissions", headers=key("rev-key")).json())
    again = client.post("/api/submissions", json={"batch_id": call["batches"]["jl-key"]}, headers=key("jl-key"))
    assert again.status_code == 409 and again.json()["code"] == "already_submitted"
    assert "已经报送" in again.json()["message"]
    missing = client.post("/api/submissions", json={"batch_id": "0" * 32}, headers=key("jl-key"))
    assert missing.status_code == 404 and "批次" in missing.json()["message"]
    assert len(client.get("/api/submissions", headers=key("rev-key")).json()) == count


def test_decisions_are_appended_and_the_latest_is_in_force(client, call):
    item = by_name(queue(client))["乡村应急广播网"]
    url = f"/api/review/items/{item['id']}/decisions"
    first = client.post(url, json={"decision": "pass", "note": "材料齐全"}, headers=key("rev-key"))
    assert first.status_code == 201, first.text
    second = client.post(url, json={"decision": "退回补正", "note": "补充数据来源"}, headers=key("rev-key"))
    assert second.status_code == 201
    history = client.get(url, headers=key("rev-key")).json()
    assert [d["label"] for d in history] == ["形式审查通过", "退回补正"]
    assert [d["note"] for d in history] == ["材料齐全", "补充数据来源"]
    assert all(d["reviewer"] == "王评审" and d["decided_at"] for d in history)
    current = by_name(queue(client))["乡村应急广播网"]["decision"]
    assert current["decision"] == "return" and current["note"] == "补充数据来源"
    assert {i["case_name"] for i in queue(client, decision="return")["items"]} == {"乡村应急广播网"}


def test_bad_decisions_are_refused_and_leave_the_history_as_it_was(client, call):
    item = by_name(queue(client))["海洋频道融合传播"]
    url = f"/api/review/items/{item['id']}/decisions"
    before = client.get(url, headers=key("rev-key")).json()
    invalid = client.post(url, json={"decision": "通过吧", "note": ""}, headers=key("rev-key"))
    assert invalid.status_code == 422 and invalid.json()["code"] == "invalid_decision"
    assert "形式审查通过" in invalid.json()["message"]
    missing = client.post("/api/review/items/nope/decisions", json={"decision": "pass"}, headers=key("rev-key"))
    assert missing.status_code == 404 and missing.json()["code"] == "review_item_not_found"
    assert client.get(url, headers=key("rev-key")).json() == before


def test_the_review_table_exports_decisions_in_queue_order(client, call):
    items = queue(client)["items"]
    response = client.get(f"/api/review/calls/{CAMPAIGN}/export.csv", headers=key("rev-key"))
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:8] == ["机构", "案例名称", "征集类别", "标记", "审查结论", "审查意见", "审查人", "审查时间"]
    assert [r[1] for r in rows[1:]] == [i["case_name"] for i in items]
    decided = next(r for r in rows[1:] if r[1] == "乡村应急广播网")
    assert decided[4:7] == ["退回补正", "补充数据来源", "王评审"] and decided[7]
    book = load_workbook(
        io.BytesIO(client.get(f"/api/review/calls/{CAMPAIGN}/export.xlsx", headers=key("rev-key")).content)
    )
    sheet = book.active
    assert [c.value for c in sheet[2]][:2] == ["机构", "案例名称"] and sheet.max_row == len(items) + 2


def test_a_mailed_zip_is_imported_for_a_named_bureau(client, call):
    data = zip_of(
        {
            "甲.docx": project_docx("邮寄来的案例", "某市融媒体中心", 707),
            "乙.docx": project_docx('=HYPERLINK("x")', "某县融媒体中心", 808),
        }
    )
    response = client.post(
        "/api/review/imports",
        data={"campaign": CAMPAIGN, "bureau": "福建省广播电视局", "received_on": "2025-04-10"},
        files={"file": ("福建.zip", data, "application/zip")},
        headers=key("rev-key"),
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["origin"] == "import" and created["submitted_by"] == "王评审" and created["item_count"] == 2
    items = by_name(queue(client))
    imported = items["邮寄来的案例"]
    assert imported["bureau"] == "福建省广播电视局" and imported["included"]
    assert "late" not in [f["kind"] for f in imported["flags"]]  # received before the deadline
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/api/review/calls/{CAMPAIGN}/export.csv", headers=key("rev-key")).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert '\'=HYPERLINK("x")' in [r[1] for r in rows]  # user text never becomes a formula


def test_a_zip_for_an_unknown_bureau_is_refused_and_imports_nothing(client, call):
    count = len(client.get("/api/submissions", headers=key("rev-key")).json())
    data = zip_of({"甲.docx": project_docx("不该导入的案例", "某市融媒体中心", 909)})
    response = client.post(
        "/api/review/imports",
        data={"campaign": CAMPAIGN, "bureau": "火星省广播电视局"},
        files={"file": ("火星.zip", data, "application/zip")},
        headers=key("rev-key"),
    )
    assert response.status_code == 422 and response.json()["code"] == "unknown_bureau"
    assert "火星省广播电视局" in response.json()["message"] and "吉林省广播电视局" in response.json()["message"]
    broken = client.post(
        "/api/review/imports",
        data={"campaign": CAMPAIGN, "bureau": "吉林省广播电视局"},
        files={"file": ("坏.zip", b"PK\x03\x04 not a zip", "application/zip")},
        headers=key("rev-key"),
    )
    assert 400 <= broken.status_code < 500 and broken.json()["message"]
    assert len(client.get("/api/submissions", headers=key("rev-key")).json()) == count
    assert "不该导入的案例" not in by_name(queue(client))
