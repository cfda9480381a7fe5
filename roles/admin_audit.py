"""Every change made in /admin/ to data that routing, decisions, scopes or a dossier depend on is an audit event.

`AuditedAdmin` records, in the transaction of the admin's own write (`changeform_view` and `delete_view` are
atomic; the bulk delete is made so here), one event per saved or deleted object: "admin.add", "admin.change" or
"admin.delete", with data {"model": "app.model", "fields": {name: [before, after]}} for the changed fields only
(a foreign key by id, a date in ISO 8601, many-to-many fields as sorted ids), "inlines" for the rows of its inline
forms that were added, changed or deleted, "redacted" for fields whose values are never logged (a password), and
"cascade" for the rows a deletion took with it. The "before" is read from the row, locked, just before the write.
A model whose writes go through an audited service (units, role assignments) saves through it instead
(`audited_save` returns True) and adds nothing of its own but its inline and many-to-many changes.

It lives in `roles`, the lowest layer that may import `audit` and knows the organisation tree (an event is filed
under the unit its object belongs to, so an inspector of that subtree reads it).
"""

from django.contrib import admin
from django.db import router, transaction
from django.db.models.deletion import Collector

from audit.services import record

from .changes import diff, field_values, stored_values
from .models import OrgUnit


class AuditedAdmin(admin.ModelAdmin):
    """Mix in before `admin.ModelAdmin` (or a subclass of it): `class XAdmin(AuditedAdmin, admin.ModelAdmin)`."""

    def audited_save(self, request, obj, form, change) -> bool:
        """Write `obj`; True when the write recorded its own audit event (an audited service did it)."""
        super().save_model(request, obj, form, change)
        return False

    def audit_org_unit(self, obj) -> OrgUnit | None:
        """The unit `obj` belongs to: itself for a unit, else its first foreign key to a unit."""
        if isinstance(obj, OrgUnit):
            return obj
        for field in obj._meta.concrete_fields:
            if field.is_relation and field.related_model is OrgUnit and getattr(obj, field.attname) is not None:
                return getattr(obj, field.name)
        return None

    # --- the admin's hooks ---------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        before = stored_values(obj) if change else None
        obj._admin_audit = (before, self.audited_save(request, obj, form, change))

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        m2m = [field for field in obj._meta.many_to_many
               if field.name in form.fields and not form.fields[field.name].disabled]
        m2m_before = {field.name: _related_ids(obj, field) if change else [] for field in m2m}
        inlines_before = [_inline_rows(formset) for formset in formsets]
        super().save_related(request, form, formsets, change)
        before, recorded = obj.__dict__.pop("_admin_audit", (None, True))
        fields, redacted = ({}, []) if recorded else diff(before, field_values(obj))
        for field in m2m:
            after = _related_ids(obj, field)
            if after != m2m_before[field.name]:
                fields[field.name] = [m2m_before[field.name], after]
        inlines = {}
        for formset, rows in zip(formsets, inlines_before, strict=True):
            if changes := _inline_changes(formset, rows):
                inlines[formset.model._meta.label_lower] = changes
        if recorded and not fields and not inlines:
            return
        if change and not fields and not redacted and not inlines:
            return
        self._record(request, obj, "admin.change" if change or recorded else "admin.add", fields, redacted, inlines)

    def delete_model(self, request, obj):
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset.order_by("pk"):
                self._record_deletion(request, obj)
            super().delete_queryset(request, queryset)

    # --- the events ----------------------------------------------------------------------------------------------

    def _record(self, request, obj, action, fields, redacted=(), inlines=None, cascade=None):
        data = {"model": obj._meta.label_lower, "fields": fields}
        if redacted:
            data["redacted"] = list(redacted)
        if inlines:
            data["inlines"] = inlines
        if cascade:
            data["cascade"] = cascade
        record(action=action, actor=request.user, obj=obj, org_unit=self.audit_org_unit(obj), data=data)

    def _record_deletion(self, request, obj):
        fields, redacted = diff(stored_values(obj) or field_values(obj), None)
        self._record(request, obj, "admin.delete", fields, redacted, cascade=_cascade(obj))


def _related_ids(obj, field) -> list:
    return sorted(getattr(obj, field.name).values_list("pk", flat=True))


def _inline_rows(formset) -> tuple[dict, dict]:
    """({id(form instance): its pk}, {pk: stored values}) of the rows the inline formset showed, before it saves."""
    pks = {id(form.instance): form.instance.pk for form in formset.initial_forms if form.instance.pk is not None}
    model = formset.model
    fields = model._meta.concrete_fields
    stored = {}
    if pks:
        for row in (model._base_manager.filter(pk__in=pks.values()).order_by().select_for_update(of=("self",))
                    .values_list(*[field.attname for field in fields])):
            values = {field.name: value for field, value in zip(fields, row, strict=True)}
            stored[values[model._meta.pk.name]] = values
    return pks, stored


def _inline_changes(formset, rows) -> list[dict]:
    pks, stored = rows
    changes = []
    for obj in getattr(formset, "new_objects", []):
        changes.append({"id": obj.pk, "op": "add", "fields": diff(None, field_values(obj))[0]})
    for obj, _names in getattr(formset, "changed_objects", []):
        fields = diff(stored.get(obj.pk), field_values(obj))[0]
        if fields:
            changes.append({"id": obj.pk, "op": "change", "fields": fields})
    for obj in getattr(formset, "deleted_objects", []):
        pk = pks.get(id(obj))
        changes.append({"id": pk, "op": "delete", "fields": diff(stored.get(pk), None)[0]})
    return changes


def _cascade(obj) -> dict:
    """{model: [ids]} of the rows deleting `obj` deletes with it (its cascades; many-to-many links included)."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    collector.collect([obj])
    found: dict[str, set] = {}
    for model, instances in collector.data.items():
        found.setdefault(model._meta.label_lower, set()).update(o.pk for o in instances if o is not obj)
    for queryset in collector.fast_deletes:
        found.setdefault(queryset.model._meta.label_lower, set()).update(queryset.values_list("pk", flat=True))
    return {label: sorted(ids) for label, ids in found.items() if ids}
