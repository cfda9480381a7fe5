"""API tokens (issue 22): kept hashed, expire, die at a password change and at the web logout, can be revoked by
their holder, and no page shows one after it was issued."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

DEMO_PASSWORD = "pw"  # the `users` fixture's
NEW_PASSWORD = "Mật-khẩu-mới-2026!"


def issue(username: str, password: str = DEMO_PASSWORD) -> str:
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def status_with(token: str) -> int:
    return bearer(token).get("/api/me/").status_code


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="quan.tri", password="pw")


def test_the_token_endpoint_issues_a_token_that_expires_and_refuses_a_wrong_password(users, settings):
    anonymous = APIClient()
    # given a time to live of 7 hours
    settings.API_TOKEN_TTL = timedelta(hours=7)
    # when the right and a wrong password are sent
    right = anonymous.post("/api/auth/token/", {"username": "unit_head", "password": "pw"}, format="json")
    wrong = anonymous.post("/api/auth/token/", {"username": "unit_head", "password": "sai"}, format="json")
    # then the right one gets a token and the moment it expires, the wrong one a 401 without a token
    assert right.status_code == 200 and set(right.json()) == {"token", "expiry"}
    expiry = parse_datetime(right.json()["expiry"])
    assert abs(expiry - (timezone.now() + timedelta(hours=7))) < timedelta(minutes=1)
    assert status_with(right.json()["token"]) == 200
    assert wrong.status_code == 401 and wrong.json() == {"detail": "Tên đăng nhập hoặc mật khẩu không đúng."}


def test_the_database_keeps_a_digest_of_the_token_never_the_token(users):
    from knox.models import AuthToken

    token = issue("unit_head")
    rows = list(AuthToken.objects.filter(user=users["unit_head"]).values())
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0].values())


def test_a_token_is_refused_once_its_time_to_live_has_passed(users, settings):
    settings.API_TOKEN_TTL = timedelta(hours=2)
    issued_at = timezone.now()
    token = issue("commune_staff")
    with time_machine.travel(issued_at + timedelta(hours=1, minutes=59), tick=False):
        assert status_with(token) == 200
    with time_machine.travel(issued_at + timedelta(hours=2, minutes=1), tick=False):
        assert status_with(token) == 401
    assert status_with(token) == 401  # an expired token is gone, not only refused while it is late


def test_the_web_logout_kills_the_users_tokens_and_no_one_elses(client, users):
    # given two API tokens of commune_staff and one of commune_chair, and commune_staff logged in on the web
    mine, also_mine, theirs = issue("commune_staff"), issue("commune_staff"), issue("commune_chair")
    assert client.post(reverse("login"), {"username": "commune_staff", "password": "pw"}).status_code == 302
    # when commune_staff logs out of the web pages
    assert client.post(reverse("logout")).status_code == 302
    # then their tokens are refused, the other user's still works
    assert (status_with(mine), status_with(also_mine), status_with(theirs)) == (401, 401, 200)


@pytest.mark.parametrize("form", ["the user's password page", "the administrator's own password page"])
def test_a_password_changed_in_the_admin_kills_the_users_tokens(client, users, superuser, form):
    # given a staff member with a token (the administrator themself for their own password page) and a bystander
    owner = users["commune_staff"] if form == "the user's password page" else superuser
    token, bystander = issue(owner.username), issue("commune_chair")
    client.force_login(superuser)
    # when the password is changed through the admin's form
    if form == "the user's password page":
        response = client.post(reverse("admin:auth_user_password_change", args=[owner.pk]),
                               {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    else:
        response = client.post(reverse("admin:password_change"),
                               {"old_password": "pw", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # then the form was accepted, the owner's token is refused and the bystander's is not
    assert response.status_code == 302, response.context and response.context["form"].errors
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert (status_with(token), status_with(bystander)) == (401, 200)


def test_set_password_and_save_kills_the_users_tokens_and_other_saves_do_not(client, users):
    user = users["commune_staff"]
    token, bystander = issue("commune_staff"), issue("commune_chair")
    # a save that leaves the password alone (a full save, a web login's last_login) keeps the token
    user.first_name = "Tên mới"
    user.save()
    assert client.post(reverse("login"), {"username": "commune_staff", "password": "pw"}).status_code == 302
    assert status_with(token) == 200
    # a new password, saved whole or by its field alone, kills every token the user held before it
    user.set_password(NEW_PASSWORD)
    user.save()
    assert (status_with(token), status_with(bystander)) == (401, 200)
    token = issue("commune_staff", NEW_PASSWORD)
    user.set_password("pw")
    user.save(update_fields=["password"])
    assert status_with(token) == 401


def test_logout_revokes_the_token_it_carries_and_only_that_one(users, client):
    used, other, theirs = issue("province_staff"), issue("province_staff"), issue("province_chair")
    response = bearer(used).post("/api/auth/logout/")
    assert response.status_code == 204 and not response.content
    assert (status_with(used), status_with(other), status_with(theirs)) == (401, 200, 200)
    assert bearer(used).post("/api/auth/logout/").status_code == 401
    # a browser's session carries no token to revoke
    client.force_login(users["province_staff"])
    assert client.post("/api/auth/logout/").status_code == 401
    assert status_with(other) == 200


def test_logout_all_revokes_every_token_of_the_caller_and_no_one_elses(users):
    first, second, theirs = issue("province_staff"), issue("province_staff"), issue("province_chair")
    response = bearer(second).post("/api/auth/logout-all/")
    assert response.status_code == 204 and not response.content
    assert (status_with(first), status_with(second), status_with(theirs)) == (401, 401, 200)
    assert APIClient().post("/api/auth/logout-all/").status_code == 401


def test_the_logout_endpoints_and_the_expiry_are_documented(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/auth/logout/", "/api/auth/logout-all/"):
        assert set(schema["paths"][path]["post"]["responses"]) == {"204", "401"}, path
    assert set(schema["components"]["schemas"]["Token"]["properties"]) == {"token", "expiry"}


def test_no_admin_page_shows_a_key_and_the_admin_cannot_mint_one(client, users, superuser):
    # given tokens of a staff member and of the administrator
    keys = [issue("commune_staff"), issue("commune_staff"), issue(superuser.username)]
    client.force_login(superuser)
    # when the administrator opens the admin's index, the token lists (this one's and DRF's) and every token's page
    pages = {path: client.get(path) for path in
             ("/admin/", "/admin/knox/authtoken/", "/admin/authtoken/tokenproxy/", "/admin/authtoken/token/")}
    listing = pages["/admin/knox/authtoken/"]
    for link in sorted(set(re.findall(r'href="(/admin/knox/authtoken/[^"?]+/change/)"', listing.content.decode()))):
        pages[link] = client.get(link)
    # then no page holds a key or the start of one...
    for path, response in pages.items():
        assert response.status_code in (200, 404), path
        page = response.content.decode()
        for key in keys:
            assert key[:15] not in page, path
    # ...though the tokens are listed, by whom and until when
    assert listing.status_code == 200 and "commune_staff" in listing.content.decode()
    changes = [path for path in pages if path.endswith("/change/")]
    assert len(changes) == 3 and all(pages[path].status_code == 200 for path in changes)
    # and the admin cannot mint a token for anyone, or extend one
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    assert client.post(changes[0], {"expiry_0": "2099-01-01", "expiry_1": "00:00:00"}).status_code == 403
    # but can revoke one
    assert client.post(changes[0].replace("/change/", "/delete/"), {"post": "yes"}).status_code == 302
    assert sorted(status_with(key) for key in keys) == [200, 200, 401]
