"""The permission matrix through the API (as tests/web/test_page_matrix.py does through the pages), and each
error status with its JSON body: 404 out of scope, 403 no role, 409 wrong state or stale stage, 400 bad input
with the field's message, 401 without credentials. Whatever is refused changes nothing."""

import pytest
from django.db import transaction

from nominations.models import Nomination
from roles.models import OrgUnit
from workflows import actions, demo
from workflows.selectors import open_stage

from ..web.test_page_matrix import may_read
from ..workflows.test_permission_matrix import SOURCES, entitled, grant_second_roles, snapshot


class _Undo(Exception):
    """Roll back a successful action so every combination starts from the same state."""


def url(nomination, action: str) -> str:
    return f"/api/nominations/{nomination.pk}/actions/{action}/"


@pytest.mark.parametrize("action", list(SOURCES))
def test_api_permission_matrix(action, api, users, org_tree):
    demo.build_nominations(users, org_tree)
    grant_second_roles(users, org_tree)
    paths = dict(OrgUnit.objects.values_list("code", "path"))
    seen = {404: 0, 409: 0, 403: 0, 200: 0, 400: 0}
    for nomination in Nomination.objects.select_related("submitting_unit"):
        for username in users:
            if username == "admin":
                continue
            client = api(username)
            stage = open_stage(nomination)
            before = snapshot(nomination)
            if not may_read(username, nomination, paths):
                expected = {404}
            elif nomination.status not in SOURCES[action]:
                expected = {409}
            elif not entitled(action, username, nomination, stage):
                expected = {403}
            else:
                expected = {200, 400}
            body = {"stage": stage.pk if stage else None, "reason": "Lý do kiểm thử", "comment": ""}
            try:
                with transaction.atomic():
                    response = client.post(url(nomination, action), body, format="json")
                    if response.status_code == 200:
                        raise _Undo
            except _Undo:
                pass
            assert response.status_code in expected, (action, username, nomination.status, response.content)
            assert set(response.json()) >= ({"id", "status"} if response.status_code == 200 else {"detail"})
            seen[response.status_code] += 1
            if response.status_code != 200:
                assert snapshot(nomination) == before, (action, username, nomination.status)
    assert seen[404] and seen[403] and seen[409]
    assert seen[200] + seen[400] > 0


@pytest.fixture
def in_review(draft_factory, users):
    nomination = draft_factory(award="BK_TINH")
    actions.submit_nomination(actor=users["unit_head"], nomination=nomination)
    return nomination


def test_no_credentials_is_401_with_the_token_scheme(anonymous, in_review):
    for path in ("/api/me/", "/api/nominations/", f"/api/nominations/{in_review.pk}/", "/api/inbox/"):
        response = anonymous.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")  # a browser
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token", path
        assert set(response.json()) == {"detail"}
    response = anonymous.post(url(in_review, "approve"), {}, format="json")
    assert response.status_code == 401
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert anonymous.get("/api/me/").status_code == 401


def test_a_wrong_password_is_401_and_a_right_one_gives_a_working_token(anonymous, users):
    response = anonymous.post("/api/auth/token/", {"username": "unit_head", "password": "wrong"}, format="json")
    assert response.status_code == 401 and response.json() == {"detail": "Tên đăng nhập hoặc mật khẩu không đúng."}
    response = anonymous.post("/api/auth/token/", {"username": "unit_head"}, format="json")
    assert response.status_code == 400 and "password" in response.json()
    token = anonymous.post("/api/auth/token/", {"username": "unit_head", "password": "pw"}, format="json").json()
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    me = anonymous.get("/api/me/").json()
    assert me["username"] == "unit_head" and me["full_name"] == "Nguyễn Văn Hùng"
    assert [(r["org_unit"], r["role"]) for r in me["roles"]] == [("LC-SAPA-THCS", "proposer")]


def test_session_authentication_works_for_the_browser(client, users):
    client.force_login(users["commune_staff"])
    assert client.get("/api/me/").json()["username"] == "commune_staff"


def test_return_without_a_reason_is_400_with_the_field_message_and_changes_nothing(api, in_review):
    before = snapshot(in_review)
    response = api("commune_staff").post(url(in_review, "return"), {"stage": open_stage(in_review).pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Hãy nêu lý do.", "reason": ["Hãy nêu lý do."]}
    assert snapshot(in_review) == before


def test_a_review_without_the_stage_is_400_and_a_stale_stage_is_409(api, in_review):
    client = api("commune_staff")
    response = client.post(url(in_review, "approve"), {}, format="json")
    assert response.status_code == 400 and "stage" in response.json()
    stale = open_stage(in_review).pk
    assert client.post(url(in_review, "approve"), {"stage": stale}, format="json").status_code == 200
    before = snapshot(in_review)
    response = api("commune_chair").post(url(in_review, "approve"), {"stage": stale}, format="json")
    assert response.status_code == 409 and "đã được xử lý" in response.json()["detail"]
    assert snapshot(in_review) == before


def test_acting_without_the_role_is_403_and_wrong_state_409(api, in_review):
    stage = open_stage(in_review).pk
    response = api("inspector").post(url(in_review, "approve"), {"stage": stage}, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    response = api("unit_head").post(url(in_review, "submit"), {}, format="json")
    assert response.status_code == 409 and "Đang xét duyệt" in response.json()["detail"]


def test_the_proposer_may_not_review_their_own_nomination_400(api, users, org_tree, draft_factory):
    """Separation of duties is a guard (400) even for someone who holds the reviewing role."""
    from roles.services import grant_role

    grant_role(actor=users["admin"], user=users["unit_head"], org_unit=org_tree["LC-SAPA"], role="appraiser")
    nomination = draft_factory(award="BK_TINH")
    actions.submit_nomination(actor=users["unit_head"], nomination=nomination)
    response = api("unit_head").post(url(nomination, "approve"), {"stage": open_stage(nomination).pk}, format="json")
    assert response.status_code == 400 and "không được thẩm định" in response.json()["detail"]


def test_unknown_action_and_unknown_address_are_json_404(api, in_review):
    client = api("unit_head")
    response = client.post(url(in_review, "promote"), {}, format="json")
    assert response.status_code == 404 and response.json() == {"detail": "Không có thao tác này."}
    for path in ("/api/nope/", f"/api/nominations/{in_review.pk + 1000}/", f"/api/nominations/{2**70}/route/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
    response = client.post("/api/nominations/abc/actions/submit/", {}, format="json")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_create_needs_the_proposer_role_then_valid_input(api):
    body = {"round": "1315-2026", "award": "GK_XA", "submitting_unit": "LC-SAPA-THCS",
            "nominee": {"kind": "alien", "name": ""}, "achievement": "Thành tích."}
    response = api("commune_staff").post("/api/nominations/", body, format="json")
    assert response.status_code == 403
    response = api("unit_head").post("/api/nominations/", {**body, "award": "NO_SUCH"}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"award", "nominee.kind", "nominee.name"} <= set(errors) and errors["detail"]
    response = api("tdp_head").post("/api/nominations/", {**body, "nominee": {"kind": "individual", "name": "A"}},
                                    format="json")
    assert response.status_code == 403  # a proposer, but not of the submitting unit
    response = api("unit_head").post("/api/nominations/", {**body, "nominee": {"kind": "individual", "name": "A"},
                                                           "criteria": [{"code": "NO_SUCH", "met": True}]},
                                     format="json")
    assert response.status_code == 400 and "NO_SUCH" in response.json()["criteria"][0]
    assert not Nomination.objects.exists()


def test_patch_is_409_out_of_draft_403_for_others_and_400_for_bad_input(api, draft_factory, in_review):
    response = api("unit_head").patch(f"/api/nominations/{in_review.pk}/", {"achievement": "Mới."}, format="json")
    assert response.status_code == 409
    draft = draft_factory(name="Bản nháp")
    assert api("inspector").patch(f"/api/nominations/{draft.pk}/", {"achievement": "x"}, format="json").status_code == 403
    assert api("hanoi_staff").patch(f"/api/nominations/{draft.pk}/", {"achievement": "x"}, format="json").status_code == 404
    response = api("unit_head").patch(f"/api/nominations/{draft.pk}/", {}, format="json")
    assert response.status_code == 400 and "Không có gì để sửa" in response.json()["detail"]
    response = api("unit_head").patch(f"/api/nominations/{draft.pk}/", {"achievement": "   "}, format="json")
    assert response.status_code == 400 and response.json()["achievement"]
    response = api("unit_head").patch(f"/api/nominations/{draft.pk}/", {"achievement": "Thành tích mới."},
                                      format="json")
    assert response.status_code == 200 and response.json()["achievement"] == "Thành tích mới."


def test_filters_are_checked_and_applied(api, draft_factory, in_review):
    client = api("unit_head")
    draft_factory(name="Bản nháp")
    assert client.get("/api/nominations/", {"status": "bogus"}).status_code == 400
    assert client.get("/api/nominations/", {"status": "draft"}).json()["count"] == 1
    assert client.get("/api/nominations/", {"level": 20}).json()["count"] == 1  # the one at the commune
    assert client.get("/api/nominations/", {"award": "BK_TINH"}).json()["count"] == 1
    assert client.get("/api/nominations/", {"unit": "HANOI"}).json()["count"] == 0
    assert api("commune_staff").get("/api/inbox/", {"level": 40}).json()["count"] == 0
    assert api("commune_staff").get("/api/inbox/", {"nomination": in_review.pk}).json()["count"] == 1
