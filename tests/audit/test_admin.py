"""The admin shows audit events and offers no way to add, change or delete them; every admin change to data
that routing, decisions, scopes or a dossier depend on is an event with the changed fields before and after."""

import datetime

import pytest
from django.urls import reverse

from audit.chain import verify_chain
from audit.models import Event
from deadlines.models import CalendarOverride
from nominations.models import AwardRule, AwardType, Movement, Nomination, Status
from roles.models import Level, OrgUnit, Role, RoleAssignment
from tests.admin_forms import post_change_form, post_form
from workflows import demo
from workflows.models import CouncilRule, RoutingProfile


@pytest.fixture
def admin_session(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="quan.tri", password="x"))
    return client


def test_a_superuser_can_list_and_view_but_not_add_change_or_delete(admin_session, six_events):
    # given six events and a superuser
    # when they open the list, an event, and the add, delete and bulk-delete paths
    listing = admin_session.get(reverse("admin:audit_event_changelist"), {"action": "nomination.approve"})
    detail = admin_session.get(reverse("admin:audit_event_change", args=[3]))
    post = admin_session.post(reverse("admin:audit_event_change", args=[3]), {"comment": "đã sửa"})
    add = admin_session.get(reverse("admin:audit_event_add"))
    delete = admin_session.post(reverse("admin:audit_event_delete", args=[3]), {"post": "yes"})

    # then the list (filtered) and the event are shown read-only, and every write is refused
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 3
    assert listing.context["action_form"] is None  # no bulk delete action
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert (post.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    assert (
        admin_session.get(reverse("admin:audit_event_change", args=[3])).context["original"].comment
        == "bước 3"
    )


# --- every admin change to data that routing, decisions, scopes or a dossier depend on is an event ---------------

@pytest.fixture
def superuser(users):
    return users["admin"]


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def events_after(seq: int):
    return list(Event.objects.filter(seq__gt=seq).order_by("seq"))


def head() -> int:
    return Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def saved(response):
    """The admin redirects after a save it accepted; a form with errors comes back as 200."""
    errors = response.context and response.context.get("errors")
    assert response.status_code == 302, errors or response.status_code
    return response


def the_one_event(since: int) -> Event:
    found = events_after(since)
    assert len(found) == 1, [(e.action, e.data) for e in found]
    assert verify_chain().ok
    return found[0]


def test_renaming_the_nominee_of_an_awarded_nomination_is_an_event_with_before_and_after(
        admin_client, draft_factory, users):
    nomination = draft_factory(proposer="tdp_head", unit="LC-SAPA-TDP1", award="GK_XA", kind="clan",
                               name="Dòng họ Giàng ở Sa Pa")
    from workflows import actions

    actions.submit_nomination(actor=users["tdp_head"], nomination=nomination)
    demo.approve_in_turn(users, nomination, "commune_staff", "commune_chair")
    assert Nomination.objects.get(pk=nomination.pk).status == Status.AWARDED
    since = head()

    saved(post_change_form(admin_client, nomination.nominee, name="Dòng họ Giàng Sa Pa (đã đổi)"))

    event = the_one_event(since)
    assert event.action == "admin.change" and event.actor_name == "admin"
    assert (event.object_type, event.object_id) == ("nominations.nominee", str(nomination.nominee_id))
    assert event.data == {"model": "nominations.nominee",
                          "fields": {"name": ["Dòng họ Giàng ở Sa Pa", "Dòng họ Giàng Sa Pa (đã đổi)"]}}
    assert (event.org_unit, event.org_path) == ("LC-SAPA-TDP1", "/CP/LAOCAI/LC-SAPA/LC-SAPA-TDP1/")


def _council_rule():
    return CouncilRule.objects.create(level=Level.COMMUNE, threshold_percent=50)


@pytest.mark.parametrize("get, changes, expected", [
    (lambda: AwardType.objects.get(code="GK_XA"), {"deciding_level": Level.DISTRICT},
     {"deciding_level": [Level.COMMUNE, Level.DISTRICT]}),
    (lambda: AwardRule.objects.get(award__code="CSTD_CS", valid_from=datetime.date(2025, 7, 1)),
     {"valid_from": "2025-08-01"}, {"valid_from": ["2025-07-01", "2025-08-01"]}),
    (_council_rule, {"threshold_percent": "65"}, {"threshold_percent": [50, 65]}),
    (lambda: RoutingProfile.objects.get(code="LOCAL-2TIER"), {"valid_to": "2030-12-31"},
     {"valid_to": [None, "2030-12-31"]}),
    (lambda: OrgUnit.objects.get(code="LC-BACHA"), {"name": "Xã Bắc Hà (mới)"},
     {"name": ["Xã Bắc Hà", "Xã Bắc Hà (mới)"]}),
    (lambda: CalendarOverride.objects.create(date=datetime.date(2026, 5, 2), is_working_day=True, reason="Làm bù"),
     {"is_working_day": None}, {"is_working_day": [True, False]}),
], ids=["award", "award-rule", "council-rule", "routing-profile", "unit", "calendar"])
def test_an_admin_edit_of_decision_data_is_an_event_with_the_changed_fields_only(admin_client, get, changes,
                                                                                 expected):
    obj = get()
    since = head()

    saved(post_change_form(admin_client, obj, **changes))

    event = the_one_event(since)
    assert event.action in ("admin.change", "orgunit.change")
    assert (event.object_type, event.object_id) == (obj._meta.label_lower, str(obj.pk))
    assert event.data["model"] == obj._meta.label_lower
    assert event.data["fields"] == expected


def test_saving_an_unchanged_form_records_nothing_and_a_refused_form_records_nothing(admin_client):
    award = AwardType.objects.get(code="GK_XA")
    since = head()
    saved(post_change_form(admin_client, award))
    refused = post_change_form(admin_client, award, deciding_level="")
    assert refused.status_code == 200 and refused.context["errors"]
    assert events_after(since) == []


def test_inline_criteria_edits_are_in_the_movements_event(admin_client):
    movement = Movement.objects.first()
    criterion = movement.criteria.order_by("pk").first()
    since = head()
    url = f"/admin/nominations/movement/{movement.pk}/change/"
    response = admin_client.get(url)
    prefix = response.context["inline_admin_formsets"][0].formset.prefix
    index = next(i for i, form in enumerate(response.context["inline_admin_formsets"][0].formset.forms)
                 if form.instance.pk == criterion.pk)

    saved(post_form(admin_client, url, "movement_form", **{f"{prefix}-{index}-text": "Tiêu chí đã sửa."}))

    event = the_one_event(since)
    assert event.action == "admin.change" and event.data["fields"] == {}
    assert event.data["inlines"] == {"nominations.criterion": [
        {"id": criterion.pk, "op": "change", "fields": {"text": [criterion.text, "Tiêu chí đã sửa."]}}]}


def test_adding_and_deleting_through_the_admin_are_events(admin_client):
    since = head()
    saved(post_form(admin_client, "/admin/deadlines/calendaroverride/add/", "calendaroverride_form",
                    date="2026-09-05", is_working_day="on", reason="Làm bù ngày 2/9"))
    added = the_one_event(since)
    override = CalendarOverride.objects.get(date=datetime.date(2026, 9, 5))
    assert added.action == "admin.add" and added.object_id == str(override.pk)
    assert added.data["fields"] == {"id": [None, override.pk], "date": [None, "2026-09-05"],
                                    "is_working_day": [None, True], "reason": [None, "Làm bù ngày 2/9"]}

    since = head()
    response = admin_client.post(f"/admin/deadlines/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not CalendarOverride.objects.exists()
    deleted = the_one_event(since)
    assert deleted.action == "admin.delete"
    assert deleted.data["fields"] == {"id": [override.pk, None], "date": ["2026-09-05", None],
                                      "is_working_day": [True, None], "reason": ["Làm bù ngày 2/9", None]}


def test_the_bulk_delete_action_records_each_row(admin_client):
    overrides = [CalendarOverride.objects.create(date=datetime.date(2026, 10, day), is_working_day=False)
                 for day in (1, 2)]
    since = head()
    response = admin_client.post("/admin/deadlines/calendaroverride/", {
        "action": "delete_selected", "_selected_action": [o.pk for o in overrides], "post": "yes"})
    assert response.status_code == 302 and not CalendarOverride.objects.exists()
    found = events_after(since)
    assert [(e.action, e.object_id) for e in found] == [("admin.delete", str(o.pk)) for o in overrides]
    assert verify_chain().ok


def test_editing_a_user_records_the_fields_and_groups_and_a_password_change_without_its_hash(admin_client, users):
    from django.contrib.auth.models import Group

    staff = users["bacha_staff"]
    group = Group.objects.create(name="Cán bộ thi đua")
    since = head()

    saved(post_change_form(admin_client, staff, first_name="Hoàng Văn Nam (đổi)", is_active=None,
                           groups=[str(group.pk)]))

    event = the_one_event(since)
    assert event.action == "admin.change" and event.object_type == "auth.user"
    assert event.data["fields"] == {"first_name": ["Hoàng Văn Nam", "Hoàng Văn Nam (đổi)"],
                                    "is_active": [True, False], "groups": [[], [group.pk]]}

    since = head()
    old_hash = staff.password
    response = admin_client.post(f"/admin/auth/user/{staff.pk}/password/", {
        "password1": "một-mật-khẩu-mới-dài", "password2": "một-mật-khẩu-mới-dài", "set_usable_password": "true"})
    assert response.status_code == 302
    event = the_one_event(since)
    staff.refresh_from_db()
    assert event.action == "admin.password_change" and event.object_id == str(staff.pk)
    assert event.data == {"model": "auth.user", "fields": {}, "redacted": ["password"]}
    text = str(event.data) + event.comment
    assert old_hash not in text and staff.password not in text and "một-mật-khẩu" not in text


def test_changing_a_role_assignments_dates_in_the_admin_is_an_event_and_takes_effect_at_once(admin_client, users,
                                                                                               org_tree):
    from roles.selectors import holds_role_at

    assignment = RoleAssignment.objects.get(user=users["bacha_staff"], role=Role.APPRAISER)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    since = head()

    saved(post_change_form(admin_client, assignment, valid_to=yesterday.isoformat()))

    event = the_one_event(since)
    assert event.action == "role.change" and event.org_unit == "LC-BACHA"
    assert event.data["fields"] == {"valid_to": [None, yesterday.isoformat()]}
    assert not holds_role_at(users["bacha_staff"], Role.APPRAISER, org_tree["LC-BACHA"])
