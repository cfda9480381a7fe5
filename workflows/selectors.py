"""Reads of nominations and stages, scoped by the reader's roles: the inbox, the lists, the audit trail.

Pages, the API and commands all read through here, so they cannot disagree on who sees what.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Event
from nominations.models import DocumentKind, DuplicateFlag, Nomination, Status
from nominations.rules import award_rule_on
from nominations.search import fold, matches, search_words
from roles.models import Level, OrgUnit, Role, RoleAssignment
from roles.selectors import ancestors, holds_role_at, inspector_root_paths, roles_held

from . import registry, routing
from .council import council_rule, council_rules_for_route
from .guards import NOMINATION_TYPE, check_separation_of_duties, proposer_events
from .lifecycle import EDITABLE, NominationLifecycle
from .models import CouncilVote, Stage, Step

COUNT_CAP = 10_000
# Who reads the nominations that have or had a stage at their unit: its reviewers and its council's secretary.
REVIEWING_ROLES = (Role.APPRAISER, Role.DECIDER, Role.SECRETARY)
security_log = logging.getLogger("security")


def count_capped(listed: "QuerySet | IdsFirst") -> int:
    """How many rows, counting no further than COUNT_CAP + 1: a national scope of 100,000 nominations costs ten
    thousand index entries, not all of them. Above COUNT_CAP reads "more than COUNT_CAP" (pages and API). An
    IdsFirst counts the ids it reads for its pages."""
    if isinstance(listed, IdsFirst):
        return len(listed)
    return listed.order_by()[: COUNT_CAP + 1].count()


def inbox(user) -> QuerySet[Stage]:
    """The open stages `user` may act on, oldest first: a constant number of queries whatever the sizes (a page
    of them: the count, the page, its awards, its rounds).
    A nomination on hold (G4) keeps its open stage but waits, so it is not in anyone's inbox until released."""
    if not user.is_authenticated:
        return Stage.objects.none()
    held = roles_held(user)
    at = {role: [pk for pk, _ in held.get(role, [])] for role in (Role.APPRAISER, Role.DECIDER)}
    acted_elsewhere = Stage.objects.filter(nomination=OuterRef("nomination"), closed_by=user).exclude(
        level=OuterRef("level"), step=OuterRef("step")
    )
    return (
        Stage.objects.filter(closed_at__isnull=True, nomination__status=Status.IN_REVIEW)
        .filter(Q(step=Step.APPRAISE, org_unit_id__in=at[Role.APPRAISER])
                | Q(step=Step.DECIDE, org_unit_id__in=at[Role.DECIDER]))
        .exclude(Q(nomination__created_by=user) | Q(nomination__submitted_by=user))
        .exclude(Exists(proposer_events(OuterRef("nomination_id"), user)))
        .exclude(Exists(acted_elsewhere))
        .select_related("org_unit", "nomination__nominee", "nomination__submitting_unit")
        # The award and the round (catalogs of a few rows) in two queries of their own: joined in, they made
        # PostgreSQL spend far longer planning the query than running it (eight relations and the anti-join).
        .prefetch_related("nomination__award", "nomination__round")
        .order_by("opened_at", "pk")
    )


def duplicate_flags(user) -> QuerySet[DuplicateFlag]:
    """The open G3 flags put before the units where `user` appraises or decides, oldest first, with both
    nominations' summaries (one query): the pair is shown to that level, the lowest above both, and to no one
    else."""
    held = roles_held(user)
    units = [pk for role in (Role.APPRAISER, Role.DECIDER) for pk, _ in held.get(role, [])]
    return (DuplicateFlag.objects.filter(unit_id__in=units, resolved_at__isnull=True)
            .select_related(*FLAG_READS).order_by("opened_at", "pk"))


def resolved_flag(pk: int) -> DuplicateFlag:
    """A flag just settled by its level (the reader was allowed to settle it), with what its answer shows."""
    return DuplicateFlag.objects.select_related(*FLAG_READS).get(pk=pk)


def visible_nominations(user, only: int | None = None) -> QuerySet[Nomination]:
    """Nominations `user` may read: their units' own, those that have or had a stage at a unit where they
    review, and for inspectors every one submitted from or passing through their subtree. only: a nomination's
    id, to ask about that one alone (its scope is then looked up for it, not collected whole)."""
    return _visible(user, only)[0]


# The lists' order, last change first. The whole table is read from the index on (updated_at, id). A scope is
# collected first and then sorted, in the same order written as an expression no index serves: walking the index
# instead, PostgreSQL tested thousands of rows to find a reviewer's few, and the whole table for an inspector
# whose subtree's nominations are old ones.
NEWEST_FIRST = ("-updated_at", "-pk")
NEWEST_FIRST_OF_A_SET = (Coalesce("updated_at", "created_at").desc(), "-pk")


class InSet(Lookup):
    """`pk IN (subquery)`, written `pk = ANY(ARRAY(subquery))` on PostgreSQL: it then collects the set first and
    fetches its rows by primary key, where from IN it guessed the set far too large and scanned the whole
    table."""

    lookup_name = "in_set"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


def _visible(user, only: int | None = None) -> tuple[QuerySet[Nomination], tuple]:
    """(what `user` may read, the order a list of it is best read in); only: see visible_nominations."""
    if not user.is_authenticated:
        return Nomination.objects.none(), NEWEST_FIRST
    if user.is_superuser:
        return Nomination.objects.all(), NEWEST_FIRST
    held = roles_held(user)
    roots = [root for _pk, root in held.get(Role.INSPECTOR, [])]
    if any(_whole_tree(root) for root in roots):
        return Nomination.objects.all(), NEWEST_FIRST
    # Unit ids as constants, and only the branches the reader has (a UNION, not an OR): PostgreSQL then reads
    # each from its unit index, where an OR, or a subquery on paths, made it scan whole tables.
    subtrees = set(OrgUnit.objects.subtree_of(roots).values_list("pk", flat=True)) if roots else set()
    proposing = subtrees.union(pk for pk, _ in held.get(Role.PROPOSER, []))
    reviewing = subtrees.union(pk for role in REVIEWING_ROLES for pk, _ in held.get(role, []))
    submitted = Nomination.objects.filter(submitting_unit_id__in=proposing)
    staged = Stage.objects.filter(org_unit_id__in=reviewing)
    if only is not None:
        submitted, staged = submitted.filter(pk=only), staged.filter(nomination_id=only)
    branches = [branch.order_by() for branch, units in ((submitted.values("pk"), proposing),
                                                        (staged.values("nomination_id"), reviewing)) if units]
    if not branches:
        return Nomination.objects.none(), NEWEST_FIRST
    ids = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
    return Nomination.objects.filter(InSet(F("pk"), ids)), NEWEST_FIRST_OF_A_SET


def _whole_tree(root: str) -> bool:
    """Whether the subtree at `root` holds every unit (the national inspector's): then the scope is everything,
    and the list reads straight from its index instead of testing every row against every stage."""
    return root.count("/") == 2 and not OrgUnit.objects.exclude(path__startswith=root).exists()


ROW_READS = ("nominee", "award", "round", "submitting_unit")  # what a list row shows
FLAG_READS = ("unit", *(f"{side}__{field}" for side in ("first", "second") for field in ROW_READS))


def nomination_list(user, only: int | None = None) -> QuerySet[Nomination]:
    """What `user` may read, last change first, with what a list row shows; only: see visible_nominations."""
    nominations, order = _visible(user, only)
    return nominations.select_related(*ROW_READS).order_by(*order)


class IdsFirst:
    """A list of nominations for a paginator (the pages' and the API's): a window of it reads its ids first, sorted
    on the nomination table alone, then only those rows with what a row shows. In one query PostgreSQL joined
    every row of the scope before sorting.

    Its length reads the first COUNT_CAP + 1 ids in list order, and a window within them is then cut from those:
    the scope is collected once for the count and the page. A window asked for first, or beyond them, reads just its
    own ids."""

    def __init__(self, nominations: QuerySet[Nomination]):
        self.nominations = nominations
        self.head: list[int] | None = None

    def __len__(self) -> int:
        if self.head is None:
            self.head = list(self.nominations.values_list("pk", flat=True)[: COUNT_CAP + 1])
        return len(self.head)

    def __getitem__(self, window: slice) -> list[Nomination]:
        head = self.head
        if head is not None and (len(head) <= COUNT_CAP or (window.stop is not None and window.stop <= len(head))):
            ids = head[window]  # the head is the whole list, or the window ends within it
        else:
            ids = list(self.nominations.values_list("pk", flat=True)[window])
        found = Nomination.objects.select_related(*ROW_READS).in_bulk(ids)  # the ids come from the reader's scope
        return [found[pk] for pk in ids]


def _code(value) -> str:
    """A catalog filter given as a code (the API) or as the object a form chose (the pages)."""
    return (getattr(value, "code", value) or "").strip()


def filter_inbox(stages: QuerySet[Stage], *, award=None, round=None, level=None, nomination=None) -> QuerySet[Stage]:
    """The inbox's filters, shared by the page and the API: award and round by code, level, nomination id."""
    if nomination:
        stages = stages.filter(nomination_id=nomination)
    if _code(award):
        stages = stages.filter(nomination__award__code=_code(award))
    if _code(round):
        stages = stages.filter(nomination__round__code=_code(round))
    if level is not None:
        stages = stages.filter(level=level)
    return stages


def filter_nominations(nominations: QuerySet[Nomination], *, status="", award=None, round=None, level=None,
                       unit="", q="", reader=None) -> QuerySet[Nomination]:
    """The lists' filters, shared by the page and the API: status, award and round by code, the level of the open
    stage, a unit (its whole subtree) by code or, given the `reader`, by name among the units in their reach (an
    unknown one matches nothing), and a search `q` (search_nominations)."""
    if status:
        nominations = nominations.filter(status=status)
    if _code(award):
        nominations = nominations.filter(award__code=_code(award))
    if _code(round):
        nominations = nominations.filter(round__code=_code(round))
    if level is not None:
        nominations = nominations.filter(stages__closed_at__isnull=True, stages__level=level)
    if (unit or "").strip():
        units = units_in_reach(reader) if reader is not None else OrgUnit.objects.all()
        nominations = nominations.filter(submitting_unit_id__in=units_under(units, unit))
    return search_nominations(nominations, q)


def search_nominations(nominations: QuerySet[Nomination], text: str) -> QuerySet[Nomination]:
    """Those whose nominee's name or achievement has words beginning with each word of `text`, whatever its
    accents and case ("hang" finds "Hằng", "NGUYỄN" finds "Nguyễn"), or whose number it is ("12" or "#12")."""
    text = (text or "").strip()
    if not text:
        return nominations
    match = Q()
    for word in search_words(text):
        match &= Q(search_text__contains=word)
    number = text.removeprefix("#")
    if number.isascii() and number.isdigit() and 0 < int(number) < 2**63:
        match |= Q(pk=int(number))
    return nominations.filter(match)


def units_in_reach(user) -> QuerySet[OrgUnit]:
    """The units whose records `user` may come across: those above and below the units where they hold a role
    (every unit, for a superuser)."""
    if user.is_superuser:
        return OrgUnit.objects.all()
    roots = sorted({path for grants in roles_held(user).values() for _pk, path in grants})
    above = {code for path in roots for code in path.strip("/").split("/")}
    return OrgUnit.objects.filter(_under_any(roots, "path") | Q(code__in=above))


def units_named(units: QuerySet[OrgUnit], text: str) -> list[str]:
    """Paths of the units among `units` that `text` names: by code, or by name whatever its accents and case;
    the units whose whole name it is, else those with words beginning with its words. One query; names are
    folded here (nominations.search), the same on both databases."""
    return _named(list(units.values_list("pk", "code", "name", "path")), text)


def units_under(units: QuerySet[OrgUnit], text: str) -> list[int]:
    """Ids of the units among `units` in the subtree of one that `text` names (units_named), in the same query: a
    list's filter on these ids reads the nominations' unit index, where a prefix of the units' paths made it join
    every nomination to its unit (national inspector, 100,000 nominations: SQLite 240 → 87 ms, PostgreSQL 75 ms
    either way)."""
    rows = list(units.values_list("pk", "code", "name", "path"))
    paths = tuple(_named(rows, text))
    return [pk for pk, _code, _name, path in rows if paths and path.startswith(paths)]


def _named(rows: list[tuple], text: str) -> list[str]:
    text, wanted = (text or "").strip(), fold(text)
    if not wanted:
        return []
    paths = [path for _pk, code, name, path in rows if code == text.upper() or fold(name) == wanted]
    words = search_words(text)
    return paths or [path for _pk, _code, name, path in rows if matches(name, words)]


def unit_suggestions(user, text: str, limit: int = 12) -> list[dict]:
    """Units in `user`'s reach with words beginning with the words of `text` (accents and case aside), those whose
    name it begins first: the completion of the unit filters."""
    wanted, words = fold(text), search_words(text)
    if not wanted:
        return []
    found = [(not fold(name).startswith(wanted), name, code) for name, code in
             units_in_reach(user).values_list("name", "code") if matches(name, words)]
    return [{"name": name, "code": code} for _later, name, code in sorted(found)[:limit]]


def people_named(roots: list[str], text: str) -> list[int]:
    """Ids of the users who hold or held a role in the subtrees at `roots` with names whose words begin with the
    words of `text` (accents and case aside), or whose username it is: the audit filter's "who". One query."""
    words = search_words(text)
    if not words or not roots:
        return []
    rows = (RoleAssignment.objects.filter(_under_any(roots, "org_unit__path"))
            .values_list("user_id", "user__username", "user__first_name", "user__last_name").distinct())
    return sorted({pk for pk, username, first, last in rows
                   if username == text.strip() or matches(f"{first} {last}", words)})


def _under_any(paths: list[str], field: str) -> Q:
    """Rows whose `field` (a unit path) lies in the subtree of any of `paths` (none: no row)."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def readable_nomination(user, pk) -> Nomination:
    """The nomination if `user` may read it. Anything else is 'not found' (never 'forbidden', so ids leak
    nothing); a miss on a nomination that exists is logged for the security log."""
    nomination = nomination_list(user, only=pk).filter(pk=pk).first()
    if nomination is None:
        if Nomination.objects.filter(pk=pk).exists():
            security_log.warning("denied action=read user=%s nomination=%s", getattr(user, "pk", None), pk)
        raise Http404(_("Không tìm thấy hồ sơ."))
    return nomination


def document_file(nomination: Nomination, document_id: int):
    """(the open file, the document) of a nomination the caller may already read; 404 if it is not there."""
    document = nomination.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404(_("Không tìm thấy tài liệu."))
    try:
        return document.file.open("rb"), document
    except FileNotFoundError as exc:
        raise Http404(_("Tệp không còn trên máy chủ.")) from exc


def open_stage(nomination: Nomination) -> Stage | None:
    return Stage.objects.filter(nomination=nomination, closed_at__isnull=True).select_related("org_unit").first()


def stages_of(nomination: Nomination) -> list[Stage]:
    """Every stage of the nomination, oldest first, with its unit (one statement: every review action reads them;
    a route has a few dozen at most)."""
    return list(Stage.objects.filter(nomination_id=nomination.pk).select_related("org_unit").order_by("opened_at", "pk"))


def nomination_events(nomination: Nomination) -> QuerySet[Event]:
    """The nomination's timeline from the audit log (whoever may read the nomination reads all of it)."""
    return Event.objects.filter(object_type=NOMINATION_TYPE, object_id=str(nomination.pk)).select_related(
        "actor"
    ).order_by("seq")


def may_edit(user, nomination: Nomination) -> bool:
    """The proposer of the submitting unit may change the dossier while it is a draft or returned."""
    return nomination.status in EDITABLE and holds_role_at(user, Role.PROPOSER, nomination.submitting_unit)


def may_attach(user, nomination: Nomination) -> bool:
    """Documents are added by the proposer while the dossier is editable, and by the open step's holder while
    it is in review, or at a DECIDE step whose council must vote by the council's secretary of its unit (the
    minutes)."""
    if nomination.status in EDITABLE:
        return may_edit(user, nomination)
    stage = open_stage(nomination)
    return stage is not None and (holds_role_at(user, stage.role, stage.org_unit) or (
        stage.step == Step.DECIDE and holds_role_at(user, Role.SECRETARY, stage.org_unit)
        and council_rule_for(nomination, stage) is not None))


def available_actions(user, nomination: Nomination, stage: Stage | None) -> list[str]:
    """The public names (the action registry's) of the actions `user` may take on `nomination` now, in the order of
    their buttons, by the same checks the actions make (state, role, separation of duties), so the buttons a page
    shows are the ones that will work."""
    lifecycle = NominationLifecycle(nomination, stage)
    allowed, stages = [], None
    for action in registry.dispatched():
        transition = getattr(lifecycle, action.transition)
        if not (transition.can_proceed() and transition.has_perm(user)):
            continue
        if action.review:
            stages = stages if stages is not None else stages_of(nomination)
            try:
                check_separation_of_duties(user, nomination, stage, stages)
            except ValidationError:
                continue
        allowed.append(action.name)
    return allowed


def council_rule_for(nomination: Nomination, stage: Stage | None):
    """The council rule the open DECIDE step must satisfy, or None (no stage, not DECIDE, no rule in force)."""
    if stage is None or stage.step != Step.DECIDE:
        return None
    return council_rule(stage.level, nomination.award_id, nomination.route_date)


def council_minutes(nomination: Nomination, stage: Stage):
    """The minutes documents of this nomination attached since the stage opened: the ones a vote may cite."""
    return nomination.documents.filter(kind=DocumentKind.BIEN_BAN_HOI_DONG, uploaded_at__gte=stage.opened_at).order_by(
        "-uploaded_at", "-pk")


def council_vote_of(stage: Stage | None) -> CouncilVote | None:
    """The council's vote recorded at this stage, with who recorded it and its minutes, or None."""
    if stage is None:
        return None
    return CouncilVote.objects.filter(stage_id=stage.pk).select_related("recorded_by", "minutes").first()


def may_record_council_vote(user, nomination: Nomination, stage: Stage | None) -> bool:
    """Whether `user` may record the council's vote now: the nomination is in review at a DECIDE step whose
    council must vote and has not, and `user` is the council's secretary at the stage's unit (the action's checks)."""
    return (stage is not None and nomination.status == Status.IN_REVIEW and stage.step == Step.DECIDE
            and holds_role_at(user, Role.SECRETARY, stage.org_unit)
            and council_rule_for(nomination, stage) is not None and council_vote_of(stage) is None)


# --- the audit log, for inspectors (the audit browser and the API) ---------------------------------


def inspector_roots(user) -> list[str]:
    """The org paths whose audit events `user` may read (all for a superuser); 403 for anyone else."""
    roots = ["/"] if user.is_superuser else inspector_root_paths(user)
    if not roots:
        raise PermissionDenied(_("Chỉ thanh tra viên mới được xem nhật ký kiểm toán."))
    return roots


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events(user, roots: list[str], data: dict) -> QuerySet[Event]:
    """Events recorded at a unit of the inspector's subtree, and every event of a nomination they may read."""
    scope = Q()
    for root in roots:
        scope |= Q(org_path__startswith=root)
    events = Event.objects.all()
    if data.get("nomination"):
        nomination = visible_nominations(user, only=data["nomination"]).filter(pk=data["nomination"]).first()
        if nomination is None:
            return events.none()
        events = events.filter(object_type=NOMINATION_TYPE, object_id=str(nomination.pk))
    else:
        events = events.filter(scope)
    if data.get("since"):
        events = events.filter(at__gte=_day_start(data["since"]))
    if data.get("until"):
        events = events.filter(at__lt=_day_start(data["until"] + datetime.timedelta(days=1)))
    if data.get("actor"):
        actor = data["actor"].strip()
        events = events.filter(Q(actor_name=actor) | Q(actor_id__in=people_named(roots, actor)))
    if data.get("action"):
        events = events.filter(action=data["action"].strip())
    if data.get("unit"):
        events = events.filter(_under_any(units_named(OrgUnit.objects.subtree_of(roots), data["unit"]), "org_path"))
    return events


def rules_applied(nomination: Nomination) -> dict:
    """Which rules judge the nomination: those in force on its date (first submission; today for a draft).

    For the nomination's page and the API: {"date", "profile": {code, name, valid_from, valid_to},
    "deciding_level": {level, label, basis, valid_from, valid_to}, "council": [{level, label, quorum_percent,
    threshold_percent, threshold_base}]}."""
    day = nomination.route_date
    chain = list(ancestors(nomination.submitting_unit))
    try:
        profile = routing.profile_for([u for u in chain if u.is_valid_on(day)] or chain, day)
        profile_info = {"code": profile.code, "name": profile.name, "valid_from": profile.valid_from,
                        "valid_to": profile.valid_to}
    except ValidationError:
        profile_info = None
    rule = award_rule_on(nomination.award, day)
    level = rule.deciding_level if rule is not None else nomination.award.deciding_level
    return {
        "date": day,
        "profile": profile_info,
        "deciding_level": {
            "level": level, "label": str(Level(level).label),
            "basis": rule.basis if rule is not None else "",
            "valid_from": rule.valid_from if rule is not None else nomination.award.valid_from,
            "valid_to": rule.valid_to if rule is not None else nomination.award.valid_to,
        },
        "council": council_rules_for_route(nomination),
    }


# --- what people read on the pages: return reasons, names for codes, the proposer's own dossiers -------------


def unit_names(codes) -> dict[str, str]:
    """{unit code: its name} for the codes given (one query); the audit log keeps codes, people read names."""
    codes = {code for code in codes if code}
    return dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


@dataclass(frozen=True)
class Returned:
    """The last return of a nomination, as its pages show it: who returned it from where, when, and why."""

    reason: str
    comment: str
    at: datetime.datetime
    unit: str  # the returning unit's name
    by: str  # the returning person's full name
    opened_stage: int | None  # the stage the return reopened below; None when it went back to the proposer


def latest_returns(nomination_ids) -> dict[int, Returned]:
    """{nomination id: its last return} for the nominations given that were ever returned (two queries whatever
    their number: the return events through the log's object index, then the units' names)."""
    ids = [str(pk) for pk in nomination_ids]
    if not ids:
        return {}
    events = (Event.objects.filter(object_type=NOMINATION_TYPE, object_id__in=ids, action="nomination.return")
              .select_related("actor").order_by("seq"))
    latest = {int(event.object_id): event for event in events}
    names = unit_names(event.org_unit for event in latest.values())
    return {pk: Returned(reason=event.data.get("reason", ""), comment=event.comment, at=event.at,
                         unit=names.get(event.org_unit, event.org_unit),
                         by=(event.actor.get_full_name() if event.actor else "") or event.actor_name,
                         opened_stage=event.data.get("opened_stage"))
            for pk, event in latest.items()}


def return_in_force(nomination: Nomination, stage: Stage | None, returned: Returned | None) -> Returned | None:
    """The return a reader must see first: the one that sent the dossier back to its proposer (while it is still
    returned), or the one that reopened the open stage at a lower level; None once the dossier moved on."""
    if returned is None:
        return None
    if nomination.status == Status.RETURNED:
        return returned
    if stage is not None and returned.opened_stage == stage.pk:
        return returned
    return None


DECIDED = (Status.AWARDED, Status.REJECTED, Status.WITHDRAWN)
OWN_OPEN_SHOWN = 100  # the proposer's open dossiers on the home page (a school has a handful; the list has them all)
OWN_DECIDED_SHOWN = 10  # the latest decided ones


def own_dossiers(user) -> dict[str, list[Nomination]] | None:
    """The home page of a unit's head: the dossiers of the units where `user` proposes, in four groups:
    "returned" (each with `.returned`, the reason), "drafts", "in_review" (each with `.stage`, the open stage: where
    it is and since when) and "decided" (the latest). None for someone who proposes nowhere. Five queries whatever
    the numbers: the roles, the open dossiers, their open stages, their returns (two), the decided ones."""
    units = [pk for pk, _path in roles_held(user).get(Role.PROPOSER, [])]
    if not units:
        return None
    mine = Nomination.objects.filter(submitting_unit_id__in=units).select_related("nominee", "award", "round")
    open_ = list(mine.exclude(status__in=DECIDED).order_by("-updated_at", "-pk")[:OWN_OPEN_SHOWN])
    stages = {stage.nomination_id: stage for stage in Stage.objects.filter(
        nomination__in=[n.pk for n in open_ if n.status in (Status.IN_REVIEW, Status.ON_HOLD)],
        closed_at__isnull=True).select_related("org_unit")}
    returned = [n for n in open_ if n.status == Status.RETURNED]
    reasons = latest_returns(n.pk for n in returned)
    for nomination in returned:
        nomination.returned = reasons.get(nomination.pk)
    for nomination in open_:
        nomination.stage = stages.get(nomination.pk)
    return {
        "returned": returned,
        "drafts": [n for n in open_ if n.status == Status.DRAFT],
        "in_review": [n for n in open_ if n.status in (Status.IN_REVIEW, Status.ON_HOLD)],
        "decided": list(mine.filter(status__in=DECIDED).order_by("-updated_at", "-pk")[:OWN_DECIDED_SHOWN]),
    }


def reviews_anywhere(user) -> bool:
    """Whether `user` appraises or decides at some unit: then the home page shows their inbox, even when empty."""
    held = roles_held(user)
    return bool(held.get(Role.APPRAISER) or held.get(Role.DECIDER))
