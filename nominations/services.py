"""Writes to the catalog side of nominations that are not workflow actions: a unit's record of its nominee."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from roles.models import OrgUnit

from .models import Nominee, NomineeKind


class Nominees:
    """`unit`'s own records of the nominees some rows name ({kind, name, identity_number}): by identity number when
    given, else by kind, name and unit. Only the unit's records are looked at, and none is changed: a number another
    unit recorded reaches nothing of theirs (the same citizen elsewhere is G3's to find, nominations.rules).

    The records the rows name are read in two statements; resolve() gives each row's record, a new one (unsaved)
    when the unit has none, which a later row naming the same person gets too; save() writes the new ones."""

    def __init__(self, unit: OrgUnit, nominees: list[dict]):
        self.unit, self.new = unit, []
        numbers = {(n.get("identity_number") or "").strip() for n in nominees} - {""}
        names = {(n.get("name") or "").strip() for n in nominees if not (n.get("identity_number") or "").strip()}
        self.by_number = {(p.kind, p.identity_number): p
                          for p in Nominee.objects.filter(unit=unit, identity_number__in=numbers)} if numbers else {}
        self.by_name = {}
        for person in (Nominee.objects.filter(unit=unit, identity_number="", name__in=names).order_by("-pk")
                       if names else ()):
            self.by_name[(person.kind, person.name)] = person  # the lowest pk last: the oldest record wins

    def resolve(self, nominee: dict) -> Nominee:
        kind, name = nominee.get("kind", ""), (nominee.get("name") or "").strip()
        identity_number = (nominee.get("identity_number") or "").strip()
        if kind not in NomineeKind.values:
            raise ValidationError({"nominee": _("Loại đối tượng không hợp lệ: %(kind)s.") % {"kind": kind}})
        if not name:
            raise ValidationError({"nominee": _("Tên đối tượng là bắt buộc.")})
        known, key = (self.by_number, (kind, identity_number)) if identity_number else (self.by_name, (kind, name))
        person = known.get(key)
        if person is None:
            person = known[key] = Nominee(unit=self.unit, kind=kind, name=name, identity_number=identity_number)
            self.new.append(person)
        else:
            _check_name(person, name)
        return person

    def save(self) -> None:
        """Write the new records. One another transaction recorded meanwhile (the same identity number) is taken
        instead, its name checked: the race get_or_create would have settled."""
        try:
            with transaction.atomic():
                Nominee.objects.bulk_create(self.new)
        except IntegrityError:
            for person in self.new:
                person.pk = None
                if not person.identity_number:
                    person.save()
                    continue
                stored, _created = Nominee.objects.get_or_create(
                    unit=self.unit, kind=person.kind, identity_number=person.identity_number,
                    defaults={"name": person.name})
                _check_name(stored, person.name)
                person.pk = stored.pk
        self.new = []


def _check_name(person: Nominee, name: str) -> None:
    if person.identity_number and person.name != name:
        raise ValidationError({"nominee": _(
            "Đơn vị đã ghi số định danh %(number)s cho “%(name)s”: hãy kiểm tra lại tên hoặc số định danh."
        ) % {"number": person.identity_number, "name": person.name}})
