"""The tờ trình through the API: the journey, answers per item, scope (404), roles (403), state (409), bad input
(400), and statement counts that do not grow with the number of items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Event
from nominations.models import Nomination, Status
from proposals.models import Proposal

from ..proposals.conftest import pins

pytestmark = pytest.mark.django_db


def items_json(proposal_json):
    return [(i["nomination"]["id"], i["open_stage"]["id"]) for i in proposal_json["items"]]


def test_the_journey_through_the_api(api, draft_factory, users):
    school = api("unit_head")
    created = school.post("/api/proposals/", {"issuing_unit": "LC-SAPA-THCS", "round": "1315-2026",
                                              "title": "Đề nghị khen"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    drafts = [draft_factory(name=f"Người {i}", award=award) for i, award in enumerate(["GK_XA", "GK_XA", "BK_TINH"])]
    added = school.post(f"/api/proposals/{pk}/items/", {"nominations": [d.pk for d in drafts]}, format="json")
    assert added.status_code == 200 and [i["lacks"] for i in added.json()["items"]] == [[], [], []]
    fresh = school.post(f"/api/proposals/{pk}/new-items/", {"items": [
        {"award": "GK_XA", "nominee": {"kind": "individual", "name": "Mới lập"}, "achievement": "Tích cực"}]},
        format="json")
    assert fresh.status_code == 201, fresh.content
    lacking = fresh.json()["items"][-1]
    assert lacking["nomination"]["status"] == "draft" and any("Thiếu" in x for x in lacking["lacks"])
    refused = school.post(f"/api/proposals/{pk}/submit/", {}, format="json")
    assert refused.status_code == 400 and f"#{lacking['nomination']['id']}" in refused.json()["detail"]
    assert Nomination.objects.filter(pk__in=[d.pk for d in drafts], status=Status.DRAFT).count() == 3
    # the proposer drops nothing here: a new tờ trình with the three complete drafts only
    second = school.post("/api/proposals/", {"issuing_unit": "LC-SAPA-THCS", "round": "1315-2026"}, format="json")
    pk = second.json()["id"]
    school.post(f"/api/proposals/{pk}/items/", {"nominations": [d.pk for d in drafts]}, format="json")
    submitted = school.post(f"/api/proposals/{pk}/submit/", {"number": "3/TTr-THCS"}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["addressee"] == "LC-SAPA"
    assert school.post(f"/api/proposals/{pk}/submit/", {}, format="json").status_code == 409
    groups = api("commune_staff").get("/api/inbox/proposals/").json()
    assert [(g["proposal"]["id"], g["count"]) for g in groups] == [(pk, 3)]
    staff_view = api("commune_staff").get(f"/api/proposals/{pk}/").json()
    selection = [{"nomination": n, "stage": s} for n, s in items_json(staff_view)]
    answer = api("commune_staff").post(f"/api/proposals/{pk}/review/", {"action": "approve", "items": selection},
                                       format="json")
    assert answer.status_code == 200 and len(answer.json()["done"]) == 3
    chair_view = api("commune_chair").get(f"/api/proposals/{pk}/").json()
    selection = [{"nomination": n, "stage": s} for n, s in items_json(chair_view)]
    returned = api("commune_chair").post(f"/api/proposals/{pk}/review/", {
        "action": "return", "items": selection[:1], "reason": "Bổ sung minh chứng"}, format="json").json()
    assert returned["done"] == [selection[0]["nomination"]]
    decided = api("commune_chair").post(f"/api/proposals/{pk}/review/", {
        "action": "approve", "items": selection[1:], "decision_number": "9/QĐ-UBND", "number": "4/TTr-UBND"},
        format="json").json()
    assert decided["decision"] and decided["forwarded_in"] and not decided["refused"]
    decisions = api("commune_chair").get("/api/decisions/").json()["results"]
    assert [(d["number"], d["nominations"]) for d in decisions] == [("9/QĐ-UBND", [selection[1]["nomination"]])]
    again = school.post(f"/api/proposals/{pk}/resubmit/", {"nominations": [selection[0]["nomination"]]},
                        format="json").json()
    assert again["done"] == [selection[0]["nomination"]]
    envelope = decided["forwarded_in"][0]
    assert api("province_staff").get(f"/api/proposals/{envelope}/").json()["issuing_unit"] == "LC-SAPA"


def test_out_of_scope_is_404_and_missing_role_403(api, school_proposal):
    proposal = school_proposal(["GK_XA"], submit=True)
    for outsider in ("hanoi_unit_head", "bacha_staff", "hanoi_staff"):
        assert api(outsider).get(f"/api/proposals/{proposal.pk}/").status_code == 404
        response = api(outsider).post(f"/api/proposals/{proposal.pk}/review/", {
            "action": "approve", "items": pins(proposal)}, format="json")
        assert response.status_code == 404
    assert api("commune_staff").post("/api/proposals/", {"issuing_unit": "LC-SAPA-THCS", "round": "1315-2026"},
                                     format="json").status_code == 403
    assert api("tdp_head").post("/api/proposals/", {"issuing_unit": "LC-SAPA-THCS", "round": "1315-2026"},
                                format="json").status_code == 403
    draft = school_proposal(["GK_XA"])
    assert api("commune_staff").get(f"/api/proposals/{draft.pk}/").status_code == 404  # not sent yet
    assert api("inspector").get(f"/api/proposals/{draft.pk}/").status_code == 200


def test_bad_input_is_400_naming_the_field(api, school_proposal):
    proposal = school_proposal(["GK_XA"], submit=True)
    staff = api("commune_staff")
    cases = [
        ({"action": "return", "items": pins(proposal)}, "reason"),
        ({"action": "withdraw", "items": pins(proposal)}, "action"),
        ({"action": "approve", "items": []}, "items"),
        ({"action": "approve", "items": [{"nomination": "x", "stage": 1}]}, "items.0.nomination"),
    ]
    before = Event.objects.count()
    for body, field in cases:
        response = staff.post(f"/api/proposals/{proposal.pk}/review/", body, format="json")
        assert response.status_code == 400 and any(k.startswith(field) for k in response.json()), response.json()
    assert staff.post(f"/api/proposals/{proposal.pk}/review/", "x", content_type="text/plain").status_code == 415
    assert Event.objects.count() == before


def test_mixed_outcomes_through_the_api_change_none_of_the_refused(api, school_proposal, users):
    proposal = school_proposal(["GK_XA", "GK_XA", "GK_XA"], submit=True)
    selection = pins(proposal)
    selection[1]["stage"] += 1000  # a stage the reviewer never saw: stale
    chair = api("commune_chair").post(f"/api/proposals/{proposal.pk}/review/", {
        "action": "approve", "items": selection[2:]}, format="json").json()
    assert [r["status"] for r in chair["refused"]] == [403]  # the chair decides; appraisal is the staff's
    answer = api("commune_staff").post(f"/api/proposals/{proposal.pk}/review/", {
        "action": "reject", "items": selection, "reason": "Không đạt"}, format="json").json()
    assert answer["done"] == [selection[0]["nomination"], selection[2]["nomination"]]
    assert [(r["nomination"], r["status"]) for r in answer["refused"]] == [(selection[1]["nomination"], 409)]
    assert Nomination.objects.get(pk=selection[1]["nomination"]).status == Status.IN_REVIEW


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def test_reads_take_the_same_statements_for_a_tờ_trình_of_one_item_and_of_many(api, school_proposal):
    one = school_proposal(["GK_XA"], submit=True)
    reviewer, proposer = api("commune_staff"), api("unit_head")
    few = [_count(proposer, "/api/proposals/"), _count(reviewer, f"/api/proposals/{one.pk}/"),
           _count(reviewer, "/api/inbox/proposals/"), _count(reviewer, "/api/inbox/")]
    many = school_proposal(["GK_XA", "BK_TINH"] * 4, submit=True)
    school_proposal(["GK_XA"] * 3, submit=True, unit="LC-SAPA-TDP1", proposer="tdp_head")
    more = [_count(proposer, "/api/proposals/"), _count(reviewer, f"/api/proposals/{many.pk}/"),
            _count(reviewer, "/api/inbox/proposals/"), _count(reviewer, "/api/inbox/")]
    assert few == more
    assert len(api("commune_staff").get("/api/inbox/proposals/").json()) == 3
    assert Proposal.objects.count() == 3
