"""Reads of tờ trình and decisions, scoped like the nominations they carry: each in a fixed number of statements
whatever the number of items."""

import logging

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from nominations.models import Criterion, CriterionAnswer, Document, DocumentKind, subject_group
from roles.models import OrgUnit, Role
from roles.selectors import roles_held
from workflows.models import Stage
from workflows.selectors import REVIEWING_ROLES, inbox

from .models import Decision, Proposal, ProposalItem, ProposalStatus

security_log = logging.getLogger("security")


def visible_proposals(user) -> QuerySet[Proposal]:
    """The tờ trình `user` may read: those their units issued (any role there), those addressed to a unit where they
    review, and for inspectors those issued in or sent into their subtree."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    if user.is_superuser:
        return Proposal.objects.all()
    held = roles_held(user)
    own = {pk for grants in held.values() for pk, _path in grants}
    reviewing = {pk for role in REVIEWING_ROLES for pk, _path in held.get(role, [])}
    roots = [path for _pk, path in held.get(Role.INSPECTOR, [])]
    subtree = set(OrgUnit.objects.subtree_of(roots).values_list("pk", flat=True)) if roots else set()
    return Proposal.objects.filter(Q(issuing_unit_id__in=own | subtree) | Q(addressee_id__in=reviewing | subtree,
                                                                            status=ProposalStatus.SUBMITTED))


def proposal_list(user) -> QuerySet[Proposal]:
    """What `user` may read, newest first, with its units, round, signer and number of items (one statement)."""
    return (visible_proposals(user).select_related("issuing_unit", "addressee", "round", "signer")
            .annotate(item_count=Count("items")).order_by("-created_at", "-pk"))


def readable_proposal(user, pk) -> Proposal:
    """The tờ trình if `user` may read it; anything else is 404 (a miss on one that exists is logged)."""
    proposal = proposal_list(user).filter(pk=pk).first()
    if proposal is None:
        if Proposal.objects.filter(pk=pk).exists():
            security_log.warning("denied action=read user=%s proposal=%s", getattr(user, "pk", None), pk)
        raise Http404(_("Không tìm thấy tờ trình."))
    return proposal


def items_of(proposal: Proposal) -> list[ProposalItem]:
    """The items in order, each with its nomination (nominee, award, round, unit) and `open_stage` (or None): two
    statements."""
    items = list(proposal.items.select_related(
        "nomination__nominee__unit", "nomination__award", "nomination__round", "nomination__submitting_unit"))
    stages = {s.nomination_id: s for s in Stage.objects.filter(
        nomination_id__in=[i.nomination_id for i in items], closed_at__isnull=True).select_related("org_unit")}
    for item in items:
        item.open_stage = stages.get(item.nomination_id)
    return items


def item_gaps(items: list[ProposalItem]) -> dict[int, list[str]]:
    """What each item's dossier still lacks (G7 as the submission checks it: the award's documents, and the
    criteria of the nominee's group answered with evidence), by nomination id, in three statements."""
    ids = [i.nomination_id for i in items]
    kinds: dict[int, set[str]] = {}
    for nomination_id, kind in Document.objects.filter(nomination_id__in=ids).values_list("nomination_id", "kind"):
        kinds.setdefault(nomination_id, set()).add(kind)
    answered: dict[int, set[int]] = {}
    for nomination_id, criterion_id in (CriterionAnswer.objects.filter(nomination_id__in=ids).exclude(note="")
                                        .values_list("nomination_id", "criterion_id")):
        answered.setdefault(nomination_id, set()).add(criterion_id)
    movements = {i.nomination.round.movement_id for i in items}
    criteria: dict[tuple[int, str], list[Criterion]] = {}
    for criterion in Criterion.objects.filter(movement_id__in=movements).order_by("order", "code"):
        criteria.setdefault((criterion.movement_id, criterion.group), []).append(criterion)
    gaps = {}
    for item in items:
        n = item.nomination
        lacking = [_("Thiếu %(doc)s.") % {"doc": label} for kind, label in _document_labels(n.award.required_documents)
                   if kind not in kinds.get(n.pk, set())]
        group = subject_group(n.nominee.kind, n.nominee.unit.level)
        unanswered = [c.code for c in criteria.get((n.round.movement_id, group), [])
                      if c.pk not in answered.get(n.pk, set())]
        if unanswered:
            lacking.append(_("Chưa trả lời tiêu chí: %(codes)s.") % {"codes": ", ".join(unanswered)})
        gaps[n.pk] = lacking
    return gaps


def _document_labels(kinds: list[str]):
    return [(kind, DocumentKind(kind).label) for kind in kinds if kind in DocumentKind.values]


def inbox_by_proposal(user) -> list[dict]:
    """The reader's inbox grouped by the tờ trình that carried each item to the level where it waits: [{proposal,
    count, oldest_due}], oldest deadline first, in two statements whatever the number of items. Items that came
    in no tờ trình stay in the plain inbox only."""
    stages = inbox(user)
    newer = ProposalItem.objects.filter(nomination_id=OuterRef("nomination_id"), proposal__status=ProposalStatus.SUBMITTED,
                                        proposal__addressee_id=OuterRef("proposal__addressee_id"), pk__gt=OuterRef("pk"))
    # The open stage joined once (one per nomination): the count and the oldest deadline read the same row.
    rows = list(
        ProposalItem.objects.filter(proposal__status=ProposalStatus.SUBMITTED,
                                    nomination_id__in=stages.values("nomination_id"),
                                    nomination__stages__closed_at__isnull=True,
                                    nomination__stages__org_unit_id=F("proposal__addressee_id"))
        .exclude(Exists(newer))
        .values("proposal_id").annotate(count=Count("nomination_id"), oldest_due=Min("nomination__stages__due_at"))
        .order_by("oldest_due", "proposal_id")
    )
    proposals = Proposal.objects.select_related("issuing_unit", "addressee", "round", "signer").annotate(
        item_count=Count("items")).in_bulk(
        [r["proposal_id"] for r in rows])
    return [{"proposal": proposals[r["proposal_id"]], "count": r["count"], "oldest_due": r["oldest_due"]}
            for r in rows]


def decisions_of(user) -> QuerySet[Decision]:
    """Decisions the reader may read: those awarding a nomination they may read is too wide a join; a decision is
    read by whoever reads its unit's tờ trình (reviewers of that unit, inspectors above it)."""
    held = roles_held(user)
    if user.is_superuser:
        return Decision.objects.all()
    units = {pk for grants in held.values() for pk, _path in grants}
    roots = [path for _pk, path in held.get(Role.INSPECTOR, [])]
    if roots:
        units |= set(OrgUnit.objects.subtree_of(roots).values_list("pk", flat=True))
    return Decision.objects.filter(unit_id__in=units).select_related("unit", "signer").annotate(
        item_count=Count("items"))
