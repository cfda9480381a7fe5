"""The audit endpoints for inspectors (scope, filters, export, chain check) and a council vote through the API."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from audit.models import Event
from nominations.models import AwardType, Status
from roles.models import Level
from tests.conftest import append_only_triggers_lifted
from workflows import actions, demo
from workflows.demo import PDF
from workflows.models import CouncilRule, CouncilVote
from workflows.selectors import open_stage


@pytest.fixture
def world(users, org_tree):
    demo.build_nominations(users, org_tree)


def test_only_inspectors_read_the_log_and_only_within_their_subtree(api, world):
    for username in ("unit_head", "commune_staff", "province_chair"):
        for path in ("/api/audit/events/", "/api/audit/export/", "/api/audit/verify/"):
            response = api(username).get(path)
            assert response.status_code == 403 and "thanh tra" in response.json()["detail"], (username, path)
    events = api("inspector").get("/api/audit/events/", {"limit": 500}).json()["results"]
    paths = {e["org_path"] for e in events}
    assert paths and all(p.startswith("/CP/LAOCAI/") for p in paths)
    everything = api("chief_inspector").get("/api/audit/events/").json()["results"]
    assert any(e["org_path"].startswith("/CP/HANOI/") for e in everything)


def test_event_filters_and_pages_newest_first(api, world):
    inspector = api("inspector")
    submits = inspector.get("/api/audit/events/", {"action": "nomination.submit"}).json()["results"]
    assert submits and {e["action"] for e in submits} == {"nomination.submit"}
    by_actor = inspector.get("/api/audit/events/", {"actor": "commune_staff"}).json()["results"]
    assert by_actor and {e["actor_name"] for e in by_actor} == {"commune_staff"}
    bacha = inspector.get("/api/audit/events/", {"unit": "LC-BACHA"}).json()["results"]
    assert bacha and all(e["org_path"].startswith("/CP/LAOCAI/LC-BACHA/") for e in bacha)
    assert inspector.get("/api/audit/events/", {"unit": "HANOI"}).json()["results"] == []  # outside my subtree
    assert inspector.get("/api/audit/events/", {"since": "2999-01-01"}).json()["results"] == []
    assert inspector.get("/api/audit/events/", {"since": "yesterday"}).status_code == 400
    assert inspector.get("/api/audit/events/", {"cursor": "not-a-cursor"}).status_code == 400
    first = inspector.get("/api/audit/events/").json()
    seqs = [e["seq"] for e in first["results"]]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == 50 and first["next"]
    second = inspector.get(first["next"]).json()
    assert second["results"][0]["seq"] < seqs[-1]


def test_export_is_json_lines_of_my_subtree_and_refuses_a_unit_outside_it(api, world):
    response = api("inspector").get("/api/audit/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert len(lines) == Event.objects.filter(org_path__startswith="/CP/LAOCAI/").count()
    assert all(line["org_path"].startswith("/CP/LAOCAI/") and line["hash"] for line in lines)
    response = api("inspector").get("/api/audit/export/", {"unit": "HANOI"})
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


@pytest.mark.django_db(transaction=True)  # committed: PostgreSQL lifts the triggers only without pending events
def test_verify_finds_a_tampered_event(api, world):
    with append_only_triggers_lifted(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET comment = 'sửa lén' WHERE seq = 3")
    response = api("inspector").get("/api/audit/verify/")  # a province's inspector: not told where (a national seq)
    assert response.status_code == 409
    assert response.json()["ok"] is False and "first_bad_seq" not in response.json()
    response = api("chief_inspector").get("/api/audit/verify/")
    assert response.status_code == 409 and response.json()["first_bad_seq"] == 3


@pytest.fixture
def commune_council(users, draft_factory):
    """A GK_XA at the commune's DECIDE step, whose council (7 voting members in the demo) must vote: quorum 50 %,
    threshold 70 % of all members."""
    CouncilRule.objects.create(level=Level.COMMUNE, award=AwardType.objects.get(code="GK_XA"), quorum_percent=50,
                               threshold_percent=70, threshold_base=CouncilRule.Base.MEMBERS)
    nomination = draft_factory("tdp_head", "LC-SAPA-TDP1", "GK_XA", kind="household", name="Hộ Lù Văn Chứ")
    actions.submit_nomination(actor=users["tdp_head"], nomination=nomination)
    demo.approve_in_turn(users, nomination, "commune_staff")
    return nomination


def upload_minutes(client, nomination) -> int:
    response = client.post(f"/api/nominations/{nomination.pk}/documents/",
                           {"kind": "bien_ban_hoi_dong", "file": SimpleUploadedFile("bien-ban.pdf", PDF)},
                           format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_the_secretary_records_the_vote_and_the_chair_then_awards(api, users, commune_council):
    nomination = commune_council
    chair, secretary = api("commune_chair"), api("commune_secretary")
    approve = f"/api/nominations/{nomination.pk}/actions/approve/"
    record = f"/api/nominations/{nomination.pk}/council-vote/"
    stage = open_stage(nomination).pk
    response = chair.post(approve, {"stage": stage}, format="json")
    assert response.status_code == 400 and "Thư ký Hội đồng" in response.json()["vote"][0]
    minutes = upload_minutes(secretary, nomination)  # the secretary may attach the minutes at a DECIDE step
    vote = {"stage": stage, "present": 6, "votes_for": 4, "minutes": minutes}
    response = secretary.post(record, vote, format="json")
    assert response.status_code == 400 and "70%" in response.json()["detail"] and "4/7" in response.json()["detail"]
    assert not CouncilVote.objects.exists()
    assert chair.post(approve, {"stage": stage}, format="json").status_code == 400  # a failing vote blocks
    response = secretary.post(record, {**vote, "votes_for": 5}, format="json")
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in ("members", "present", "votes_for", "minutes", "recorded_by")} == {
        "members": 7, "present": 6, "votes_for": 5, "minutes": minutes, "recorded_by": "commune_secretary"}
    assert secretary.post(record, {**vote, "votes_for": 6}, format="json").status_code == 409  # recorded already
    response = chair.post(approve, {"stage": stage}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.AWARDED
    assert CouncilVote.objects.get().recorded_by == users["commune_secretary"]


def test_the_finding_a_decider_s_own_vote_and_date_are_refused(api, users, draft_factory):
    """Issue 22, finding 4: with 67 % quorum and 90 % threshold, province_chair uploaded its own minutes, sent
    {members: 1, present: 1, votes_for: 1} and decision_date 1900-01-01, and awarded."""
    CouncilRule.objects.create(level=Level.PROVINCE, award=AwardType.objects.get(code="BK_TINH"), quorum_percent=67,
                               threshold_percent=90, threshold_base=CouncilRule.Base.MEMBERS)
    nomination = draft_factory(award="BK_TINH", name="Trần Văn Tự Bầu")
    actions.submit_nomination(actor=users["unit_head"], nomination=nomination)
    demo.approve_in_turn(users, nomination, "commune_staff", "commune_chair", "province_staff")
    chair = api("province_chair")
    stage = open_stage(nomination).pk
    minutes = upload_minutes(chair, nomination)
    typed = {"members": 1, "present": 1, "votes_for": 1, "minutes": minutes}
    approve = f"/api/nominations/{nomination.pk}/actions/approve/"
    response = chair.post(approve, {"stage": stage, "vote": typed, "decision_date": "1900-01-01"}, format="json")
    assert response.status_code == 400 and response.json()["decision_date"]
    response = chair.post(approve, {"stage": stage, "vote": typed}, format="json")
    assert response.status_code == 400 and "Thư ký Hội đồng" in response.json()["detail"]
    record = f"/api/nominations/{nomination.pk}/council-vote/"
    response = chair.post(record, {"stage": stage, **typed}, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    secretary = api("province_secretary")
    response = secretary.post(record, {"stage": stage, **typed}, format="json")  # members is not theirs to say
    assert response.status_code == 400 and "1/9" in response.json()["detail"]
    nomination.refresh_from_db()
    assert nomination.status == Status.IN_REVIEW and not CouncilVote.objects.exists()
    response = secretary.post(record, {"stage": stage, "present": 9, "votes_for": 9, "minutes": minutes,
                                       "members": 1}, format="json")
    assert response.status_code == 201 and response.json()["members"] == 9
    today = timezone.localdate()
    for day in ("1900-01-01", "0001-01-01", (today + datetime.timedelta(days=1)).isoformat(),
                (today - datetime.timedelta(days=1)).isoformat()):  # the day before the first submission
        response = chair.post(approve, {"stage": stage, "decision_date": day}, format="json")
        assert response.status_code == 400 and "ngày trình hồ sơ lần đầu" in response.json()["decision_date"][0], day
    response = chair.post(approve, {"stage": stage, "decision_date": today.isoformat()}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.AWARDED
    assert response.json()["decision_date"] == today.isoformat()


def test_the_council_vote_endpoint_s_refusals(api, users, commune_council):
    nomination = commune_council
    record = f"/api/nominations/{nomination.pk}/council-vote/"
    stage = open_stage(nomination)
    minutes = upload_minutes(api("commune_secretary"), nomination)
    vote = {"stage": stage.pk, "present": 6, "votes_for": 6, "minutes": minutes}
    assert api("hanoi_staff").post(record, vote, format="json").status_code == 404  # outside their scope
    assert api("province_secretary").post(record, vote, format="json").status_code == 404  # not yet at the province
    response = api("commune_staff").post(record, vote, format="json")
    assert response.status_code == 403 and "Thư ký" in response.json()["detail"]
    appraised = nomination.stages.get(step="appraise").pk
    response = api("commune_secretary").post(record, {**vote, "stage": appraised}, format="json")
    assert response.status_code == 409 and response.json()["detail"]
    response = api("commune_secretary").post(record, {**vote, "present": "many"}, format="json")
    assert response.status_code == 400 and response.json()["present"]
    assert api("commune_secretary").post(record, {"stage": stage.pk}, format="json").status_code == 400
    assert not CouncilVote.objects.exists()


def test_counts_beyond_a_small_integer_are_a_400_not_a_500(api, users, commune_council):
    """Finding 8: on PostgreSQL a vote with members: 100000 overflowed a smallint column (a 500). The counts are
    bounded by the council's membership before anything is written (CI runs this on both databases)."""
    nomination = commune_council
    record = f"/api/nominations/{nomination.pk}/council-vote/"
    secretary = api("commune_secretary")
    base = {"stage": open_stage(nomination).pk, "minutes": upload_minutes(secretary, nomination)}
    for counts in ({"present": 100000, "votes_for": 100000, "members": 100000}, {"present": 7, "votes_for": 100000},
                   {"present": 10**30, "votes_for": 0}, {"present": 32768, "votes_for": 32768}):
        response = secretary.post(record, {**base, **counts}, format="json")
        assert response.status_code == 400, (counts, response.content)
        assert response.json()["detail"] and set(response.json()) & {"present", "votes_for"}
    assert not CouncilVote.objects.exists()
