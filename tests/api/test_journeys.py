"""The browser journeys (tests/web/test_browser.py) walked through the API: same actions, same scopes."""

from django.core.files.uploadedfile import SimpleUploadedFile

from nominations.models import Nomination, Status
from workflows.demo import PDF


def act(client, nomination_id: int, action: str, expect: int = 200, **body):
    response = client.post(f"/api/nominations/{nomination_id}/actions/{action}/", body, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def act_from_inbox(client, nomination_id: int, action: str, **body) -> dict:
    """Find the nomination's open stage in my inbox and act on exactly that stage."""
    inbox = client.get("/api/inbox/", {"nomination": nomination_id}).json()
    assert inbox["count"] == 1, inbox
    stage = inbox["results"][0]
    assert stage["nomination"]["id"] == nomination_id
    return act(client, nomination_id, action, stage=stage["id"], **body)


def criteria_of(client, round_code: str, group: str) -> list[str]:
    rounds = {r["code"]: r for r in client.get("/api/rounds/", {"limit": 500}).json()["results"]}
    movements = {m["code"]: m for m in client.get("/api/movements/").json()["results"]}
    return [c["code"] for c in movements[rounds[round_code]["movement"]]["criteria"] if c["group"] == group]


def test_a_bk_ttg_nomination_travels_from_the_school_to_the_prime_minister(api):
    head = api("unit_head")
    award = next(a for a in head.get("/api/awards/").json()["results"] if a["code"] == "BK_TTG")
    codes = criteria_of(head, "1315-SK-2025", "individual")
    assert codes
    response = head.post("/api/nominations/", {
        "round": "1315-SK-2025", "award": "BK_TTG", "submitting_unit": "LC-SAPA-THCS",
        "nominee": {"kind": "individual", "name": "Hà Thị Ngọc Ánh"},
        "achievement": "Mở lớp xóa mù chữ cho đồng bào vùng cao suốt ba năm.",
        "criteria": [{"code": codes[0], "met": True, "note": "Có xác nhận của Ủy ban nhân dân phường."}],
    }, format="json")
    assert response.status_code == 201, response.json()
    nomination = response.json()
    pk = nomination["id"]
    assert nomination["status"] == "draft" and nomination["may_edit"] and "submit" in nomination["available_actions"]
    assert nomination["criteria"] == [{"code": codes[0], "met": True, "note": "Có xác nhận của Ủy ban nhân dân phường."}]

    # The rest of the criteria through PATCH; a disguised file is refused with the file's message.
    response = head.patch(f"/api/nominations/{pk}/", {"criteria": [
        {"code": code, "met": True, "note": "Có xác nhận của Ủy ban nhân dân phường."} for code in codes]},
        format="json")
    assert response.status_code == 200 and len(response.json()["criteria"]) == len(codes)
    disguised = SimpleUploadedFile("to_trinh.pdf", b"MZ\x90\x00 an executable, not a PDF")
    response = head.post(f"/api/nominations/{pk}/documents/", {"kind": "to_trinh", "file": disguised})
    assert response.status_code == 400 and "Định dạng tệp không được chấp nhận" in response.json()["file"][0]
    for kind in award["required_documents"]:
        response = head.post(f"/api/nominations/{pk}/documents/",
                             {"kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", PDF)})
        assert response.status_code == 201, response.json()
    assert {d["kind"] for d in head.get(f"/api/nominations/{pk}/documents/").json()} == set(award["required_documents"])
    assert act(head, pk, "submit")["status"] == "in_review"
    route = head.get(f"/api/nominations/{pk}/route/").json()
    assert [r["state"] for r in route][:2] == ["current", "planned"] and route[-1]["org_unit"] == "CP"

    # The commune's staff returns it to the school; the unit head resubmits.
    returned = act_from_inbox(api("commune_staff"), pk, "return", reason="Báo cáo thành tích cần số liệu năm 2025.")
    assert returned["status"] == "returned"
    assert act(head, pk, "resubmit", comment="Đã bổ sung số liệu.")["status"] == "in_review"

    # Every level approves through its inbox; the province's chair first returns it to the commune.
    for person in ("commune_staff", "commune_chair", "province_staff"):
        act_from_inbox(api(person), pk, "approve", comment=f"{person} đồng ý.")
    act_from_inbox(api("province_chair"), pk, "return", reason="Cần biên bản họp Hội đồng có kết quả bỏ phiếu.")
    for person in ("commune_chair", "province_staff", "province_chair", "central_staff"):
        act_from_inbox(api(person), pk, "approve")
    awarded = act_from_inbox(api("pm"), pk, "approve", decision_number="123/QĐ-TTg")
    assert awarded["status"] == "awarded" and awarded["decision_number"] == "123/QĐ-TTg"
    assert awarded["open_stage"] is None and awarded["available_actions"] == []
    route = api("pm").get(f"/api/nominations/{pk}/route/").json()
    assert {r["state"] for r in route} == {"done"} and len(route) == len(Nomination.objects.get(pk=pk).route)
    assert Nomination.objects.get(pk=pk).status == Status.AWARDED

    # The province's inspector reads the whole timeline and the chain verifies.
    inspector = api("inspector")
    events = inspector.get(f"/api/nominations/{pk}/events/").json()
    actions = [e["action"] for e in events]
    for action in ("nomination.create", "nomination.resubmit", "nomination.return", "nomination.award"):
        assert action in actions, actions
    assert any("Cần biên bản họp Hội đồng" in (e["data"].get("reason") or "") for e in events)
    audit = inspector.get("/api/audit/events/", {"nomination": pk}).json()
    assert [e["seq"] for e in audit["results"]] == sorted((e["seq"] for e in events), reverse=True)
    verify = inspector.get("/api/audit/verify/")
    assert verify.status_code == 200 and verify.json()["ok"] is True and verify.json()["problem"] is None
    assert verify.json()["events_checked_in_scope"] > 0 and "head_seq" not in verify.json()  # a province's count

    # Someone from Hà Nội gets "not found" for a Lào Cai nomination, whatever they ask of it.
    hanoi = api("hanoi_staff")
    for url in (f"/api/nominations/{pk}/", f"/api/nominations/{pk}/route/", f"/api/nominations/{pk}/events/",
                f"/api/nominations/{pk}/documents/"):
        response = hanoi.get(url)
        assert response.status_code == 404 and response.json() == {"detail": "Không tìm thấy hồ sơ."}
    assert hanoi.get("/api/nominations/").json()["count"] == 0
