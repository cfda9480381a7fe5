"""Writes to the catalog side of nominations that are not workflow actions: nominee identity."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from roles.models import OrgUnit

from .models import Nominee, NomineeKind


def resolve_nominee(*, kind: str, name: str, unit: OrgUnit, identity_number: str = "", details: str = "") -> Nominee:
    """The nominee these facts identify: by identity number when given, else by kind, name and unit."""
    name = (name or "").strip()
    identity_number = (identity_number or "").strip()
    if kind not in NomineeKind.values:
        raise ValidationError(_("Loại đối tượng không hợp lệ: %(kind)s.") % {"kind": kind})
    if not name:
        raise ValidationError(_("Tên đối tượng là bắt buộc."))
    if identity_number:
        nominee, created = Nominee.objects.get_or_create(
            kind=kind, identity_number=identity_number, defaults={"name": name, "unit": unit, "details": details}
        )
    else:
        nominee = Nominee.objects.filter(kind=kind, name=name, unit=unit, identity_number="").first()
        created = nominee is None
        if created:
            nominee = Nominee.objects.create(kind=kind, name=name, unit=unit, details=details)
    if not created and details and details != nominee.details:
        nominee.details = details
        nominee.save(update_fields=["details"])
    return nominee
