"""Writes to the catalog side of nominations that are not workflow actions: a unit's record of its nominee."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from roles.models import OrgUnit

from .models import Nominee, NomineeKind


def resolve_nominee(*, kind: str, name: str, unit: OrgUnit, identity_number: str = "") -> Nominee:
    """`unit`'s own record of the nominee these facts identify: by identity number when given, else by kind, name
    and unit. Only the unit's records are looked at, and none is changed: a number another unit recorded reaches
    nothing of theirs (the same citizen elsewhere is G3's to find, nominations.rules)."""
    name = (name or "").strip()
    identity_number = (identity_number or "").strip()
    if kind not in NomineeKind.values:
        raise ValidationError({"nominee": _("Loại đối tượng không hợp lệ: %(kind)s.") % {"kind": kind}})
    if not name:
        raise ValidationError({"nominee": _("Tên đối tượng là bắt buộc.")})
    if identity_number:
        nominee, _created = Nominee.objects.get_or_create(
            unit=unit, kind=kind, identity_number=identity_number, defaults={"name": name}
        )
        if nominee.name != name:
            raise ValidationError({"nominee": _(
                "Đơn vị đã ghi số định danh %(number)s cho “%(name)s”: hãy kiểm tra lại tên hoặc số định danh."
            ) % {"number": identity_number, "name": nominee.name}})
        return nominee
    nominee = Nominee.objects.filter(kind=kind, name=name, unit=unit, identity_number="").first()
    return nominee or Nominee.objects.create(kind=kind, name=name, unit=unit)
