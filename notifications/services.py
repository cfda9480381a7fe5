"""Notifications: the in-app row is written in the caller's transaction, so it commits or rolls back with the
action that caused it (and costs no transaction of its own); its e-mail is a task that exists once that commits
(notifications.tasks)."""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tasks
from .models import Kind, Notification


class Recipient(NamedTuple):
    """What sending needs of a user (a User works as well): read as two columns, not as whole users."""

    pk: int
    email: str


def send(*, users, kind: str, title: str, body: str, nomination=None) -> list[Notification]:
    """Write in-app notifications now (one INSERT, none when no one is to be told), and e-mail each user that has
    an address by a task that exists once the current transaction commits (notifications.tasks). `users`: Users or
    Recipients."""
    users = list(users)
    if not users:
        return []
    created = [Notification(user_id=user.pk, kind=kind, nomination=nomination, title=title, body=body) for user in users]
    if len(created) == 1:  # the usual case: a plain INSERT (bulk_create would wrap it in a transaction outside one)
        created[0].save(force_insert=True)
    else:
        Notification.objects.bulk_create(created)
    to_mail = [notice.pk for notice, user in zip(created, users, strict=True) if user.email]
    if to_mail:
        tasks.enqueue_on_commit(tasks.send_notice_emails, to_mail)
    return created


def mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all of them when ids is None). Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def _to_proposers(nomination, **message) -> None:
    """Notify whoever drew up and submitted the nomination (two columns of theirs, one query)."""
    ids = {nomination.created_by_id, nomination.submitted_by_id} - {None}
    users = get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", "email")
    send(users=[Recipient(*row) for row in users], nomination=nomination, **message)


def nomination_returned(nomination, reason: str) -> None:
    _to_proposers(nomination, kind=Kind.RETURNED,
                  title=_("Hồ sơ đề nghị khen thưởng bị trả lại: %(n)s") % {"n": nomination},
                  body=_("Hồ sơ “%(n)s” đã bị trả lại. Lý do: %(r)s") % {"n": nomination, "r": reason})


def nomination_rejected(nomination, reason: str) -> None:
    _to_proposers(nomination, kind=Kind.REJECTED,
                  title=_("Hồ sơ đề nghị khen thưởng không được đồng ý: %(n)s") % {"n": nomination},
                  body=_("Hồ sơ “%(n)s” không được đồng ý. Lý do: %(r)s") % {"n": nomination, "r": reason})


def nomination_awarded(nomination) -> None:
    _to_proposers(nomination, kind=Kind.AWARDED,
                  title=_("Hồ sơ được khen thưởng: %(n)s") % {"n": nomination},
                  body=_("Hồ sơ “%(n)s” đã được quyết định khen thưởng, quyết định số %(number)s ngày %(day)s.")
                  % {"n": nomination, "number": nomination.decision_number,
                     "day": nomination.decision_date.strftime("%d/%m/%Y")})


def stage_opened(nomination, *, holders: list[tuple[int, str, str, str]], due_at) -> None:
    """Tell whoever may act on the new stage that a nomination waits for them: `holders` are the role's holders at
    the stage's unit as the actions check them ((user id, e-mail, unit code, unit name): roles.selectors.
    role_holders), one INSERT."""
    from roles.models import OrgUnit

    if not holders:
        return
    unit = OrgUnit(code=holders[0][2], name=holders[0][3])
    due = timezone.localdate(due_at).strftime("%d/%m/%Y") if due_at else "—"
    send(users=[Recipient(pk, email) for pk, email, *_ in holders], kind=Kind.STAGE_OPENED, nomination=nomination,
         title=_("Hồ sơ chờ xử lý: %(n)s") % {"n": nomination},
         body=_("Hồ sơ “%(n)s” đang chờ %(u)s xử lý, hạn %(due)s.") % {"n": nomination, "u": unit, "due": due})

