"""GET /healthz for a load balancer: 200 when this server reaches the database and the file storage, else 503;
JSON naming each part. No login, no session, no redirect (SECURE_REDIRECT_EXEMPT), never cached; the reason of a
failure goes to the log, not to the anonymous caller."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("django.request")


def _database() -> None:
    """One indexed read of a table every migrated database has: reachable, and the schema is there."""
    ContentType.objects.order_by().values_list("pk").first()


def _storage() -> None:
    """Write and delete a small file: what an upload needs (a mounted directory or the S3 bucket, writable)."""
    default_storage.delete(default_storage.save("healthz/probe", ContentFile(b"ok")))


@never_cache
@require_safe
def healthz(request):
    parts = {}
    for name, check in (("database", _database), ("storage", _storage)):
        try:
            check()
            parts[name] = "ok"
        except Exception:
            logger.exception("healthz: %s unavailable", name)
            parts[name] = "unavailable"
    ok = all(state == "ok" for state in parts.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", **parts}, status=200 if ok else 503)
