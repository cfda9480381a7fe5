"""The audit endpoints for inspectors (scope, filters, export, chain check) and a council vote through the API."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

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
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


@pytest.mark.django_db(transaction=True)  # committed: PostgreSQL lifts the triggers only without pending events
def test_verify_finds_a_tampered_event(api, world):
    inspector = api("inspector")
    intact = inspector.get("/api/audit/verify/").json()
    assert intact == {"ok": True, "events_checked": Event.objects.count(), "first_bad_seq": None, "problem": None}
    with append_only_triggers_lifted(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET comment = 'sửa lén' WHERE seq = 3")
    response = inspector.get("/api/audit/verify/")
    assert response.status_code == 409
    assert response.json()["ok"] is False and response.json()["first_bad_seq"] == 3


def test_a_council_vote_goes_with_the_approval(api, users, draft_factory):
    CouncilRule.objects.create(level=Level.COMMUNE, award=AwardType.objects.get(code="GK_XA"), quorum_percent=50,
                               threshold_percent=70, threshold_base=CouncilRule.Base.MEMBERS)
    nomination = draft_factory("tdp_head", "LC-SAPA-TDP1", "GK_XA", kind="household", name="Hộ Lù Văn Chứ")
    actions.submit_nomination(actor=users["tdp_head"], nomination=nomination)
    demo.approve_in_turn(users, nomination, "commune_staff")
    chair = api("commune_chair")
    url = f"/api/nominations/{nomination.pk}/actions/approve/"
    stage = open_stage(nomination).pk
    response = chair.post(url, {"stage": stage}, format="json")
    assert response.status_code == 400 and response.json()["vote"]
    minutes = chair.post(f"/api/nominations/{nomination.pk}/documents/",
                         {"kind": "bien_ban_hoi_dong", "file": SimpleUploadedFile("bien-ban.pdf", PDF)},
                         format="multipart").json()
    vote = {"members": 10, "present": 8, "votes_for": 6, "minutes": minutes["id"]}
    response = chair.post(url, {"stage": stage, "vote": vote}, format="json")
    assert response.status_code == 400 and "70%" in response.json()["detail"]
    assert not CouncilVote.objects.exists()
    response = chair.post(url, {"stage": stage, "vote": {**vote, "votes_for": 7}}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.AWARDED
    assert CouncilVote.objects.get().votes_for == 7
