"""The on-demand audit check as inspectors ask for it, the same for the pages and the API: its budget per user, what
it tells each reader, and the subtree an export may cover."""

import logging
import math
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import Event
from audit.verification import Verification
from roles.models import OrgUnit

security_log = logging.getLogger("security")
DURATIONS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


class TooManyChecks(Exception):
    """The user spent their budget of on-demand checks; `seconds` until the next one, `message` to show."""

    def __init__(self, wait: float):
        self.seconds = max(1, math.ceil(wait))
        self.message = ngettext(
            "Bạn đã kiểm tra quá nhiều lần. Vui lòng thử lại sau %(seconds)d giây.",
            "Bạn đã kiểm tra quá nhiều lần. Vui lòng thử lại sau %(seconds)d giây.",
            self.seconds,
        ) % {"seconds": self.seconds}
        super().__init__(self.message)


def _rate() -> tuple[int, int]:
    count, _slash, period = settings.AUDIT_VERIFY_RATE.partition("/")
    return int(count), DURATIONS[period]


def spend_check(user) -> None:
    """Count one on-demand check against the user's budget (AUDIT_VERIFY_RATE, e.g. "6/min": a sliding window kept
    in the default cache, so per process unless CACHES names a shared one); TooManyChecks when it is spent."""
    allowed, period = _rate()
    key, now = f"audit-verify:{user.pk}", time.time()
    history = [moment for moment in cache.get(key, []) if moment > now - period]
    if len(history) >= allowed:
        raise TooManyChecks(history[0] + period - now)
    cache.set(key, [*history, now], period)


def export_root(user, roots: list[str], unit_code: str | None) -> str:
    """The subtree to export: my first inspection root, or a unit inside my subtrees (unknown or outside: 404, as
    for any object outside one's scope)."""
    if not unit_code:
        return roots[0]
    unit = OrgUnit.objects.filter(code=unit_code.strip().upper()).first()
    if unit is None or not any(unit.path.startswith(root) for root in roots):
        if unit is not None:
            security_log.warning("denied action=audit_export user=%s unit=%s", getattr(user, "pk", None), unit.code)
        raise Http404(_("Không tìm thấy đơn vị."))
    return unit.path


def national(roots: list[str]) -> bool:
    """True when the roots cover the whole country: a superuser's "/", or an inspector at every top unit."""
    return "/" in roots or not OrgUnit.objects.filter(parent__isnull=True).exclude(path__in=roots).exists()


def verification_answer(verification: Verification, roots: list[str]) -> dict:
    """What an on-demand check tells this reader: the verdict and the verified head's hash to everyone; the head's
    seq (the national event count), what the check read and where a break is to a reader of the whole country
    only; anyone else learns how many of the events it read were their own subtrees' (a count over the events this
    check read, so its cost does not grow with the log)."""
    answer = {
        "ok": verification.ok,
        "head_hash": verification.head_hash,
        "complete": verification.complete,
        "problem": verification.problem,
        "full_checked_at": verification.full_checked_at,
        # the newest signed checkpoint the log was held to (audit.checkpoints); its seq is national, like head_seq
        "checkpoint_at": datetime.fromisoformat(verification.checkpoint.at) if verification.checkpoint else None,
    }
    if national(roots):
        answer |= {
            "checkpoint_seq": verification.checkpoint.seq if verification.checkpoint else None,
            "head_seq": verification.head_seq,
            "checked_from_seq": verification.checked_from,
            "events_checked": verification.result.events_checked,
            "first_bad_seq": verification.first_bad_seq,
            "message": verification.message,
        }
    else:
        scope = Q()
        for root in roots:
            scope |= Q(org_path__startswith=root)
        read = Event.objects.filter(seq__gt=verification.checked_from, seq__lte=verification.result.head_seq)
        answer["events_checked_in_scope"] = read.filter(scope).count() if verification.result.events_checked else 0
    return answer
