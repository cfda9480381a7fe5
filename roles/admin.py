from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.services import record

from . import selectors, unit_import
from .admin_audit import AuditedAdmin
from .models import OrgUnit, Role, RoleAssignment
from .services import change_role_dates, check_dates, check_unit_placement, grant_role, revoke_role, save_unit

IMPORT_SALT = "roles.unit_import"


class OrgUnitForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if "code" in data and "parent" in data:  # self.instance is still the unit as stored
            check_unit_placement(self.instance, data["parent"], data["code"])
        return data


class UnitImportForm(forms.Form):
    parent = forms.ModelChoiceField(
        OrgUnit.objects.none(), required=False, label=_("Đơn vị cấp trên (xã, phường…)"),
        help_text=_("Gõ tên để chọn; dùng cho các dòng để trống cột «Đơn vị cấp trên»."),
        widget=AutocompleteSelect(OrgUnit._meta.get_field("parent"), admin.site),
    )
    file = forms.FileField(required=False, label=_("Danh sách (.xlsx)"),
                           help_text=_("Dòng đầu: Mã, Tên, Đơn vị cấp trên, Hiệu lực từ (ngày/tháng/năm)."))
    rows = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        scope = OrgUnit.objects.valid_on()
        if not actor.is_superuser:
            scope = scope.subtree_of(selectors.units_with_role(actor, Role.ADMIN))
        self.fields["parent"].queryset = scope


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    """A change of code or parent moves the whole subtree (roles.services.save_unit: one transaction, audited).
    Units below the commune come in many at once from an .xlsx list (roles.unit_import): read and shown with
    every problem first, added only when confirmed."""

    form = OrgUnitForm
    list_display = ["code", "name", "kind", "level", "parent", "official_code", "valid_from", "valid_to", "successor"]
    list_filter = ["level", "kind"]
    # "Bắc Hà Lào Cai": every word must match the code, the name or the parent's name, so a commune is found by
    # its name and its province's
    search_fields = ["code", "official_code", "name", "parent__name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent", "successor"]
    change_list_template = "admin/roles/orgunit/change_list.html"

    def audited_save(self, request, obj, form, change):
        save_unit(actor=request.user, unit=obj)
        return True

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_units)
        return [path("import/", view, name="roles_orgunit_import"), *super().get_urls()]

    def import_units(self, request):
        """GET: the form; POST with a file: the preview (nothing written); POST with the signed rows: add them."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UnitImportForm(request.POST or None, request.FILES or None, actor=request.user)
        reading, confirm, parent = None, False, None
        if request.method == "POST" and form.is_valid():
            parent = form.cleaned_data["parent"]
            try:
                if form.cleaned_data["rows"]:  # what was previewed, parent included, as it was signed
                    data = signing.loads(form.cleaned_data["rows"], salt=IMPORT_SALT, max_age=3600)
                    parent = form.fields["parent"].queryset.filter(pk=data["parent"]).first() if data["parent"] else None
                    if data["parent"] and parent is None:
                        raise PermissionDenied(gettext("Đơn vị cấp trên đã chọn không còn trong phạm vi bạn quản trị."))
                    reading = unit_import.Reading(rows=[unit_import.UnitRow(**row) for row in data["rows"]])
                    unit_import.check(reading, request.user, parent)
                    if not reading.problems:
                        created = unit_import.create_units(reading, request.user, parent)
                        self.message_user(request, ngettext("Đã thêm %(n)s đơn vị.", "Đã thêm %(n)s đơn vị.",
                                                            len(created)) % {"n": len(created)}, messages.SUCCESS)
                        return redirect("admin:roles_orgunit_changelist")
                elif form.cleaned_data["file"]:
                    reading = unit_import.check(unit_import.read_workbook(form.cleaned_data["file"]), request.user,
                                                parent)
                    confirm = not reading.problems
                    if confirm:
                        signed = {"parent": parent.pk if parent else None, "rows": reading.as_data()}
                        form = UnitImportForm(initial={
                            "parent": parent, "rows": signing.dumps(signed, salt=IMPORT_SALT)}, actor=request.user)
                else:
                    form.add_error("file", gettext("Chọn tệp danh sách (.xlsx)."))
            except signing.BadSignature:
                form.add_error(None, gettext("Danh sách xem trước đã hết hạn hoặc bị sửa: hãy tải tệp lên lại."))
            except ValidationError as exc:
                form.add_error("file" if not form.cleaned_data["rows"] else None, exc.messages)
            except PermissionDenied as exc:  # a parent outside the admin's subtree, chosen meanwhile
                form.add_error(None, str(exc))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "reading": reading,
            "confirm": confirm, "title": gettext("Thêm nhiều đơn vị từ tệp Excel"), "media": self.media + form.media,
            "preview": [(row, reading.parents.get(row.parent) if row.parent else parent)
                        for row in reading.rows] if reading else [],
        }
        return TemplateResponse(request, "admin/roles/orgunit/import_units.html", context)


class RoleAssignmentForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        check_dates(data.get("valid_from"), data.get("valid_to"))
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    """Grants, changes of dates and revocations go through `roles.services`, so each is audited; they hold from
    the moment they are saved (a permission check reads the assignment itself)."""

    form = RoleAssignmentForm
    list_display = ["user", "role", "org_unit", "valid_from", "valid_to", "granted_at", "revoked_at"]
    list_filter = ["role", "org_unit__level"]
    search_fields = ["user__username", "org_unit__code"]
    autocomplete_fields = ["user", "org_unit"]
    fields = ["user", "org_unit", "role", "valid_from", "valid_to"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "org_unit", "role"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.revoked_at is None)

    def has_delete_permission(self, request, obj=None):
        return False

    def audited_save(self, request, obj, form, change):
        if change:
            change_role_dates(actor=request.user, assignment=obj, valid_from=obj.valid_from, valid_to=obj.valid_to)
        else:
            assignment = grant_role(actor=request.user, user=obj.user, org_unit=obj.org_unit, role=obj.role,
                                    valid_from=obj.valid_from, valid_to=obj.valid_to)
            obj.pk = assignment.pk
        return True

    @admin.action(description=_("Thu hồi vai trò đã chọn"))
    def revoke(self, request, queryset):
        for assignment in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_role(actor=request.user, assignment=assignment)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{assignment}: {exc}", messages.ERROR)


# --- accounts: who may sign in, and as whom; groups carry the admin's own permissions --------------------------

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """Django's user admin, audited; a password change is recorded as such, never with the hash. The dates are
    the system's to keep (the form's widget would drop their microseconds at every save, a change nobody made)."""

    readonly_fields = ["last_login", "date_joined"]

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic(using=router.db_for_write(self.model)):
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user = self.get_object(request, unquote(id))
                if user.password != before:
                    record(action="admin.password_change", actor=request.user, obj=user,
                           data={"model": user._meta.label_lower, "fields": {}, "redacted": ["password"]})
            return response


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass
