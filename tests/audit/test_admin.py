"""The admin shows audit events and offers no way to add, change or delete them."""

import pytest
from django.urls import reverse


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
