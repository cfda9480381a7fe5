"""/api/notifications/: list, unread count and mark-read, only ever the signed-in user's, paginated, in a constant
number of queries, JSON bodies only, documented with readable operation ids and examples."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from notifications import services
from notifications.models import Kind, Notification


def notify(user, n, title="Thông báo"):
    return services.send(users=[user] * n, kind=Kind.STAGE_OPENED, title=title, body="Nội dung")


def test_the_list_the_count_and_mark_read_are_the_user_s_own(api, users):
    mine = notify(users["commune_staff"], 3, "Của tôi")
    theirs = notify(users["commune_chair"], 2, "Của người khác")
    staff = api("commune_staff")
    listed = staff.get("/api/notifications/").json()
    assert listed["count"] == 3 and {row["title"] for row in listed["results"]} == {"Của tôi"}
    assert set(listed["results"][0]) == {"id", "kind", "kind_label", "title", "body", "nomination", "created_at",
                                         "read_at", "read"}
    assert staff.get("/api/notifications/unread-count/").json() == {"unread": 3}
    # someone else's ids are ignored, never marked
    marked = staff.post("/api/notifications/read/", {"ids": [mine[0].pk, theirs[0].pk]}, format="json")
    assert marked.status_code == 200 and marked.json() == {"marked": 1, "unread": 2}
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
    assert [r["id"] for r in staff.get("/api/notifications/", {"unread": "true"}).json()["results"]] == \
        [mine[2].pk, mine[1].pk]
    assert [r["id"] for r in staff.get("/api/notifications/", {"unread": "false"}).json()["results"]] == [mine[0].pk]
    # no ids: all of them
    assert staff.post("/api/notifications/read/", {}, format="json").json() == {"marked": 2, "unread": 0}
    assert api("commune_chair").get("/api/notifications/unread-count/").json() == {"unread": 2}


def test_the_list_is_paginated_and_its_query_count_does_not_grow(api, users):
    staff = api("commune_staff")

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            response = staff.get("/api/notifications/", params)
        assert response.status_code == 200
        return len(captured), response.json()

    notify(users["commune_staff"], 2)
    few, _ = queries()
    notify(users["commune_staff"], 40)
    many, page = queries(limit=30)
    assert many == few and page["count"] == 42 and len(page["results"]) == 30 and page["next"]


def test_bad_input_is_a_400_with_a_message_and_bodies_are_json_only(api, anonymous, users):
    staff = api("commune_staff")
    response = staff.post("/api/notifications/read/", {"ids": ["x"]}, format="json")
    assert response.status_code == 400 and "ids.0" in response.json() and response.json()["detail"]
    assert staff.post("/api/notifications/read/", {"ids": [0]}, format="json").status_code == 400
    assert staff.get("/api/notifications/", {"unread": "perhaps"}).status_code == 400
    form = staff.post("/api/notifications/read/", "ids=1", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    for path in ("/api/notifications/", "/api/notifications/unread-count/"):
        assert anonymous.get(path).status_code == 401
    assert anonymous.post("/api/notifications/read/", {}, format="json").status_code == 401


def test_the_operations_have_readable_ids_and_examples(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        ("get", "/api/notifications/"): "notifications_list",
        ("get", "/api/notifications/unread-count/"): "notifications_unread_count",
        ("post", "/api/notifications/read/"): "notifications_mark_read",
    }
    for (method, path), operation_id in operations.items():
        operation = schema["paths"][path][method]
        assert operation["operationId"] == operation_id
        assert "401" in operation["responses"]
        content = operation["responses"]["200"]["content"]["application/json"]
        assert content.get("examples"), (method, path)
    body = schema["paths"]["/api/notifications/read/"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json"} and body["application/json"]["examples"]
