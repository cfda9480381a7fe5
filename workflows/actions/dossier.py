"""The proposer's writes to a dossier: create a nomination, edit it, attach, remove and replace documents. Each is
audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event, record, record_many
from nominations import rules
from nominations.documents import checked_upload
from nominations.models import (
    AwardType,
    BkTtgPath,
    Criterion,
    CriterionAnswer,
    Document,
    Nomination,
    Round,
    Status,
    subject_group,
)
from nominations.search import nomination_text
from nominations.services import Nominees
from roles.models import OrgUnit, Role
from roles.selectors import holds_role_at

from .. import routing
from ..errors import InvalidTransition
from ..lifecycle import EDITABLE
from ..models import CouncilVote
from ..selectors import may_attach
from .review import lock_nomination, security_log


def _require_proposer(actor, unit: OrgUnit, what: str) -> None:
    if not holds_role_at(actor, Role.PROPOSER, unit):
        security_log.warning("denied action=%s user=%s unit=%s", what, getattr(actor, "pk", None), unit.code)
        raise PermissionDenied(_("Chỉ thủ trưởng đơn vị đề nghị mới được lập và sửa hồ sơ."))


def _require_editable(nomination: Nomination) -> None:
    if nomination.status not in EDITABLE:
        raise InvalidTransition(
            _("Không thể sửa hồ sơ ở trạng thái “%(status)s”.") % {"status": nomination.get_status_display()}
        )


def _valid_path(path: str) -> str:
    if path not in BkTtgPath.values:
        raise ValidationError({"path": _("Diện đề nghị không hợp lệ: %(path)s.") % {"path": path}})
    return path


def _check_answers(criteria: dict[str, Criterion], answers: list[dict]) -> None:
    unknown = [str(a.get("code")) for a in answers if a.get("code") not in criteria]
    if unknown:
        raise ValidationError(
            {"criteria": _("Tiêu chí không thuộc nhóm đối tượng này: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    seen, repeated = set(), {}
    for answer in answers:
        if answer["code"] in seen:
            repeated[answer["code"]] = True
        seen.add(answer["code"])
    if repeated:  # two answers to one criterion would both be inserted (a unique constraint's 500) or overwrite
        raise ValidationError({"criteria": _("Mỗi tiêu chí chỉ được trả lời một lần; tiêu chí bị lặp: %(codes)s.")
                               % {"codes": ", ".join(repeated)}})


def _write_answers(nomination: Nomination, answers: list[dict]) -> list[str]:
    """Create or change the criterion answers given as [{code, met, note}]. Returns the codes written."""
    group = subject_group(nomination.nominee.kind, nomination.nominee.unit.level)
    criteria = {c.code: c for c in Criterion.objects.filter(movement_id=nomination.round.movement_id, group=group)}
    _check_answers(criteria, answers)
    existing = {a.criterion_id: a for a in nomination.answers.filter(criterion__in=criteria.values())}
    to_create, to_update = [], []
    for answer in answers:
        criterion = criteria[answer["code"]]
        met, note = bool(answer.get("met")), str(answer.get("note") or "").strip()
        row = existing.get(criterion.pk)
        if row is None:
            to_create.append(CriterionAnswer(nomination=nomination, criterion=criterion, met=met, note=note))
        elif (row.met, row.note) != (met, note):
            row.met, row.note = met, note
            to_update.append(row)
    CriterionAnswer.objects.bulk_create(to_create)
    CriterionAnswer.objects.bulk_update(to_update, ["met", "note"])
    return [a["code"] for a in answers]


CREATE_BATCH = 500  # rows created per batch by create_nominations: memory stays flat in the number of rows


def create_nomination(
    *, actor, round: Round, award: AwardType, submitting_unit: OrgUnit, nominee: dict, achievement: str,
    criteria: list[dict] | None = None, path: str = BkTtgPath.MOVEMENT,
) -> Nomination:
    """`path`: for a BK_TTG, the path declared (G6): movement (default), merit or exceptional."""
    with transaction.atomic():
        row = {"award": award, "nominee": nominee, "achievement": achievement, "criteria": criteria, "path": path}
        return _Creation(actor, round, submitting_unit).create([row])[0]


def create_nominations(*, actor, round: Round, submitting_unit: OrgUnit, rows) -> list[int]:
    """create_nomination for each row ({award, nominee, achievement, criteria, path}; any iterable, read once), all
    in one transaction: the same guards row by row, in the same order, and the same rows and audit events, written
    in batches (a few statements a batch, not a dozen a row). The first row refused refuses them all, with the
    error create_nomination would have raised. Returns the new nominations' ids."""
    with transaction.atomic():
        creation, created, batch = _Creation(actor, round, submitting_unit), [], []
        for row in rows:
            batch.append(row)
            if len(batch) == CREATE_BATCH:
                created += [n.pk for n in creation.create(batch)]
                batch = []
        created += [n.pk for n in creation.create(batch)]
    return created


class _Creation:
    """create_nomination's guards and writes for rows of one round and one submitting unit. What does not depend on
    the row is read once and its verdict kept (the unit, the window, each award's route); a row's own checks run in
    the single path's order before anything of its batch is written."""

    def __init__(self, actor, round: Round, submitting_unit: OrgUnit):
        _require_proposer(actor, submitting_unit, "create")
        self.actor, self.round, self.unit = actor, round, submitting_unit
        self.today = timezone.localdate()
        self.opened: ValidationError | None | bool = False  # G12 and G10's verdict, once read
        self.routes: dict[int, ValidationError | None] = {}
        self.criteria: dict[str, dict[str, Criterion]] | None = None

    def _check_open(self) -> None:
        if self.opened is False:
            try:
                rules.check_unit_valid(self.unit, self.today)
                rules.check_window(self.round, self.today)
                self.opened = None
            except ValidationError as exc:
                self.opened = exc
        if self.opened is not None:
            raise self.opened

    def _check_route(self, award: AwardType) -> None:
        if award.pk not in self.routes:
            try:
                routing.plan_route(submitting_unit=self.unit, award=award, day=self.today)
                self.routes[award.pk] = None
            except ValidationError as exc:
                self.routes[award.pk] = exc
        if self.routes[award.pk] is not None:
            raise self.routes[award.pk]

    def _group_criteria(self, kind: str) -> dict[str, Criterion]:
        if self.criteria is None:
            self.criteria = {}
            for criterion in Criterion.objects.filter(movement_id=self.round.movement_id):
                self.criteria.setdefault(criterion.group, {})[criterion.code] = criterion
        return self.criteria.get(subject_group(kind, self.unit.level), {})

    def create(self, rows: list[dict]) -> list[Nomination]:
        if not rows:
            return []
        valid_awards = set(AwardType.objects.valid_on(self.today).filter(pk__in={r["award"].pk for r in rows})
                           .values_list("pk", flat=True))
        people = Nominees(self.unit, [r["nominee"] for r in rows])
        checked = []
        for row in rows:  # create_nomination's checks, in its order
            path = _valid_path(row.get("path", BkTtgPath.MOVEMENT))
            self._check_open()
            award = row["award"]
            if award.pk not in valid_awards:
                raise ValidationError({"award": _("Hình thức khen thưởng %(code)s không còn áp dụng.")
                                       % {"code": award.code}})
            self._check_route(award)
            achievement = (row["achievement"] or "").strip()
            if not achievement:
                raise ValidationError({"achievement": _("Hãy tóm tắt thành tích.")})
            person = people.resolve(row["nominee"])
            answers = row.get("criteria") or []
            checked.append((row, path, achievement, person, _new_answers(self._group_criteria(person.kind), answers)))
        people.save()
        nominations = Nomination.objects.bulk_create([
            Nomination(round=self.round, award=row["award"], nominee=person, submitting_unit=self.unit,
                       achievement=achievement, nominee_details=(row["nominee"].get("details") or "").strip(),
                       created_by=self.actor, path=path, search_text=nomination_text(person.name, achievement))
            for row, path, achievement, person, _answers in checked])
        CriterionAnswer.objects.bulk_create([
            answer for nomination, (*_row, answers) in zip(nominations, checked, strict=True)
            for answer in _attached(answers, nomination)])
        record_many([event(
            action="nomination.create", actor=self.actor, obj=nomination, org_unit=self.unit,
            to_status=nomination.status,
            data={"round": self.round.code, "award": row["award"].code, "nominee": person.pk,
                  "criteria": [a["code"] for a in row.get("criteria") or []], "path": path},
        ) for nomination, (row, path, _achievement, person, _answers) in zip(nominations, checked, strict=True)])
        return nominations


def _new_answers(criteria: dict[str, Criterion], answers: list[dict]) -> list[CriterionAnswer]:
    """_write_answers' checks for a new nomination's answers, and the answers (attached by _attached)."""
    _check_answers(criteria, answers)
    return [CriterionAnswer(criterion=criteria[a["code"]], met=bool(a.get("met")), note=str(a.get("note") or "").strip())
            for a in answers]


def _attached(answers: list[CriterionAnswer], nomination: Nomination) -> list[CriterionAnswer]:
    for answer in answers:
        answer.nomination = nomination
    return answers


def update_nomination(
    *, actor, nomination: Nomination | int, achievement: str | None = None, criteria: list[dict] | None = None,
    nominee_details: str | None = None, path: str | None = None,
) -> Nomination:
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        _require_editable(nomination)
        _require_proposer(actor, nomination.submitting_unit, "update")
        wanted = {}
        if achievement is not None:
            wanted["achievement"] = achievement.strip()
            if not wanted["achievement"]:
                raise ValidationError({"achievement": _("Hãy tóm tắt thành tích.")})
        if nominee_details is not None:
            wanted["nominee_details"] = nominee_details.strip()
        if path is not None:
            wanted["path"] = _valid_path(path)
        # Each changed field with its value before and after: what the nomination says is on record as it was.
        changes = {name: [getattr(nomination, name), value] for name, value in wanted.items()
                   if value != getattr(nomination, name)}
        for name, (_before, value) in changes.items():
            setattr(nomination, name, value)
        codes = _write_answers(nomination, criteria) if criteria else []
        nomination.updated_at = timezone.now()
        nomination.save(update_fields=[*changes, "updated_at"])
        record(
            action="nomination.update", actor=actor, obj=nomination, org_unit=nomination.submitting_unit,
            from_status=nomination.status, to_status=nomination.status,
            data={"fields": list(changes), "changes": changes, "criteria": codes},
        )
    return nomination


def attach_document(*, actor, nomination: Nomination | int, kind: str, upload) -> Document:
    """Attach a file to the dossier: the proposer while it is editable, the open step's holder while in review."""
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        if nomination.status not in (*EDITABLE, Status.IN_REVIEW):
            raise InvalidTransition(
                _("Không thể thêm tài liệu vào hồ sơ ở trạng thái “%(status)s”.")
                % {"status": nomination.get_status_display()}
            )
        if not may_attach(actor, nomination):
            security_log.warning("denied action=attach user=%s nomination=%s", getattr(actor, "pk", None), nomination.pk)
            raise PermissionDenied(_("Bạn không được thêm tài liệu vào hồ sơ này."))
        return _store(actor, nomination, kind, upload, "nomination.document_add")


def _store(actor, nomination: Nomination, kind: str, upload, action: str, **data) -> Document:
    """Check the upload, save its file and row and append `action`'s event (inside the caller's transaction)."""
    fields = checked_upload(kind, upload)
    document = Document(nomination=nomination, uploaded_by=actor, **fields)
    document.store(upload, then=lambda: record(
        action=action, actor=actor, obj=nomination, org_unit=nomination.submitting_unit,
        from_status=nomination.status, to_status=nomination.status,
        data={"document": document.pk, "kind": kind, "name": fields["original_name"], "size": fields["size"],
              "sha256": fields["sha256"], **data},
    ))
    return document


def _removable(actor, nomination: Nomination | int, document: Document | int) -> tuple[Nomination, Document]:
    """The locked nomination and its document, which its proposer may remove now: the dossier is editable and no
    council vote cites the document as its minutes (the vote stays on record with them)."""
    nomination = lock_nomination(nomination)
    _require_editable(nomination)
    _require_proposer(actor, nomination.submitting_unit, "remove_document")
    pk = document.pk if isinstance(document, Document) else document
    document = nomination.documents.filter(pk=pk).first()
    if document is None:
        raise ValidationError({"document": _("Hồ sơ không có tài liệu số %(id)s.") % {"id": pk}})
    if CouncilVote.objects.filter(minutes_id=document.pk).exists():
        raise InvalidTransition(_("“%(name)s” là biên bản của một lần bỏ phiếu của Hội đồng đã ghi: không thể xóa "
                                  "hoặc thay.") % {"name": document.original_name})
    return nomination, document


def _delete(document: Document) -> dict:
    """Delete the row now and its file once the transaction commits (a rollback keeps both); what it was."""
    gone = {"document": document.pk, "kind": document.kind, "name": document.original_name, "sha256": document.sha256}
    storage, path = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(path))
    return gone


def remove_document(*, actor, nomination: Nomination | int, document: Document | int) -> None:
    """The proposer removes a document from a dossier that is still editable (a draft, or returned to them)."""
    with transaction.atomic():
        nomination, document = _removable(actor, nomination, document)
        record(
            action="nomination.document_remove", actor=actor, obj=nomination, org_unit=nomination.submitting_unit,
            from_status=nomination.status, to_status=nomination.status, data=_delete(document),
        )


def replace_document(*, actor, nomination: Nomination | int, document: Document | int, upload) -> Document:
    """The proposer replaces a document of an editable dossier by a new file of the same kind, in one step."""
    with transaction.atomic():
        nomination, document = _removable(actor, nomination, document)
        kind, gone = document.kind, _delete(document)
        return _store(actor, nomination, kind, upload, "nomination.document_replace",
                      replaced={"document": gone["document"], "name": gone["name"], "sha256": gone["sha256"]})
