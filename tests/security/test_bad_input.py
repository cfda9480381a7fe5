"""Bad input is a 4xx with a message, never a 500 (issue 22, finding 8): Unicode digits where a number is read,
criterion codes given twice, JSON nested 100,000 deep, bodies over the size limit; pages and API alike.

tests/security/test_fuzz.py throws generated junk at every route; these pin the cases that were 500s.
"""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from nominations.models import CriterionAnswer, Nomination
from nominations.rules import criteria_for

DEEP = 100_000
UNICODE_DIGITS = ("²", "³", "①", "₂")  # str.isdigit() is true, int() fails


def deep_json(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


def over_the_limit() -> bytes:
    return json.dumps({"achievement": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}).encode()


# --- numbers read from the query string -----------------------------------------------------------------------


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_a_search_for_a_unicode_digit_is_a_text_search(login, in_review, text):
    response = login("unit_head").get(reverse("nomination-list"), {"q": text})
    assert response.status_code == 200
    assert in_review.nominee.name not in response.content.decode()


def test_a_search_by_number_still_finds_the_nomination_and_a_huge_number_finds_none(login, in_review):
    client = login("unit_head")
    assert in_review.nominee.name in client.get(reverse("nomination-list"), {"q": str(in_review.pk)}).content.decode()
    response = client.get(reverse("nomination-list"), {"q": "9" * 40})
    assert response.status_code == 200 and in_review.nominee.name not in response.content.decode()


@pytest.mark.parametrize("param", ["status", "award", "round", "level", "unit", "limit", "offset"])
def test_the_api_list_filters_answer_unicode_digits_without_a_server_error(api, in_review, param):
    response = api("unit_head").get("/api/nominations/", {param: "²"})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert param in response.json() and response.json()["detail"]


@pytest.mark.parametrize("text", [*UNICODE_DIGITS, "9" * 40, "-1", "1.5"])
def test_the_audit_page_refuses_a_before_that_is_not_an_event_number(login, in_review, text):
    response = login("inspector").get(reverse("audit-events"), {"before": text})
    assert response.status_code == 400
    assert "before" in response.content.decode() and 'data-testid="errors"' in response.content.decode()


def test_the_audit_page_pages_by_event_number(login, in_review):
    response = login("inspector").get(reverse("audit-events"), {"before": "2"})
    assert response.status_code == 200 and 'data-testid="errors"' not in response.content.decode()


@pytest.mark.parametrize("param", ["cursor", "nomination", "since", "until"])
def test_the_api_audit_events_refuse_unicode_digits_in_their_paging_and_filters(api, in_review, param):
    response = api("inspector").get("/api/audit/events/", {param: "²"})
    assert response.status_code == 400 and param in response.json(), response.content


# --- criterion codes given twice --------------------------------------------------------------------------------


def _create_body(code: str) -> dict:
    return {"round": "1315-2026", "award": "GK_XA", "submitting_unit": "LC-SAPA-THCS",
            "nominee": {"kind": "individual", "name": "Lò Thị Trùng"}, "achievement": "Thành tích.",
            "criteria": [{"code": code, "met": True}, {"code": code, "met": False, "note": "lặp"}]}


def _a_code(nomination) -> str:
    return criteria_for(nomination).values_list("code", flat=True).first()


def test_a_create_that_answers_a_criterion_twice_is_400_naming_the_code(api, in_review):
    code = _a_code(in_review)
    before = Nomination.objects.count()
    response = api("unit_head").post("/api/nominations/", _create_body(code), format="json")
    assert response.status_code == 400, response.content
    assert code in " ".join(response.json()["criteria"]) and code in response.json()["detail"]
    assert Nomination.objects.count() == before


def test_an_edit_that_answers_a_criterion_twice_is_400_naming_the_code(api, draft_factory):
    draft = draft_factory(name="Lò Văn Lặp")
    code = _a_code(draft)
    CriterionAnswer.objects.filter(nomination=draft).delete()
    answers = [{"code": code, "met": True}, {"code": code, "met": False}]
    response = api("unit_head").patch(f"/api/nominations/{draft.pk}/", {"criteria": answers}, format="json")
    assert response.status_code == 400, response.content
    assert code in " ".join(response.json()["criteria"])
    assert not CriterionAnswer.objects.filter(nomination=draft).exists()


# --- JSON nested 100,000 deep -----------------------------------------------------------------------------------


def test_json_nested_100000_deep_is_400_json(api, anonymous, in_review, draft_factory):
    draft = draft_factory(name="Lò Văn Sâu")
    cases = [
        (api("unit_head"), "post", "/api/nominations/"),
        (api("unit_head"), "patch", f"/api/nominations/{draft.pk}/"),
        (api("commune_chair"), "post", f"/api/nominations/{in_review.pk}/actions/approve/"),
        (anonymous, "post", "/api/auth/token/"),
    ]
    for client, method, url in cases:
        response = getattr(client, method)(url, deep_json(), content_type="application/json")
        assert response.status_code == 400, (url, response.content)
        assert response["Content-Type"].startswith("application/json") and response.json()["detail"], url


def test_json_nested_as_deep_as_python_allows_is_400_too(api, in_review):
    response = api("unit_head").post("/api/nominations/", deep_json(2_000), content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]


# --- bodies over the size limit ---------------------------------------------------------------------------------


def test_a_json_body_over_the_limit_is_413_json(api, anonymous, in_review):
    body = over_the_limit()
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for client, url in [(api("unit_head"), "/api/nominations/"), (anonymous, "/api/auth/token/"),
                        (api("commune_chair"), f"/api/nominations/{in_review.pk}/actions/approve/")]:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 413, (url, response.content)
        assert response["Content-Type"].startswith("application/json")
        assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)) in response.json()["detail"]


def test_a_form_field_over_the_limit_in_an_api_upload_is_413_json(api, draft_factory, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    draft = draft_factory(name="Lò Văn Lớn")
    response = api("unit_head").post(f"/api/nominations/{draft.pk}/documents/", {"kind": "khac" * 1000},
                                     format="multipart")
    assert response.status_code == 413 and response.json()["detail"]


def test_a_form_over_the_limit_on_a_page_is_a_413_page(login, draft_factory, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    draft = draft_factory(name="Lò Văn Trang")
    response = login("unit_head").post(reverse("nomination-edit", args=[draft.pk]), {"achievement": "x" * 2048})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in page and "<html" in page
    assert Nomination.objects.get(pk=draft.pk).achievement != "x" * 2048


def test_too_many_form_fields_on_a_page_is_a_400_page(login, draft_factory, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    draft = draft_factory(name="Lò Văn Nhiều")
    response = login("unit_head").post(reverse("nomination-edit", args=[draft.pk]),
                                       {f"f{i}": "x" for i in range(20)})
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in response.content.decode()


def test_too_many_form_fields_in_the_api_is_400_json(api, draft_factory, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    draft = draft_factory(name="Lò Văn Trường")
    response = api("unit_head").post(f"/api/nominations/{draft.pk}/documents/", {f"f{i}": "x" for i in range(20)},
                                     format="multipart")
    assert response.status_code == 400 and response.json()["detail"]


# --- the API takes JSON where it reads JSON ---------------------------------------------------------------------


def test_json_endpoints_refuse_form_bodies_with_415(api, in_review):
    response = api("commune_chair").post(f"/api/nominations/{in_review.pk}/actions/approve/", {"comment": "x"},
                                         format="multipart")
    assert response.status_code == 415 and response.json()["detail"]


def test_the_api_docs_answer_options_without_a_server_error(client):
    assert client.options("/api/docs/").status_code < 500


# --- a NUL character, which PostgreSQL cannot store or compare --------------------------------------------------


@pytest.mark.parametrize("field", ["round", "award", "submitting_unit"])
def test_a_code_with_a_nul_character_is_400(api, in_review, field):
    body = {**_create_body("x"), "criteria": [], field: "GK\x00XA"}
    response = api("unit_head").post("/api/nominations/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


@pytest.mark.parametrize("field", ["round", "award", "submitting_unit", "nominee_name", "achievement"])
def test_a_nul_character_in_the_create_page_is_400(login, users, field):
    form = {"round": "1315-2026", "award": "GK_XA", "submitting_unit": "LC-SAPA-THCS", "nominee_kind": "individual",
            "nominee_name": "Lò Thị Nul", "achievement": "Thành tích.", field: "GK\x00XA"}
    response = login("unit_head").post(reverse("nomination-create"), form)
    assert response.status_code == 400


# --- the admin ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["change", "delete"])
def test_an_empty_to_field_in_the_admin_is_400(client, users, in_review, view):
    client.force_login(users["admin"])
    response = client.get(f"/admin/nominations/round/{in_review.round_id}/{view}/", {"_to_field": ""})
    assert response.status_code == 400


def test_the_admin_still_opens_a_change_page(client, users, in_review):
    client.force_login(users["admin"])
    assert client.get(f"/admin/nominations/round/{in_review.round_id}/change/").status_code == 200
