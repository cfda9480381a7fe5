"""Send notifications (in-app row + e-mail) only after the surrounding transaction commits."""

from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Kind, Notification


class Recipient(NamedTuple):
    """What sending needs of a user (a User works as well): read as two columns, not as whole users."""

    pk: int
    email: str


def send_now(*, users, kind: str, title: str, body: str, nomination=None) -> list[Notification]:
    """Create in-app notifications (one INSERT, none when no one is to be told) and e-mail each user that has an
    address. `users`: Users or Recipients. Call after commit."""
    users = list(users)
    if not users:
        return []
    created = [Notification(user_id=user.pk, kind=kind, nomination=nomination, title=title, body=body) for user in users]
    if len(created) == 1:  # the usual case: a plain INSERT, where bulk_create wraps it in a transaction of its own
        created[0].save(force_insert=True)
    else:
        Notification.objects.bulk_create(created)
    for user in users:
        if user.email:
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
    return created


def notify(*, users, kind: str, title: str, body: str, nomination=None) -> None:
    """Schedule send_now for when the current transaction commits (nothing is sent if it rolls back)."""
    users = list(users)
    transaction.on_commit(lambda: send_now(users=users, kind=kind, title=title, body=body, nomination=nomination))


def mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all of them when ids is None). Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def _to_proposers(nomination, **message) -> None:
    """Notify whoever drew up and submitted the nomination; they are looked up after commit, not in the action."""
    ids = {nomination.created_by_id, nomination.submitted_by_id} - {None}

    def send():
        users = get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", "email")
        send_now(users=[Recipient(*row) for row in users], nomination=nomination, **message)

    transaction.on_commit(send)


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


def stage_opened(nomination, *, org_unit_id: int, role: str, due_at) -> None:
    """Tell whoever may act on the new stage (the role's permission at the unit, as the actions check it) that a
    nomination waits for them: after commit, outside the action's transaction, one query for the recipients and
    the unit's name, one INSERT."""
    from roles.models import OrgUnit, OrgUnitUserPermission
    from roles.permissions import codename

    def send():
        rows = list(
            OrgUnitUserPermission.objects.filter(
                content_object_id=org_unit_id, permission__codename=codename(role), user__is_active=True
            ).values_list("user_id", "user__email", "content_object__code", "content_object__name")
        )
        if not rows:
            return
        unit = OrgUnit(code=rows[0][2], name=rows[0][3])
        due = timezone.localdate(due_at).strftime("%d/%m/%Y") if due_at else "—"
        send_now(users=[Recipient(pk, email) for pk, email, *_ in rows], kind=Kind.STAGE_OPENED,
                 nomination=nomination, title=_("Hồ sơ chờ xử lý: %(n)s") % {"n": nomination},
                 body=_("Hồ sơ “%(n)s” đang chờ %(u)s xử lý, hạn %(due)s.") % {"n": nomination, "u": unit, "due": due})

    transaction.on_commit(send)
