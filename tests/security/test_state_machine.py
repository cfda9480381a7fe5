"""Property-based test of the workflow (issue 8, item 2): random demo users perform random actions on a few
nominations through the action functions; after every step the invariants hold.

Each Hypothesis example runs inside a savepoint that is rolled back, so every example starts from the same
drafts. HYPOTHESIS_EXAMPLES sets the number of examples (default 20, 25 steps each).
"""

import os

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Q
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from audit.chain import verify_chain
from audit.models import Event
from nominations.models import DocumentKind, Hold, HoldReason, Nomination, Status
from nominations.rules import deciding_level_for
from roles.models import Role
from workflows import actions, demo
from workflows.errors import HANDLED
from workflows.models import Outcome, Stage, Step

# The oracle of who holds which role where: the demo's own list, not the permission tables the actions read.
HOLDS = {(username, role, unit) for username, _name, role, unit in demo.PEOPLE}
USERNAMES = [username for username, *_ in demo.PEOPLE]
REVIEW = ("approve", "return", "reject")
PROPOSER_ACTIONS = ("submit", "resubmit", "withdraw")
HELD = (Status.IN_REVIEW, Status.ON_HOLD)
# What the role holders do, weighted so that examples reach the deciding levels (withdraw and reject end a run).
LIKELY = ("approve", "approve", "approve", "approve", "approve", "return", "return", "reject", "withdraw")


def holds(username: str, role: str, unit_code: str) -> bool:
    return (username, role, unit_code) in HOLDS


def open_stage_of(nomination_pk: int) -> Stage | None:
    return Stage.objects.filter(nomination_id=nomination_pk, closed_at__isnull=True).select_related("org_unit").first()


def perform(action: str, actor, nomination: Nomination, stage: Stage | None):
    if action == "submit":
        return actions.submit_nomination(actor=actor, nomination=nomination)
    if action == "resubmit":
        return actions.resubmit_nomination(actor=actor, nomination=nomination, comment="Đã bổ sung.")
    if action == "withdraw":
        return actions.withdraw_nomination(actor=actor, nomination=nomination, reason="Rút hồ sơ.")
    if action == "approve":
        return actions.approve_nomination(actor=actor, nomination=nomination, stage=stage)
    if action == "return":
        return actions.return_nomination(actor=actor, nomination=nomination, stage=stage, reason="Bổ sung minh chứng.")
    return actions.reject_nomination(actor=actor, nomination=nomination, stage=stage, reason="Không đạt tiêu chuẩn.")


class Workflow(RuleBasedStateMachine):
    world: dict = {}  # set by the test: users and the pks of the drafts

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.users = self.world["users"]
        self.pks = self.world["pks"]
        self.start_seq = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        self.last_seq = self.start_seq
        self.status_changes = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- the rules ---------------------------------------------------------------------------------------------

    def _statuses(self) -> dict[int, str]:
        return dict(Nomination.objects.filter(pk__in=self.pks).values_list("pk", "status"))

    def _step(self, username: str, do, authorized):
        """Run `do()`; check who succeeded and that the audit log has exactly one event per status change."""
        before = self._statuses()
        try:
            do()
        except HANDLED:
            succeeded = False
        else:
            succeeded = True
            assert authorized, f"{username} succeeded without the role"
        after = self._statuses()
        new = list(Event.objects.filter(seq__gt=self.last_seq).order_by("seq"))
        self.last_seq = new[-1].seq if new else self.last_seq
        if not succeeded:
            assert new == [], f"a refused action left events: {[e.action for e in new]}"
        changed = {pk for pk in self.pks if before[pk] != after[pk]}
        for pk in self.pks:
            moves = [e for e in new if e.object_id == str(pk) and e.action.startswith("nomination.")
                     and e.from_status != e.to_status]
            if pk in changed:
                assert [(e.from_status, e.to_status) for e in moves] == [(before[pk], after[pk])], (pk, moves)
            else:
                assert moves == [], (pk, moves)
        self.status_changes += len(changed)

    @rule(username=st.sampled_from(USERNAMES), action=st.sampled_from(PROPOSER_ACTIONS + REVIEW),
          index=st.integers(0, 10))
    def anyone_acts(self, username, action, index):
        self._act(username, action, self.pks[index % len(self.pks)])

    @rule(action=st.sampled_from(LIKELY), index=st.integers(0, 10))
    def the_role_holder_acts(self, action, index):
        """Biased towards progress: the next sensible action, by the person who holds its role (by the oracle);
        at a deciding step the decider first attaches the council's minutes."""
        pk = self.pks[index % len(self.pks)]
        nomination = Nomination.objects.select_related("submitting_unit").get(pk=pk)
        stage = open_stage_of(pk)
        action = {Status.DRAFT: "submit", Status.RETURNED: "resubmit"}.get(nomination.status, action)
        if action in PROPOSER_ACTIONS:
            wanted = (Role.PROPOSER, nomination.submitting_unit.code)
        elif stage is not None:
            wanted = (stage.role, stage.org_unit.code)
        else:
            return
        username = next((name for name in USERNAMES if holds(name, *wanted)), None)
        if username is None:
            return
        if action == "approve" and stage.step == Step.DECIDE:
            self.attach_council_minutes(username, index)
        self._act(username, action, pk)

    def _act(self, username, action, pk):
        actor = self.users[username]
        nomination = Nomination.objects.select_related("submitting_unit").get(pk=pk)
        stage = open_stage_of(pk)
        if action in PROPOSER_ACTIONS:
            authorized = holds(username, Role.PROPOSER, nomination.submitting_unit.code)
        else:
            authorized = stage is not None and holds(username, stage.role, stage.org_unit.code)
        self._step(username, lambda: perform(action, actor, nomination, stage), authorized)

    @rule(username=st.sampled_from(USERNAMES), index=st.integers(0, 10))
    def attach_council_minutes(self, username, index):
        pk = self.pks[index % len(self.pks)]
        upload = ContentFile(demo.PDF, name="bien-ban.pdf")
        self._step(username, lambda: actions.attach_document(
            actor=self.users[username], nomination=pk, kind=DocumentKind.BIEN_BAN_HOI_DONG, upload=upload), True)

    @rule(username=st.sampled_from(["inspector", "chief_inspector", "commune_chair"]), index=st.integers(0, 10))
    def place_hold(self, username, index):
        nomination = Nomination.objects.get(pk=self.pks[index % len(self.pks)])
        upload = ContentFile(demo.PDF, name="quyet-dinh.pdf")
        self._step(username, lambda: actions.place_hold(
            actor=self.users[username], nominee=nomination.nominee_id, reason=HoldReason.DISCIPLINE, upload=upload),
            username in ("inspector", "chief_inspector"))

    @rule(username=st.sampled_from(["inspector", "chief_inspector", "unit_head"]))
    def clear_hold(self, username):
        hold = Hold.objects.filter(cleared_at__isnull=True, nominee__nominations__in=self.pks).first()
        if hold is None:
            return
        self._step(username, lambda: actions.clear_hold(actor=self.users[username], hold=hold, note="Đã có kết luận."),
                   username in ("inspector", "chief_inspector"))

    # --- the invariants ---------------------------------------------------------------------------------------

    @invariant()
    def at_most_one_open_stage_and_status_agrees(self):
        rows = Nomination.objects.filter(pk__in=self.pks).annotate(
            open=Count("stages", filter=Q(stages__closed_at__isnull=True)))
        for nomination in rows:
            assert nomination.open <= 1, nomination.pk
            assert (nomination.status in HELD) == (nomination.open == 1), (nomination.pk, nomination.status)

    @invariant()
    def one_audit_event_per_status_change_and_the_chain_verifies(self):
        moves = Event.objects.filter(seq__gt=self.start_seq, action__startswith="nomination.").exclude(
            from_status="", to_status="").exclude(from_status=F("to_status"))
        assert moves.count() == self.status_changes
        result = verify_chain()
        assert result.ok, result

    @invariant()
    def every_award_was_decided_at_its_deciding_level_by_a_decider(self):
        for nomination in Nomination.objects.filter(pk__in=self.pks, status=Status.AWARDED).select_related("award"):
            last = nomination.stages.select_related("org_unit", "closed_by").order_by("-position", "-pk").first()
            assert last.outcome == Outcome.APPROVED and last.step == Step.DECIDE
            assert last.level == deciding_level_for(nomination.award, nomination.route_date), nomination.pk
            assert holds(last.closed_by.username, Role.DECIDER, last.org_unit.code)
            assert nomination.decision_signer_id == last.closed_by_id


def test_random_users_and_actions_keep_the_workflow_invariants(users, draft_factory):
    drafts = [
        draft_factory(award="GK_XA", name="Nguyễn Văn Một"),
        draft_factory(award="BK_TINH", name="Trần Thị Hai"),
        draft_factory(proposer="tdp_head", unit="LC-SAPA-TDP1", award="GK_XA", name="Lò Văn Ba"),
    ]
    Workflow.world = {"users": users, "pks": [d.pk for d in drafts]}
    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "20")), stateful_step_count=25, deadline=None,
        database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))
