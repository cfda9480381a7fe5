"""Faults (issue 8, item 4): an exception after any write inside an action leaves no partial change, and a
database that is locked or down answers a clean 503 (page, or JSON under /api/) while the next request works."""

import contextlib
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, connections
from django.urls import reverse

from nominations.models import AwardType, HoldReason, Round
from workflows import actions, demo
from workflows.selectors import open_stage

WRITES = ("INSERT", "UPDATE", "DELETE")
APPS = ("audit", "nominations", "workflows", "notifications", "deadlines", "roles")


class Injected(Exception):
    """The fault: raised right after the Nth write statement of the action."""


def snapshot(media_root) -> dict:
    """Every row of the project's tables, and the files under MEDIA_ROOT."""
    rows = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    media = Path(media_root)
    rows["files"] = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return rows


@contextlib.contextmanager
def fail_after_write(n: int):
    """Raise `Injected` right after the n-th INSERT/UPDATE/DELETE; yields the count of writes seen."""
    seen = [0]

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith(WRITES):
            seen[0] += 1
            if seen[0] == n:
                raise Injected(f"after write {n}: {sql[:80]}")
        return result

    with connection.execute_wrapper(wrapper):
        yield seen


def each_fault_leaves_nothing(settings, act) -> int:
    """Fail `act` after its 1st, 2nd, ... write until it runs through; each failure must change nothing.
    Returns the number of writes of the successful run."""
    for n in range(1, 200):
        before = snapshot(settings.MEDIA_ROOT)
        with fail_after_write(n) as seen:
            try:
                act()
            except Injected:
                assert snapshot(settings.MEDIA_ROOT) == before, f"partial change left after write {n}"
                continue
        assert seen[0] < n
        assert snapshot(settings.MEDIA_ROOT) != before, "the action ran through but changed nothing"
        return seen[0]
    raise AssertionError("the action never ran through")


@pytest.fixture
def returned(draft_factory, users):
    n = draft_factory(name="Hà Văn Trả")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    actions.return_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n), reason="Thiếu minh chứng.")
    n.refresh_from_db()
    return n


def pdf(name="tai-lieu.pdf"):
    return ContentFile(demo.PDF, name=name)


CASES = {
    "create": lambda u, units, n: actions.create_nomination(
        actor=u["unit_head"], round=Round.objects.get(code="1315-2026"), award=AwardType.objects.get(code="GK_XA"),
        submitting_unit=units["LC-SAPA-THCS"], nominee={"kind": "individual", "name": "Vũ Thị Mới"},
        achievement="Thành tích.", criteria=[]),
    "update": lambda u, units, n: actions.update_nomination(actor=u["unit_head"], nomination=n.pk,
                                                            achievement="Thành tích mới."),
    "attach": lambda u, units, n: actions.attach_document(actor=u["unit_head"], nomination=n.pk, kind="to_trinh",
                                                          upload=pdf()),
    "submit": lambda u, units, n: actions.submit_nomination(actor=u["unit_head"], nomination=n.pk),
    "withdraw": lambda u, units, n: actions.withdraw_nomination(actor=u["unit_head"], nomination=n.pk, reason="Rút."),
    "approve": lambda u, units, n: actions.approve_nomination(actor=u["commune_chair"], nomination=n.pk,
                                                              stage=open_stage(n)),
    "return": lambda u, units, n: actions.return_nomination(actor=u["commune_chair"], nomination=n.pk,
                                                            stage=open_stage(n), reason="Bổ sung."),
    "reject": lambda u, units, n: actions.reject_nomination(actor=u["commune_chair"], nomination=n.pk,
                                                            stage=open_stage(n), reason="Không đạt."),
    "resubmit": lambda u, units, n: actions.resubmit_nomination(actor=u["unit_head"], nomination=n.pk),
    "hold": lambda u, units, n: actions.place_hold(actor=u["inspector"], nominee=n.nominee_id,
                                                   reason=HoldReason.DISCIPLINE, upload=pdf("qd.pdf")),
}
SUBJECT = {"create": "draft", "update": "draft", "attach": "draft", "submit": "draft", "resubmit": "returned",
           "withdraw": "in_review", "approve": "in_review", "return": "in_review", "reject": "in_review",
           "hold": "in_review"}


@pytest.mark.parametrize("action", sorted(CASES))
def test_a_fault_after_any_write_of_an_action_leaves_no_partial_change(action, request, users, org_tree, settings):
    subject = request.getfixturevalue({"draft": "in_review", "returned": "returned", "in_review": "in_review"}
                                      [SUBJECT[action]]) if SUBJECT[action] != "draft" else None
    if subject is None:
        subject = request.getfixturevalue("draft_factory")(name="Phạm Văn Nháp")
    writes = each_fault_leaves_nothing(settings, lambda: CASES[action](users, org_tree, subject))
    assert writes >= 2, f"{action}: {writes} write(s); the fault was injected after each"


def test_an_audit_failure_undoes_the_decision(in_review, users, settings):
    before = snapshot(settings.MEDIA_ROOT)
    with mock.patch("workflows.actions.review.record", side_effect=Injected("audit down")), \
            pytest.raises(Injected):
        actions.approve_nomination(actor=users["commune_chair"], nomination=in_review, stage=open_stage(in_review))
    assert snapshot(settings.MEDIA_ROOT) == before


# --- a locked or unreachable database: 503, then the next request works ---------------------------------------


@contextlib.contextmanager
def database_down(message="database is locked"):
    def refuse(execute, sql, params, many, context):
        raise OperationalError(message)

    with connection.execute_wrapper(refuse):
        yield


@pytest.mark.parametrize("message", ["database is locked", "connection to server at \"127.0.0.1\" failed"])
def test_a_page_answers_a_clean_503_and_the_next_request_works(login, message):
    client = login("commune_staff")
    with database_down(message):
        response = client.get(reverse("nomination-list"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Tạm thời gián đoạn" in page and "không truy cập được cơ sở dữ liệu" in page
    assert message not in page and "Traceback" not in page
    assert "Content-Security-Policy" in response
    assert client.get(reverse("nomination-list")).status_code == 200


def test_a_post_answers_503_too(login, in_review):
    client = login("commune_chair")
    with database_down():
        response = client.post(reverse("nomination-act", args=[in_review.pk, "approve"]), {"comment": "x"})
    assert response.status_code == 503
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


def test_the_api_answers_json_503_and_the_next_request_works(login):
    client = login("commune_staff")
    with database_down():
        response = client.get("/api/nominations/")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. "
                                          "Vui lòng thử lại sau ít phút."}
    assert client.get("/api/nominations/").status_code == 200


def test_other_errors_are_not_turned_into_503(login):
    client = login("commune_staff")
    client.raise_request_exception = False
    with mock.patch("web.views.nominations.paginate", side_effect=ValueError("bug")):
        response = client.get(reverse("nomination-list"))
    assert response.status_code == 500


@contextlib.contextmanager
def table_locked_by_another_session(table: str):
    """No simulation: a second connection holds a lock on `table` until the block ends. PostgreSQL: an exclusive
    lock, and our session gives up after lock_timeout; SQLite (the tests' shared-cache database): a write lock,
    which makes our reads fail at once with "database table is locked"."""
    other = connections.create_connection("default")
    other.set_autocommit(False)
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
    try:
        with other.cursor() as cursor:
            if postgres:
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            else:
                cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608 - a constant table name
        yield
    finally:
        other.rollback()
        other.close()
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


@pytest.mark.django_db(transaction=True)
def test_a_really_locked_table_answers_503_and_the_next_request_works(login, users):
    client = login("commune_staff")
    with table_locked_by_another_session("nominations_nomination"):
        page = client.get(reverse("nomination-list"))
        api = client.get("/api/nominations/")
    assert page.status_code == 503 and "Tạm thời gián đoạn" in page.content.decode()
    assert api.status_code == 503 and "cơ sở dữ liệu" in api.json()["detail"]
    assert client.get(reverse("nomination-list")).status_code == 200
    assert client.get("/api/nominations/").status_code == 200
