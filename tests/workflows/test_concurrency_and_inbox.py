import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.chain import verify_chain
from audit.models import Event
from nominations.models import Nomination
from roles.services import grant_role
from workflows import actions, demo
from workflows.catalog import load_reference_data
from workflows.errors import Conflict
from workflows.models import Stage
from workflows.selectors import inbox, open_stage


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_threads_approving_one_stage_give_one_success():
    load_reference_data()
    units = demo.build_units()
    users = demo.build_people("pw", units)
    n = demo.prepare_draft(users, units, "unit_head", "LC-SAPA-THCS", "GK_XA", "1315-2026", "individual", "A", "x")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    staff = [get_user_model().objects.create(username=f"staff{i}") for i in range(20)]
    for person in staff:
        grant_role(actor=users["admin"], user=person, org_unit=units["LC-SAPA"], role="appraiser")
    stage_id = open_stage(n).pk
    barrier = threading.Barrier(20)
    outcomes = []

    def attempt(person):
        try:
            barrier.wait()
            actions.approve_nomination(actor=person, nomination=n.pk, stage=stage_id)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001 - any other error is a failure of the test
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in staff]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == 19, outcomes
    assert Event.objects.filter(action="nomination.approve", object_id=str(n.pk)).count() == 1
    assert Stage.objects.filter(nomination=n, closed_at__isnull=True).count() == 1
    assert verify_chain().ok


def _bulk_in_review(users, units, count):
    """`count` nominations waiting at LC-SAPA's appraisal (rows written directly: this measures reads)."""
    template = demo.prepare_draft(users, units, "unit_head", "LC-SAPA-THCS", "GK_XA", "1315-2026", "individual",
                                  f"Mẫu {count}", "x")
    actions.submit_nomination(actor=users["unit_head"], nomination=template)
    rows = [Nomination(round=template.round, award=template.award, nominee=template.nominee,
                       submitting_unit=template.submitting_unit, achievement="x", status="in_review",
                       created_by=users["unit_head"], route=template.route) for _ in range(count)]
    created = Nomination.objects.bulk_create(rows)
    Stage.objects.bulk_create([Stage(nomination=m, position=0, level=20, org_unit=units["LC-SAPA"], step="appraise")
                               for m in created])


def _inbox_queries(user):
    with CaptureQueriesContext(connection) as ctx:
        rows = [(s.nomination.nominee.name, s.nomination.award.code, s.org_unit.code) for s in inbox(user)]
    return len(ctx.captured_queries), len(rows)


def test_inbox_query_count_does_not_grow(users, org_tree):
    _bulk_in_review(users, org_tree, 9)
    small_queries, small_rows = _inbox_queries(users["commune_staff"])
    _bulk_in_review(users, org_tree, 990)
    large_queries, large_rows = _inbox_queries(users["commune_staff"])
    assert (small_rows, large_rows) == (10, 1001)
    assert small_queries == large_queries <= 4  # the roles, the stages, their awards, their rounds
    assert _inbox_queries(users["hanoi_staff"])[1] == 0
