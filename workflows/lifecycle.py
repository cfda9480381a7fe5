"""The nomination's lifecycle as a viewflow FSM: the only code that assigns `Nomination.status`.

A transition says which statuses it leaves and reaches and whose permission it needs; the stage
bookkeeping, guards and audit around it live in `workflows.actions`.
"""

from viewflow import this
from viewflow.fsm import State

from nominations.holds import may_hold
from nominations.models import Nomination, Status
from roles.models import Role
from roles.selectors import holds_role_at

from . import review_sql
from .models import Stage

# The statuses in which the proposer may still change the dossier.
EDITABLE = (Status.DRAFT, Status.RETURNED)


class NominationLifecycle:
    status = State(Status, default=Status.DRAFT)

    def __init__(self, nomination: Nomination, stage: Stage | None = None):
        self.nomination = nomination
        self.stage = stage

    @status.getter()
    def _get_status(self):
        return self.nomination.status

    @status.setter()
    def _set_status(self, value):
        self.nomination.status = value

    # --- who may fire a transition ------------------------------------------------------------------
    def is_proposer(self, user) -> bool:
        return holds_role_at(user, Role.PROPOSER, self.nomination.submitting_unit)

    def holds_stage_role(self, user) -> bool:
        return self.stage is not None and review_sql.holds_role_at(user, self.stage.role, self.stage.org_unit)

    def may_place_hold(self, user) -> bool:
        return may_hold(user, self.nomination.nominee.unit)

    # --- transitions ------------------------------------------------------------------------------------
    @status.transition(source=Status.DRAFT, target=Status.IN_REVIEW, permission=this.is_proposer)
    def submit(self):
        """Send the dossier to the first level of its route."""

    @status.transition(source=Status.RETURNED, target=Status.IN_REVIEW, permission=this.is_proposer)
    def resubmit(self):
        """Send a returned dossier back to the level that returned it."""

    @status.transition(
        source=[Status.DRAFT, Status.IN_REVIEW, Status.RETURNED, Status.ON_HOLD],
        target=Status.WITHDRAWN, permission=this.is_proposer,
    )
    def withdraw(self):
        """The proposer takes the nomination back for good."""

    @status.transition(
        source=Status.IN_REVIEW, target=State.RETURN_VALUE(Status.IN_REVIEW, Status.AWARDED),
        permission=this.holds_stage_role,
    )
    def approve(self, *, final: bool):
        """Forward to the next step, or award when this is the deciding level's last step."""
        return Status.AWARDED if final else Status.IN_REVIEW

    @status.transition(
        source=Status.IN_REVIEW, target=State.RETURN_VALUE(Status.IN_REVIEW, Status.RETURNED),
        permission=this.holds_stage_role, label="Return",
    )
    def return_(self, *, to_proposer: bool):
        """Send back one level: to the proposer from the first level, else to the level below."""
        return Status.RETURNED if to_proposer else Status.IN_REVIEW

    @status.transition(source=Status.IN_REVIEW, target=Status.REJECTED, permission=this.holds_stage_role)
    def reject(self):
        """End the nomination without an award."""

    @status.transition(source=Status.IN_REVIEW, target=Status.ON_HOLD, permission=this.may_place_hold)
    def hold(self):
        """G4: the nominee is flagged; the open stage stays open and waits."""

    @status.transition(source=Status.ON_HOLD, target=Status.IN_REVIEW, permission=this.may_place_hold)
    def release(self):
        """The last flag on the nominee is cleared: resume at the stage that was open."""
