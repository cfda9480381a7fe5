"""G4 holds through the API: the province's inspector flags a nominee, the nomination waits out of every inbox,
and resumes at the same stage when the flag is cleared; others are refused."""

from django.core.files.uploadedfile import SimpleUploadedFile

from nominations.models import Nomination
from workflows import actions
from workflows.demo import PDF
from workflows.selectors import open_stage


def test_a_hold_stops_the_review_and_its_clearing_resumes_it(api, users, draft_factory):
    nomination = draft_factory(award="BK_TINH")
    actions.submit_nomination(actor=users["unit_head"], nomination=nomination)
    stage = open_stage(nomination).pk
    holds = f"/api/nominations/{nomination.pk}/holds/"
    document = {"reason": "discipline", "file": SimpleUploadedFile("quyet-dinh.pdf", PDF), "note": "Đang xem xét."}
    assert api("commune_staff").post(holds, document, format="multipart").status_code == 403
    assert api("hanoi_staff").post(holds, document, format="multipart").status_code == 404
    response = api("inspector").post(holds, {"reason": "bogus"}, format="multipart")
    assert response.status_code == 400 and {"reason", "file"} <= set(response.json())
    document["file"] = SimpleUploadedFile("quyet-dinh.pdf", PDF)
    response = api("inspector").post(holds, document, format="multipart")
    assert response.status_code == 201, response.json()
    hold = response.json()
    assert hold["placed_by"] == "inspector" and hold["cleared_at"] is None
    assert Nomination.objects.get(pk=nomination.pk).status == "on_hold"
    assert api("commune_staff").get("/api/inbox/").json()["count"] == 0
    assert [h["id"] for h in api("unit_head").get(holds).json()] == [hold["id"]]

    clear = f"{holds}{hold['id']}/clear/"
    assert api("inspector").post(clear, {"note": ""}, format="json").status_code == 400
    assert api("unit_head").post(clear, {"note": "Đã xong."}, format="json").status_code == 403
    response = api("inspector").post(clear, {"note": "Kết luận không vi phạm."}, format="json")
    assert response.status_code == 200 and response.json()["cleared_by"] == "inspector"
    assert Nomination.objects.get(pk=nomination.pk).status == "in_review" and open_stage(nomination).pk == stage
    assert api("inspector").post(clear, {"note": "Lần nữa."}, format="json").status_code == 404  # no longer active
    assert api("commune_staff").get("/api/inbox/").json()["count"] == 1
