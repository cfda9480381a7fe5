import pytest
from django.core import mail
from django.db import transaction

from notifications import selectors, services
from notifications.models import Kind, Notification
from roles.selectors import role_holders
from workflows import actions
from workflows.selectors import open_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(draft_factory, users):
    users["unit_head"].email = "hieutruong@example.vn"
    users["unit_head"].save(update_fields=["email"])
    n = draft_factory(name="Lê Thị Thông")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    return n


def test_a_return_notifies_the_proposer_in_app_with_the_action_and_by_vietnamese_email_after_commit(
    submitted, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.return_nomination(actor=users["commune_staff"], nomination=submitted, stage=open_stage(submitted),
                                  reason="Thiếu bản tóm tắt thành tích.")
    # the in-app notice is written in the action's transaction; the e-mail waits for its commit
    note = Notification.objects.get(user=users["unit_head"])
    assert len(callbacks) == 1 and mail.outbox == []
    callbacks[0]()
    assert note.kind == Kind.RETURNED and note.nomination_id == submitted.pk
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hieutruong@example.vn"]
    assert "bị trả lại" in message.subject
    assert "Lý do: Thiếu bản tóm tắt thành tích." in message.body
    assert selectors.unread_count(users["unit_head"]) == 1
    assert services.mark_read(user=users["unit_head"]) == 1
    assert selectors.unread_count(users["unit_head"]) == 0
    assert list(selectors.for_user(users["unit_head"])) == [note]


def test_nothing_is_sent_when_the_action_rolls_back(submitted, users, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    before = Notification.objects.count()  # the submission's own notice to the commune's appraisers
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom):
            with transaction.atomic():
                actions.reject_nomination(actor=users["commune_staff"], nomination=submitted,
                                          stage=open_stage(submitted), reason="Không đủ tiêu chuẩn.")
                raise Boom
    assert callbacks == []
    assert Notification.objects.count() == before
    assert mail.outbox == []


def test_a_rejection_notifies_the_proposer(submitted, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.reject_nomination(actor=users["commune_staff"], nomination=submitted, stage=open_stage(submitted),
                                  reason="Không đủ tiêu chuẩn.")
    assert Notification.objects.get(user=users["unit_head"]).kind == Kind.REJECTED
    assert "không được đồng ý" in mail.outbox[0].subject


def test_a_stage_opening_notifies_its_role_holders(draft_factory, users, django_capture_on_commit_callbacks):
    n = draft_factory(name="Võ Thị Mở")
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    stage = open_stage(n)
    notes = Notification.objects.filter(kind=Kind.STAGE_OPENED, nomination=n)
    assert users["commune_staff"].pk in set(notes.values_list("user_id", flat=True))
    assert all("chờ xử lý" in x.title for x in notes) and stage.org_unit.name in notes[0].body


def test_a_stage_opening_is_written_with_the_action_in_two_statements_and_names_unit_and_award(
        draft_factory, users, django_capture_on_commit_callbacks, django_assert_num_queries):
    # given a submission whose after-commit callbacks are held back: its notice is there already
    n = draft_factory(name="Đỗ Văn Đếm")
    with django_capture_on_commit_callbacks(execute=False):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    stage = open_stage(n)
    note = Notification.objects.get(kind=Kind.STAGE_OPENED, nomination=n, user=users["commune_staff"])
    # named by the unit's and the award's names, never their codes (issue 24)
    assert f"chờ {stage.org_unit.name} xử lý" in note.body and n.award.name in note.title
    assert stage.org_unit.code not in note.body + note.title and n.award.code not in note.body + note.title
    # and telling a stage's role holders is one query for them (and the unit's name) and one INSERT
    with django_assert_num_queries(2):
        services.stage_opened(n, holders=role_holders(stage.org_unit_id, stage.role), due_at=stage.due_at)
    assert Notification.objects.filter(kind=Kind.STAGE_OPENED, nomination=n, user=users["commune_staff"]).count() == 2


def test_a_stage_opening_with_no_role_holder_inserts_nothing(draft_factory, users, django_assert_num_queries):
    from roles.models import RoleAssignment
    from roles.services import revoke_role

    n = draft_factory(name="Phan Thị Vắng")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    stage = open_stage(n)
    for assignment in RoleAssignment.objects.filter(org_unit=stage.org_unit, role=stage.role, revoked_at=None):
        revoke_role(actor=users["admin"], assignment=assignment)
    before = Notification.objects.count()
    with django_assert_num_queries(1):
        services.stage_opened(n, holders=role_holders(stage.org_unit_id, stage.role), due_at=stage.due_at)
    assert Notification.objects.count() == before


def test_sending_writes_one_insert_for_one_recipient_or_many(users, django_assert_num_queries):
    # one recipient is the common case (one plain INSERT); many: one INSERT for all
    for recipients in ([users["unit_head"]], [users["commune_staff"], users["commune_chair"]]):
        with django_assert_num_queries(1):
            created = services.send(users=recipients, kind=Kind.RETURNED, title="Tiêu đề", body="Nội dung")
        assert [n.user_id for n in created] == [u.pk for u in recipients] and all(n.pk for n in created)
        assert Notification.objects.filter(pk__in=[n.pk for n in created], title="Tiêu đề").count() == len(recipients)
