"""Notifications: the in-app row is written in the caller's transaction, so it commits or rolls back with the
action that caused it (and costs no transaction of its own); its e-mail is a task that exists once that commits
(notifications.tasks)."""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Q
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


def label(nomination) -> str:
    """How a notice names a dossier: its number, the nominee and the award's name, never the award's code."""
    return f"#{nomination.pk} {nomination.nominee.name} – {nomination.award.name}"


def _to_proposers(nomination, *, also=None, **message) -> None:
    """Notify whoever drew up and submitted the nomination, and the users `also` (a Q on users) selects: two columns
    of theirs, one query."""
    who = Q(pk__in={nomination.created_by_id, nomination.submitted_by_id} - {None})
    if also is not None:
        who |= also
    users = get_user_model().objects.filter(who, is_active=True).values_list("pk", "email")
    send(users=[Recipient(*row) for row in users], nomination=nomination, **message)


def nomination_returned(nomination, reason: str, *, by_unit, to_unit=None) -> None:
    """Tell the proposers that `by_unit` returned the dossier, to themselves or (`to_unit`) to a lower level."""
    values = {"n": label(nomination), "by": by_unit.name, "r": reason}
    if to_unit is None:
        body = _("Hồ sơ “%(n)s” đã bị %(by)s trả lại để đơn vị hoàn thiện. Lý do: %(r)s") % values
    else:
        body = _("Hồ sơ “%(n)s” đã bị %(by)s trả lại về %(to)s. Lý do: %(r)s") % {**values, "to": to_unit.name}
    _to_proposers(nomination, kind=Kind.RETURNED,
                  title=_("Hồ sơ đề nghị khen thưởng bị trả lại: %(n)s") % values, body=body)


def nomination_rejected(nomination, reason: str, *, by_unit, forwarders=None) -> None:
    """Tell the proposers and the levels that forwarded the dossier (`forwarders`, a Q on users) that `by_unit`
    declined it, with the reason."""
    values = {"n": label(nomination), "by": by_unit.name, "r": reason}
    _to_proposers(nomination, also=forwarders, kind=Kind.REJECTED,
                  title=_("Hồ sơ đề nghị khen thưởng không được đồng ý: %(n)s") % values,
                  body=_("Hồ sơ “%(n)s” không được %(by)s đồng ý. Lý do: %(r)s") % values)


def nomination_awarded(nomination) -> None:
    _to_proposers(nomination, kind=Kind.AWARDED,
                  title=_("Hồ sơ được khen thưởng: %(n)s") % {"n": label(nomination)},
                  body=_("Hồ sơ “%(n)s” đã được quyết định khen thưởng, quyết định số %(number)s ngày %(day)s.")
                  % {"n": label(nomination), "number": nomination.decision_number,
                     "day": nomination.decision_date.strftime("%d/%m/%Y")})


def stage_opened(nomination, *, holders: list[tuple[int, str, str, str]], due_at, returned=None) -> None:
    """Tell whoever may act on the new stage that a nomination waits for them: `holders` are the role's holders at
    the stage's unit as the actions check them ((user id, e-mail, unit code, unit name): roles.selectors.
    role_holders), one INSERT. `returned`: (the unit that returned it, the reason) when a higher level sent the
    dossier back to this one, so the notice says so and why, not that a new dossier waits."""
    if not holders:
        return
    values = {"n": label(nomination), "u": holders[0][3],
              "due": timezone.localdate(due_at).strftime("%d/%m/%Y") if due_at else "—"}
    recipients = [Recipient(pk, email) for pk, email, *_ in holders]
    if returned is not None:
        by_unit, reason = returned
        values.update(by=by_unit.name, r=reason)
        send(users=recipients, kind=Kind.RETURNED, nomination=nomination,
             title=_("Hồ sơ bị trả lại: %(n)s") % values,
             body=_("Hồ sơ “%(n)s” đã bị %(by)s trả lại về %(u)s. Lý do: %(r)s. Hạn xử lý lại: %(due)s.") % values)
        return
    send(users=recipients, kind=Kind.STAGE_OPENED, nomination=nomination,
         title=_("Hồ sơ chờ xử lý: %(n)s") % values,
         body=_("Hồ sơ “%(n)s” đang chờ %(u)s xử lý, hạn %(due)s.") % values)
