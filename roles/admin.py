from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _

from audit.services import record

from .admin_audit import AuditedAdmin
from .models import OrgUnit, RoleAssignment
from .services import change_role_dates, check_dates, check_unit_placement, grant_role, revoke_role, save_unit


class OrgUnitForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if "code" in data and "parent" in data:  # self.instance is still the unit as stored
            check_unit_placement(self.instance, data["parent"], data["code"])
        return data


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    """A change of code or parent moves the whole subtree (roles.services.save_unit: one transaction, audited)."""

    form = OrgUnitForm
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to", "successor"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent", "successor"]

    def audited_save(self, request, obj, form, change):
        save_unit(actor=request.user, unit=obj)
        return True


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
