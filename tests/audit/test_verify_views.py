"""The chain check and the export for inspectors, through the API and the pages: throttled, scoped answers, and
a unit outside one's scope is not found."""

from datetime import datetime

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit import checkpoints
from audit.models import Event
from audit.services import record
from roles.models import OrgUnit
from tests.audit.conftest import drop_triggers_as_attacker

VERIFY = "/api/audit/verify/"
EXPORT = "/api/audit/export/"


@pytest.fixture
def api(users):
    """api("inspector"): an API client authenticated as that demo user."""

    def as_user(username):
        client = APIClient()
        client.force_authenticate(users[username])
        return client

    return as_user


@pytest.fixture
def events(users, org_tree):
    """Events in Lào Cai (the province inspector's scope) and in Hà Nội, besides the role grants of `users`."""
    with transaction.atomic():
        for code in ("LC-SAPA", "LAOCAI", "HANOI", "HN-HK-THPT", "LC-SAPA"):
            record(action="nomination.submit", actor=users["commune_staff"], org_unit=org_tree[code])


def _budget() -> int:
    """How many on-demand checks a user may run per period (settings: AUDIT_VERIFY_RATE)."""
    return int(settings.AUDIT_VERIFY_RATE.split("/")[0])


def test_a_province_inspector_learns_the_verdict_and_its_own_counts_only(api, events):
    # given a log with events in Lào Cai, in Hà Nội and elsewhere
    head = Event.objects.order_by("-seq").first()
    in_laocai = Event.objects.filter(org_path__startswith="/CP/LAOCAI/").count()
    assert 0 < in_laocai < head.seq

    # when the Lào Cai inspector verifies
    response = api("inspector").get(VERIFY)

    # then the answer is the verdict, the head's hash and the count of Lào Cai's events it checked (all of them: it
    # was the first check): no national seq or count
    body = response.json()
    assert response.status_code == 200
    assert body == {"ok": True, "head_hash": head.hash, "events_checked_in_scope": in_laocai, "complete": True,
                    "problem": None, "full_checked_at": None, "checkpoint_at": None}

    # and a second check, with one new Lào Cai event and one elsewhere, counts the new Lào Cai event only
    with transaction.atomic():
        record(action="nomination.submit", org_unit=OrgUnit.objects.get(code="LC-SAPA"))
        record(action="nomination.submit", org_unit=OrgUnit.objects.get(code="HANOI"))
    assert api("inspector").get(VERIFY).json()["events_checked_in_scope"] == 1


def test_the_national_inspector_learns_the_head_seq_and_the_national_counts(api, events):
    # given a log whose first events were verified already by a province inspector
    api("inspector").get(VERIFY)
    head = Event.objects.order_by("-seq").first()
    with transaction.atomic():
        record(action="nomination.submit", org_unit=OrgUnit.objects.get(code="HANOI"))

    # when the government's inspector verifies
    body = api("chief_inspector").get(VERIFY).json()

    # then the answer names the head (seq and hash) and says what this check read
    assert body["ok"] is True and body["head_seq"] == head.seq + 1
    assert body["head_hash"] == Event.objects.get(seq=head.seq + 1).hash
    assert (body["checked_from_seq"], body["events_checked"]) == (head.seq, 1)
    assert body["first_bad_seq"] is None and body["problem"] is None


@pytest.mark.db_owner
def test_a_break_is_409_with_its_seq_for_the_national_inspector_only(api, events):
    # given an event changed behind the application's back
    drop_triggers_as_attacker(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET comment = %s WHERE seq = 2", ["sửa lén"])

    # when both inspectors verify
    province, national = api("inspector").get(VERIFY), api("chief_inspector").get(VERIFY)

    # then both are told it is broken; only the national inspector is told where
    assert (province.status_code, national.status_code) == (409, 409)
    assert province.json()["ok"] is False and province.json()["problem"] == "changed"
    assert "first_bad_seq" not in province.json() and "message" not in province.json()
    assert national.json()["first_bad_seq"] == 2 and national.json()["problem"] == "changed"


def test_on_demand_checks_are_throttled_per_user_api_and_page_together(api, client, users, events):
    # given the Lào Cai inspector, on the API and on the pages
    inspector = api("inspector")
    client.force_login(users["inspector"])
    budget = _budget()

    # when the budget is spent half through the pages and the rest through the API
    for n in range(budget):
        response = client.post(reverse("audit-verify")) if n % 2 else inspector.get(VERIFY)
        assert response.status_code == 200, n

    # then the next check is refused with 429 on both, in Vietnamese, with Retry-After
    refused = inspector.get(VERIFY)
    assert refused.status_code == 429 and "Retry-After" in refused
    assert "Bạn đã kiểm tra quá nhiều lần" in refused.json()["detail"]
    page = client.post(reverse("audit-verify"))
    assert page.status_code == 429 and "Retry-After" in page
    assert "Bạn đã kiểm tra quá nhiều lần" in page.content.decode()

    # while another inspector still has a budget of their own
    assert api("chief_inspector").get(VERIFY).status_code == 200


def test_someone_without_the_role_is_told_403_not_throttled(api, users):
    staff = api("commune_staff")
    for _ in range(_budget() + 1):
        assert staff.get(VERIFY).status_code == 403


def test_the_verify_page_shows_the_head_seq_to_the_national_inspector_only(client, users, events):
    head = Event.objects.order_by("-seq").first()

    client.force_login(users["inspector"])
    province = client.post(reverse("audit-verify"))
    client.force_login(users["chief_inspector"])
    national = client.post(reverse("audit-verify"))

    assert province.status_code == national.status_code == 200
    assert head.hash in province.content.decode() and f"#{head.seq}" not in province.content.decode()
    assert "head_seq" not in province.context["answer"]
    assert f"#{head.seq}" in national.content.decode() and national.context["answer"]["head_seq"] == head.seq


def test_exporting_a_unit_outside_my_scope_is_not_found(api, client, users, events):
    # given the Lào Cai inspector
    inspector = api("inspector")
    client.force_login(users["inspector"])

    # when they export Hà Nội, or a unit that does not exist, then it is 404 on the API and the page
    for unit in ("HANOI", "KHONG-CO"):
        response = inspector.get(EXPORT, {"unit": unit})
        assert response.status_code == 404 and response["Content-Type"] == "application/json", unit
        assert client.get(reverse("audit-export"), {"unit": unit}).status_code == 404, unit

    # while a unit inside it exports
    inside = inspector.get(EXPORT, {"unit": "LC-SAPA"})
    assert inside.status_code == 200
    assert b"".join(inside.streaming_content).count(b"\n") == Event.objects.filter(
        org_path__startswith="/CP/LAOCAI/LC-SAPA/").count()


def test_the_page_and_the_api_name_the_checkpoint_the_log_was_held_to(api, client, users, events, settings, tmp_path):
    # given a signed checkpoint of the head
    settings.AUDIT_CHECKPOINT_KEY = str(tmp_path / "checkpoint.key")
    checkpoints.write_key_pair(settings.AUDIT_CHECKPOINT_KEY, str(tmp_path / "checkpoint.pub"))
    checkpoint = checkpoints.take()
    signed = datetime.fromisoformat(checkpoint.at)

    # when inspectors verify, then everyone is told when it was signed, only the national inspector its seq
    province, national = api("inspector").get(VERIFY).json(), api("chief_inspector").get(VERIFY).json()
    assert datetime.fromisoformat(province["checkpoint_at"]) == datetime.fromisoformat(national["checkpoint_at"]) == signed
    assert "checkpoint_seq" not in province and national["checkpoint_seq"] == checkpoint.seq
    client.force_login(users["inspector"])
    page = client.post(reverse("audit-verify"))
    assert page.status_code == 200
    assert f"lúc {timezone.localtime(signed):%d/%m/%Y %H:%M}, lưu ngoài cơ sở dữ liệu" in page.content.decode()

    # and a checkpoint file nobody's key signed is a 409 that says so
    path = settings.AUDIT_CHECKPOINT_DIR / checkpoint.name
    path.write_text(path.read_text().replace(checkpoint.head_hash, "0" * 64))
    page = client.post(reverse("audit-verify"))
    assert page.status_code == 409
    assert "Điểm kiểm tra đã ký số mới nhất không kiểm chứng được" in page.content.decode()
    assert api("chief_inspector").get(VERIFY).json()["problem"] == "checkpoint"
