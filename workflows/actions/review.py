"""The one path for every change of a nomination's review: submit, resubmit, withdraw, approve, return, reject.

Each action, inside one transaction: lock the nomination and check the stage acted on is still the open
one (`Conflict`); check the transition is legal (`InvalidTransition`), then the actor's permission
(`PermissionDenied`); run the guards (`ValidationError`); apply the transition and move the stages;
append the audit event; write the notices (in the transaction: they commit or roll back with the action; their
e-mail waits for the commit).
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from deadlines import policy as deadline_policy
from nominations import rules
from nominations.models import Nomination, Nominee
from notifications import services as notification_services
from roles.models import RoleAssignment

from .. import guards, registry, review_sql, routing
from ..council import check_council_vote
from ..errors import Conflict, InvalidTransition
from ..lifecycle import NominationLifecycle
from ..models import Outcome, Stage
from ..selectors import stages_of
from .duplicates import flag_duplicates

security_log = logging.getLogger("security")


def lock_nomination(nomination: Nomination | int) -> Nomination:
    """The nomination, locked for this transaction, with its award, round, nominee and submitting unit."""
    pk = nomination.pk if isinstance(nomination, Nomination) else nomination
    return Nomination.objects.select_for_update(of=("self",)).select_related(
        "award", "round", "nominee", "submitting_unit").get(pk=pk)


def lock_for_review(nomination: Nomination | int, actor) -> Nomination:
    """The nomination under review, locked, with `award`, `nominee`, `held` (whether the nominee has an active hold:
    rules.check_not_held) and whether `actor` took a proposer's part in it (guards.proposer_events, read from the
    audit trail), in one statement."""
    pk = nomination.pk if isinstance(nomination, Nomination) else nomination
    nomination = (
        Nomination.objects.select_for_update(of=("self",)).select_related("award", "nominee")
        .annotate(held=Exists(rules.active_holds(OuterRef("nominee_id"))),
                  proposed=Exists(guards.proposer_events(OuterRef("pk"), actor)))
        .get(pk=pk)
    )
    nomination.proposed_by = {actor.pk: nomination.proposed}
    return nomination


def _lock_person(nomination: Nomination) -> None:
    """G3 serialized per citizen: every record of the nominee's person (the nomination's own, and those other
    units keep under the same kind and identity number) is locked, in one order, before G3 reads at a submission;
    a second submission for the same achievement waits for the first to commit, then sees it. FOR NO KEY UPDATE,
    so a new draft that refers to a record is not held up."""
    nominee = nomination.nominee
    person = Q(pk=nominee.pk)
    if nominee.identity_number:
        person |= Q(kind=nominee.kind, identity_number=nominee.identity_number)
    list(Nominee.objects.select_for_update(no_key=True).filter(person).order_by("pk").values_list("pk", flat=True))


def _check_no_double_award(nomination: Nomination) -> list[Nomination]:
    """G3 at a submission under the person's lock; returns the rivals outside the proposer's scope to flag."""
    _lock_person(nomination)
    return rules.check_no_double_award(nomination, nomination.submitting_unit.path)


def _stages(nomination: Nomination, stage: Stage | int | None, *, required: bool) -> tuple[Stage | None, list[Stage]]:
    """(the open stage, checked against the one the actor saw (stale → Conflict); every stage of the nomination)."""
    stages = stages_of(nomination)
    current = next((s for s in stages if s.closed_at is None), None)
    wanted = stage.pk if isinstance(stage, Stage) else stage
    if wanted is not None and (current is None or current.pk != int(wanted)):
        raise Conflict(_("Bước xét duyệt này đã được xử lý hoặc không còn mở; hãy tải lại hồ sơ."))
    if required and wanted is None and current is not None:
        raise ValidationError({"stage": _("Hãy chỉ rõ bước xét duyệt đang mở mà bạn xử lý.")})
    return current, stages


def _authorize(lifecycle: NominationLifecycle, action: str, actor) -> None:
    """`action`: the public name; its transition and its verb come from the registry."""
    entry = registry.get(action)
    bound = getattr(lifecycle, entry.transition)
    if not bound.can_proceed():
        raise InvalidTransition(
            _("Không thể %(action)s hồ sơ ở trạng thái “%(status)s”.")
            % {"action": entry.verb, "status": lifecycle.nomination.get_status_display()}
        )
    if not bound.has_perm(actor):
        security_log.warning(
            "denied action=%s user=%s nomination=%s", action, getattr(actor, "pk", None), lifecycle.nomination.pk
        )
        raise PermissionDenied(_("Bạn không có vai trò cần thiết để thực hiện thao tác này."))


def _open(nomination: Nomination, route: list[routing.Stop], position: int, now, returned=None) -> Stage:
    """Open the route's stop at `position` and tell its role's holders; `returned`: (the unit that returned the
    dossier, the reason) when a return reopens a lower level."""
    stop = route[position]
    stage = Stage.objects.create(
        nomination=nomination, position=position, level=stop.level, org_unit_id=stop.unit, step=stop.step,
        opened_at=now, due_at=deadline_policy.due_at(now, stop.level, stop.step, nomination.award.code),
    )
    notification_services.stage_opened(nomination, holders=review_sql.role_holders(stage.org_unit_id, stage.role),
                                       due_at=stage.due_at, returned=returned)
    return stage


def _close(stage: Stage, actor, outcome: str, comment: str, now) -> None:
    stage.closed_at, stage.closed_by, stage.outcome, stage.comment = now, actor, outcome, comment
    stage.save(update_fields=["closed_at", "closed_by", "outcome", "comment"])


def _save(nomination: Nomination, now, *fields: str) -> None:
    nomination.updated_at = now
    nomination.save(update_fields=["status", "updated_at", *fields])


def _record(action, actor, nomination, before, stage, comment="", **data):
    unit = stage.org_unit if stage is not None else nomination.submitting_unit
    if stage is not None:
        data.update(level=stage.level, step=stage.step, stage=stage.pk)
    record(
        action=f"nomination.{action}", actor=actor, obj=nomination, org_unit=unit,
        from_status=before, to_status=nomination.status, comment=comment, data=data,
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy nêu lý do.")})
    return reason


def submit_nomination(*, actor, nomination: Nomination | int, comment: str = "") -> Nomination:
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        _stages(nomination, None, required=False)
        lifecycle = NominationLifecycle(nomination)
        _authorize(lifecycle, "submit", actor)
        now = timezone.now()
        today = timezone.localdate(now)
        rules.check_unit_valid(nomination.submitting_unit, today)
        rules.check_window(nomination.round, today)
        rules.check_dossier_complete(nomination)
        rivals = _check_no_double_award(nomination)
        rules.check_bk_ttg_path(nomination)
        route = routing.plan_route(submitting_unit=nomination.submitting_unit, award=nomination.award, day=today)
        before = nomination.status
        lifecycle.submit()
        nomination.route = [stop.as_dict() for stop in route]
        nomination.submitted_at, nomination.submitted_by = now, actor
        _save(nomination, now, "route", "submitted_at", "submitted_by")
        stage = _open(nomination, route, 0, now)
        _record("submit", actor, nomination, before, None, comment, route=nomination.route,
                documents=_document_fingerprints(nomination), opened_stage=stage.pk)
        flag_duplicates(actor, nomination, rivals)
    return nomination


def resubmit_nomination(*, actor, nomination: Nomination | int, comment: str = "") -> Nomination:
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        stages = _stages(nomination, None, required=False)[1]
        lifecycle = NominationLifecycle(nomination)
        _authorize(lifecycle, "resubmit", actor)
        now = timezone.now()
        rules.check_unit_valid(nomination.submitting_unit, timezone.localdate(now))
        rules.check_dossier_complete(nomination)
        rivals = _check_no_double_award(nomination)
        rules.check_bk_ttg_path(nomination)
        route = routing.route_of(nomination)
        returned = max((s for s in stages if s.outcome == Outcome.RETURNED), key=lambda s: (s.closed_at, s.pk))
        position = routing.first_position_of_level(route, returned.position)
        before = nomination.status
        lifecycle.resubmit()
        _save(nomination, now)
        stage = _open(nomination, route, position, now)
        _record("resubmit", actor, nomination, before, None, comment,
                documents=_document_fingerprints(nomination), opened_stage=stage.pk)
        flag_duplicates(actor, nomination, rivals)
    return nomination


def withdraw_nomination(*, actor, nomination: Nomination | int, reason: str = "", comment: str = "") -> Nomination:
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        stage = _stages(nomination, None, required=False)[0]
        lifecycle = NominationLifecycle(nomination)
        _authorize(lifecycle, "withdraw", actor)
        now = timezone.now()
        before = nomination.status
        lifecycle.withdraw()
        if stage is not None:
            _close(stage, actor, Outcome.WITHDRAWN, comment, now)
        _save(nomination, now)
        _record("withdraw", actor, nomination, before, stage, comment, reason=(reason or "").strip())
    return nomination


def approve_nomination(
    *, actor, nomination: Nomination | int, stage: Stage | int | None, comment: str = "",
    decision_number: str = "", decision_date=None,
) -> Nomination:
    """At a DECIDE step whose level's council must vote, the vote its secretary recorded for this stage
    (workflows.council); when the approval awards, `decision_date` (today if not given) lies between the first
    submission and today."""
    with transaction.atomic():
        nomination = lock_for_review(nomination, actor)
        current, stages = _stages(nomination, stage, required=True)
        lifecycle = NominationLifecycle(nomination, current)
        _authorize(lifecycle, "approve", actor)
        guards.check_separation_of_duties(actor, nomination, current, stages)
        route = routing.route_of(nomination)
        final = current.position == len(route) - 1
        now = timezone.now()
        rules.check_unit_valid(current.org_unit, timezone.localdate(now))
        if final:
            guards.check_deciding_authority(nomination, route[current.position])
            rules.check_award_unique(nomination, current.org_unit.path)
            decision_date = rules.check_decision_date(nomination, decision_date, timezone.localdate(now))
        rules.check_not_held(nomination)
        council_vote = check_council_vote(actor=actor, nomination=nomination, stage=current)
        before = nomination.status
        lifecycle.approve(final=final)
        _close(current, actor, Outcome.APPROVED, comment, now)
        data = {}
        if final:
            nomination.decision_date = decision_date
            nomination.decision_number = (decision_number or "").strip() or _decision_number(nomination, current)
            nomination.decision_signer = actor
            _save(nomination, now, "decision_number", "decision_date", "decision_signer")
            data = {"decision_number": nomination.decision_number, "decision_date": nomination.decision_date}
            notification_services.nomination_awarded(nomination)
        else:
            _save(nomination, now)
            data["opened_stage"] = _open(nomination, route, current.position + 1, now).pk
        if council_vote is not None:
            data["council_vote"] = {"members": council_vote.members, "present": council_vote.present,
                                    "votes_for": council_vote.votes_for, "minutes": council_vote.minutes_id,
                                    "recorded_by": council_vote.recorded_by_id}
        _record("award" if final else "approve", actor, nomination, before, current, comment, **data)
    return nomination


def return_nomination(
    *, actor, nomination: Nomination | int, stage: Stage | int | None, reason: str, reason_code: str = "",
    comment: str = "",
) -> Nomination:
    with transaction.atomic():
        nomination = lock_for_review(nomination, actor)
        current, stages = _stages(nomination, stage, required=True)
        lifecycle = NominationLifecycle(nomination, current)
        _authorize(lifecycle, "return", actor)
        reason = _reason(reason)
        guards.check_separation_of_duties(actor, nomination, current, stages)
        route = routing.route_of(nomination)
        first = routing.first_position_of_level(route, current.position)
        now = timezone.now()
        before = nomination.status
        lifecycle.return_(to_proposer=first == 0)
        _close(current, actor, Outcome.RETURNED, comment, now)
        _save(nomination, now)
        data = {"reason": reason, "reason_code": reason_code}
        reopened = None
        if first > 0:
            reopened = _open(nomination, route, first - 1, now, returned=(current.org_unit, reason))
            data["opened_stage"] = reopened.pk
        _record("return", actor, nomination, before, current, comment, **data)
        notification_services.nomination_returned(nomination, reason, by_unit=current.org_unit,
                                                  to_unit=reopened.org_unit if reopened else None)
    return nomination


def reject_nomination(
    *, actor, nomination: Nomination | int, stage: Stage | int | None, reason: str, reason_code: str = "",
    comment: str = "",
) -> Nomination:
    with transaction.atomic():
        nomination = lock_for_review(nomination, actor)
        current, stages = _stages(nomination, stage, required=True)
        lifecycle = NominationLifecycle(nomination, current)
        _authorize(lifecycle, "reject", actor)
        reason = _reason(reason)
        guards.check_separation_of_duties(actor, nomination, current, stages)
        now = timezone.now()
        before = nomination.status
        lifecycle.reject()
        _close(current, actor, Outcome.REJECTED, comment, now)
        _save(nomination, now)
        _record("reject", actor, nomination, before, current, comment, reason=reason, reason_code=reason_code)
        notification_services.nomination_rejected(nomination, reason, by_unit=current.org_unit,
                                                  forwarders=_forwarders(stages, timezone.localdate(now)))
    return nomination


def _forwarders(stages: list[Stage], today) -> Q | None:
    """The levels that forwarded the dossier, as a Q on users: who approved each of its stages, and who holds that
    stage's role at its unit today (the level's staff and leaders, even if the one who approved has moved on)."""
    forwarded = [s for s in stages if s.outcome == Outcome.APPROVED]
    if not forwarded:
        return None
    posts = Q()
    for stage in forwarded:
        posts |= Q(org_unit_id=stage.org_unit_id, role=stage.role)
    holders = RoleAssignment.objects.valid_on(today).filter(posts).values("user_id")
    return Q(pk__in={stage.closed_by_id for stage in forwarded}) | Q(pk__in=holders)


def _decision_number(nomination: Nomination, stage: Stage) -> str:
    return f"{nomination.pk}/{timezone.localdate():%Y}/QĐ-{stage.org_unit.code}"


def _document_fingerprints(nomination: Nomination) -> list[dict]:
    return [
        {"id": pk, "kind": kind, "sha256": sha}
        for pk, kind, sha in nomination.documents.values_list("pk", "kind", "sha256")
    ]
