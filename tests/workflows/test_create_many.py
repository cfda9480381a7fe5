"""create_nominations, the batched create (the Excel import's confirmation): the same rows and audit events as
create_nomination row by row, the same first error, nothing created when a row is refused, and statements per
batch rather than per row."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import Event
from audit.verification import verify_full
from nominations.models import AwardType, CriterionAnswer, Nomination, Nominee, Round
from workflows import actions
from workflows.actions import dossier

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def rows(count=6, start=0):
    """Individuals by identity number and by name (one named twice, one number twice), a household, criteria and
    the BK_TTG's declared path."""
    gk, bk = AwardType.objects.get(code="GK_XA"), AwardType.objects.get(code="BK_TINH")
    out = []
    for i in range(start, start + count):
        number, kind = f"{i % 4:012d}" if i % 2 else "", "household" if i % 7 == 6 else "individual"
        out.append({"award": gk if i % 3 else bk, "achievement": f"  Thành tích {i}. ",
                    "nominee": {"kind": kind, "name": f"Người {i % 4}", "identity_number": number,
                                "details": f" chi tiết {i} "},
                    "criteria": [{"code": "CN-1", "met": True, "note": " có "}, {"code": "CN-2", "met": False}]
                    if kind == "individual" and i % 5 else [],
                    **({"path": "merit"} if i % 3 == 0 else {})})
    return out


def snapshot(since_event: int) -> dict:
    """What was written, without the ids the database chose."""
    created = Event.objects.filter(seq__gt=since_event, action="nomination.create").values_list("object_id", flat=True)
    nominations = list(Nomination.objects.order_by("pk").select_related("nominee", "award").filter(
        pk__in=[int(pk) for pk in created]))
    person = {n.nominee_id: (n.nominee.kind, n.nominee.name, n.nominee.identity_number, n.nominee.unit_id)
              for n in nominations}
    events = list(Event.objects.filter(seq__gt=since_event).order_by("seq"))
    return {
        "nominees": [person[n.nominee_id] for n in nominations],
        "same person": [[m.nominee_id == n.nominee_id for m in nominations] for n in nominations],
        "nominations": [(n.award.code, n.achievement, n.nominee_details, n.path, n.status, n.search_text,
                         n.submitting_unit_id, n.round_id, n.created_by_id) for n in nominations],
        "answers": [sorted((a.criterion.code, a.met, a.note) for a in n.answers.select_related("criterion"))
                    for n in nominations],
        "events": [(e.action, e.actor_name, e.object_type, e.org_unit, e.org_path, e.from_status, e.to_status,
                    e.comment, {**e.data, "nominee": person[e.data["nominee"]]}) for e in events],
        "event objects": [e.object_id for e in events] == [str(n.pk) for n in nominations],
    }


def test_the_bulk_path_writes_the_rows_and_events_the_single_path_writes(users, org_tree):
    unit, rnd = org_tree["LC-SAPA-THCS"], Round.objects.get(code="1315-2026")
    head = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    with pytest.raises(RolledBack), transaction.atomic():
        for row in rows():
            actions.create_nomination(actor=users["unit_head"], round=rnd, submitting_unit=unit, **row)
        one_by_one = snapshot(head)
        raise RolledBack
    created = actions.create_nominations(actor=users["unit_head"], round=rnd, submitting_unit=unit, rows=iter(rows()))
    in_bulk = snapshot(head)
    assert len(created) == 6 and len(one_by_one["events"]) == 6 and one_by_one["event objects"]
    assert sum(map(sum, one_by_one["same person"])) > 6  # a person named twice is one record in both
    assert in_bulk == one_by_one
    assert verify_full().ok  # the events chain as record() would have chained them


def test_a_batch_reuses_the_unit_s_records_written_before(users, org_tree, monkeypatch):
    monkeypatch.setattr(dossier, "CREATE_BATCH", 2)  # the same person in two batches
    unit, rnd = org_tree["LC-SAPA-THCS"], Round.objects.get(code="1315-2026")
    actions.create_nominations(actor=users["unit_head"], round=rnd, submitting_unit=unit, rows=rows(3))
    before = Nominee.objects.count()
    actions.create_nominations(actor=users["unit_head"], round=rnd, submitting_unit=unit, rows=rows(8, start=4))
    assert Nominee.objects.count() == before + 2  # new: the household Người 2 and number …3; the rest known


@pytest.mark.parametrize("bad, message", [
    ({"criteria": [{"code": "TT-1", "met": True}]}, "Tiêu chí không thuộc nhóm đối tượng này: TT-1."),
    ({"achievement": "  "}, "Hãy tóm tắt thành tích."),
    ({"nominee": {"kind": "individual", "name": "Người khác", "identity_number": f"{1:012d}"}},
     f"Đơn vị đã ghi số định danh {1:012d} cho “Người 1”"),  # the number row 2 gave another name
    ({"path": "nowhere"}, "Diện đề nghị không hợp lệ: nowhere."),
])
def test_an_error_in_row_n_creates_nothing_and_is_the_single_path_s_error(users, org_tree, monkeypatch, bad,
                                                                           message):
    monkeypatch.setattr(dossier, "CREATE_BATCH", 3)  # row 8 is in the third batch: two are written already
    unit, rnd = org_tree["LC-SAPA-THCS"], Round.objects.get(code="1315-2026")
    given = rows(10)
    given[7] = {**given[7], **bad}
    counts = [m.objects.count() for m in (Nomination, Nominee, CriterionAnswer, Event)]
    with pytest.raises(ValidationError) as single, transaction.atomic():
        for row in given:
            actions.create_nomination(actor=users["unit_head"], round=rnd, submitting_unit=unit, **row)
    with pytest.raises(ValidationError) as bulk:
        actions.create_nominations(actor=users["unit_head"], round=rnd, submitting_unit=unit, rows=given)
    assert bulk.value.message_dict == single.value.message_dict
    assert message in " ".join(bulk.value.messages)
    assert [m.objects.count() for m in (Nomination, Nominee, CriterionAnswer, Event)] == counts


def test_the_proposer_s_role_is_required_before_anything_is_read(users, org_tree):
    unit, rnd = org_tree["LC-SAPA-THCS"], Round.objects.get(code="1315-2026")
    with pytest.raises(PermissionDenied):
        actions.create_nominations(actor=users["commune_chair"], round=rnd, submitting_unit=unit, rows=rows(2))
    assert not Nomination.objects.filter(submitting_unit=unit, achievement__startswith="Thành tích").exists()


def test_statements_grow_with_the_batches_not_the_rows(users, org_tree):
    unit, rnd = org_tree["LC-SAPA-THCS"], Round.objects.get(code="1315-2026")
    counts = []
    for start, count in ((0, 5), (100, 40)):
        with CaptureQueriesContext(connection) as queries:
            actions.create_nominations(actor=users["unit_head"], round=rnd, submitting_unit=unit,
                                       rows=rows(count, start))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
