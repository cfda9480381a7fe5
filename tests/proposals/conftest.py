import pytest

from nominations.models import Round
from proposals import actions as proposal_actions
from workflows.selectors import open_stage


@pytest.fixture
def school_proposal(draft_factory, users, org_tree):
    """A factory: school_proposal(["GK_XA", "BK_TINH", …]) drafts one complete item per award at the school, puts
    them on a new tờ trình and returns it (a draft); submit=True submits it too."""

    def make(awards, submit=False, unit="LC-SAPA-THCS", proposer="unit_head", names=None):
        proposal = proposal_actions.create_proposal(actor=users[proposer], issuing_unit=org_tree[unit],
                                                    round=Round.objects.get(code="1315-2026"), title="Đề nghị khen")
        drafts = [draft_factory(proposer=proposer, unit=unit, award=award,
                                name=(names or {}).get(i, f"Người {unit} {i}")) for i, award in enumerate(awards)]
        proposal_actions.add_items(actor=users[proposer], proposal=proposal, nominations=[d.pk for d in drafts])
        if submit:
            proposal_actions.submit_proposal(actor=users[proposer], proposal=proposal, number="12/TTr-THCS")
        proposal.refresh_from_db()
        return proposal

    return make


def pins(proposal):
    """The tờ trình's items as a reviewer sees them: [{nomination, stage}] with each open stage."""
    return [{"nomination": i.nomination_id, "stage": open_stage(i.nomination).pk}
            for i in proposal.items.select_related("nomination").order_by("position")]
