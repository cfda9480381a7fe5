"""The tờ trình's writes: draft it, fill it, attach its documents, submit it; review its items in bulk; resubmit
returned items. Each is audited in its transaction (proposal.create, .add_items, .document_add, .submit,
.forward, .decide).

A bulk review acts on each item through the engine's single-item action (workflows.actions.review), each in its
own transaction with its own lock, permission check, guards and audit event, exactly as one at a time: an item
refused leaves the others as they are, and the answer says which were done and why the others were refused.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from nominations.documents import checked_upload
from nominations.models import Nomination, Round, Status
from roles.models import OrgUnit, Role
from roles.selectors import holds_role_at
from workflows import actions as engine
from workflows.errors import HANDLED, InvalidTransition, WorkflowError, http_status, messages_of
from workflows.models import Stage

from .models import Decision, DecisionItem, Proposal, ProposalDocument, ProposalItem, ProposalStatus

BULK_ACTIONS = ("approve", "return", "reject")
APPEND_BATCH = 500
security_log = logging.getLogger("security")


@dataclass
class Refusal:
    nomination: int
    status: int  # the HTTP status the single-item action would have answered
    message: str


@dataclass
class BulkResult:
    """The answer per item: the ones done, the ones refused with why; the tờ trình the forwarded ones went up in,
    the decision the awarded ones are in."""

    action: str
    done: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    forwarded_in: list[int] = field(default_factory=list)
    decision: int | None = None

    @property
    def summary(self) -> str:
        text = _("%(done)d hồ sơ đã xử lý, %(refused)d bị từ chối") % {"done": len(self.done),
                                                                     "refused": len(self.refused)}
        if self.refused:
            text += ": " + "; ".join(f"#{r.nomination}: {r.message}" for r in self.refused)
        return text + "."


def _require_proposer(actor, unit: OrgUnit) -> None:
    if not holds_role_at(actor, Role.PROPOSER, unit):
        security_log.warning("denied action=proposal user=%s unit=%s", getattr(actor, "pk", None), unit.code)
        raise PermissionDenied(_("Chỉ thủ trưởng đơn vị trình mới được lập và trình tờ trình."))


def _lock(proposal: Proposal | int) -> Proposal:
    pk = proposal.pk if isinstance(proposal, Proposal) else proposal
    return Proposal.objects.select_for_update(of=("self",)).select_related("issuing_unit", "round").get(pk=pk)


def require_draft(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.DRAFT:
        raise InvalidTransition(_("Tờ trình đã trình, không sửa được nữa."))


def _record(action: str, actor, proposal, unit, comment: str = "", **data) -> None:
    record(action=action, actor=actor, obj=proposal, org_unit=unit, comment=comment, data=data)


def create_proposal(*, actor, issuing_unit: OrgUnit, round: Round, title: str = "") -> Proposal:
    with transaction.atomic():
        _require_proposer(actor, issuing_unit)
        proposal = Proposal.objects.create(issuing_unit=issuing_unit, round=round, title=(title or "").strip(),
                                           created_by=actor)
        _record("proposal.create", actor, proposal, issuing_unit, round=round.code, title=proposal.title)
    return proposal


def _append(proposal: Proposal, nominations: list[int]) -> None:
    """Add items at the end of the list (the proposal is locked by the caller)."""
    last = proposal.items.order_by("-position").values_list("position", flat=True).first() or 0
    for start in range(0, len(nominations), APPEND_BATCH):  # a slice at a time: memory flat in the list's length
        ProposalItem.objects.bulk_create([
            ProposalItem(proposal=proposal, nomination_id=pk, position=last + i)
            for i, pk in enumerate(nominations[start:start + APPEND_BATCH], start=start + 1)])


def add_items(*, actor, proposal: Proposal | int, nominations: list[int]) -> Proposal:
    """Put the unit's own drafts (or returned items) on the list."""
    with transaction.atomic():
        proposal = _lock(proposal)
        require_draft(proposal)
        _require_proposer(actor, proposal.issuing_unit)
        wanted = list(dict.fromkeys(int(pk) for pk in nominations))
        found = set(Nomination.objects.filter(pk__in=wanted, submitting_unit=proposal.issuing_unit,
                                              round=proposal.round, status__in=(Status.DRAFT, Status.RETURNED))
                    .values_list("pk", flat=True))
        if missing := [pk for pk in wanted if pk not in found]:
            raise ValidationError({"nominations": _(
                "Chỉ thêm được hồ sơ nháp hoặc bị trả lại của đơn vị trong cùng đợt; không thêm được: %(ids)s.")
                % {"ids": ", ".join(f"#{pk}" for pk in missing)}})
        already = set(proposal.items.filter(nomination_id__in=wanted).values_list("nomination_id", flat=True))
        new = [pk for pk in wanted if pk not in already]
        _append(proposal, new)
        _record("proposal.add_items", actor, proposal, proposal.issuing_unit, nominations=new)
    return proposal


def create_items(*, actor, proposal: Proposal | int, rows) -> list[int]:
    """Draft a nomination for each row ({award, nominee, achievement, criteria, path}; any iterable, read once) and
    put them on the list, all in one transaction: a row refused refuses them all (the Excel import's
    confirmation). Returns the new nominations' ids."""
    with transaction.atomic():
        proposal = _lock(proposal)
        require_draft(proposal)
        _require_proposer(actor, proposal.issuing_unit)
        created = engine.create_nominations(actor=actor, round=proposal.round, submitting_unit=proposal.issuing_unit,
                                            rows=rows)
        _append(proposal, created)
        _record("proposal.add_items", actor, proposal, proposal.issuing_unit, nominations=created)
    return created


def attach_proposal_document(*, actor, proposal: Proposal | int, kind: str, upload) -> ProposalDocument:
    """A document of the whole list (the council's minutes, the signed tờ trình) while it is being drafted."""
    with transaction.atomic():
        proposal = _lock(proposal)
        require_draft(proposal)
        _require_proposer(actor, proposal.issuing_unit)
        fields = checked_upload(kind, upload)
        document = ProposalDocument(proposal=proposal, uploaded_by=actor, **fields)
        document.store(upload, then=lambda: _record(
            "proposal.document_add", actor, proposal, proposal.issuing_unit, document=document.pk, kind=kind,
            name=fields["original_name"], size=fields["size"], sha256=fields["sha256"]))
    return document


def submit_proposal(*, actor, proposal: Proposal | int, number: str = "", date: datetime.date | None = None,
                    comment: str = "") -> Proposal:
    """Submit the tờ trình and every item on it, all or nothing: an item the engine refuses (a gap in its dossier,
    G3, the window…) refuses the whole tờ trình, naming the item. A returned item is resubmitted to the level
    that returned it."""
    with transaction.atomic():
        proposal = _lock(proposal)
        require_draft(proposal)
        _require_proposer(actor, proposal.issuing_unit)
        items = list(proposal.items.select_related("nomination").order_by("position"))
        if not items:
            raise ValidationError({"items": _("Tờ trình chưa có hồ sơ nào.")})
        today = timezone.localdate()
        addressees = set()
        for item in items:
            verb = (engine.resubmit_nomination if item.nomination.status == Status.RETURNED
                    else engine.submit_nomination)
            try:
                nomination = verb(actor=actor, nomination=item.nomination_id, comment=comment)
            except ValidationError as exc:
                raise ValidationError({"items": [_("Hồ sơ #%(pk)s: %(why)s") % {
                    "pk": item.nomination_id, "why": " ".join(exc.messages)}]}) from exc
            except WorkflowError as exc:
                raise type(exc)(_("Hồ sơ #%(pk)s: %(why)s") % {"pk": item.nomination_id, "why": exc.message}) from exc
            addressees.add(_open_unit(nomination))
        if len(addressees) > 1:
            raise ValidationError({"items": _("Các hồ sơ trong tờ trình được trình lên các cấp khác nhau; hãy tách "
                                              "thành các tờ trình theo nơi nhận.")})
        proposal.addressee_id = addressees.pop()
        proposal.status, proposal.signer, proposal.submitted_at = ProposalStatus.SUBMITTED, actor, timezone.now()
        proposal.date = date or today
        proposal.number = (number or "").strip() or f"{proposal.pk}/TTr-{proposal.issuing_unit.code}"
        proposal.save(update_fields=["addressee", "status", "signer", "submitted_at", "date", "number"])
        _record("proposal.submit", actor, proposal, proposal.issuing_unit, comment, number=proposal.number,
                date=proposal.date, addressee=proposal.addressee_id, nominations=[i.nomination_id for i in items])
    return proposal


def _open_unit(nomination: Nomination) -> int:
    return Stage.objects.filter(nomination_id=nomination.pk, closed_at__isnull=True).values_list(
        "org_unit_id", flat=True).get()


def _pins(proposal: Proposal, items: list[dict], result: BulkResult) -> list[tuple[int, int | None, Stage | None]]:
    """(nomination, the stage the reviewer saw, that stage read now) for each requested item of the tờ trình, in
    two statements; an item not on it is refused."""
    wanted = [(int(i["nomination"]), i.get("stage")) for i in items]
    on_list = set(proposal.items.filter(nomination_id__in=[n for n, _s in wanted]).values_list("nomination_id",
                                                                                                flat=True))
    stages = Stage.objects.select_related("org_unit", "nomination").in_bulk([s for _n, s in wanted if s])
    pins, seen = [], set()
    for nomination, stage in wanted:
        if nomination in seen:
            continue
        seen.add(nomination)
        if nomination not in on_list:
            result.refused.append(Refusal(nomination, 404, _("Hồ sơ không có trong tờ trình này.")))
            continue
        seen_stage = stages.get(int(stage)) if stage else None
        if seen_stage is not None and seen_stage.nomination_id != nomination:
            seen_stage = None
        pins.append((nomination, stage, seen_stage))
    return pins


def review_items(
    *, actor, proposal: Proposal | int, action: str, items: list[dict], comment: str = "", reason: str = "",
    reason_code: str = "", number: str = "", into: Proposal | int | None = None, decision_number: str = "",
    decision_date: datetime.date | None = None,
) -> BulkResult:
    """Approve, return or reject a selection of the tờ trình's items ([{nomination, stage}]) with one comment or
    reason. Each item is the engine's own action in its own transaction. The items an approval sends to another
    level go up in this level's own tờ trình (a new one numbered `number`, or `into`, one it already sent to the
    same unit: items from several tờ trình below gathered in one); the items it awards are in one decision
    (`decision_number`, `decision_date`)."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Thao tác không hợp lệ: %(action)s.") % {"action": action}})
    if not items:
        raise ValidationError({"items": _("Hãy chọn ít nhất một hồ sơ.")})
    if action != "approve" and not (reason or "").strip():
        raise ValidationError({"reason": _("Hãy nêu lý do.")})
    proposal = proposal if isinstance(proposal, Proposal) else Proposal.objects.get(pk=proposal)
    target = _forwarding_target(actor, into) if into is not None else None
    result = BulkResult(action)
    envelopes: dict[int, Proposal] = {target.addressee_id: target} if target else {}
    decision: Decision | None = None
    positions: dict[int, int] = {}
    for nomination_id, stage_id, stage in _pins(proposal, items, result):
        awarding = action == "approve" and stage is not None and _ends_route(stage)
        next_unit = _next_unit(stage) if action == "approve" and stage is not None and not awarding else None
        envelope = current = None
        try:
            if not awarding and (next_unit is None or next_unit == stage.org_unit_id):
                # the item stays at this level (or is returned, rejected): the engine's action alone, its own
                # transaction, nothing of ours to write with it
                engine_action = {"approve": engine.approve_nomination, "return": engine.return_nomination,
                                 "reject": engine.reject_nomination}[action]
                extra = {} if action == "approve" else {"reason": reason, "reason_code": reason_code}
                engine_action(actor=actor, nomination=nomination_id, stage=stage_id, comment=comment, **extra)
            else:
                with transaction.atomic():  # the approval and the item's place in the envelope, together
                    if awarding:
                        current = decision or _new_decision(actor, stage.org_unit, decision_number, decision_date)
                    engine.approve_nomination(
                        actor=actor, nomination=nomination_id, stage=stage_id, comment=comment,
                        decision_number=current.number if awarding else "",
                        decision_date=current.date if awarding else None)
                    if awarding:
                        positions[current.pk] = positions.get(current.pk, 0) + 1
                        DecisionItem.objects.create(decision=current, nomination_id=nomination_id,
                                                    position=positions[current.pk])
                    else:
                        envelope = envelopes.get(next_unit) or _new_envelope(actor, proposal, stage, next_unit, number)
                        # an item sent up again after a return from above may already be on it
                        ProposalItem.objects.bulk_create([ProposalItem(
                            proposal=envelope, nomination_id=nomination_id, position=_next_position(envelope, positions),
                        )], ignore_conflicts=True)
        except HANDLED as exc:
            result.refused.append(Refusal(nomination_id, http_status(exc), " ".join(messages_of(exc))))
            continue
        # committed: what the item's transaction created is now the bulk's own
        if current is not None:
            decision = current
        if envelope is not None:
            envelopes[envelope.addressee_id] = envelope
        result.done.append(nomination_id)
    _record_envelopes(actor, proposal, result, envelopes, decision)
    return result


def _ends_route(stage: Stage) -> bool:
    return stage.position == len(stage.nomination.route) - 1


def _next_unit(stage: Stage) -> int:
    """The unit of the route's next stop: where an approval at `stage` sends the item."""
    return stage.nomination.route[stage.position + 1]["unit"]


def _next_position(envelope: Proposal, positions: dict[int, int]) -> int:
    key = -envelope.pk  # envelopes and decisions share the counter dict: a proposal's key is negative
    if key not in positions:
        positions[key] = envelope.items.order_by("-position").values_list("position", flat=True).first() or 0
    positions[key] += 1
    return positions[key]


def _forwarding_target(actor, into: Proposal | int) -> Proposal:
    """A tờ trình the actor's level already sent up, to gather more items in: the actor decides at its issuing
    unit."""
    pk = into.pk if isinstance(into, Proposal) else into
    target = Proposal.objects.filter(pk=pk, status=ProposalStatus.SUBMITTED).select_related("issuing_unit").first()
    if target is None or not holds_role_at(actor, Role.DECIDER, target.issuing_unit):
        raise ValidationError({"into": _("Chỉ gộp được vào tờ trình mà cấp của bạn đã trình lên.")})
    return target


def _new_envelope(actor, source: Proposal, stage: Stage, addressee: int, number: str) -> Proposal:
    envelope = Proposal.objects.create(
        issuing_unit=stage.org_unit, addressee_id=addressee, round_id=source.round_id, status=ProposalStatus.SUBMITTED,
        signer=actor, date=timezone.localdate(), submitted_at=timezone.now(), created_by=actor,
        title=source.title)
    envelope.number = (number or "").strip() or f"{envelope.pk}/TTr-{stage.org_unit.code}"
    envelope.save(update_fields=["number"])
    return envelope


def _new_decision(actor, unit: OrgUnit, number: str, day: datetime.date | None) -> Decision:
    decision = Decision.objects.create(unit=unit, number=(number or "").strip() or "-", date=day or timezone.localdate(),
                                       signer=actor)
    if decision.number == "-":
        decision.number = f"{decision.pk}/QĐ-{unit.code}"
        decision.save(update_fields=["number"])
    return decision


def _record_envelopes(actor, source: Proposal, result: BulkResult, envelopes: dict, decision: Decision | None) -> None:
    """The tờ trình's own events: each envelope the forward wrote or filled, the decision; one each per bulk."""
    if not envelopes and decision is None:
        return
    with transaction.atomic():
        for envelope in envelopes.values():
            added = list(envelope.items.filter(nomination_id__in=result.done).values_list("nomination_id", flat=True))
            if not added:
                continue
            result.forwarded_in.append(envelope.pk)
            _record("proposal.forward", actor, envelope, envelope.issuing_unit, number=envelope.number,
                    date=envelope.date, addressee=envelope.addressee_id, source=source.pk, nominations=added)
        if decision is not None:
            result.decision = decision.pk
            record(action="proposal.decide", actor=actor, obj=decision, org_unit=decision.unit,
                   data={"number": decision.number, "date": decision.date, "source": source.pk,
                         "nominations": list(decision.items.values_list("nomination_id", flat=True))})


def resubmit_items(*, actor, proposal: Proposal | int, nominations: list[int], comment: str = "") -> BulkResult:
    """Resubmit returned items of the unit's tờ trình, each on its own, to the level that returned it."""
    proposal = proposal if isinstance(proposal, Proposal) else Proposal.objects.get(pk=proposal)
    result = BulkResult("resubmit")
    on_list = set(proposal.items.filter(nomination_id__in=nominations).values_list("nomination_id", flat=True))
    for pk in dict.fromkeys(int(n) for n in nominations):
        if pk not in on_list:
            result.refused.append(Refusal(pk, 404, _("Hồ sơ không có trong tờ trình này.")))
            continue
        try:
            engine.resubmit_nomination(actor=actor, nomination=pk, comment=comment)
        except HANDLED as exc:
            result.refused.append(Refusal(pk, http_status(exc), " ".join(messages_of(exc))))
            continue
        result.done.append(pk)
    return result
