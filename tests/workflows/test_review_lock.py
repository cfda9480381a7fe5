"""The one statement every review starts with (workflows.actions.review.lock_for_review)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from nominations.models import Hold, HoldReason, Nomination
from workflows.actions.review import lock_for_review


def test_the_review_lock_reads_the_award_the_nominee_the_hold_and_the_proposers_part(in_review, users):
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        nomination = lock_for_review(in_review.pk, users["commune_chair"])
        assert nomination.award.code == in_review.award.code and nomination.nominee.name == in_review.nominee.name
        assert nomination.held is False and nomination.proposed_by == {users["commune_chair"].pk: False}
    assert len([q for q in captured if "nominations_nomination" in q["sql"]]) == 1
    with transaction.atomic():
        assert lock_for_review(in_review.pk, users["unit_head"]).proposed_by == {users["unit_head"].pk: True}
    Hold.objects.create(nominee=in_review.nominee, reason=HoldReason.DISCIPLINE, placed_by=users["admin"],
                        file="holds/x.pdf", original_name="x.pdf", sha256="0" * 64)
    with transaction.atomic():
        assert lock_for_review(in_review, users["commune_chair"]).held is True
    with pytest.raises(Nomination.DoesNotExist), transaction.atomic():
        lock_for_review(0, users["commune_chair"])


def test_the_review_paths_statements_answer_what_the_orm_queries_they_replace_answer(org_tree, users):
    """workflows.review_sql against roles.selectors, for every demo user, unit and role, on three days around an
    assignment that ends today and one that starts tomorrow."""
    import datetime

    from django.utils import timezone

    from roles import selectors
    from roles.models import Role, RoleAssignment
    from workflows import review_sql

    today = timezone.localdate()
    RoleAssignment.objects.filter(user=users["commune_chair"]).update(valid_to=today)
    RoleAssignment.objects.filter(user=users["commune_staff"]).update(valid_from=today + datetime.timedelta(days=1))
    users["province_staff"].is_active = False
    users["province_staff"].save()
    checked = 0
    for day in (today - datetime.timedelta(days=1), today, today + datetime.timedelta(days=1)):
        for unit in org_tree.values():
            for role in Role.values:
                assert review_sql.role_holders(unit.pk, role, day) == selectors.role_holders(unit.pk, role, day)
                for user in users.values():
                    held = review_sql.holds_role_at(user, role, unit, day)
                    assert held == selectors.holds_role_at(user, role, unit, day)
                    checked += held
    assert checked > 20
