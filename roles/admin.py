from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit, RoleAssignment
from .services import grant_role, revoke_role


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to", "successor"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent", "successor"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grants and revocations go through `roles.services`, so each is audited and mirrored into guardian."""

    list_display = ["user", "role", "org_unit", "valid_from", "valid_to", "granted_at", "revoked_at"]
    list_filter = ["role", "org_unit__level"]
    search_fields = ["user__username", "org_unit__code"]
    autocomplete_fields = ["user", "org_unit"]
    fields = ["user", "org_unit", "role", "valid_from", "valid_to"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        assignment = grant_role(actor=request.user, user=obj.user, org_unit=obj.org_unit, role=obj.role,
                                valid_from=obj.valid_from, valid_to=obj.valid_to)
        obj.pk = assignment.pk

    @admin.action(description=_("Thu hồi vai trò đã chọn"))
    def revoke(self, request, queryset):
        for assignment in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_role(actor=request.user, assignment=assignment)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{assignment}: {exc}", messages.ERROR)
