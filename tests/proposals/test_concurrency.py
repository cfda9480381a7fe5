"""Two reviewers bulk-approving overlapping selections of one tờ trình at the same moment, with real threads on
PostgreSQL: each item is acted on once; the loser of each overlapping item is told so (409), nothing doubles."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from audit.chain import verify_chain
from audit.models import Event
from nominations.models import Round
from proposals import actions as proposal_actions
from roles.services import grant_role
from workflows import demo
from workflows.catalog import load_reference_data
from workflows.models import Stage

from .conftest import pins


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_bulk_approving_overlapping_selections_act_on_each_item_once():
    load_reference_data()
    units = demo.build_units()
    users = demo.build_people("pw", units)
    proposal = proposal_actions.create_proposal(actor=users["unit_head"], issuing_unit=units["LC-SAPA-THCS"],
                                                round=Round.objects.get(code="1315-2026"))
    drafts = [demo.prepare_draft(users, units, "unit_head", "LC-SAPA-THCS", "GK_XA", "1315-2026", "individual",
                                 f"Người {i}", "x") for i in range(10)]
    proposal_actions.add_items(actor=users["unit_head"], proposal=proposal, nominations=[d.pk for d in drafts])
    proposal_actions.submit_proposal(actor=users["unit_head"], proposal=proposal)
    second = get_user_model().objects.create(username="commune_staff_2")
    grant_role(actor=users["admin"], user=second, org_unit=units["LC-SAPA"], role="appraiser")
    selection = pins(proposal)
    mine, theirs = selection[:7], selection[3:]  # items 3-6 chosen by both
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def bulk(reviewer, chosen):
        try:
            barrier.wait()
            results[reviewer.username] = proposal_actions.review_items(actor=reviewer, proposal=proposal.pk,
                                                                       action="approve", items=chosen)
        except Exception as exc:  # noqa: BLE001 - any error is a failure of the test
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=bulk, args=args) for args in ((users["commune_staff"], mine), (second, theirs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    done = [pk for r in results.values() for pk in r.done]
    refused = [(x.nomination, x.status) for r in results.values() for x in r.refused]
    everything = sorted(s["nomination"] for s in selection)
    assert sorted(done) == everything  # each item once
    assert sorted(refused) == sorted((s["nomination"], 409) for s in selection[3:7])
    for pk in everything:
        assert Event.objects.filter(action="nomination.approve", object_id=str(pk)).count() == 1
        assert Stage.objects.filter(nomination_id=pk, closed_at__isnull=True, step="decide").count() == 1
    assert verify_chain().ok
